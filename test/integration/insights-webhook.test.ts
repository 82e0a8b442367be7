// Staff alerts by webhook against a real HTTP receiver on 127.0.0.1: queued once per dedupe key,
// retried with backoff after a failure, given up after the configured attempts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffMs, createWebhookAlertSender, webhookAlertSink } from '../../src/insights/webhook-alerts.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';
import { silentLog, testClock } from './insights-fixtures.js';

interface Received {
  key: string | undefined;
  body: Record<string, unknown>;
}

async function receiver(): Promise<{ url: string; received: Received[]; failNext: { n: number }; close(): Promise<void> }> {
  const received: Received[] = [];
  const failNext = { n: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failNext.n > 0) {
        failNext.n--;
        res.writeHead(500).end('down');
        return;
      }
      received.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, failNext, close: () => new Promise((r) => server.close(() => r())) };
}

describe.each(DB_KINDS)('staff alert webhook on %s', (kind) => {
  let t: TestDb;
  let rx: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    t = await createTestDb(kind);
    rx = await receiver();
  });
  afterAll(async () => {
    await rx.close();
    await t.drop();
  });

  it('posts each alert once, retrying after a failure', async () => {
    const clock = testClock(Date.now() + 1000); // enqueue stamps the database's now()
    const sink = webhookAlertSink();
    await t.db.tx(async (q) => {
      await sink.enqueue(q, { dedupeKey: 'flag:1', text: 'Cảnh báo 1', details: { flag_id: '1', distinct_users_24h: 12 } });
      await sink.enqueue(q, { dedupeKey: 'flag:1', text: 'Cảnh báo 1 (again)' });
      await sink.enqueue(q, { dedupeKey: 'flag:2', text: 'Cảnh báo 2' });
    });
    const results: string[] = [];
    const sender = createWebhookAlertSender({ db: t.db, url: rx.url, log: silentLog, clock, maxAttempts: 3, timeoutMs: 5000, pollMs: 1000, onResult: (r) => results.push(r) });
    rx.failNext.n = 1;
    expect(await sender.sendDue()).toBe(2);
    expect(results.sort()).toEqual(['retry', 'sent']);
    expect(rx.received).toHaveLength(1);
    // Not due yet: nothing is sent again before the backoff has passed.
    expect(await sender.sendDue()).toBe(0);
    clock.advance(backoffMs(1) + 1);
    expect(await sender.sendDue()).toBe(1);
    expect(await sender.sendDue()).toBe(0);
    expect(rx.received.map((r) => r.key).sort()).toEqual(['flag:1', 'flag:2']);
    const first = rx.received.find((r) => r.key === 'flag:1')!;
    expect(first.body).toEqual({ dedupe_key: 'flag:1', text: 'Cảnh báo 1', flag_id: '1', distinct_users_24h: 12 });
    const rows = await t.db.query<{ status: string }>(`SELECT status FROM staff_alert_webhook WHERE dedupe_key IN ('flag:1', 'flag:2')`);
    expect(rows.rows.map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('gives up after the configured attempts and keeps the error for staff', async () => {
    const clock = testClock(Date.now() + 1000); // enqueue stamps the database's now()
    await t.db.tx((q) => webhookAlertSink().enqueue(q, { dedupeKey: 'flag:dead', text: 'x' }));
    const sender = createWebhookAlertSender({ db: t.db, url: rx.url, log: silentLog, clock, maxAttempts: 2, timeoutMs: 5000, pollMs: 1000 });
    rx.failNext.n = 10;
    expect(await sender.sendDue()).toBe(1);
    clock.advance(3_600_000);
    expect(await sender.sendDue()).toBe(1);
    clock.advance(3_600_000);
    expect(await sender.sendDue()).toBe(0);
    rx.failNext.n = 0;
    const r = await t.db.query<{ status: string; attempts: number; last_error: string }>(`SELECT status, attempts, last_error FROM staff_alert_webhook WHERE dedupe_key = 'flag:dead'`);
    expect(r.rows[0]).toEqual({ status: 'dead', attempts: 2, last_error: 'HTTP 500' });
  });

  it('runs as a background task and stops cleanly', async () => {
    await t.db.tx((q) => webhookAlertSink().enqueue(q, { dedupeKey: 'flag:task', text: 'y' }));
    const sender = createWebhookAlertSender({ db: t.db, url: rx.url, log: silentLog, maxAttempts: 3, timeoutMs: 5000, pollMs: 50 });
    sender.task.start();
    for (let i = 0; i < 200 && !rx.received.some((r) => r.key === 'flag:task'); i++) await new Promise((r) => setTimeout(r, 25));
    await sender.task.stop();
    expect(rx.received.filter((r) => r.key === 'flag:task')).toHaveLength(1);
  });
});
