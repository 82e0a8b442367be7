// Fuzzing the whole service through buildApp (issue 16): signed Zalo webhook events with random
// JSON shapes and strings (all Unicode classes, lengths up to the body limit) and dashboard forms
// with random input. Never a 5xx, never a crash, and the event loop never blocked past 200 ms while
// the webhook acknowledges (measured with perf_hooks' monitorEventLoopDelay and a monotonic timer
// around every request). Then the stored events are answered and the log, written at
// LOG_LEVEL=debug, is searched for the raw ids and marked texts that were sent.
// Bounded: a fixed number of cases and a time budget; seeded, so a failure replays with its seed.
import { Writable } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../../src/app.js';
import { hashPassword } from '../../src/admin/passwords.js';
import { staffStore } from '../../src/admin/staff-store.js';
import { testConfig } from '../../src/config.js';
import { loggerOptions } from '../../src/log.js';
import { FAKE_APP_ID, FAKE_OA_ID, fakeZaloEnv, startFakeZalo, type FakeZalo } from '../fakes/fake-zalo.js';
import { sign, userId } from '../fakes/zalo-events.js';
import { AdminClient } from '../e2e/admin-client.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

const SEED = 1_616;
const WEBHOOK_CASES = 80;
const FORM_CASES = 60;
const MAX_STALL_MS = 200;
const BODY_LIMIT = 64 * 1024;
/** Marked texts: searched for in the log afterwards (random texts are too short to search for). */
const MARK = 'HOSTILE-MARK-';

const EVENT_NAMES = ['user_send_text', 'user_send_image', 'user_send_sticker', 'user_send_link', 'user_send_location', 'follow', 'unfollow', 'oa_send_text', 'user_received_message', 'x'.repeat(100)];

