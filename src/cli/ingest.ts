// npm run ingest [-- PATH…]: index knowledge/ (and the uploads folder, and any extra files or
// folders) into the database. Unchanged files are skipped by content hash; files removed from disk
// leave the index; a progress bar on a terminal; a summary line; unreadable files are named.
import cliProgress from 'cli-progress';
import { cliLogger } from '../answer/cli-support.js';
import { createAnswerService } from '../answer/service.js';
import { runCli } from './support.js';

const extra = process.argv.slice(2).filter((a) => a !== '--');

await runCli(async ({ config, db }) => {
  const log = cliLogger(config);
  const service = createAnswerService({ db, config, log });
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'indexing {bar} {value}/{total} {file}', stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    : null;
  let started = false;
  const result = await service.ingest({
    extra,
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
  console.log(
    `knowledge: ${result.files} files: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged, ${result.removed} removed, ${result.failed.length} failed` +
      ` (${service.index().documents.size} documents, ${service.index().size} units indexed)`,
  );
  if (result.failed.length) process.exitCode = 1;
});
