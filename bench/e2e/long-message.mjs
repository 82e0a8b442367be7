#!/usr/bin/env node
// Long messages during load: signed questions at --rate for --seconds into a checkout's `npm start`
// (the acceptance library starts it and a fake Zalo answering after --zalo-ms), and every
// --long-every-th event is a 20,000-character message. Reports the acknowledgement latency of the
// other events (target: p99 ≤ 50 ms), the long events' own acks, and whether every question got a
// reply. Usage (the acceptance scripts live beside the repository, ../shared/acceptance):
//   node bench/e2e/long-message.mjs DIR [--rate 10] [--seconds 20] [--long-every 20] [--zalo-ms 150]
//        [--pg URL] [--lib ../shared/acceptance/lib.mjs]
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(n) ? args[args.indexOf(n) + 1] : d);
const dir = path.resolve(args[0] ?? process.cwd());
const L = await import(pathToFileURL(path.resolve(opt('--lib', process.env.ACCEPTANCE_LIB ?? '/work/shared/acceptance/lib.mjs'))).href);
const rate = Number(opt('--rate', 10)), seconds = Number(opt('--seconds', 20)), longEvery = Number(opt('--long-every', 20));
const pg = opt('--pg', null);
const QUESTIONS = ['Hang Bua ở đâu?', 'Lễ hội Hang Bua vào tháng mấy?', 'Hoàng Sa thuộc thành phố nào?', 'bien gioi viet lao dai bao nhieu km', 'cảm ơn ad nhé', 'How far is Hang Bua from Vinh?'];
const longText = 'Cho tôi hỏi về Hang Bua và lễ hội của xã Châu Tiến, đường đi từ Vinh thế nào. '.repeat(300).slice(0, 20_000);

L.ensureInstalled(dir);
const zalo = await L.startFakeZalo({ latencyMs: Number(opt('--zalo-ms', 150)) });
const svc = await L.startService(dir, L.serviceEnv(zalo.url, pg ? { DATABASE_URL: pg } : {}));
if (!svc.ready) throw new Error('service not ready');
const total = rate * seconds;
const other = [], long = [], users = new Set();
const t0 = performance.now();
const inflight = [];
for (let n = 0; n < total; n++) {
  const wait = t0 + (n * 1000) / rate - performance.now();
  if (wait > 0) await L.sleep(wait);
  const isLong = n % longEvery === longEvery - 1;
  const uid = L.userId(40_000 + n); // one question per user: each reply is counted once
  users.add(uid);
  inflight.push(L.postEvent(svc.base, L.textEvent(uid, isLong ? longText : QUESTIONS[n % QUESTIONS.length])).then((r) => (isLong ? long : other).push(r)));
}
await Promise.all(inflight);
const answered = () => new Set(zalo.state.sends.map((s) => s.uid)).size;
await L.waitFor(() => answered() >= total, 120_000, 250);
await svc.stop();
await zalo.close();
const pct = (xs, p) => { const s = xs.map((x) => x.ms).sort((a, b) => a - b); return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]) : null; };
const res = {
  rate, seconds, long_messages: long.length, questions: total,
  acks_200: [...other, ...long].filter((a) => a.status === 200).length,
  other_ack_p50: pct(other, 50), other_ack_p99: pct(other, 99), long_ack_max: pct(long, 100),
  answered_users: answered(), unanswered: total - answered(),
};
console.log(JSON.stringify(res));
process.exit(res.unanswered === 0 && res.acks_200 === total ? 0 : 1);
