// Channel behaviours added for issue #12 / #16, end to end over real HTTP on each database:
// poison text answered, long messages capped, conversation state carried between messages,
// replies quoting the user's message, the 7-day window, ZALO_OA_ID, one note per hour,
// appsecret_proof.
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.js';
import { FAKE_APP_SECRET, FAKE_OA_ID } from '../fakes/fake-zalo.js';
import { startHarness, type Harness } from '../fakes/zalo-harness.js';
import { mediaEvent, postEvent, textEvent, userId, waitFor } from '../fakes/zalo-events.js';
import { enqueueMessage } from '../../src/channel/outbox-store.js';

describe.each(DB_KINDS)('channel behaviour (%s)', (kind) => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('answers poison text (lone surrogate, NUL) without failing the events batched with it', async () => {
    h = await startHarness(kind);
    const bad = userId(8001);
    const others = Array.from({ length: 6 }, (_, i) => userId(8010 + i));
    const statuses = await Promise.all([
      postEvent(h.base, textEvent(bad, 'Hang\u0000 Bua \uD800 ở đâu?')),
      ...others.map((u) => postEvent(h!.base, textEvent(u, 'Hang Bua ở đâu?'))),
    ]);
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor(() => [bad, ...others].every((u) => h!.zalo.sendsTo(u).length === 1), 20_000, 'all answered');
    expect(h.zalo.sendsTo(bad)[0]!.text).toBe('Trả lời: Hang Bua \uFFFD ở đâu?');
  });

  it('answers only the first 1,000 characters of a long message, says so, and logs the full text', async () => {
    h = await startHarness(kind);
    const u = userId(8100);
    const long = 'Hang Bua ở đâu? ' + 'a'.repeat(3000);
    expect(await postEvent(h.base, textEvent(u, long))).toBe(200);
    await waitFor(() => h!.zalo.sendsTo(u).length > 0, 20_000, 'reply');
    expect([...h.pipeline.calls[0]!.q].length).toBe(1000);
    const all = h.zalo.sendsTo(u).map((s) => s.text).join('\n');
    expect(all).toContain('chỉ đọc 1.000 ký tự đầu');
    expect(h.recorder.records[0]!.result.question).toBe(long);
  });

  it('passes the conversation state to the next answer and saves what the answer returns', async () => {
    h = await startHarness(kind);
    const u = userId(8200);
    await postEvent(h.base, textEvent(u, 'câu một'));
    await waitFor(() => h!.zalo.sendsTo(u).length === 1, 20_000, 'first');
    await postEvent(h.base, textEvent(u, 'câu hai'));
    await waitFor(() => h!.zalo.sendsTo(u).length === 2, 20_000, 'second');
    expect(h.pipeline.calls.map((c) => c.conversation)).toEqual([null, { turn: 1 }]);
    expect(h.pipeline.calls[1]!.now).toBeInstanceOf(Date);
    const rows = await h.tdb.db.query<{ user_key: string; state: unknown }>(`SELECT user_key, state FROM conversation_state`);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]!.state).toEqual({ turn: 2 });
    expect(rows.rows[0]!.user_key).not.toContain(u); // the pseudonym, never the raw id
    // Expired state is ignored; null clears it.
    await h.tdb.db.query(`UPDATE conversation_state SET expires_at = now() - interval '1 second'`);
    await postEvent(h.base, textEvent(u, 'câu ba, quên đi'));
    await waitFor(() => h!.zalo.sendsTo(u).length === 3, 20_000, 'third');
    expect(h.pipeline.calls[2]!.conversation).toBeNull();
    expect((await h.tdb.db.query(`SELECT 1 FROM conversation_state`)).rows).toHaveLength(0);
  });

  it('quotes the user message in the reply, and records a reply past the 7-day window without calling Zalo', async () => {
    h = await startHarness(kind);
    const u = userId(8300);
    const ev = textEvent(u, 'Hang Bua ở đâu?', 'quote-me-1');
    await postEvent(h.base, ev);
    await waitFor(() => h!.zalo.sendsTo(u).length === 1, 20_000, 'reply');
    expect(h.zalo.sendsTo(u)[0]!.quote).toBe('quote-me-1');
    // The user last wrote 8 days ago: a reply queued now is not sent.
    const r = await h.tdb.db.query<{ user_key: string }>(`SELECT user_key FROM channel_user_state`);
    const key = r.rows[0]!.user_key;
    await h.tdb.db.query(`UPDATE channel_user_state SET last_interaction_at = now() - interval '8 days'`);
    const attempts = h.zalo.state.attempts;
    await enqueueMessage(h.tdb.db, { purpose: 'reply', recipientId: u, userKey: key, text: 'muộn', dedupeKey: 'late-1' });
    h.channel.sender.wakeup.wake();
    await waitFor(async () => (await h!.tdb.db.query(`SELECT 1 FROM outbox_message WHERE dedupe_key = 'late-1:1' AND status = 'dead'`)).rows.length === 1, 10_000, 'window closed');
    const row = await h.tdb.db.query<{ last_error: string }>(`SELECT last_error FROM outbox_message WHERE dedupe_key = 'late-1:1'`);
    expect(row.rows[0]!.last_error).toMatch(/window closed/);
    expect(h.zalo.state.attempts).toBe(attempts);
  });

  it('with ZALO_OA_ID ignores events for another OA; notes five stickers once; sends appsecret_proof', async () => {
    h = await startHarness(kind, { env: { ZALO_OA_ID: FAKE_OA_ID, ZALO_APPSECRET_PROOF: 'true' } });
    const u = userId(8400);
    const other = { ...textEvent(u, 'cho OA khác'), recipient: { id: '1111111111111111111' } };
    expect(await postEvent(h.base, other)).toBe(200);
    for (let i = 0; i < 5; i++) expect(await postEvent(h.base, mediaEvent(u, 'sticker'))).toBe(200);
    await h.channel.worker.idle();
    await h.channel.sender.idle();
    await waitFor(() => h!.zalo.sendsTo(u).length === 1, 10_000, 'one note');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.zalo.sendsTo(u)).toHaveLength(1);
    expect(h.pipeline.calls).toHaveLength(0); // the other OA's text was never answered
    const expected = crypto.createHmac('sha256', FAKE_APP_SECRET).update('AT-initial').digest('hex');
    expect(h.zalo.sendsTo(u)[0]!.proof).toBe(expected);
    const ignored = await h.tdb.db.query<{ last_error: string }>(`SELECT last_error FROM inbound_event WHERE status = 'ignored'`);
    expect(ignored.rows.map((r) => r.last_error)).toEqual(['other_oa']);
  });
});
