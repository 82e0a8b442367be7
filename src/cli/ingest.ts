// npm run ingest [-- PATH…]      sync knowledge/ into the database, and add PATHs (files or folders)
//                                as staff documents (their original bytes are stored in the database)
// npm run ingest -- --remove ID  remove a staff document (audited); bundled documents follow knowledge/
// Unchanged files are skipped by content hash; bundled files removed from knowledge/ leave the
// index; staff documents stay until removed. A progress bar on a terminal; a summary line;
// unreadable files are named. Every running process picks the change up within seconds.
import os from 'node:os';
import cliProgress from 'cli-progress';
import { cliLogger } from '../answer/cli-support.js';
import { createAnswerService } from '../answer/service.js';
import { runCli } from './support.js';

const argv = process.argv.slice(2).filter((a) => a !== '--');
const removeAt = argv.indexOf('--remove');
const removeIds = removeAt >= 0 ? argv.slice(removeAt + 1) : [];
const extra = removeAt >= 0 ? argv.slice(0, removeAt) : argv;
if (removeAt >= 0 && (removeIds.length === 0 || extra.length > 0)) {
  console.error('usage: npm run ingest -- --remove DOCUMENT_ID…');
  process.exit(2);
}
const unknown = extra.find((a) => a.startsWith('--'));
if (unknown) {
  console.error(`unknown option ${unknown}\nusage: npm run ingest [-- PATH…]   |   npm run ingest -- --remove DOCUMENT_ID…`);
  process.exit(2);
}
const actor = `cli:${os.userInfo().username}`;

await runCli(async ({ config, db }) => {
  const log = cliLogger(config);
  const service = createAnswerService({ db, config, log, threads: 0 });
  if (removeIds.length) {
    for (const id of removeIds) {
      const ok = await service.remove(id, actor);
      if (ok) console.log(`removed: ${id}`);
      else {
        console.error(`not removed: ${id} (no staff document with this id; bundled documents are removed by deleting their file from knowledge/)`);
        process.exitCode = 1;
      }
    }
    return;
  }
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'indexing {bar} {value}/{total} {file}', stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    : null;
  let started = false;
  const result = await service.ingest({
    extra,
    actor,
    onProgress: (done, total, file) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0, { file: '' });
        started = true;
      }
      bar.update(done, { file: file.length > 50 ? '…' + file.slice(-49) : file });
    },
  });
  bar?.stop();
  for (const f of result.failed) console.error(`not indexed: ${f.file}: ${f.error}`);
  const stats = service.stats();
  const staff = result.staff.length ? `; staff documents stored in the database: ${result.staff.join(', ')}` : '';
  console.log(
    `knowledge: ${result.files} files: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged, ${result.removed} removed, ${result.failed.length} failed` +
      ` (${stats.documents} documents, ${stats.units} units indexed, version ${stats.version})${staff}`,
  );
  await service.close();
  if (result.failed.length) process.exitCode = 1;
});
