// Test databases: every suite that touches SQL runs on in-memory PGlite, and also on a real
// PostgreSQL server when TEST_DATABASE_URL is set (CI sets it). Each call gets a fresh,
// migrated database of its own, so test files never see each other's rows.
import crypto from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { pgliteDb } from '../../src/db/pglite.js';
import { postgresDb } from '../../src/db/postgres.js';
import type { Db } from '../../src/db/types.js';

export type DbKind = 'pglite' | 'postgres';

/** The database kinds this run covers: always pglite, plus postgres when TEST_DATABASE_URL is set. */
export const DB_KINDS: DbKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDb {
  db: Db;
  /** Connection string of the fresh PostgreSQL database (postgres kind only), for child processes. */
  url?: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/** A fresh database of the given kind; migrated unless `migrated: false`. */
export async function createTestDb(kind: DbKind, opts: { migrated?: boolean } = {}): Promise<TestDb> {
  let db: Db;
  let url: string | undefined;
  let dropDatabase = async () => {};
  if (kind === 'pglite') {
    db = await pgliteDb('memory://');
  } else {
    const admin = process.env.TEST_DATABASE_URL;
    if (!admin) throw new Error('TEST_DATABASE_URL is not set');
    const name = 't_' + crypto.randomBytes(6).toString('hex');
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    url = withDatabase(admin, name);
    db = postgresDb(url, 10);
    dropDatabase = async () => {
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c2.end();
    };
  }
  if (opts.migrated !== false) await migrate(db);
  return {
    db,
    url,
    async drop() {
      await db.close().catch(() => {});
      await dropDatabase();
    },
  };
}
