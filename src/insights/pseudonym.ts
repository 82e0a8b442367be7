// Keyed pseudonyms for user ids: HMAC-SHA256 with PSEUDONYM_SECRET, so the same person is counted
// once without the log ever holding the id itself. Without a configured secret a random key is
// generated once and kept in app_setting, so pseudonyms stay stable across restarts and processes.
// Keys rotate every `rotationDays` (PSEUDONYM_ROTATION_DAYS): the pseudonym of one person changes
// from one period to the next, so distinct-user counts and flags work within a period but no
// long-lived profile can be built from the log. Period keys are derived from the master key
// (HMAC(master, "period:<n>")), so nothing more is stored, and a data-subject request can still
// find a person's rows of every period still within retention.
import crypto from 'node:crypto';
import type { Queryable } from '../db/types.js';

const SETTING_KEY = 'insights.pseudonym_key';

export interface Pseudonymizer {
  /** The pseudonym of a channel user id (hex) at `at` (default now). Uses `q` only to read or create the stored key once. */
  pseudonym(q: Queryable, userId: string, at?: Date): Promise<string>;
  /** Every pseudonym the id may have had in the last `days` days (all rotation periods, and the unrotated form). */
  pseudonymsWithin(q: Queryable, userId: string, days: number, now?: Date): Promise<string[]>;
  /** Loads (or creates and commits) the stored key ahead of time, e.g. as a start-up step. */
  warm(db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> }): Promise<void>;
}

export function pseudonymOf(key: string, userId: string): string {
  // 128 bits are plenty to keep distinct users distinct and short enough for indexes.
  return crypto.createHmac('sha256', key).update(userId, 'utf8').digest('hex').slice(0, 32);
}

/** The rotation period `at` falls in (0 when keys do not rotate). */
export function periodOf(at: Date, rotationDays: number): number {
  return rotationDays > 0 ? Math.floor(at.getTime() / (rotationDays * 86_400_000)) : 0;
}

/** The key of one rotation period, derived from the master key. */
export function periodKey(master: string, period: number): string {
  return crypto.createHmac('sha256', master).update(`period:${period}`, 'utf8').digest('base64url');
}

export function createPseudonymizer(opts: { secret?: string; rotationDays?: number }): Pseudonymizer {
  let key: string | undefined = opts.secret;
  const rotation = opts.rotationDays ?? 0;
  const masterKey = async (q: Queryable): Promise<string> => {
    if (key !== undefined) return key;
    const stored = await loadOrCreateKey(q);
    // A key this call created is cached only once it is known to be committed, i.e. when a later
    // call reads it back: the caller's transaction could still roll back.
    if (!stored.created) key = stored.key;
    return stored.key;
  };
  const keyAt = (master: string, at: Date) => (rotation > 0 ? periodKey(master, periodOf(at, rotation)) : master);
  return {
    async pseudonym(q, userId, at = new Date()) {
      return pseudonymOf(keyAt(await masterKey(q), at), userId);
    },
    async pseudonymsWithin(q, userId, days, now = new Date()) {
      const master = await masterKey(q);
      const out = new Set([pseudonymOf(master, userId)]);
      if (rotation > 0) {
        const first = periodOf(new Date(now.getTime() - days * 86_400_000), rotation);
        for (let p = first; p <= periodOf(now, rotation); p++) out.add(pseudonymOf(periodKey(master, p), userId));
      }
      return [...out];
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
