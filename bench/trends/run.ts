// npx tsx bench/trends/run.ts [--rows N] [--smoke] [--keep]
// Trends over a large question log: generates N logged questions (default 1,000,000) spread over a
// year, builds the daily rollup, then times the dashboard overview and the other insights queries.
// With DATABASE_URL (PostgreSQL) it works in a fresh temporary database on that server, dropped
// afterwards unless --keep; without it, in in-memory PGlite. --smoke: 20,000 rows and few
// repetitions, for CI; it checks that the rollup-based counts equal counts from the raw log
// and exits non-zero when they differ. Results of a full run are in bench/trends/results.md.
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { pgliteDb } from '../../src/db/pglite.js';
import { postgresDb } from '../../src/db/postgres.js';
import type { Db } from '../../src/db/types.js';
import { createInsightsAdmin } from '../../src/insights/admin.js';
import { DAY_MS } from '../../src/insights/clock.js';
import { createPseudonymizer } from '../../src/insights/pseudonym.js';
import { createQuestionRecorder } from '../../src/insights/question-log.js';
import { buildReport } from '../../src/insights/report.js';
import { questionCounts } from '../../src/insights/trends.js';

const { values } = parseArgs({ options: { rows: { type: 'string' }, smoke: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } } });
const smoke = Boolean(values.smoke);
const rows = Number(values.rows ?? (smoke ? 20_000 : 1_000_000));
const reps = smoke ? 3 : 25;
const config = loadConfig();

