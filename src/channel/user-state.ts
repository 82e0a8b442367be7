// Per-user conversation state for the Zalo channel (migrations/0023_channel_user.sql): the
// last confident language, a fixed one-minute rate-limit window, the last interaction (Zalo's
// 7-day consultation window) and when the non-text note last went out. Keyed by an HMAC of the
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

/**
 * Count one message (received at `at`) in the user's window and return the state after counting
 * it. `interactedAt` (the event's own timestamp, default `at`) moves the user's last interaction,
 * from which Zalo's 7-day consultation window runs.
 */
export async function countMessage(q: Queryable, userKey: string, at: Date, interactedAt?: Date): Promise<RateState> {
  const r = await q.query<{ window_count: number; notice_sent: boolean; last_lang: Lang | null }>(
    `INSERT INTO channel_user_state AS s (user_key, window_start, window_count, last_interaction_at)
     VALUES ($1, $2, 1, $3)
     ON CONFLICT (user_key) DO UPDATE SET
       window_count = CASE WHEN s.window_start <= $2::timestamptz - interval '1 minute' THEN 1 ELSE s.window_count + 1 END,
       notice_sent  = CASE WHEN s.window_start <= $2::timestamptz - interval '1 minute' THEN false ELSE s.notice_sent END,
       window_start = CASE WHEN s.window_start <= $2::timestamptz - interval '1 minute' THEN $2::timestamptz ELSE s.window_start END,
       last_interaction_at = GREATEST(s.last_interaction_at, $3::timestamptz),
       updated_at = now()
     RETURNING window_count, notice_sent, last_lang`,
    [userKey, at, interactedAt ?? at],
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

/** A follow is an interaction too (it opens the consultation window). */
export async function touchInteraction(q: Queryable, userKey: string, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO channel_user_state AS s (user_key, window_start, window_count, last_interaction_at) VALUES ($1, $2, 0, $2)
     ON CONFLICT (user_key) DO UPDATE SET last_interaction_at = GREATEST(s.last_interaction_at, $2::timestamptz), updated_at = now()`,
    [userKey, at],
  );
}

/** Claim the non-text note: true at most once per user per hour (five stickers → one note). */
export async function claimNonTextNote(q: Queryable, userKey: string, at: Date): Promise<boolean> {
  const r = await q.query(
    `UPDATE channel_user_state SET note_sent_at = $2, updated_at = now()
      WHERE user_key = $1 AND (note_sent_at IS NULL OR note_sent_at <= $2::timestamptz - interval '1 hour') RETURNING 1`,
    [userKey, at],
  );
  return r.rowCount > 0;
}

/** When the user last wrote or followed, or null if never seen. */
export async function lastInteraction(q: Queryable, userKey: string): Promise<Date | null> {
  const r = await q.query<{ last_interaction_at: Date | null }>(`SELECT last_interaction_at FROM channel_user_state WHERE user_key = $1`, [userKey]);
  return r.rows[0]?.last_interaction_at ?? null;
}
