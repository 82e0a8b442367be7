// The engine's conversation memory is stored redacted: a number typed in the last question never
// reaches conversation_state (the acceptance check dumps every row looking for it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConversation, saveConversation } from '../../src/channel/conversation-store.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

describe.each(DB_KINDS)('conversation store (%s)', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => t?.drop());

  it('redacts every string of the state and keeps the rest', async () => {
    const now = new Date();
    await saveConversation(t.db, 'k1', { lastQuestion: 'Số của tôi là 001203 456789, Hang Bua ở đâu?', entity: 'hang-bua', turns: [{ q: 'gọi 0912 345 678' }], n: 2 }, now);
    const raw = await t.db.query<{ state: unknown }>(`SELECT state FROM conversation_state WHERE user_key = 'k1'`);
    const text = JSON.stringify(raw.rows[0]!.state);
    expect(text).not.toContain('456789');
    expect(text).not.toContain('345 678');
    const back = await loadConversation(t.db, 'k1', now);
    expect(back).toMatchObject({ entity: 'hang-bua', n: 2 });
    expect(String((back as { lastQuestion: string }).lastQuestion)).toContain('Hang Bua ở đâu?');
  });
});