/** Strings from every Unicode class, including the poison ones (NUL, lone surrogates), up to ~60 KB. */
const anyText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('Hang Bua \ud800 ở đâu?', 'Hang Bua\u0000 ở đâu?', '\udfff', '\u200b\u200b\u200b', '\ufeff', 'constructor', '__proto__', 'toString hoàng sa', 'hasOwnProperty') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('ạ', '1', '1.', 'a\u0301', '\u0301\u0323', '😀', ' ', '0912 345 678 ', '@a'), fc.integer({ min: 1000, max: 20_000 }))
      .map(([u, n]) => u.repeat(n).slice(0, 58_000)),
  },
);
const anyId = fc.oneof(fc.bigInt({ min: 1n, max: 9_999_999_999_999_999_999n }).map(String), fc.string({ maxLength: 30 }), fc.constant(''), fc.constant(FAKE_OA_ID));
const anyValue = fc.oneof(anyText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

const anyEvent = fc
  .record({
    event_name: fc.oneof(fc.constantFrom(...EVENT_NAMES), fc.string({ maxLength: 20 })),
    sender: fc.oneof(fc.record({ id: anyId }), anyValue),
    recipient: fc.oneof(fc.record({ id: fc.oneof(fc.constant(FAKE_OA_ID), anyId) }), anyValue),
    message: fc.oneof(fc.record({ msg_id: fc.oneof(fc.uuid(), fc.string({ maxLength: 250 })), text: anyValue }, { requiredKeys: [] }), anyValue),
    follower: fc.record({ id: anyId }),
    extra: fc.dictionary(fc.string({ maxLength: 10 }), anyValue, { maxKeys: 4 }),
  }, { requiredKeys: ['event_name'] })
  .map((e) => ({ app_id: FAKE_APP_ID, timestamp: String(Date.now()), ...e }));

describe('fuzz: the service under random webhook events and dashboard forms', () => {
  let t: TestDb;
  let zalo: FakeZalo;
  let built: BuiltApp;
  const lines: string[] = [];
  const sentIds: string[] = [];
  const sentMarks: string[] = [];

  beforeAll(async () => {
    t = await createTestDb('pglite');
    zalo = await startFakeZalo();
    const config = testConfig({ ...fakeZaloEnv(zalo.url), LOG_LEVEL: 'debug', WORKER_POLL_MS: '50', ZALO_HTTP_TIMEOUT_MS: '2000' });
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    built = await buildApp({ config, db: t.db, logger: pino(loggerOptions(config), stream) });
    await built.app.ready();
    const store = staffStore(t.db);
    await store.createUser('fuzz-editor', await hashPassword('Mat-khau-rat-dai-2026', { N: 2 ** 10, r: 8, p: 1 }), 'editor');
  }, 120_000);

  afterAll(async () => {
    await built?.stop();
    await built?.app.close();
    await zalo?.close();
    await t?.drop();
  });

  it('acknowledges every signed event without a 5xx and without stalling the loop', async () => {
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    let worstRequest = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(anyEvent, fc.boolean(), async (ev, marked) => {
        n++;
        // every few events carry a real-looking user id and a marked text, to search the log for
        const uid = userId(900_000 + n);
        if (marked) {
          sentIds.push(uid);
          sentMarks.push(`${MARK}${n}`);
          ev = { ...ev, event_name: 'user_send_text', sender: { id: uid }, recipient: { id: FAKE_OA_ID }, message: { msg_id: `m${n}-${Date.now()}`, text: `${MARK}${n} Hang Bua \ud800\u0000 ở đâu` } };
        }
        let raw = JSON.stringify(ev);
        if (raw.length > BODY_LIMIT - 512) raw = raw.slice(0, 0) + JSON.stringify({ ...ev, message: { msg_id: 'big', text: 'ạ'.repeat(20_000) } });
        const t0 = performance.now();
        const res = await built.app.inject({ method: 'POST', url: '/webhooks/zalo', headers: { 'content-type': 'application/json', 'x-zevent-signature': sign(raw, ev.timestamp) }, payload: raw });
        worstRequest = Math.max(worstRequest, performance.now() - t0);
        expect(res.statusCode, `${res.statusCode} for ${raw.slice(0, 200)}`).toBeLessThan(500);
        expect(res.body).not.toMatch(/invalid input syntax|unsupported Unicode|22P02|22P05/);
      }),
      { seed: SEED, numRuns: WEBHOOK_CASES, interruptAfterTimeLimit: 90_000, endOnFailure: true },
    );
    stalls.disable();
    expect((await built.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBeLessThan(500);
    expect(worstRequest, 'slowest webhook request (ms)').toBeLessThan(MAX_STALL_MS * 5); // includes the database insert
    expect(stalls.max / 1e6, 'longest event-loop stall while acknowledging (ms)').toBeLessThan(MAX_STALL_MS);
  }, 180_000);

  it('answers the stored events without crashing and logs no raw id or marked text (LOG_LEVEL=debug)', async () => {
    await built.start();
    // let the worker work through what was stored
    const deadline = Date.now() + 90_000;
    for (;;) {
      const r = await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM inbound_event WHERE status IN ('pending', 'processing')`);
      if (Number(r.rows[0]!.n) === 0 || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    expect((await built.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(sentIds.filter((id) => log.includes(id))).toEqual([]);
    expect(sentMarks.filter((m) => log.includes(m))).toEqual([]);
  }, 180_000);

  it('dashboard forms with random input never give a 5xx', async () => {
    const c = new AdminClient(built.app);
    expect((await c.login('fuzz-editor', 'Mat-khau-rat-dai-2026')).statusCode).toBe(303);
    const csrf = await c.sessionCsrf();
    // an unknown knowledge id to review is a 404, not a 500
    expect((await c.post('/admin/knowledge/khong-co-tai-lieu-nay/review', { _csrf: csrf })).statusCode).toBe(404);
    const stranger = new AdminClient(built.app);
    const forms: Array<[string, string[]]> = [
      ['/admin/login', ['username', 'password', 'next', '_csrf']],
      ['/admin/try', ['question', 'q', 'lang']],
      ['/admin/flags/1/status', ['status']],
      ['/admin/flags/1/note', ['note']],
      ['/admin/knowledge/x/review', []],
      ['/admin/knowledge/reindex', []],
      ['/admin/emerging/draft', ['label', 'examples', 'topic']],
      ['/admin/logout', []],
    ];
    const getPages = ['/admin/questions', '/admin/flags', '/admin/knowledge', '/admin/emerging', '/admin/delivery', '/admin/audit', '/admin/api/questions', '/admin/api/questions.csv'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...forms),
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), anyText), { maxLength: 4 }),
        fc.constantFrom(...getPages),
        fc.dictionary(fc.constantFrom('q', 'page', 'from', 'to', 'topic', 'outcome', 'lang', 'sort', 'status'), fc.oneof(anyText, fc.integer().map(String)), { maxKeys: 4 }),
        fc.boolean(),
        async ([url, fields], extra, page, query, asStranger) => {
          const client = asStranger ? stranger : c;
          const form: Record<string, string> = { _csrf: asStranger ? 'x' : csrf };
          for (const f of fields) form[f] = 'Hang Bua ' + f;
          for (const [k, v] of extra) form[k || 'k'] = v.slice(0, 5000);
          if (url === '/admin/logout') return; // keep the session for the other cases
          // a random path segment (lone surrogates made well-formed: encodeURIComponent throws on them)
          const segment = (extra[0]?.[1]?.slice(0, 40) ?? 'x').replace(/[\ud800-\udfff]/gu, '_') || 'x';
          const post = await client.post(url.replace('/x/', `/${encodeURIComponent(segment)}/`), form);
          expect(post.statusCode, `${post.statusCode} POST ${url}`).toBeLessThan(500);
          const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, v.slice(0, 2000)])).toString();
          const get = await client.get(`${page}?${qs}`);
          expect(get.statusCode, `${get.statusCode} GET ${page}?${qs.slice(0, 200)}`).toBeLessThan(500);
        },
      ),
      { seed: SEED, numRuns: FORM_CASES, interruptAfterTimeLimit: 60_000, endOnFailure: true },
    );
  }, 180_000);
});
