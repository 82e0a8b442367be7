// End-to-end benchmark of the Zalo channel: signed user_send_text events go in at a fixed rate
// over real HTTP, the real service (src/server.ts in a child process, real answer engine) answers,
// and a fake Zalo with a configurable latency receives the replies. Measures what a citizen and
// Zalo feel: acknowledgement latency (webhook POST → 200), reply latency (POST → the reply
// reaching Zalo), replies per second, duplicates, RSS; on the embedded database and on
// PostgreSQL. Every scenario runs twice in the same run: the baseline (today's serial sender,
// OUTBOX_CONCURRENCY=1, no pacing, no message cap) and the channel as configured by default.
//   npx tsx bench/e2e/run.ts           full run, writes bench/e2e/results.md
//   npx tsx bench/e2e/run.ts --smoke   one short embedded run (CI), prints only
// PostgreSQL: BENCH_PG_URL or TEST_DATABASE_URL (an admin URL; a fresh database is created per
// run and dropped after). Without one, the PostgreSQL rows are skipped.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { computeSignature } from '../../src/channel/signature.js';
import { FAKE_APP_ID, FAKE_OA_ID, FAKE_OA_SECRET, fakeZaloEnv, startFakeZalo, type FakeZalo } from '../../test/fakes/fake-zalo.js';
import { startServiceProcess, stopServiceProcess, type ServiceProcess } from '../../test/helpers/service-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const smoke = process.argv.includes('--smoke');
// A script, not the service: it reads its own knobs from the environment.
const pgAdmin = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL;
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const QUESTIONS = [
  'Hang Bua ở đâu?',
  'hang bua cach vinh bao xa',
  'Lễ hội Hang Bua vào tháng mấy?',
  'bien gioi viet lao dai bao nhieu km',
  'Luật Biên giới quốc gia có bao nhiêu điều?',
  'Hoàng Sa thuộc thành phố nào?',
  'Trường Sa thuộc tỉnh nào?',
  'lanh hai rong bao nhieu hai ly',
  'Việt Nam phê chuẩn UNCLOS năm nào?',
  'Hiến pháp 2013 quy định quyền con người ở chương nào?',
  'How far is Hang Bua from Vinh?',
  'When is the Hang Bua festival?',
  'cảm ơn ad nhé',
  'Ở Châu Tiến có nghề dệt thổ cẩm không?',
];

interface Scenario {
  name: string;
  db: 'embedded' | 'postgres';
  rate: number;
  seconds: number;
  zaloMs: number;
  /** Every n-th event is a 20,000-character message (long-message scenario); its ack is reported apart. */
  longEvery?: number;
  target?: string;
}

interface Variant {
  name: string;
  env: Record<string, string>;
}

const VARIANTS: Variant[] = [
  // Today's channel before issue #12: one send at a time, the whole message answered.
  { name: 'baseline (serial sender, inline)', env: { OUTBOX_CONCURRENCY: '1', OUTBOX_RATE_PER_SECOND: '1000', ANSWER_MAX_CHARS: '20000', ANSWER_THREADS: '0' } },
  // The channel as shipped: parallel paced sends, capped messages, answers in the worker-thread pool.
  { name: 'channel (defaults, answer pool)', env: {} },
];

const SCENARIOS: Scenario[] = smoke
  ? [{ name: 'smoke', db: 'embedded', rate: 10, seconds: 3, zaloMs: 150 }]
  : [
      { name: 'embedded 30 q/s, Zalo 150 ms', db: 'embedded', rate: 30, seconds: 20, zaloMs: 150, target: 'reply p99 ≤ 2 s, ack p99 ≤ 50 ms' },
      { name: 'embedded overload 100 q/s 10 s, Zalo 150 ms', db: 'embedded', rate: 100, seconds: 10, zaloMs: 150, target: 'ack p99 ≤ 200 ms, all answered' },
      { name: 'embedded 10 q/s + a 20,000-char message every 2 s', db: 'embedded', rate: 10, seconds: 20, zaloMs: 150, longEvery: 20, target: 'other acks p99 ≤ 50 ms' },
      { name: 'PostgreSQL 60 q/s, Zalo 150 ms', db: 'postgres', rate: 60, seconds: 20, zaloMs: 150, target: 'reply p99 ≤ 2 s, ack p99 ≤ 50 ms' },
      // Extra (run with --only=instant): the same load with a Zalo that answers at once.
      ...(only === 'instant' ? [{ name: 'embedded 30 q/s, Zalo instant', db: 'embedded' as const, rate: 30, seconds: 20, zaloMs: 0 }] : []),
    ];

