// Delivery through the outbox against a fake Zalo over real HTTP, on each database: token
// rotation under concurrency, upstream failures, permanent errors, splitting, privacy.
import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.js';
import { startFakeZalo } from '../fakes/fake-zalo.js';
import { startHarness, type Harness } from '../fakes/zalo-harness.js';
import { postEvent, textEvent, userId, waitFor } from '../fakes/zalo-events.js';

describe.each(DB_KINDS)('outbox delivery (%s)', (kind) => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('refreshes an expired token exactly once for 50 concurrent replies, and the new pair is stored', async () => {
    h = await startHarness(kind, { env: { OUTBOX_CONCURRENCY: '10', WORKER_CONCURRENCY: '8' } });
    const zalo = h.zalo;
    zalo.state.faults.expireTokenOnce = true;
    zalo.state.faults.refreshDelayMs = 100; // many sends are rejected while the refresh is under way
    const users = Array.from({ length: 50 }, (_, i) => userId(100 + i));
    const statuses = await Promise.all(users.map((u) => postEvent(h!.base, textEvent(u, 'Ngày Biên phòng toàn dân là ngày nào?'))));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor(() => users.every((u) => zalo.sendsTo(u).length > 0), 30_000, 'all 50 replies');
    expect(zalo.state.rejectedSends).toBeGreaterThan(1); // several senders saw the expired token
    expect(zalo.state.refreshCalls).toBe(1);
    expect(zalo.state.badRefreshCalls).toBe(0);
    expect(users.every((u) => zalo.sendsTo(u).length === 1)).toBe(true);
    const stored = await h.tdb.db.query<{ access_token: string; refresh_token: string; source: string; access_expires_at: Date | null }>(
      'SELECT access_token, refresh_token, source, access_expires_at FROM zalo_token',
    );
    expect(stored.rows[0]).toMatchObject({ access_token: 'AT-1', refresh_token: 'RT-1', source: 'refresh' });
    expect(stored.rows[0]!.access_expires_at!.getTime()).toBeGreaterThan(Date.now() + 80_000 * 1000);
  });

  it('delivers through HTTP 500s and timeouts', async () => {
    h = await startHarness(kind);
    h.zalo.state.faults.failFirstN = 6;
    h.zalo.state.faults.hangFirstN = 0;
    const users = Array.from({ length: 5 }, (_, i) => userId(200 + i));
    for (const u of users) expect(await postEvent(h.base, textEvent(u, 'xin chào'))).toBe(200);
    await waitFor(() => users.every((u) => h!.zalo.sendsTo(u).length > 0), 30_000, 'delivery after 500s');
    h.zalo.state.faults.hangFirstN = 2; // the client times out (ZALO_HTTP_TIMEOUT_MS=500) and retries
    const slow = userId(210);
    expect(await postEvent(h.base, textEvent(slow, 'xin chào'))).toBe(200);
    await waitFor(() => h!.zalo.sendsTo(slow).length > 0, 30_000, 'delivery after timeouts');
    expect(h.zalo.state.attempts).toBeGreaterThanOrEqual(5 + 6 + 1 + 2);
  });

  it('records permanent errors as dead for staff, blocks nothing else, and can retry them', async () => {
    h = await startHarness(kind);
    const blocked = userId(300), fine = userId(301);
    h.zalo.state.faults.errorFor = { [blocked]: -230 };
    await postEvent(h.base, textEvent(blocked, 'dài: một câu hỏi'));
    await postEvent(h.base, textEvent(fine, 'xin chào'));
    await waitFor(() => h!.zalo.sendsTo(fine).length > 0, 20_000, 'the other user');
    await waitFor(async () => (await h!.channel.delivery.listFailures(10)).length > 0, 20_000, 'failure listed');
    const failures = await h.channel.delivery.listFailures(10);
    // The first part failed with -230; the later parts of the same reply are dead with it.
    expect(failures.length).toBeGreaterThan(1);
    expect(failures.every((f) => f.status === 'dead' && f.purpose === 'reply')).toBe(true);
    expect(failures.some((f) => f.lastError?.includes('-230'))).toBe(true);
    expect(h.zalo.state.attempts).toBe(2); // no retries of a permanent error
    h.zalo.state.faults.errorFor = {};
    await h.channel.delivery.retry('outbox', failures[0]!.id);
    await waitFor(() => h!.zalo.sendsTo(blocked).length === failures.length, 20_000, 'retried reply');
    expect(await h.channel.delivery.listFailures(10)).toEqual([]);
  });

  it('splits a long answer into ordered messages of at most 2,000 characters', async () => {
    h = await startHarness(kind, { env: { OUTBOX_CONCURRENCY: '4' } });
    const u = userId(400);
    await postEvent(h.base, textEvent(u, 'một câu trả lời dài'));
    const full = (await h.pipeline.answer('dài')).answer;
    await waitFor(() => h!.zalo.sendsTo(u).map((s) => s.text).join('').replace(/\s/g, '').length === full.replace(/\s/g, '').length, 20_000, 'all parts');
    const parts = h.zalo.sendsTo(u).map((s) => s.text);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(2000);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(full.replace(/\s+/g, ' ')); // in order, nothing lost
  });

  it('after delivery no stored row links a raw user id to what was asked or answered', async () => {
    h = await startHarness(kind);
    const u = userId(500);
    const question = 'Hang Bua thuộc xã nào? riêng-tư-42';
    await postEvent(h.base, textEvent(u, question));
    await waitFor(() => h!.zalo.sendsTo(u).length > 0, 20_000, 'reply');
    await h.channel.worker.idle();
    await h.channel.sender.idle();
    expect(h.recorder.records).toHaveLength(1);
    const tables = ['inbound_event', 'outbox_message', 'channel_user_state', 'question_log', 'zalo_token', 'channel_alert', 'app_setting'];
    for (const t of tables) {
      const rows = (await h.tdb.db.query<Record<string, unknown>>(`SELECT * FROM ${t}`)).rows;
      for (const row of rows) {
        const s = JSON.stringify(row);
        const hasId = s.includes(u);
        const hasText = s.includes('riêng-tư-42');
        expect(hasId && hasText, `${t} links the user id to the text: ${s.slice(0, 200)}`).toBe(false);
        if (t !== 'question_log') expect(hasText, `${t} keeps the text`).toBe(false);
      }
    }
  });

  it('parks an event that keeps failing and shows it to staff; staff can put it back in the queue', async () => {
    h = await startHarness(kind, { env: { MAX_ATTEMPTS: '2' }, failFor: 'nổ' });
    const u = userId(600);
    await postEvent(h.base, textEvent(u, 'câu hỏi làm nổ'));
    await waitFor(async () => (await h!.channel.delivery.listParkedEvents(10)).length === 1, 20_000, 'parked event');
    const [parked] = await h.channel.delivery.listParkedEvents(10);
    expect(parked).toMatchObject({ eventName: 'user_send_text', attempts: 2, lastError: 'pipeline exploded' });
    expect(h.zalo.sendsTo(u)).toHaveLength(0);
    const calls = h.pipeline.calls.length;
    await h.channel.delivery.retry('event', parked!.id);
    await waitFor(() => h!.pipeline.calls.length === calls + 2, 20_000, 'retried event');
  });

  it('keeps replies queued when the refresh token is dead, alerts staff, and sends once a new pair is stored', async () => {
    h = await startHarness(kind);
    h.zalo.state.faults.expireTokenOnce = true;
    h.zalo.state.faults.refreshError = -14020;
    const u = userId(700);
    await postEvent(h.base, textEvent(u, 'xin chào'));
    await waitFor(async () => (await h!.channel.delivery.listFailures(10)).some((f) => f.status === 'alert'), 20_000, 'token alert');
    const alert = (await h.channel.delivery.listFailures(10)).find((f) => f.status === 'alert')!;
    expect(alert.lastError).toContain('zalo:authorize');
    // The alert is written before the message is put back in the queue: wait for that to land.
    const queuedRows = async () =>
      (await h!.tdb.db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM outbox_message`)).rows;
    await waitFor(async () => (await queuedRows())[0]?.status === 'pending', 20_000, 'reply back in the queue');
    expect(await queuedRows()).toEqual([{ status: 'pending', attempts: 0 }]);
    expect(h.zalo.sendsTo(u)).toHaveLength(0);
    // The admin authorises again: the stored pair replaces the dead one and the reply goes out.
    h.zalo.state.faults.refreshError = undefined;
    await h.channel.tokens.saveAuthorized({ accessToken: h.zalo.state.access, refreshToken: h.zalo.state.refresh, expiresIn: 90000 });
    await waitFor(() => h!.zalo.sendsTo(u).length === 1, 20_000, 'reply after authorisation');
    expect((await h.channel.delivery.listFailures(10)).some((f) => f.status === 'alert')).toBe(false);
  });
});

describe.each(DB_KINDS)('token store (%s)', (kind) => {
  it('seeds from the environment only when nothing is stored: after a refresh the stored pair wins', async () => {
    const zalo = await startFakeZalo();
    const h = await startHarness(kind, { zalo, start: false });
    try {
      expect(await h.channel.tokens.accessToken()).toBe('AT-initial');
      expect(await h.channel.tokens.refreshAfterRejection('AT-initial')).toBe('AT-1');
      // A restart with the old env pair: the stored pair still wins.
      expect(await h.channel.tokens.seedFromEnv({ accessToken: 'AT-initial', refreshToken: 'RT-initial' })).toBe(false);
      expect(await h.channel.tokens.accessToken()).toBe('AT-1');
      // A caller that saw the old token rejected gets the new one without a second refresh.
      const again = await Promise.all(Array.from({ length: 20 }, () => h.channel.tokens.refreshAfterRejection('AT-initial')));
      expect(new Set(again)).toEqual(new Set(['AT-1']));
      expect(zalo.state.refreshCalls).toBe(1);
    } finally {
      await h.close();
      await zalo.close();
    }
  });

  it('keeps replies when no token is configured', async () => {
    const h = await startHarness(kind, { env: { ZALO_ACCESS_TOKEN: '', ZALO_REFRESH_TOKEN: '' } });
    try {
      const u = userId(800);
      await postEvent(h.base, textEvent(u, 'xin chào'));
      await waitFor(async () => Number((await h.tdb.db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox_message`)).rows[0]!.n) === 1, 20_000, 'queued reply');
      await h.channel.worker.idle();
      await h.channel.sender.idle();
      expect(h.zalo.state.attempts).toBe(0);
      const row = (await h.tdb.db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM outbox_message`)).rows[0];
      expect(row).toEqual({ status: 'pending', attempts: 0 });
      expect((await h.channel.delivery.listFailures(10)).map((f) => f.purpose)).toContain('tokens_missing');
    } finally {
      await h.close();
    }
  });
});
