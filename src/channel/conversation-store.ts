// Conversation memory per user (migrations/0050_conversation_state.sql, PLAN.md contract): the
// opaque state the answer engine returned with the user's previous answer, for 30 minutes,
// keyed by the channel pseudonym. Read before answering, written in the reply's transaction.
import type { ConversationState } from '../answer/types.js';
import type { Queryable } from '../db/types.js';
import { redactPii } from '../insights/redact.js';

/**
 * The engine's memory holds the last question (for follow-ups): every string in it is redacted
 * like the question log, so a phone or ID number typed in a message is not kept here either.
 */
function redactStrings(v: unknown): unknown {
  if (typeof v === 'string') return redactPii(v);
  if (Array.isArray(v)) return v.map(redactStrings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactStrings(x)]));
  return v;
}

export const CONVERSATION_TTL_MS = 30 * 60_000;

/** The user's state if it has not expired at `now`; expired rows are ignored (housekeeping deletes them). */
export async function loadConversation(q: Queryable, userKey: string, now: Date): Promise<ConversationState | null> {
  const r = await q.query<{ state: ConversationState }>(`SELECT state FROM conversation_state WHERE user_key = $1 AND expires_at > $2`, [userKey, now]);
  return r.rows[0]?.state ?? null;
}

/** Keep `state` for 30 minutes from `now`; null clears it. */
export async function saveConversation(q: Queryable, userKey: string, state: ConversationState | null, now: Date): Promise<void> {
  if (state === null) {
    await q.query(`DELETE FROM conversation_state WHERE user_key = $1`, [userKey]);
    return;
  }
  await q.query(
    `INSERT INTO conversation_state (user_key, state, expires_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (user_key) DO UPDATE SET state = EXCLUDED.state, expires_at = EXCLUDED.expires_at`,
    [userKey, JSON.stringify(redactStrings(state)), new Date(now.getTime() + CONVERSATION_TTL_MS)],
  );
}

export async function deleteExpiredConversations(q: Queryable, now: Date): Promise<number> {
  const r = await q.query(`DELETE FROM conversation_state WHERE expires_at <= $1`, [now]);
  return r.rowCount;
}
