// Channel housekeeping removes old processed events and delivered messages, and keeps what
// staff may still need (pending work, parked events, dead messages) and anything recent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepChannelTables } from '../../src/channel/housekeeping.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

describe.each(DB_KINDS)('channel housekeeping (%s)', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => t.drop());

  it('deletes old done/ignored events and sent messages, scrubs old dead and parked rows, keeps pending work', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    const recent = new Date(Date.now() - 2 * 86_400_000);
    for (const [key, status, at] of [
      ['msg:old-done', 'done', old],
      ['msg:old-ignored', 'ignored', old],
      ['msg:old-parked', 'parked', old],
      ['msg:old-pending', 'pending', old],
      ['msg:recent-done', 'done', recent],
    ] as const) {
      await t.db.query(`INSERT INTO inbound_event (event_key, event_name, status, received_at) VALUES ($1, 'user_send_text', $2, $3)`, [key, status, at]);
    }
    for (const [key, status, at] of [
      ['m-old-sent', 'sent', old],
      ['m-old-dead', 'dead', old],
      ['m-old-pending', 'pending', old],
      ['m-recent-sent', 'sent', recent],
    ] as const) {
      await t.db.query(
        `INSERT INTO outbox_message (purpose, dedupe_key, group_key, status, created_at, recipient_id, text) VALUES ('reply', $1, $1, $2, $3, '5000000000000000001', 'câu trả lời')`,
        [key, status, at],
      );
    }
    await t.db.query(`UPDATE inbound_event SET payload = '{"userId":"5000000000000000001","text":"câu hỏi"}'::jsonb WHERE event_key LIKE 'msg:old-%'`);
    // deleted: old done + ignored events, the old sent message; scrubbed: the old dead message and the old parked event
    // conversation state: an expired row goes, a live one stays
    await t.db.query(`INSERT INTO conversation_state (user_key, state, expires_at) VALUES ('k-old', '{"a":1}', now() - interval '1 minute'), ('k-live', '{"a":2}', now() + interval '10 minutes')`);
    expect(await sweepChannelTables(t.db, 30)).toEqual({ events: 2, messages: 1, scrubbed: 2, conversations: 1 });
    const conv = (await t.db.query<{ user_key: string }>(`SELECT user_key FROM conversation_state`)).rows.map((r) => r.user_key);
    expect(conv).toEqual(['k-live']);
    const dead = await t.db.query<{ recipient_id: string | null; text: string | null }>(`SELECT recipient_id, text FROM outbox_message WHERE dedupe_key = 'm-old-dead'`);
    expect(dead.rows[0]).toEqual({ recipient_id: null, text: null });
    const parked = await t.db.query<{ payload: unknown }>(`SELECT payload FROM inbound_event WHERE event_key = 'msg:old-parked'`);
    expect(parked.rows[0]!.payload).toBeNull();
    const pending = await t.db.query<{ text: string | null }>(`SELECT text FROM outbox_message WHERE dedupe_key = 'm-old-pending'`);
    expect(pending.rows[0]!.text).toBe('câu trả lời'); // pending work is never scrubbed
    const events = (await t.db.query<{ event_key: string }>(`SELECT event_key FROM inbound_event ORDER BY event_key`)).rows.map((r) => r.event_key);
    expect(events).toEqual(['msg:old-parked', 'msg:old-pending', 'msg:recent-done']);
    const messages = (await t.db.query<{ dedupe_key: string }>(`SELECT dedupe_key FROM outbox_message ORDER BY dedupe_key`)).rows.map((r) => r.dedupe_key);
    expect(messages).toEqual(['m-old-dead', 'm-old-pending', 'm-recent-sent']);
  });
});
