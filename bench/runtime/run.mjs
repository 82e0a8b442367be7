#!/usr/bin/env node
/* global setInterval, clearInterval */
// Start time and memory of the service, for one or more checkouts or start modes, in one run:
//   node bench/runtime/run.mjs [--smoke] [--events N] [--out FILE] LABEL=DIR:COMMAND …
// e.g. node bench/runtime/run.mjs main=/work/main:start:tsx this-tsx=.:start:tsx this=.:start
// (COMMAND is an npm script). For each: a first start on a fresh embedded DATA_DIR (seconds to
// /readyz, peak RSS), RSS at rest, RSS under load (N signed webhook text events, answered by the
// worker; replies are kept in the outbox: no Zalo token), then a restart on the same DATA_DIR.
// RSS is the service's node process (the largest in the process tree started by npm), sampled
// every 200 ms from /proc; peak is VmHWM, the kernel's high-water mark of that process.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const flag = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const EVENTS = Number(flag('--events', smoke ? '20' : '300'));
const out = flag('--out', null);
const targets = args.filter((a, i) => a.includes('=') && !['--events', '--out'].includes(args[i - 1]));
if (targets.length === 0) targets.push(`this=${process.cwd()}:start`);
const APP_ID = 'bench-app';
const SECRET = 'bench-secret';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () => new Promise((res) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
function descendants(pid) {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const kids = new Map();
  for (const d of all) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  const outp = [];
  const walk = (p) => { outp.push(p); for (const k of kids.get(p) ?? []) walk(k); };
  walk(pid);
  return outp;
}
function memOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch { return { rss: 0, hwm: 0 }; }
}
const serviceMem = (root) => descendants(root).map(memOf).reduce((a, b) => (b.rss > a.rss ? b : a), { rss: 0, hwm: 0 });

async function start(dir, script, dataDir) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ZALO_APP_ID: APP_ID, ZALO_OA_SECRET_KEY: SECRET, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  delete env.DATABASE_URL;
  const log = path.join(dataDir + '.log');
  const fd = fs.openSync(log, 'a');
  const child = spawn('npm', ['run', '-s', script], { cwd: dir, env, stdio: ['ignore', fd, fd], detached: true });
  const t0 = Date.now();
  let hwm = 0;
  const sampler = setInterval(() => { hwm = Math.max(hwm, serviceMem(child.pid).hwm); }, 200);
  const base = `http://127.0.0.1:${port}`;
  let ready = false;
  while (Date.now() - t0 < 600_000 && child.exitCode === null) {
    try { if ((await fetch(base + '/readyz')).status === 200) { ready = true; break; } } catch { /* not yet */ }
    await sleep(100);
  }
  const readyS = (Date.now() - t0) / 1000;
  return {
    base, readyS, ready, log,
    peak: () => Math.max(hwm, serviceMem(child.pid).hwm),
    mem: () => serviceMem(child.pid),
    async stop() {
      clearInterval(sampler);
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      for (let i = 0; i < 80 && child.exitCode === null; i++) await sleep(250);
      if (child.exitCode === null) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    },
  };
}

const QUESTIONS = ['Hang Bua ở đâu?', 'hang bua o dau', 'Biên giới Việt Nam Lào dài bao nhiêu km?', 'Trường Sa thuộc tỉnh nào?', 'Where is Hang Bua cave?', 'le hoi hang bua dien ra khi nao', 'Giá vàng hôm nay?', 'xin chào'];
async function load(svc, n) {
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, svc.mem().rss); }, 200);
  const before = await answered(svc.base);
  const t0 = Date.now();
  let sent = 0;
  const worker = async (w) => {
    while (sent < n) {
      const i = sent++;
      const ts = String(Date.now());
      const body = JSON.stringify({ app_id: APP_ID, user_id_by_app: `77${i}`, event_name: 'user_send_text', timestamp: ts, sender: { id: `90${w}${i}` }, recipient: { id: 'oa' }, message: { msg_id: crypto.randomUUID().replace(/-/g, ''), text: QUESTIONS[i % QUESTIONS.length] } });
      const mac = crypto.createHash('sha256').update(APP_ID + body + ts + SECRET).digest('hex');
      await fetch(svc.base + '/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${mac}` }, body }).then((r) => r.text());
    }
  };
  await Promise.all(Array.from({ length: 10 }, (_, w) => worker(w)));
  while ((await answered(svc.base)) - before < n && Date.now() - t0 < 600_000) await sleep(200);
  clearInterval(sampler);
  return { peak, seconds: (Date.now() - t0) / 1000, answered: (await answered(svc.base)) - before };
}
async function answered(base) {
  const text = await (await fetch(base + '/metrics')).text();
  return text.split('\n').filter((l) => l.startsWith('assistant_questions_total')).reduce((s, l) => s + Number(l.split(' ').pop()), 0);
}

const rows = [];
for (const t of targets) {
  const [label, rest] = t.split('=');
  const [dirArg, script = 'start'] = rest.split(':').length > 2 ? [rest.split(':')[0], rest.split(':').slice(1).join(':')] : rest.split(':');
  const dir = path.resolve(dirArg);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-runtime-${label}-`));
  const first = await start(dir, script, dataDir);
  if (!first.ready) { console.log(`${label}: not ready (${first.log})`); await first.stop(); continue; }
  const firstPeak = first.peak();
  await first.stop();
  const svc = await start(dir, script, dataDir);
  await sleep(5000);
  const rest0 = svc.mem().rss;
  const l = await load(svc, EVENTS);
  await sleep(3000);
  const after = svc.mem().rss;
  await svc.stop();
  const row = { label, script, firstStartS: first.readyS, firstStartPeakMB: Math.round(firstPeak), restartS: svc.readyS, restMB: Math.round(rest0), loadPeakMB: Math.round(l.peak), afterLoadMB: Math.round(after), events: l.answered, loadS: l.seconds };
  rows.push(row);
  console.log(JSON.stringify(row));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const table = ['| run | command | first start to /readyz (s) | first-start peak RSS (MB) | restart to /readyz (s) | RSS at rest (MB) | RSS peak under load (MB) | after load (MB) | events answered (s) |', '|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.label} | npm run ${r.script} | ${r.firstStartS.toFixed(1)} | ${r.firstStartPeakMB} | ${r.restartS.toFixed(1)} | ${r.restMB} | ${r.loadPeakMB} | ${r.afterLoadMB} | ${r.events} (${r.loadS.toFixed(1)}) |`)].join('\n');
console.log(table);
if (out) fs.writeFileSync(out, table + '\n');
if (rows.length < targets.length) process.exitCode = 1;