interface Result {
  scenario: string;
  variant: string;
  questions: number;
  acked: number;
  ackP50: number;
  ackP99: number;
  longAckP99: number | null;
  replied: number;
  missing: number;
  duplicates: number;
  replyP50: number;
  replyP99: number;
  repliesPerSec: number;
  rssMb: number | null;
  load: string;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!) : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freshPgDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (!pgAdmin) return null;
  const name = 'bench_' + crypto.randomBytes(5).toString('hex');
  const c = new pg.Client({ connectionString: pgAdmin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(pgAdmin);
  u.pathname = '/' + name;
  return {
    url: u.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: pgAdmin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

async function startService(env: Record<string, string>): Promise<ServiceProcess & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-e2e-'));
  return { ...(await startServiceProcess({ DATA_DIR: dataDir, ...env })), dataDir };
}

/** Largest RSS in the service's process group (tsx starts node as a child). */
function rssMb(pgid: number): number | null {
  let best = 0;
  for (const p of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const st = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(st[2]) !== pgid) continue;
      best = Math.max(best, Number(fs.readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]) * 4096);
    } catch {
      /* gone */
    }
  }
  return best ? Math.round(best / 1048576) : null;
}

function signed(uid: string, text: string): { body: string; signature: string } {
  const timestamp = String(Date.now());
  const body = JSON.stringify({
    app_id: FAKE_APP_ID,
    user_id_by_app: '77' + uid,
    event_name: 'user_send_text',
    timestamp,
    sender: { id: uid },
    recipient: { id: FAKE_OA_ID },
    message: { msg_id: crypto.randomBytes(12).toString('hex'), text },
  });
  return { body, signature: 'mac=' + computeSignature(FAKE_APP_ID, body, timestamp, FAKE_OA_SECRET) };
}

