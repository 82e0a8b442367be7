// Db over a PostgreSQL server (production, CI). pgvector must be installed on the server.
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './types.js';

// int8 and numeric come back as strings, exactly like PGlite with the same parsers: callers
// convert explicitly where they need numbers, and large counts never lose precision.
pg.types.setTypeParser(20, (v: string) => v);
pg.types.setTypeParser(1700, (v: string) => v);

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(text: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await client.query(text, params as unknown[] | undefined);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

/** Connections reserved for Db.urgent (the webhook's event inserts), besides the pool. */
export const URGENT_CONNECTIONS = 2;

export function postgresDb(connectionString: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {});
  const base = wrap(pool);
  // The webhook's inserts get two connections of their own (opened on first use): when every
  // pooled connection is held by the inbox worker's and the sender's transactions, an
  // acknowledgement still does not wait for one of them to finish.
  let urgentPool: pg.Pool | null = null;
  const urgent = (): Queryable => {
    if (!urgentPool) {
      urgentPool = new pg.Pool({ connectionString, max: URGENT_CONNECTIONS });
      urgentPool.on('error', () => {});
    }
    return wrap(urgentPool);
  };
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    urgent: {
      query: (text, params) => urgent().query(text, params),
      exec: (sql) => urgent().exec(sql),
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: async () => {
      await Promise.all([pool.end(), urgentPool?.end()]);
    },
    listen: (channel, onNotify) => listenOn(connectionString, channel, onNotify),
  };
}

/**
 * LISTEN needs a connection of its own (a pooled one goes back to the pool). When it drops, it is
 * opened again with a growing delay, and `onNotify('')` is called once it is back: a change made
 * while it was down is then caught (callers also poll).
 */
async function listenOn(connectionString: string, channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let client: pg.Client | null = null;
  let stopped = false;
  let delay = 500;
  let timer: NodeJS.Timeout | null = null;
  const connect = async (first: boolean): Promise<void> => {
    const c = new pg.Client({ connectionString });
    c.on('notification', (m) => {
      if (m.channel === channel) onNotify(m.payload ?? '');
    });
    c.on('error', () => {
      if (client === c) client = null;
      void c.end().catch(() => undefined);
      schedule();
    });
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    if (stopped) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    delay = 500;
    if (!first) onNotify('');
  };
  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connect(false).catch(() => {
        delay = Math.min(delay * 2, 30_000);
        schedule();
      });
    }, delay);
    timer.unref();
  };
  await connect(true);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
}
