// The OA token pair, kept in the database (migrations/0022_zalo_token.sql).
//
// Zalo refresh tokens are single-use: two processes refreshing with the same one leave one of
// them with a dead token and force a new admin authorisation (reference §5, pitfall 3). So a
// refresh is single-flight: concurrent callers in this process share one promise; across
// processes an advisory lock (PostgreSQL) serialises them. Whoever takes the lock re-reads the
// stored pair first: if the access token differs from the one Zalo rejected, another caller
// already refreshed and that token is used. A new pair is stored before it is used.
// On PGlite (one process owns the data directory) an in-process mutex is the lock, and no
// transaction is held open during the HTTP call, which would block every other query.
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { raiseChannelAlert, resolveChannelAlerts } from './channel-alerts.js';
import { ZaloApiError, type TokenPair, type ZaloOaClient } from './oa-client.js';

/** Refresh this long before the stored expiry, so sends never race the deadline. */
const REFRESH_AHEAD_MS = 5 * 60_000;
/** How long a read of the stored pair is reused (another process may refresh it meanwhile). */
const CACHE_MS = 1000;
const ADVISORY_LOCK_KEY = 727274020;

export class TokenUnavailableError extends Error {
  constructor(
    message: string,
    /** True when only a person can fix it (new authorisation); false for a passing failure. */
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'TokenUnavailableError';
  }
}

interface TokenRow {
  access_token: string | null;
  refresh_token: string | null;
  access_expires_at: Date | null;
  source: string;
  updated_at: Date;
  refresh_failed_at: Date | null;
  refresh_error: string | null;
}

export interface TokenStatus {
  hasAccessToken: boolean;
  source: string | null;
  expiresAt: Date | null;
  refreshFailedAt: Date | null;
  refreshError: string | null;
}

export interface TokenStore {
  /** Store the env pair only when nothing is stored yet (after a refresh the stored pair wins). */
  seedFromEnv(pair: { accessToken?: string; refreshToken?: string }): Promise<boolean>;
  /** The access token to send with, refreshed ahead of expiry; null when none is usable. */
  accessToken(): Promise<string | null>;
  /** Zalo rejected `rejected` (-216/-220): refresh once (single-flight) and return the token to use. */
  refreshAfterRejection(rejected: string): Promise<string>;
  /** Store a pair from the admin's authorisation (`npm run zalo:authorize`); clears a failed state. */
  saveAuthorized(pair: TokenPair): Promise<void>;
  /** Forget a permanent refresh failure so the next send tries again (staff "retry"). */
  clearFailure(): Promise<void>;
  status(): Promise<TokenStatus>;
}

function createMutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