async function runOne(sc: Scenario, v: Variant): Promise<Result | null> {
  const pgdb = sc.db === 'postgres' ? await freshPgDatabase() : null;
  if (sc.db === 'postgres' && !pgdb) return null;
  const zalo: FakeZalo = await startFakeZalo({ sendDelayMs: sc.zaloMs });
  const svc = await startService({ ...fakeZaloEnv(zalo.url), ...(pgdb ? { DATABASE_URL: pgdb.url } : {}), ...v.env });
  try {
    const total = sc.rate * sc.seconds;
    // Distinct users (no one reaches the per-user rate limit); the k-th reply of a user answers
    // their k-th question.
    const users = Math.max(50, Math.ceil(total / 3));
    const sent = new Map<string, number[]>();
    const acks: number[] = [];
    const longAcks: number[] = [];
    let failed = 0;
    const inflight: Array<Promise<void>> = [];
    const t0 = performance.now();
    const longText = ('Cho tôi hỏi về Hang Bua và lễ hội của xã Châu Tiến. ').repeat(400).slice(0, 20_000);
    for (let n = 0; n < total; n++) {
      const wait = t0 + (n * 1000) / sc.rate - performance.now();
      if (wait > 0) await sleep(wait);
      const uid = (5_000_000_000_000_000_000n + BigInt(30_000 + (n % users))).toString();
      const isLong = sc.longEvery !== undefined && n % sc.longEvery === sc.longEvery - 1;
      const ev = signed(uid, isLong ? longText : QUESTIONS[n % QUESTIONS.length]!);
      const at = performance.now();
      (sent.get(uid) ?? sent.set(uid, []).get(uid)!).push(at);
      inflight.push(
        fetch(svc.base + '/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': ev.signature }, body: ev.body })
          .then(async (r) => {
            await r.text();
            if (r.status !== 200) failed++;
            (isLong ? longAcks : acks).push(performance.now() - at);
          })
          .catch(() => {
            failed++;
          }),
      );
    }
    await Promise.all(inflight);
    const deadline = performance.now() + 180_000;
    while (zalo.state.sends.length < total && performance.now() < deadline) await sleep(100);
    await sleep(1000); // late duplicates
    const rss = rssMb(svc.child.pid!);
    const byUser = new Map<string, number[]>();
    for (const s of zalo.state.sends) (byUser.get(s.uid) ?? byUser.set(s.uid, []).get(s.uid)!).push(s.at);
    const lat: number[] = [];
    let missing = 0;
    let duplicates = 0;
    for (const [uid, times] of sent) {
      const got = (byUser.get(uid) ?? []).sort((a, b) => a - b);
      // A long answer is split into several parts; count each question once by its first part.
      times.forEach((t, i) => (got[i] !== undefined ? lat.push(got[i]! - t) : missing++));
      duplicates += Math.max(0, got.length - times.length);
    }
    const lastReply = Math.max(...zalo.state.sends.map((s) => s.at));
    return {
      scenario: sc.name,
      variant: v.name,
      questions: total,
      acked: total - failed,
      ackP50: pct(acks, 50),
      ackP99: pct(acks, 99),
      longAckP99: longAcks.length ? pct(longAcks, 99) : null,
      replied: zalo.state.sends.length,
      missing,
      duplicates: sc.longEvery ? NaN : duplicates,
      replyP50: pct(lat, 50),
      replyP99: pct(lat, 99),
      repliesPerSec: Math.round((total / ((lastReply - t0) / 1000)) * 10) / 10,
      rssMb: rss,
      load: os.loadavg().map((l) => l.toFixed(1)).join(' '),
    };
  } finally {
    await stopServiceProcess(svc);
    await zalo.close();
    fs.rmSync(svc.dataDir, { recursive: true, force: true });
    await pgdb?.drop();
  }
}

function row(r: Result): string {
  const f = (x: number | null) => (x === null || Number.isNaN(x) ? '–' : String(x));
  return `| ${r.scenario} | ${r.variant} | ${r.acked}/${r.questions} | ${f(r.ackP50)} / ${f(r.ackP99)}${r.longAckP99 !== null ? ` (long ${r.longAckP99})` : ''} | ${f(r.replyP50)} / ${f(r.replyP99)} | ${r.repliesPerSec} | ${r.missing} | ${f(r.duplicates)} | ${f(r.rssMb)} | ${r.load} |`;
}

const header =
  '| scenario | variant | acked | ack p50 / p99 ms | reply p50 / p99 ms | replies/s | unanswered | duplicates | RSS MB | load (1/5/15 min) |\n' +
  '|---|---|---|---|---|---|---|---|---|---|';

const results: Result[] = [];
console.log(header);
for (const sc of SCENARIOS) {
  if (only && !sc.name.includes(only)) continue;
  for (const v of smoke ? VARIANTS.slice(1) : VARIANTS) {
    const r = await runOne(sc, v);
    if (!r) {
      console.log(`| ${sc.name} | ${v.name} | skipped: no BENCH_PG_URL / TEST_DATABASE_URL |`);
      continue;
    }
    results.push(r);
    console.log(row(r));
  }
}

if (smoke) {
  const bad = results.filter((r) => r.missing > 0 || r.acked < r.questions);
  if (bad.length) {
    console.error('smoke: some questions were not acknowledged or not answered');
    process.exit(1);
  }
} else if (!only) {
  const md = [
    '# End-to-end channel benchmark (bench/e2e/run.ts)',
    '',
    `Run ${new Date().toISOString()} on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}.`,
    'The machine was shared with other agents; the load column is the 1/5/15-minute load average at the end of each row.',
    'Ack: webhook POST to its 200. Reply: webhook POST to the first part of the reply reaching the fake Zalo.',
    '',
    header,
    ...results.map(row),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(HERE, 'results.md'), md);
  console.log('wrote bench/e2e/results.md');
}
