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
  const lanes = createLanes();
  return {
    kind: 'pglite',
    query: (text, params) => lanes.normal(() => base.query(text, params)),
    exec: (sql) => lanes.normal(() => base.exec(sql)),
    tx: <T>(fn: (q: Queryable) => Promise<T>) => lanes.normal(() => db.transaction((t) => fn(wrap(t)))),
    urgent: {
      query: (text, params) => lanes.urgent(() => base.query(text, params)),
      exec: (sql) => lanes.urgent(() => base.exec(sql)),
    },
    close: () => lanes.normal(() => db.close()),
  };
}

/** Back-to-back database work after which the lanes let the event loop read sockets (ms). */
const SLICE_MS = 8;

/**
 * PGlite runs one statement or transaction at a time, in this thread, and queues the rest in
 * arrival order. Under load that queue holds the inbox worker's and the sender's claims and
 * transactions (a reply's transaction is a dozen statements), and the webhook's event insert
 * waited behind all of them before it could acknowledge. So every operation goes through two
 * lanes here and is handed to PGlite one at a time: the urgent lane (the webhook's insert) goes
 * first, and waits at most for the operation already running. Work in the normal lane keeps its
 * order. After SLICE_MS of back-to-back work the lanes yield to the event loop once, so pending
 * HTTP requests are read (and their inserts queued) instead of waiting behind a chain of
 * promise callbacks that never gives the loop a turn.
 */
export function createLanes(sliceMs = SLICE_MS) {
  type Job = () => Promise<void>;
  const urgentJobs: Job[] = [];
  const normalJobs: Job[] = [];
  let running = false;
  let sliceStart = 0;
  const pump = async () => {
    running = true;
    sliceStart = performance.now();
    try {
      for (;;) {
        if (performance.now() - sliceStart > sliceMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
        const job = urgentJobs.shift() ?? normalJobs.shift();
        if (!job) break;
        await job();
      }
    } finally {
      running = false;
    }
  };
  const enqueue = <T>(jobs: Job[], fn: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      jobs.push(() => Promise.resolve().then(fn).then(resolve, reject));
      if (!running) void pump();
    });
  return {
    urgent: <T>(fn: () => Promise<T>) => enqueue(urgentJobs, fn),
    normal: <T>(fn: () => Promise<T>) => enqueue(normalJobs, fn),
  };
}
