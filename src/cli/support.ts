// Shared start-up for the server and the command-line tools: the same config validation and
// the same data-directory rule. A CLI never opens an embedded data directory that a running
// server owns; it stops with a clear message instead.
import { ConfigError, loadConfig, type Config } from '../config.js';
import { DataDirBusyError, DataDirError } from '../db/lock.js';
import type { AnswerPipeline } from '../answer/types.js';
import { readLocalAskFile, remotePipeline } from '../http/local-ask.js';
import { migrate } from '../db/migrate.js';
import { openDb } from '../db/open.js';
import type { Db } from '../db/types.js';

export interface CliContext {
  config: Config;
  db: Db;
}

/** Validated config, or exit 2 with a message that names every bad variable. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/** The configured database, or exit 3 when another process owns the embedded data directory or it is not writable. */
export async function openDbOrExit(config: Config, hint = ''): Promise<Db> {
  try {
    return await openDb(config);
  } catch (err) {
    if (err instanceof DataDirError) {
      console.error(hint ? `${err.message}\n${hint}` : err.message);
      process.exit(3);
    }
    throw err;
  }
}

export const SERVICE_RUNNING_HINT =
  'The service is probably running: use the dashboard, or stop the service before running this command (or set DATABASE_URL to share a PostgreSQL server).';

/** Open config + database (migrated), run `fn`, close. Exits non-zero with a clear message on failure. */
export async function runCli(fn: (ctx: CliContext) => Promise<void>, opts: { migrate?: boolean } = {}): Promise<void> {
  const config = loadConfigOrExit();
  const db = await openDbOrExit(config, SERVICE_RUNNING_HINT);
  try {
    if (opts.migrate !== false) await migrate(db);
    await fn({ config, db });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}

/**
 * The answer pipeline for `ask` and `chat`: our own (database opened, knowledge synced), or, when a
 * running server owns the embedded data directory, that server's, over its loopback endpoint
 * (DATA_DIR/local-ask.json). The data directory itself is never opened while another process owns it.
 */
export async function openAnswerPipeline(
  open: (ctx: CliContext) => Promise<AnswerPipeline>,
): Promise<{ pipeline: AnswerPipeline; remote: boolean; close(): Promise<void> }> {
  const config = loadConfigOrExit();
  let db: Db;
  try {
    db = await openDb(config);
  } catch (err) {
    if (!(err instanceof DataDirBusyError)) throw err;
    const info = readLocalAskFile(config.dataDir);
    if (!info || info.pid !== err.ownerPid) {
      console.error(`${err.message}\n${SERVICE_RUNNING_HINT}`);
      process.exit(3);
    }
    return { pipeline: remotePipeline(info), remote: true, close: async () => {} };
  }
  try {
    await migrate(db);
    const pipeline = await open({ config, db });
    return { pipeline, remote: false, close: () => db.close() };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
