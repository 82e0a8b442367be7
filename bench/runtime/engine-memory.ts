// Heap retained by one answer engine while it answers: builds the engine in this thread from the
// bundled knowledge (embedded in-memory database), answers the acceptance questions N times and
// prints heapUsed after a full GC at each step. A heap that keeps growing is a cache without a
// bound. Usage: node --expose-gc --import tsx bench/runtime/engine-memory.ts [rounds] [--snapshot DIR]
import fs from 'node:fs';
import v8 from 'node:v8';
import { testConfig } from '../../src/config.js';
import { pgliteDb } from '../../src/db/pglite.js';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/log.js';
import { createAnswerService } from '../../src/answer/service.js';

const rounds = Number(process.argv[2] ?? 5);
// --no-gc: no forced collections; report the peak heap and RSS as V8 schedules GC by itself
const forced = !process.argv.includes('--no-gc');
const snapDir = process.argv.includes('--snapshot') ? process.argv[process.argv.indexOf('--snapshot') + 1] : null;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (x: number) => Math.round(x / 1048576);
const config = testConfig();
const db = await pgliteDb('memory://');
await migrate(db);
const svc = createAnswerService({ db, config, log: createLogger(config), threads: 0 });
await svc.prepare();
const qfile = '/work/shared/acceptance/sample-questions.jsonl';
const qs = fs.existsSync(qfile)
  ? fs.readFileSync(qfile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { q: string }).q)
  : ['Hang Bua ở đâu?', 'Lễ hội Hang Bua vào tháng mấy?'];
gc();
const base = process.memoryUsage().heapUsed;
console.log(`engine ready: heapUsed ${mb(base)} MB, ${qs.length} questions a round`);
if (snapDir) v8.writeHeapSnapshot(`${snapDir}/engine-0.heapsnapshot`);
for (let r = 1; r <= rounds; r++) {
  let peakHeap = 0, peakRss = 0;
  for (const q of qs) {
    await svc.pipeline.answer(q);
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapTotal);
    peakRss = Math.max(peakRss, m.rss);
  }
  if (forced) gc();
  console.log(`round ${r}: heapUsed ${mb(process.memoryUsage().heapUsed)} MB (+${mb(process.memoryUsage().heapUsed - base)}), peak heapTotal ${mb(peakHeap)} MB, peak RSS ${mb(peakRss)} MB`);
}
if (snapDir) v8.writeHeapSnapshot(`${snapDir}/engine-${rounds}.heapsnapshot`);
await svc.close();
await db.close();
