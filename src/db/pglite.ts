// Db over embedded PGlite (PostgreSQL in WASM) with pgvector, unaccent and pg_trgm.
// Uses PGlite's own API: its node-postgres adapter breaks after any SQL error.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './types.js';

/** Same shapes as pg: int8 and numeric as strings. */
const PG_COMPAT_PARSERS = { 20: (v: string) => v, 1700: (v: string) => v };

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<T>(text: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await q.query<T>(text, params);
      for (const row of r.rows as Record<string, unknown>[]) {
        for (const k in row) {
          const v = row[k];
          // bytea: PGlite returns Uint8Array, pg returns Buffer.
          if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        }
      }
      return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
  };
}

/**
 * The initialised empty data directory made by scripts/pglite-template.mjs for this PGlite
 * version, or null. Loading it skips initdb inside the service (peak ~700 MB RSS → under 300 MB).
 */
export function pgliteTemplate(): string | null {
  try {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const require = createRequire(path.join(root, 'package.json'));
    const pkgDir = path.dirname(path.dirname(require.resolve('@electric-sql/pglite')));
    const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
    const file = path.join(root, 'node_modules', '.cache', 'chau-tien-assistant', `pglite-${version}.tar.gz`);
    return fs.existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/** `dir` is a directory path, or `memory://` for a throw-away database (tests). */
export async function pgliteDb(dir: string): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const onDisk = !dir.startsWith('memory://');
  const fresh = onDisk && !fs.existsSync(path.join(dir, 'PG_VERSION'));
  const template = fresh ? pgliteTemplate() : null;
  const open = (loadDataDir?: Blob) =>
    PGlite.create(dir, {
      ...(loadDataDir ? { loadDataDir } : {}),
      extensions: { vector, unaccent, pg_trgm },
      parsers: PG_COMPAT_PARSERS,
      // PGlite's default 128 MB of shared buffers is a large part of the process's memory; the
      // embedded database is small (knowledge index, one commune's logs) and 16 MB is plenty:
      // measured RSS of a restarted service 375 MB (16 MB) vs 416 MB (32 MB) vs ~520 MB (default).
      postgresqlconf: ['shared_buffers=16MB'],
    });
  let db = template ? await open(new Blob([fs.readFileSync(template)])) : await open();
  if (fresh && !template) {
    // Creating a data directory runs initdb inside this WASM instance, whose memory never shrinks
    // (~750 MB RSS afterwards). Opening the new directory again leaves the service ~350 MB lighter.
    await db.close();
    db = await open();
  }
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    tx: <T>(fn: (q: Queryable) => Promise<T>) => db.transaction((t) => fn(wrap(t))),
    close: () => db.close(),
  };
}
