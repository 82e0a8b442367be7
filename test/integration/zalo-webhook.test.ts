// The webhook over real HTTP against a fake Zalo, on each database: what is refused stores
// nothing and sends nothing; what is accepted is stored before the 200 and answered once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.js';
import { FAKE_APP_ID } from '../fakes/fake-zalo.js';
import { startHarness, type Harness } from '../fakes/zalo-harness.js';
import { echoEvent, followEvent, mediaEvent, postEvent, sign, textEvent, userId, waitFor } from '../fakes/zalo-events.js';

const count = async (h: Harness, sql: string) => Number((await h.tdb.db.query<{ n: string }>(sql)).rows[0]!.n);

describe.each(DB_KINDS)('zalo webhook (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses forged, unsigned, wrong-secret and wrong-app events with 401 and stores nothing', async () => {
    const u = userId(1);
    const ev = textEvent(u, 'Hang Bua ở đâu?');
    expect(await postEvent(h.base, ev, { signature: 'mac=' + '0'.repeat(64) })).toBe(401);
    expect(await postEvent(h.base, ev, { signature: null })).toBe(401);
    expect(await postEvent(h.base, ev, { signature: sign(JSON.stringify(ev), ev.timestamp, 'other') })).toBe(401);
    const otherApp = { ...ev, app_id: '1111' };
    const raw = JSON.stringify(otherApp);
    expect(await postEvent(h.base, otherApp, { raw, signature: sign(raw, ev.timestamp, undefined, '1111') })).toBe(401);
    // The signature covers the exact bytes: the same event re-serialised with spaces fails.
    expect(await postEvent(h.base, ev, { raw: JSON.stringify(ev, null, 1), signature: sign(JSON.stringify(ev), ev.timestamp) })).toBe(401);
    expect(await count(h, 'SELECT count(*) AS n FROM inbound_event')).toBe(0);
    await h.channel.worker.idle();
    await h.channel.sender.idle();
    expect(h.zalo.sendsTo(u)).toHaveLength(0);
  });

  it('answers the unsigned {} probe with 200 and stores nothing', async () => {
    expect(await postEvent(h.base, {}, { signature: null, raw: '{}' })).toBe(200);
    expect(await count(h, 'SELECT count(*) AS n FROM inbound_event')).toBe(0);
  });

  it('rejects malformed JSON with 400 and an oversized body with 413', async () => {
    const bad = '{"app_id": "x", ';
    expect(await postEvent(h.base, { timestamp: '1' }, { raw: bad, signature: sign(bad, '1') })).toBe(400);
    const huge = JSON.stringify({ ...textEvent(userId(2), 'x'.repeat(70 * 1024)) });
    expect(await postEvent(h.base, JSON.parse(huge), { raw: huge })).toBe(413);
    expect(await count(h, 'SELECT count(*) AS n FROM inbound_event')).toBe(0);
  });

  it('stores a valid event before acknowledging and replies once to the same msg_id sent 3 times', async () => {
    const u = userId(3);
    const ev = textEvent(u, 'Luật Biên giới quốc gia được thông qua năm nào?');
    await h.channel.worker.stop(); // hold the worker: the row must exist right after the 200
    expect(await postEvent(h.base, ev)).toBe(200);
    const stored = await h.tdb.db.query<{ status: string; event_key: string }>('SELECT status, event_key FROM inbound_event');
    expect(stored.rows).toEqual([{ status: 'pending', event_key: `msg:${ev.message.msg_id}` }]);
    expect(await postEvent(h.base, { ...ev, timestamp: String(Date.now() + 1) })).toBe(200);
    expect(await postEvent(h.base, { ...ev, timestamp: String(Date.now() + 2) })).toBe(200);
    expect(await count(h, 'SELECT count(*) AS n FROM inbound_event')).toBe(1);
    h.channel.worker.start();
    await waitFor(() => h.zalo.sendsTo(u).length > 0, 20_000, 'reply');
    await h.channel.worker.idle();
    await h.channel.sender.idle();
    expect(h.zalo.sendsTo(u).map((s) => s.text)).toEqual([`Trả lời: ${ev.message.text}`]);
    expect(h.pipeline.calls.filter((c) => c.q === ev.message.text)).toHaveLength(1);
  });

  it('welcomes a follower, notes a sticker, and never replies to echoes, receipts, unfollows or misshapen events', async () => {
    const uf = userId(10), us = userId(11), ue = userId(12), uu = userId(13), ux = userId(14);
    expect(await postEvent(h.base, followEvent(uf))).toBe(200);
    expect(await postEvent(h.base, mediaEvent(us, 'sticker'))).toBe(200);
    expect(await postEvent(h.base, echoEvent(ue))).toBe(200);
    expect(await postEvent(h.base, followEvent(uu, 'unfollow'))).toBe(200);
    const unknown = { app_id: FAKE_APP_ID, event_name: 'user_reacted_message', timestamp: String(Date.now()), sender: { id: ux } };
    expect(await postEvent(h.base, unknown)).toBe(200);
    await waitFor(() => h.zalo.sendsTo(uf).length > 0 && h.zalo.sendsTo(us).length > 0, 20_000, 'welcome and note');
    await h.channel.worker.idle();
    await h.channel.sender.idle();
    expect(h.zalo.sendsTo(uf)[0]!.text).toContain('Châu Tiến');
    expect(h.zalo.sendsTo(us)[0]!.text).toContain('chữ');
    expect(h.zalo.sendsTo(ue)).toHaveLength(0);
    expect(h.zalo.sendsTo(uu)).toHaveLength(0);
    expect(h.zalo.sendsTo(ux)).toHaveLength(0);
    const ignored = await h.tdb.db.query<{ event_name: string; payload: unknown }>(
      `SELECT event_name, payload FROM inbound_event WHERE status = 'ignored' ORDER BY event_name`,
    );
    expect(ignored.rows).toEqual([
      { event_name: 'unfollow', payload: null },
      { event_name: 'user_reacted_message', payload: null },
    ]);
    // An echo is processed (it may mean an officer is answering: src/loop), never answered.
    const echo = await h.tdb.db.query<{ status: string; payload: unknown }>(`SELECT status, payload FROM inbound_event WHERE event_name = 'oa_send_text'`);
    expect(echo.rows).toEqual([{ status: 'done', payload: null }]);
  });

  it('answers a user flooding the OA once per message up to the limit, then one notice, then nothing', async () => {
    await h.close();
    h = await startHarness(kind, { env: { USER_RATE_LIMIT_PER_MINUTE: '3' } });
    const u = userId(20);
    for (let i = 0; i < 6; i++) expect(await postEvent(h.base, textEvent(u, `câu hỏi số ${i}`))).toBe(200);
    await waitFor(() => h.zalo.sendsTo(u).length >= 4, 20_000, 'replies and notice');
    await h.channel.worker.idle();
    await h.channel.sender.idle();
    const texts = h.zalo.sendsTo(u).map((s) => s.text);
    expect(texts.filter((t) => t.startsWith('Trả lời:'))).toHaveLength(3);
    expect(texts.filter((t) => t.includes('nhiều tin nhắn'))).toHaveLength(1);
    expect(texts).toHaveLength(4);
  });
});

describe('zalo webhook without configuration', () => {
  it('refuses events (503) but still answers the probe', async () => {
    const h = await startHarness('pglite', { env: { ZALO_APP_ID: '', ZALO_OA_SECRET_KEY: '' }, start: false });
    try {
      expect(await postEvent(h.base, {}, { signature: null, raw: '{}' })).toBe(200);
      expect(await postEvent(h.base, textEvent(userId(1), 'hi'))).toBe(503);
      expect(Number((await h.tdb.db.query<{ n: string }>('SELECT count(*) AS n FROM inbound_event')).rows[0]!.n)).toBe(0);
    } finally {
      await h.close();
    }
  });
});
