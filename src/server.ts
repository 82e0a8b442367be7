// Process entry point: validate config, open the database, migrate, serve HTTP, prepare the
// knowledge index, start workers; on SIGTERM/SIGINT stop accepting, finish work, close the db.
import './node-check.js';
import { buildApp } from './app.js';
import { loadConfigOrExit, openDbOrExit } from './cli/support.js';
import { migrate } from './db/migrate.js';
import crypto from 'node:crypto';
import { writeLocalAskFile } from './http/local-ask.js';
import { createLogger } from './log.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config);
  const db = await openDbOrExit(config);
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'database migrated');

  // embedded database: `npm run ask`/`chat` cannot open DATA_DIR while we own it, so they ask us
  const localAskToken = config.DATABASE_URL ? undefined : crypto.randomBytes(32).toString('base64url');
  const built = await buildApp({ config, db, logger: log, localAskToken });
  await built.app.listen({ port: config.PORT, host: config.HOST });
  let removeLocalAsk = () => {};
  if (localAskToken) {
    const port = (built.app.server.address() as { port: number }).port;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
    removeLocalAsk = writeLocalAskFile(config.dataDir, { pid: process.pid, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, token: localAskToken });
    process.once('exit', () => removeLocalAsk());
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long, exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      removeLocalAsk();
      await built.app.close(); // stop accepting; in-flight requests finish
      await built.stop(); // workers finish what they hold
      await db.close();
    } catch (err) {
      log.error({ err }, 'error during shutdown');
      process.exitCode = 1;
    }
    clearTimeout(force);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    await built.start();
  } catch (err) {
    log.fatal({ err }, 'could not get ready');
    await shutdown('startup-failure');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
