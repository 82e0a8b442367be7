// The one database interface the whole service uses. Two implementations (PostgreSQL through
// pg.Pool, embedded PGlite through its own API) give the same rows, types and error codes.

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  /** One statement with `$1…` parameters. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Run `fn` in a transaction and commit, or roll back if it throws.
   * Use the handle passed to `fn` inside; never the outer `db` (PGlite would deadlock).
   */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Statements that must not wait behind queued work: the webhook's event insert, which
   * acknowledges Zalo. On PGlite they go before every queued query and transaction; on
   * PostgreSQL they use a small pool of their own, so a pool busy with the workers never delays
   * an acknowledgement. Absent: use the Db itself.
   */
  urgent?: Queryable;
  /**
   * PostgreSQL only: LISTEN on `channel` over a dedicated connection (reconnected when it drops);
   * resolves to a function that stops listening. Absent on PGlite (one process per data directory).
   */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
}

/** PostgreSQL error codes the code relies on (same on both implementations). */
export const PG_ERROR = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  notNullViolation: '23502',
  checkViolation: '23514',
  undefinedTable: '42P01',
  syntaxError: '42601',
} as const;

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
