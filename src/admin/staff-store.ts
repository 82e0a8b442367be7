// All SQL for staff accounts, sessions and the audit log. Rows are mapped to camelCase here.
import type { Queryable } from '../db/types.js';
import type { StaffRole } from './sources.js';

export const STAFF_ROLES: readonly StaffRole[] = ['viewer', 'editor', 'admin'];

export interface StaffUser {
  id: string;
  username: string;
  passwordHash: string;
  role: StaffRole;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
  lastLoginAt: Date | null;
}

interface StaffUserRow {
  id: string;
  username: string;
  password_hash: string;
  role: StaffRole;
  disabled: boolean;
  failed_logins: number;
  locked_until: Date | null;
  created_at: Date;
  last_login_at: Date | null;
}

const toUser = (r: StaffUserRow): StaffUser => ({
  id: String(r.id),
  username: r.username,
  passwordHash: r.password_hash,
  role: r.role,
  disabled: r.disabled,
  failedLogins: Number(r.failed_logins),
  lockedUntil: r.locked_until,
  createdAt: r.created_at,
  lastLoginAt: r.last_login_at,
});

export interface SessionWithStaff {
  staffId: string;
  username: string;
  role: StaffRole;
  csrfToken: string;
  expiresAt: Date;
  lastSeenAt: Date;
}

export interface AuditEntry {
  id: string;
  at: Date;
  staffUsername: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export class UsernameTakenError extends Error {}

export function staffStore(db: Queryable) {
  return {
    async findUser(username: string): Promise<StaffUser | null> {
      const r = await db.query<StaffUserRow>('SELECT * FROM staff_user WHERE username = $1', [username]);
      return r.rows[0] ? toUser(r.rows[0]) : null;
    },

    async listUsers(): Promise<StaffUser[]> {
      const r = await db.query<StaffUserRow>('SELECT * FROM staff_user ORDER BY username');
      return r.rows.map(toUser);
    },

    async createUser(username: string, passwordHash: string, role: StaffRole): Promise<StaffUser> {
      try {
        const r = await db.query<StaffUserRow>(
          'INSERT INTO staff_user (username, password_hash, role) VALUES ($1, $2, $3) RETURNING *',
          [username, passwordHash, role],
        );
        return toUser(r.rows[0]!);
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new UsernameTakenError(`Tài khoản "${username}" đã có.`);
        throw err;
      }
    },

    /** New password: also unlocks the account and ends its sessions. */
    async setPassword(username: string, passwordHash: string): Promise<boolean> {
      const r = await db.query<{ id: string }>(
        'UPDATE staff_user SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE username = $1 RETURNING id',
        [username, passwordHash],
      );
      if (!r.rows[0]) return false;
      await db.query('DELETE FROM staff_session WHERE staff_id = $1', [r.rows[0].id]);
      return true;
    },

    /** Disabling ends the account's sessions at once. */
    async disableUser(username: string): Promise<boolean> {
      const r = await db.query<{ id: string }>('UPDATE staff_user SET disabled = true WHERE username = $1 RETURNING id', [username]);
      if (!r.rows[0]) return false;
      await db.query('DELETE FROM staff_session WHERE staff_id = $1', [r.rows[0].id]);
      return true;
    },

    /**
     * Counts one failed login; at `maxFailures` the account is locked for `lockMinutes` and the
     * counter starts again. One statement, so concurrent attempts cannot undercount.
     */
    async recordFailedLogin(userId: string, maxFailures: number, lockMinutes: number): Promise<void> {
      await db.query(
        `UPDATE staff_user SET
           failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3::int) ELSE locked_until END
         WHERE id = $1`,
        [userId, maxFailures, lockMinutes],
      );
    },

    async recordSuccessfulLogin(userId: string): Promise<void> {
      await db.query('UPDATE staff_user SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = $1', [userId]);
    },

    async createSession(idHash: string, staffId: string, csrfToken: string, ttlMinutes: number): Promise<void> {
      await db.query(
        `INSERT INTO staff_session (id_hash, staff_id, csrf_token, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(mins => $4::int))`,
        [idHash, staffId, csrfToken, ttlMinutes],
      );
    },

    /** The live session for a cookie, or null when unknown, expired or the account is disabled. */
    async findSession(idHash: string): Promise<SessionWithStaff | null> {
      const r = await db.query<{ staff_id: string; username: string; role: StaffRole; csrf_token: string; expires_at: Date; last_seen_at: Date }>(
        `SELECT s.staff_id, u.username, u.role, s.csrf_token, s.expires_at, s.last_seen_at
           FROM staff_session s JOIN staff_user u ON u.id = s.staff_id
          WHERE s.id_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
        [idHash],
      );
      const row = r.rows[0];
      if (!row) return null;
      return { staffId: String(row.staff_id), username: row.username, role: row.role, csrfToken: row.csrf_token, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at };
    },

    async touchSession(idHash: string): Promise<void> {
      await db.query('UPDATE staff_session SET last_seen_at = now() WHERE id_hash = $1', [idHash]);
    },

    async deleteSession(idHash: string): Promise<void> {
      await db.query('DELETE FROM staff_session WHERE id_hash = $1', [idHash]);
    },

    async deleteExpiredSessions(): Promise<number> {
      const r = await db.query('DELETE FROM staff_session WHERE expires_at <= now()');
      return r.rowCount;
    },

    async addAudit(staffId: string | null, staffUsername: string, action: string, target: string, detail: Record<string, unknown>): Promise<void> {
      await db.query(
        'INSERT INTO audit_log (staff_id, staff_username, action, target, detail) VALUES ($1, $2, $3, $4, $5::jsonb)',
        [staffId, staffUsername, action, target, JSON.stringify(detail)],
      );
    },

    async listAudit(limit: number, offset: number): Promise<{ rows: AuditEntry[]; total: number }> {
      const r = await db.query<{ id: string; at: Date; staff_username: string; action: string; target: string; detail: Record<string, unknown> }>(
        'SELECT id, at, staff_username, action, target, detail FROM audit_log ORDER BY at DESC, id DESC LIMIT $1 OFFSET $2',
        [limit, offset],
      );
      const c = await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log');
      return {
        rows: r.rows.map((x) => ({ id: String(x.id), at: x.at, staffUsername: x.staff_username, action: x.action, target: x.target, detail: x.detail })),
        total: Number(c.rows[0]?.n ?? 0),
      };
    },
  };
}

export type StaffStore = ReturnType<typeof staffStore>;
