// Per-user conversation state for the Zalo channel (migrations/0023_channel_user.sql): the
// last confident language and a fixed one-minute rate-limit window. Keyed by an HMAC of the
// Zalo user id with a key generated once and kept in app_setting, so this table never holds a
// raw id, and it holds no message text.
import crypto from 'node:crypto';
import type { Lang } from '../answer/types.js';
import type { Db, Queryable } from '../db/types.js';

const KEY_SETTING = 'channel_user_key';

export type UserKeyFn = (userId: string) => string;

/** Load (or create once) the HMAC key and return the keying function. */
export async function loadUserKey(db: Db): Promise<UserKeyFn> {
  await db.query(`INSERT INTO app_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
    KEY_SETTING,
    crypto.randomBytes(32).toString('hex'),
  ]);
  const r = await db.query<{ value: string }>(`SELECT value FROM app_setting WHERE key = $1`, [KEY_SETTING]);
  const secret = Buffer.from(r.rows[0]!.value, 'hex');
  return (userId) => crypto.createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

export interface RateState {
  /** Messages in the current one-minute window, including this one. */
  count: number;
  noticeSent: boolean;
  lastLang: Lang | null;
}

/** Count one message (at `at`) in the user's window and return the state after counting it. */
export async function countMessage(q: Queryable, userKey: string, at: Date): Promise<RateState> {
  const r = await q.query<{ window_count: number; notice_sent: boolean; last_lang: Lang | null }>(
    `INSERT INTO channel_user_state AS s (user_key, window_start, window_count)
     VALUES ($1, $2, 1)
     ON CONFLICT (user_key) DO UPDATE SET
       window_count = CASE WHEN s.window_start <= $2::timestamptz - interval '1 minute' THEN 1 ELSE s.window_count + 1 END,
       notice_sent  = CASE WHEN s.window_start <= $2::timestamptz - interval '1 minute' THEN false ELSE s.notice_sent END,
       window_start = CASE WHEN s.window_start <= $2::timestamptz - interval '1 minute' THEN $2::timestamptz ELSE s.window_start END,
       updated_at = now()
     RETURNING window_count, notice_sent, last_lang`,
    [userKey, at],
  );
  const row = r.rows[0]!;
  return { count: Number(row.window_count), noticeSent: row.notice_sent, lastLang: row.last_lang };
}

/**
 * Claim the one rate-limit notice of the user's current window. True for exactly one caller even
 * when several over-limit messages of the same user are handled at once: the conditional UPDATE
 * takes the row lock and re-checks `notice_sent` after a concurrent claimer commits.
 */
export async function claimNotice(q: Queryable, userKey: string): Promise<boolean> {
  const r = await q.query(
    `UPDATE channel_user_state SET notice_sent = true, updated_at = now() WHERE user_key = $1 AND NOT notice_sent RETURNING 1`,
    [userKey],
  );
  return r.rowCount > 0;
}

export async function rememberLang(q: Queryable, userKey: string, lang: Lang): Promise<void> {
  await q.query(`UPDATE channel_user_state SET last_lang = $2, updated_at = now() WHERE user_key = $1`, [userKey, lang]);
}

export async function lastLang(q: Queryable, userKey: string): Promise<Lang | null> {
  const r = await q.query<{ last_lang: Lang | null }>(`SELECT last_lang FROM channel_user_state WHERE user_key = $1`, [userKey]);
  return r.rows[0]?.last_lang ?? null;
}
