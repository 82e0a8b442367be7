// Keyed pseudonyms for user ids: HMAC-SHA256 with PSEUDONYM_SECRET, so the same person is counted
// once without the log ever holding the id itself. Without a configured secret a random key is
// generated once and kept in app_setting, so pseudonyms stay stable across restarts and processes.
import crypto from 'node:crypto';
import type { Queryable } from '../db/types.js';

const SETTING_KEY = 'insights.pseudonym_key';

export interface Pseudonymizer {
  /** The pseudonym of a channel user id (hex). Uses `q` only to read or create the stored key once. */
  pseudonym(q: Queryable, userId: string): Promise<string>;
  /** Loads (or creates and commits) the stored key ahead of time, e.g. as a start-up step. */
  warm(db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> }): Promise<void>;
}

export function pseudonymOf(key: string, userId: string): string {
  // 128 bits are plenty to keep distinct users distinct and short enough for indexes.
  return crypto.createHmac('sha256', key).update(userId, 'utf8').digest('hex').slice(0, 32);
}

export function createPseudonymizer(opts: { secret?: string }): Pseudonymizer {
  let key: string | undefined = opts.secret;
  return {
    async pseudonym(q, userId) {
      if (key === undefined) {
        const stored = await loadOrCreateKey(q);
        // A key this call created is cached only once it is known to be committed, i.e. when a later
        // call reads it back: the caller's transaction could still roll back.
        if (!stored.created) key = stored.key;
        return pseudonymOf(stored.key, userId);
      }
      return pseudonymOf(key, userId);
    },
    async warm(db) {
      if (key === undefined) key = (await db.tx((q) => loadOrCreateKey(q))).key;
    },
  };
}

/** Reads the generated key, creating it when absent. Concurrent creators converge on one key. */
export async function loadOrCreateKey(q: Queryable): Promise<{ key: string; created: boolean }> {
  const candidate = crypto.randomBytes(32).toString('base64url');
  const ins = await q.query<{ value: string }>(
    'INSERT INTO app_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value',
    [SETTING_KEY, candidate],
  );
  if (ins.rows[0]) return { key: ins.rows[0].value, created: true };
  const r = await q.query<{ value: string }>('SELECT value FROM app_setting WHERE key = $1', [SETTING_KEY]);
  if (!r.rows[0]) throw new Error('pseudonym key missing after insert conflict');
  return { key: r.rows[0].value, created: false };
}
