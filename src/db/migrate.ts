// Forward-only migrations: migrations/NNNN_name.sql applied in name order, each in its own
// transaction, recorded with a checksum so an edited, already-applied file is caught.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './types.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = fs.readFileSync(path.join(dir, f), 'utf8');
      return { version: f.replace(/\.sql$/, ''), sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationChecksumError extends Error {}

/** Applies pending migrations; returns the versions applied now. Safe to run from several processes. */
export async function migrate(db: Db, migrations = readMigrations()): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.tx(async (q) => {
      // Serialise concurrent migrators on PostgreSQL (a no-op wait on the single-session PGlite).
      await q.query('SELECT pg_advisory_xact_lock(727274001)');
      const r = await q.query<{ checksum: string }>('SELECT checksum FROM schema_migration WHERE version = $1', [m.version]);
      if (r.rows[0]) {
        if (r.rows[0].checksum !== m.checksum) {
          throw new MigrationChecksumError(`Migration ${m.version} was changed after it was applied; add a new migration instead.`);
        }
        return false;
      }
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migration (version, checksum) VALUES ($1, $2)', [m.version, m.checksum]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
