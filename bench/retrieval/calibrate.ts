// npx tsx bench/retrieval/calibrate.ts [questions.jsonl] — sweeps the routing thresholds over the
// labelled set (test/fixtures/questions.jsonl) and prints outcome accuracy for each combination,
// best first. Used to pick ANSWER_MIN_CONFIDENCE and the misconception thresholds.
import fs from 'node:fs';
import { cliLogger } from '../../src/answer/cli-support.js';
import { createPipeline, DEFAULT_THRESHOLDS } from '../../src/answer/pipeline.js';
import { createAnswerService } from '../../src/answer/service.js';
import { loadConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { openDb } from '../../src/db/open.js';
import { hashEmbed } from '../../src/retrieval/embeddings.js';

const file = process.argv[2] ?? 'test/fixtures/questions.jsonl';
const qs = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; q: string; expect?: string[] });
const want = (k: string) => ({ fact: 'answered', misconception: 'misconception', out_of_scope: 'out_of_scope', smalltalk: 'smalltalk' })[k];

const config = loadConfig();
const db = await openDb(config);
try {
  await migrate(db);
  const svc = createAnswerService({ db, config, log: cliLogger(config), rephraser: null });
  await svc.prepare();
  const index = svc.index();
  const rows: Array<{ t: typeof DEFAULT_THRESHOLDS; acc: number; byKind: Record<string, string> }> = [];
  for (const minConfidence of [0.3, 0.35, 0.4, 0.45, 0.5]) {
    for (const misconceptionWithRequires of [0.35, 0.4, 0.45, 0.5, 0.55]) {
      const t = { ...DEFAULT_THRESHOLDS, minConfidence, misconceptionWithRequires };
      const p = createPipeline({ index: () => index, lex: () => index.lex, embedQuery: async (s) => hashEmbed(s), dense: () => index.memorySearcher(), thresholds: t });
      const ok: Record<string, [number, number]> = {};
      for (const q of qs) {
        const r = await p.answer(q.q);
        const good = q.expect ? q.expect.includes(r.outcome) : want(q.kind) ? r.outcome === want(q.kind) : true;
        const k = (ok[q.kind] ??= [0, 0]);
        k[0] += good ? 1 : 0;
        k[1]++;
      }
      const total = Object.values(ok).reduce((s, [a]) => s + a, 0) / qs.length;
      rows.push({ t, acc: total, byKind: Object.fromEntries(Object.entries(ok).map(([k, [a, n]]) => [k, `${a}/${n}`])) });
      process.stderr.write('.');
    }
  }
  rows.sort((a, b) => b.acc - a.acc);
  for (const r of rows.slice(0, 12)) console.log((r.acc * 100).toFixed(1) + '%', JSON.stringify({ min: r.t.minConfidence, mis: r.t.misconceptionWithRequires }), JSON.stringify(r.byKind));
} finally {
  await db.close();
}
