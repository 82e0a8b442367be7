// Opens the database the configuration asks for: PostgreSQL when DATABASE_URL is set,
// otherwise embedded PGlite under DATA_DIR (guarded by an owner lock).
import path from 'node:path';
import type { Config } from '../config.js';
import { acquireDataDirLock } from './lock.js';
import { pgliteDb } from './pglite.js';
import { postgresDb } from './postgres.js';
import type { Db } from './types.js';

export async function openDb(config: Pick<Config, 'DATABASE_URL' | 'PG_POOL_MAX' | 'dataDir'>): Promise<Db> {
  if (config.DATABASE_URL) return postgresDb(config.DATABASE_URL, config.PG_POOL_MAX);
  const lock = acquireDataDirLock(config.dataDir);
  try {
    const db = await pgliteDb(path.join(config.dataDir, 'pglite'));
    return {
      ...db,
      close: async () => {
        try {
          await db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
