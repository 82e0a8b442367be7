// The OA-wide breaker against a fake Zalo that answers every send with -211 (out of quota) and
// later recovers: nothing is marked dead, sends stop after the first refusal (no storm), one
// alert is raised for the dashboard, probes go out, and every held reply is delivered after the
// recovery, with the alert resolved. Also: an empty 200 body is retried at most once.
import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.js';
import { startHarness, type Harness } from '../fakes/zalo-harness.js';
import { postEvent, textEvent, userId, waitFor } from '../fakes/zalo-events.js';

describe.each(DB_KINDS)('OA-wide breaker (%s)', (kind) => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('holds every send on -211, raises one alert, probes, and delivers everything after recovery', async () => {
    h = await startHarness(kind, { env: { OUTBOX_BREAKER_PROBE_MS: '300', OUTBOX_CONCURRENCY: '8' } });
    const zalo = h.zalo;
    zalo.state.faults.errorForAll = -211;
    const users = Array.from({ length: 12 }, (_, i) => userId(7000 + i));
    const statuses = await Promise.all(users.map((u) => postEvent(h!.base, textEvent(u, `Câu hỏi ${u}`))));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor(async () => (await h!.channel.channelStatus()).breaker.open, 20_000, 'breaker open');
    const status = await h.channel.channelStatus();
    expect(status.sending).toBe(false);
    expect(status.breaker.code).toBe(-211);
    expect(status.alerts.filter((a) => a.kind === 'oa_blocked')).toHaveLength(1);
    // Let a few probes fail: attempts grow slowly (probes), not one per queued reply per poll.
    await new Promise((r) => setTimeout(r, 1500));
    const attemptsWhileOpen = zalo.state.attempts;
    expect(attemptsWhileOpen).toBeLessThan(8 + 6); // the first wave in flight plus a few probes
    const dead = await h.tdb.db.query(`SELECT id FROM outbox_message WHERE status = 'dead'`);
    expect(dead.rows).toHaveLength(0); // never marked dead one by one
    expect((await h.channel.delivery.listFailures(10)).some((f) => f.purpose === 'oa_blocked')).toBe(true);

    zalo.state.faults.errorForAll = undefined; // Zalo accepts again
    await waitFor(() => users.every((u) => zalo.sendsTo(u).length === 1), 30_000, 'every held reply delivered');
    await waitFor(async () => (await h!.channel.channelStatus()).sending, 5000, 'breaker closed');
    const after = await h.channel.channelStatus();
    expect(after.alerts.filter((a) => a.kind === 'oa_blocked')).toHaveLength(0);
    expect(users.every((u) => zalo.sendsTo(u).length === 1)).toBe(true);
  });

  it('treats a 200 without a body as an unknown outcome: one retry, then dead for staff', async () => {
    h = await startHarness(kind);
    h.zalo.state.faults.emptyBodyFirstN = 5;
    const u = userId(7100);
    expect(await postEvent(h.base, textEvent(u, 'Hang Bua ở đâu?'))).toBe(200);
    await waitFor(async () => (await h!.tdb.db.query(`SELECT 1 FROM outbox_message WHERE status = 'dead'`)).rows.length === 1, 20_000, 'dead after 2 attempts');
    const row = await h.tdb.db.query<{ attempts: number; last_error: string }>(`SELECT attempts, last_error FROM outbox_message`);
    expect(row.rows[0]!.attempts).toBe(2);
    expect(row.rows[0]!.last_error).toMatch(/unknown outcome/);
    expect(h.zalo.state.attempts).toBe(2);
  });

  it('backs refreshes off when a refreshed token is rejected too: one refresh, breaker open, alert', async () => {
    h = await startHarness(kind, { env: { OUTBOX_BREAKER_PROBE_MS: '5000', OUTBOX_CONCURRENCY: '8' } });
    h.zalo.state.faults.errorForAll = -216; // every token is "invalid", even a fresh one
    const users = Array.from({ length: 10 }, (_, i) => userId(7200 + i));
    await Promise.all(users.map((u) => postEvent(h!.base, textEvent(u, 'Hang Bua ở đâu?'))));
    await waitFor(async () => (await h!.channel.channelStatus()).breaker.open, 20_000, 'breaker open');
    const refreshesAtOpen = h.zalo.state.refreshCalls;
    // Single-flight per rejected token (a send that raced the first refresh may start a second),
    // then held: no refresh per queued message while the breaker waits for its probe.
    expect(refreshesAtOpen).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.zalo.state.refreshCalls).toBe(refreshesAtOpen);
    const st = await h.channel.channelStatus();
    expect(st.alerts.some((a) => a.kind === 'oa_blocked')).toBe(true);
    expect((await h.tdb.db.query(`SELECT 1 FROM outbox_message WHERE status = 'dead'`)).rows).toHaveLength(0);
  });
});
