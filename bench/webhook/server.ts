// Benchmark target, run as a child process by run.ts so load generator and server do not share
// an event loop. Modes:
//   bare      a bare Fastify route that parses JSON and answers 200 (the baseline)
//   embedded  the real webhook route on PGlite in a temp directory on disk
//   postgres  the real webhook route on a fresh PostgreSQL database (BENCH_DATABASE_URL)
// The inbox worker and sender are not started: this measures acknowledgement only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { pgliteDb } from '../../src/db/pglite.js';
import { postgresDb } from '../../src/db/postgres.js';
import type { Db } from '../../src/db/types.js';
import { createMetrics } from '../../src/metrics.js';
import { zaloWebhook } from '../../src/channel/webhook.js';

export const BENCH_APP_ID = '2913748201122334455';
export const BENCH_SECRET = 'bench-oa-secret';

const mode = process.argv[2] ?? 'bare';
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
let db: Db | null = null;
let cleanup = async () => {};

if (mode === 'bare') {
  app.post('/webhooks/zalo', async () => ({ ok: true }));
} else {
  if (mode === 'embedded') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-webhook-'));
    db = await pgliteDb(path.join(dir, 'pglite'));
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const admin = process.env.BENCH_DATABASE_URL;
    if (!admin) throw new Error('BENCH_DATABASE_URL is not set');
    const name = 'bench_' + Date.now().toString(36);
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const u = new URL(admin);
    u.pathname = '/' + name;
    db = postgresDb(u.toString(), 20);
    cleanup = async () => {
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c2.end();
    };
  }
  await migrate(db);
  await app.register(zaloWebhook({ db, metrics: createMetrics(), appId: BENCH_APP_ID, oaSecretKey: BENCH_SECRET, bodyLimit: 64 * 1024 }));
}

await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
process.stdout.write(`PORT ${port}\n`);

process.stdin.resume();
process.stdin.on('data', () => {}); // run.ts sends commands on stdin
process.stdin.on('end', async () => {
  let stored = 0;
  if (db) stored = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM inbound_event')).rows[0]!.n);
  process.stdout.write(`STORED ${stored}\n`);
  await app.close();
  await db?.close();
  await cleanup();
  process.exit(0);
});
