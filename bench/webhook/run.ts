// Webhook benchmark: signed Zalo events per second and acknowledgement latency (p50/p99),
// with autocannon, against a bare Fastify route (baseline), the real webhook on the embedded
// database, and on PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set.
//   npx tsx bench/webhook/run.ts           full run, writes bench/webhook/results.md
//   npx tsx bench/webhook/run.ts --smoke   a few seconds per mode (CI), prints only
// Each target runs in its own child process (server.ts) so the load generator does not share
// its event loop. Every request is a distinct, correctly signed user_send_text event.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { computeSignature } from '../../src/channel/signature.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const BENCH_APP_ID = '2913748201122334455';
const BENCH_SECRET = 'bench-oa-secret';
const smoke = process.argv.includes('--smoke');
// A script, not the service: it reads its own knobs from the environment.
const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const RATE = 500;
const DURATION = smoke ? 3 : 15;

let counter = 0;
function signedEvent(): { body: string; signature: string } {
  const n = counter++;
  const body = JSON.stringify({
    app_id: BENCH_APP_ID,
    user_id_by_app: '77' + (5_000_000_000_000_000_000n + BigInt(n % 1000)).toString(),
    event_name: 'user_send_text',
    timestamp: String(Date.now()),
    sender: { id: (5_000_000_000_000_000_000n + BigInt(n % 1000)).toString() },
    recipient: { id: '4120009988776655443' },
    message: { msg_id: `bench-${process.pid}-${n}-${crypto.randomBytes(4).toString('hex')}`, text: 'Hang Bua ở đâu? Đường đi thế nào?' },
  });
  const ts = JSON.parse(body).timestamp as string;
  return { body, signature: 'mac=' + computeSignature(BENCH_APP_ID, body, ts, BENCH_SECRET) };
}

/** Pre-sign events so the load generator spends its time sending, not hashing. */
function eventPool(size: number) {
  return Array.from({ length: size }, signedEvent);
}

async function startTarget(mode: string): Promise<{ child: ChildProcess; url: string; stop(): Promise<number> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(HERE, 'server.ts'), mode], {
    cwd: ROOT,
    env: { ...process.env, BENCH_DATABASE_URL: pgUrl ?? '' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const iter = lines[Symbol.asyncIterator]();
  const first = await iter.next();
  const m = /^PORT (\d+)/.exec(String(first.value ?? ''));
  if (!m) throw new Error(`bench target ${mode} did not start`);
  return {
    child,
    url: `http://127.0.0.1:${m[1]}`,
    async stop() {
      child.stdin!.end();
      const next = await iter.next();
      const s = /^STORED (\d+)/.exec(String(next.value ?? ''));
      await new Promise((r) => child.once('exit', r));
      return s ? Number(s[1]) : 0;
    },
  };
}

interface Row {
  mode: string;
  run: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, opts: { rate?: number; connections: number; duration: number }): Promise<Omit<Row, 'mode' | 'run'>> {
  const pool = eventPool(opts.rate ? opts.rate * opts.duration + 2000 : 60_000);
  let i = 0;
  const r = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.duration,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [
      {
        method: 'POST',
        path: '/webhooks/zalo',
        setupRequest: (req) => {
          const ev = pool[i++ % pool.length]!;
          return { ...req, headers: { 'content-type': 'application/json', 'x-zevent-signature': ev.signature }, body: ev.body };
        },
      },
    ],
  });
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, non2xx: r.non2xx, errors: r.errors + r.timeouts };
}

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const modes = ['bare', 'embedded', ...(pgUrl ? ['postgres'] : [])].filter((m) => !only || m === only);
const rows: Row[] = [];
for (const mode of modes) {
  const target = await startTarget(mode);
  // Warm-up (JIT, connection pool, WASM), then a fixed-rate run for latency and a saturating run for throughput.
  await load(target.url, { connections: 10, duration: smoke ? 1 : 5 });
  rows.push({ mode, run: `${RATE} ev/s, 50 conns`, ...(await load(target.url, { rate: RATE, connections: 50, duration: DURATION })) });
  rows.push({ mode, run: `${RATE} ev/s, 10 conns`, ...(await load(target.url, { rate: RATE, connections: 10, duration: DURATION })) });
  rows.push({ mode, run: 'max, 50 conns', ...(await load(target.url, { connections: 50, duration: DURATION })) });
  const stored = await target.stop();
  console.error(`${mode}: ${stored} events stored`);
}

const header = '| target | load | acks/s | p50 ms | p99 ms | max ms | non-2xx | errors |\n|---|---|---:|---:|---:|---:|---:|---:|';
const table = [header, ...rows.map((r) => `| ${r.mode} | ${r.run} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.max} | ${r.non2xx} | ${r.errors} |`)].join('\n');
console.log(table);

const embedded10 = rows.find((r) => r.mode === 'embedded' && r.run.endsWith('10 conns'));
const embedded = rows.find((r) => r.mode === 'embedded' && r.run.endsWith('50 conns') && !r.run.startsWith('max'));
const pgMax = rows.find((r) => r.mode === 'postgres' && r.run.startsWith('max'));
const verdicts = [
  embedded ? `embedded p99 at ${RATE} ev/s, 50 connections: ${embedded.p99} ms (target < 50 ms) → ${embedded.p99 < 50 ? 'met' : 'NOT met'}` : null,
  embedded10 ? `embedded p99 at ${RATE} ev/s, 10 connections: ${embedded10.p99} ms (target < 50 ms) → ${embedded10.p99 < 50 ? 'met' : 'NOT met'}` : null,
  pgMax ? `PostgreSQL throughput: ${pgMax.rps} ev/s (target 2,000) → ${pgMax.rps >= 2000 ? 'met' : 'NOT met'}` : 'PostgreSQL: not run (no TEST_DATABASE_URL / DATABASE_URL)',
].filter(Boolean);
verdicts.forEach((v) => console.log(v));
const bad = rows.filter((r) => r.mode !== 'bare' && (r.non2xx > 0 || r.errors > 0));
if (bad.length) {
  console.error('some requests failed:', bad);
  process.exitCode = 1;
}

if (!smoke && !only) {
  const md = `# Webhook benchmark\n\nRun: \`npx tsx bench/webhook/run.ts\` (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}).\n\n` +
    `Each request is a distinct, signed \`user_send_text\` event; ${DURATION} s per run after a 5 s warm-up; ` +
    `server and load generator in separate processes on the same machine. "embedded" and "postgres" run the real route ` +
    `(raw-body parser, signature check, one INSERT … ON CONFLICT DO NOTHING) with the worker and sender stopped; "bare" is a ` +
    `Fastify route that parses JSON and answers 200.\n\n${table}\n\n${verdicts.map((v) => `- ${v}`).join('\n')}\n`;
  fs.writeFileSync(path.join(HERE, 'results.md'), md);
  console.log('written bench/webhook/results.md');
}