async function openBenchDb(): Promise<{ db: Db; kind: string; drop(): Promise<void> }> {
  if (!config.DATABASE_URL) return { db: await pgliteDb('memory://'), kind: 'PGlite (in memory)', drop: async () => {} };
  const name = 'bench_trends_' + crypto.randomBytes(4).toString('hex');
  const admin = new pg.Client({ connectionString: config.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  await admin.end();
  const u = new URL(config.DATABASE_URL);
  u.pathname = '/' + name;
  const db = postgresDb(u.toString(), 4);
  return {
    db,
    kind: `PostgreSQL ${version} (database ${name})`,
    async drop() {
      await db.close();
      if (values.keep) return console.log(`kept database ${name}`);
      const c = new pg.Client({ connectionString: config.DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const now = new Date();

/** N questions over the last 365 days: mixes of outcome, topic and language; 31 misconceptions, each with its own topic. */
async function generate(db: Db, n: number): Promise<void> {
  const phrases = [
    'Hang Bua ở đâu', 'lễ hội Hang Bua tổ chức khi nào', 'biên giới Việt Lào dài bao nhiêu km', 'Hoàng Sa thuộc Quảng Nam phải không',
    'đường đi Châu Tiến thế nào', 'thủ tục đăng ký kết hôn', 'giờ làm việc ủy ban xã', 'xin chào ad', 'how to get to Hang Bua cave',
    'Trường Sa thuộc tỉnh nào', 'nghề dệt thổ cẩm ở đâu', 'giá vé vào hang',
  ];
  const chunk = smoke ? n : 200_000;
  for (let done = 0; done < n; done += chunk) {
    const m = Math.min(chunk, n - done);
    await db.query(
      `INSERT INTO question_log (asked_at, channel, user_pseudonym, lang, outcome, topic, sources, misconception_id, confidence, latency_ms, question_text, question_folded, answer_text)
       SELECT $1::timestamptz - (random() * interval '365 days'),
              'zalo',
              md5((random() * 50000)::int::text),
              CASE WHEN r1 < 0.08 THEN 'en' ELSE 'vi' END,
              o,
              CASE WHEN o IN ('smalltalk', 'out_of_scope') THEN NULL ELSE (ARRAY['commune','tourism','border','sea','human_rights','events','plan'])[1 + (CASE WHEN o = 'misconception' THEN m % 7 ELSE (random() * 6)::int END)] END,
              CASE WHEN o = 'answered' THEN '[{"id":"hang-bua","title":"Hang Bua"}]'::jsonb ELSE '[]'::jsonb END,
              CASE WHEN o = 'misconception' THEN 'mis-' || m ELSE NULL END,
              random(), (random() * 300)::int,
              p || ' ' || (g % 997), f_unaccent(lower(p)) || ' ' || (g % 997), 'Trả lời mẫu.'
         FROM (SELECT g, random() AS r1, random() AS r2,
                      ($4::text[])[1 + (g % array_length($4::text[], 1))] AS p
                 FROM generate_series($2::int, $3::int) g) s,
              LATERAL (SELECT (random() * 30)::int AS m) mm,
              LATERAL (SELECT CASE WHEN r2 < 0.62 THEN 'answered' WHEN r2 < 0.72 THEN 'misconception' WHEN r2 < 0.9 THEN 'out_of_scope' ELSE 'smalltalk' END AS o) oo`,
      [now, done + 1, done + m, phrases],
    );
    process.stderr.write(`\rgenerated ${done + m} / ${n}`);
  }
  process.stderr.write('\n');
  await db.query(`INSERT INTO question_daily (day, topic, outcome, lang, misconception_id, questions)
    SELECT ((asked_at AT TIME ZONE 'UTC') + interval '7 hours')::date, coalesce(topic, ''), outcome, lang, coalesce(misconception_id, ''), count(*)
      FROM question_log GROUP BY 1, 2, 3, 4, 5`);
  // Twenty flags (misconceptions mis-0 … mis-19), so the flag list computes real 24 h / 7 d counts and 30-day series.
  await db.query(`INSERT INTO misconception_flag (misconception_id, claim, reason, raised_at, users_24h, users_7d, status)
    SELECT 'mis-' || g, 'claim ' || g, 'users_24h', $1::timestamptz - g * interval '1 day', 5, 5, CASE WHEN g % 3 = 0 THEN 'resolved' ELSE 'new' END
      FROM generate_series(0, 19) g`, [now]);
  await db.exec('ANALYZE question_log; ANALYZE question_daily;');
}

async function time(label: string, fn: () => Promise<unknown>): Promise<{ label: string; median: number; p95: number }> {
  await fn(); // warm caches and plans
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { label, median: ms[Math.floor(ms.length / 2)], p95: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)] };
}

const { db, kind, drop } = await openBenchDb();
let failed = false;
try {
  await migrate(db);
  const t0 = performance.now();
  await generate(db, rows);
  console.log(`${kind}: ${rows.toLocaleString('en')} questions generated and rolled up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The recorder keeps the rollup on insert: time it, and check that counts still agree afterwards.
  const recorder = createQuestionRecorder({ pseudonyms: createPseudonymizer({ secret: 'bench' }) });
  const inserts = smoke ? 200 : 2000;
  const r0 = performance.now();
  for (let i = 0; i < inserts; i++) {
    await db.tx((q) => recorder.record(q, {
      channel: 'zalo', userId: `u${i % 300}`,
      result: { question: `câu hỏi thử ${i}`, answer: 'Trả lời.', outcome: 'answered', lang: 'vi', sources: [], misconception: null, confidence: 0.7, topic: 'tourism', retrieved: [], latencyMs: 5 },
    }));
  }
  const perInsert = (performance.now() - r0) / inserts;

  const clock = { now: () => new Date() };
  const admin = createInsightsAdmin({ db, clock, lowConfidence: 0.5 });
  const to = new Date();
  const results = [
    await time('overview, last 30 days', () => admin.overview({ from: new Date(to.getTime() - 30 * DAY_MS), to })),
    await time('overview, last 7 days', () => admin.overview({ from: new Date(to.getTime() - 7 * DAY_MS), to })),
    await time('overview, last 365 days', () => admin.overview({ from: new Date(to.getTime() - 365 * DAY_MS), to })),
    await time('question counts, 365 days (rollup + edges)', () => questionCounts(db, new Date(to.getTime() - 365 * DAY_MS), to)),
    // Baseline: what the overview's counts cost without the rollup, straight from the raw log.
    await time('BASELINE raw log: counts by day × outcome, 30 days', () =>
      db.query(`SELECT date_trunc('day', asked_at) AS d, outcome, count(*) FROM question_log WHERE asked_at >= $1 GROUP BY 1, 2`, [new Date(to.getTime() - 30 * DAY_MS)])),
    await time('BASELINE raw log: counts by day × outcome, 365 days', () =>
      db.query(`SELECT date_trunc('day', asked_at) AS d, outcome, count(*) FROM question_log WHERE asked_at >= $1 GROUP BY 1, 2`, [new Date(to.getTime() - 365 * DAY_MS)])),
    await time('questions page 1 (50 rows + total)', () => admin.listQuestions({ page: 1, pageSize: 50 })),
    await time('questions search "hoang sa"', () => admin.listQuestions({ q: 'hoang sa', page: 1, pageSize: 50 })),
    await time('flags list (20 flags, counts + 30-day series)', () => admin.listFlags()),
    await time('emerging topics (cap 3000)', () => admin.listEmerging()),
    await time('report, last 7 days', () => buildReport(db, { since: new Date(to.getTime() - 7 * DAY_MS), clock, lowConfidence: 0.5 })),
  ];
  console.log(`recorder: ${perInsert.toFixed(2)} ms per question (insert + rollup upsert, one transaction each, ${inserts} questions)`);
  console.log(`\n| query | median ms | p95 ms |\n|---|---:|---:|`);
  for (const r of results) console.log(`| ${r.label} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} |`);

  // Correctness: the rollup path must agree with counting the raw log.
  const from = new Date(to.getTime() - 30 * DAY_MS - 5 * 3_600_000);
  const viaRollup = await questionCounts(db, from, to);
  const raw = await db.query<{ outcome: string; n: string }>(
    'SELECT outcome, count(*) AS n FROM question_log WHERE asked_at >= $1 AND asked_at < $2 GROUP BY outcome', [from, to]);
  const rawByOutcome = Object.fromEntries(raw.rows.map((r) => [r.outcome, Number(r.n)]));
  for (const [o, n] of Object.entries(viaRollup.byOutcome)) {
    if ((rawByOutcome[o] ?? 0) !== n) {
      failed = true;
      console.error(`MISMATCH ${o}: rollup ${n}, raw ${rawByOutcome[o] ?? 0}`);
    }
  }
  const overview30 = results[0];
  console.log(`\noverview over ${rows.toLocaleString('en')} questions: median ${overview30.median.toFixed(1)} ms (target < 200 ms)${failed ? '; COUNTS DIFFER' : '; counts match the raw log'}`);
} finally {
  await drop();
}
process.exitCode = failed ? 1 : 0;