export function createTokenStore(deps: { db: Db; client: ZaloOaClient; log: Logger; metrics?: Metrics; now?: () => number }): TokenStore {
  const { db, client, log } = deps;
  const now = deps.now ?? Date.now;
  const mutex = createMutex();
  let cache: { row: TokenRow | null; at: number } | null = null;
  let inflight: Promise<string> | null = null;

  const read = async (): Promise<TokenRow | null> => {
    const r = await db.query<TokenRow>(
      `SELECT access_token, refresh_token, access_expires_at, source, updated_at, refresh_failed_at, refresh_error FROM zalo_token WHERE id = 1`,
    );
    const row = r.rows[0] ?? null;
    cache = { row, at: now() };
    return row;
  };

  const save = async (pair: TokenPair, source: 'refresh' | 'authorize') => {
    const expiresAt = pair.expiresIn ? new Date(now() + pair.expiresIn * 1000) : null;
    await db.query(
      `INSERT INTO zalo_token (id, access_token, refresh_token, access_expires_at, source, updated_at, refresh_failed_at, refresh_error)
       VALUES (1, $1, $2, $3, $4, now(), NULL, NULL)
       ON CONFLICT (id) DO UPDATE SET access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token,
         access_expires_at = EXCLUDED.access_expires_at, source = EXCLUDED.source, updated_at = now(),
         refresh_failed_at = NULL, refresh_error = NULL`,
      [pair.accessToken, pair.refreshToken, expiresAt, source],
    );
    cache = null;
    await resolveChannelAlerts(db, ['token_refresh_failed', 'tokens_missing']);
  };

  const markFailed = async (reason: string) => {
    await db.query(`UPDATE zalo_token SET refresh_failed_at = now(), refresh_error = $1 WHERE id = 1`, [reason.slice(0, 500)]);
    cache = null;
    await raiseChannelAlert(
      db,
      'token_refresh_failed',
      `Không làm mới được token Zalo OA (${reason}). Tin trả lời đang được giữ lại; quản trị viên cần cấp quyền lại bằng "npm run zalo:authorize".`,
    );
    deps.metrics?.tokenRefreshes.inc({ result: 'failed' });
    log.error({ reason }, 'Zalo token refresh failed for good: replies are kept until a new token pair is stored (npm run zalo:authorize)');
  };

  /** Serialise refreshes across processes (PostgreSQL advisory lock) or within this one (PGlite). */
  const withRefreshLock = <T>(fn: () => Promise<T>): Promise<T> =>
    db.kind === 'postgres'
      ? db.tx(async (q) => {
          await q.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
          return fn();
        })
      : mutex(fn);

  const refreshLocked = (rejected: string): Promise<string> =>
    withRefreshLock(async () => {
      const row = await read();
      if (row?.access_token && row.access_token !== rejected && !row.refresh_failed_at) {
        deps.metrics?.tokenRefreshes.inc({ result: 'reused' });
        return row.access_token; // someone else refreshed already
      }
      if (row?.refresh_failed_at) throw new TokenUnavailableError(`token refresh failed earlier: ${row.refresh_error ?? ''}`, true);
      if (!row?.refresh_token) {
        await markFailed('no refresh token stored');
        throw new TokenUnavailableError('no refresh token', true);
      }
      let pair: TokenPair;
      try {
        pair = await client.refreshToken(row.refresh_token);
      } catch (err) {
        if (err instanceof ZaloApiError && err.kind === 'retryable') {
          deps.metrics?.tokenRefreshes.inc({ result: 'retry' });
          throw new TokenUnavailableError(`token refresh did not go through: ${err.message}`, false);
        }
        await markFailed(err instanceof Error ? err.message : String(err));
        throw new TokenUnavailableError('token refresh rejected', true);
      }
      await save(pair, 'refresh'); // stored before anyone uses it
      deps.metrics?.tokenRefreshes.inc({ result: 'ok' });
      log.info({ expiresIn: pair.expiresIn }, 'Zalo access token refreshed');
      return pair.accessToken;
    });

  const refreshAfterRejection = (rejected: string): Promise<string> => {
    if (!inflight) {
      inflight = refreshLocked(rejected).finally(() => {
        inflight = null;
      });
    }
    return inflight;
  };

  return {
    async seedFromEnv(pair) {
      if (!pair.accessToken && !pair.refreshToken) return false;
      const r = await db.query(
        `INSERT INTO zalo_token (id, access_token, refresh_token, source) VALUES (1, $1, $2, 'env')
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [pair.accessToken ?? null, pair.refreshToken ?? null],
      );
      cache = null;
      return r.rows.length > 0;
    },

    async accessToken() {
      const row = cache && now() - cache.at < CACHE_MS ? cache.row : await read();
      if (!row || row.refresh_failed_at) return null;
      const expiresAt = row.access_expires_at?.getTime() ?? null;
      const dueSoon = expiresAt !== null && expiresAt - now() < REFRESH_AHEAD_MS;
      if ((dueSoon || !row.access_token) && row.refresh_token) {
        try {
          return await refreshAfterRejection(row.access_token ?? '');
        } catch (err) {
          // A passing refresh failure: the current token may still work until it expires.
          if (row.access_token && expiresAt !== null && expiresAt > now()) return row.access_token;
          if (err instanceof TokenUnavailableError) return null;
          throw err;
        }
      }
      return row.access_token;
    },

    refreshAfterRejection,

    async saveAuthorized(pair) {
      await save(pair, 'authorize');
    },

    async clearFailure() {
      await db.query(`UPDATE zalo_token SET refresh_failed_at = NULL, refresh_error = NULL WHERE id = 1`);
      cache = null;
      await resolveChannelAlerts(db, ['token_refresh_failed']);
    },

    async status() {
      const row = await read();
      return {
        hasAccessToken: Boolean(row?.access_token),
        source: row?.source ?? null,
        expiresAt: row?.access_expires_at ?? null,
        refreshFailedAt: row?.refresh_failed_at ?? null,
        refreshError: row?.refresh_error ?? null,
      };
    },
  };
}
