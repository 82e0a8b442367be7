// Login lock-out per (account, client address), plus an account-wide lock at a much higher
// threshold, and an admin unlock (issue 16, L12). Before, five wrong passwords from anyone locked an
// account for everyone, again and again. Now they lock it only for the address they came from; the
// account as a whole locks only after ACCOUNT_FACTOR × LOGIN_MAX_FAILURES failures (guessing from
// many addresses at once). Behind a proxy the address is only right with TRUST_PROXY set properly.
// All SQL for the lock-out is here (the staff store keeps the account-wide counter).
import crypto from 'node:crypto';
import type { Config } from '../config.js';
import type { Queryable } from '../db/types.js';
import { staffStore } from './staff-store.js';

/** Account-wide lock after this many times LOGIN_MAX_FAILURES failures (from any addresses). */
export const ACCOUNT_FACTOR = 10;

/** A short, non-reversible label of a client address (no readable IP in the table). */
export function sourceKey(ip: string | undefined): string {
  return crypto.createHash('sha256').update(`login-source:${ip ?? ''}`).digest('hex').slice(0, 32);
}

export interface LoginLockout {
  /** True when this account is locked for this address (or account-wide). */
  isLocked(staffId: string, ip: string | undefined): Promise<boolean>;
  /** Counts a wrong password from this address (and account-wide). */
  recordFailure(staffId: string, ip: string | undefined): Promise<void>;
  /** A successful login from this address clears its counter. */
  recordSuccess(staffId: string, ip: string | undefined): Promise<void>;
  /** Admin unlock: clears every address's lock and the account-wide lock. Returns false for an unknown account. */
  unlock(username: string): Promise<boolean>;
}

export function createLoginLockout(db: Queryable, config: Pick<Config, 'LOGIN_MAX_FAILURES' | 'LOGIN_LOCKOUT_MINUTES'>): LoginLockout {
  const store = staffStore(db);
  return {
    async isLocked(staffId, ip) {
      const r = await db.query<{ locked: boolean }>(
        `SELECT (SELECT locked_until > now() FROM staff_login_failure WHERE staff_id = $1 AND source = $2) AS locked`,
        [staffId, sourceKey(ip)],
      );
      return r.rows[0]?.locked === true;
    },

    async recordFailure(staffId, ip) {
      // One statement per counter, so concurrent attempts cannot undercount. At the limit the
      // address is locked for LOGIN_LOCKOUT_MINUTES and its counter starts again.
      await db.query(
        `INSERT INTO staff_login_failure AS f (staff_id, source, failures, locked_until, last_failure_at)
         VALUES ($1, $2, CASE WHEN 1 >= $3 THEN 0 ELSE 1 END, CASE WHEN 1 >= $3 THEN now() + make_interval(mins => $4::int) END, now())
         ON CONFLICT (staff_id, source) DO UPDATE SET
           failures = CASE WHEN f.failures + 1 >= $3 THEN 0 ELSE f.failures + 1 END,
           locked_until = CASE WHEN f.failures + 1 >= $3 THEN now() + make_interval(mins => $4::int) ELSE f.locked_until END,
           last_failure_at = now()`,
        [staffId, sourceKey(ip), config.LOGIN_MAX_FAILURES, config.LOGIN_LOCKOUT_MINUTES],
      );
      await store.recordFailedLogin(staffId, config.LOGIN_MAX_FAILURES * ACCOUNT_FACTOR, config.LOGIN_LOCKOUT_MINUTES);
      // rows of addresses that stopped failing long ago are of no use
      await db.query(`DELETE FROM staff_login_failure WHERE last_failure_at < now() - interval '7 days' AND (locked_until IS NULL OR locked_until < now())`);
    },

    async recordSuccess(staffId, ip) {
      await db.query('DELETE FROM staff_login_failure WHERE staff_id = $1 AND source = $2', [staffId, sourceKey(ip)]);
    },

    async unlock(username) {
      const r = await db.query<{ id: string }>('UPDATE staff_user SET failed_logins = 0, locked_until = NULL WHERE username = $1 RETURNING id', [username]);
      if (!r.rows[0]) return false;
      await db.query('DELETE FROM staff_login_failure WHERE staff_id = $1', [r.rows[0].id]);
      return true;
    },
  };
}
