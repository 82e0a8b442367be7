// Shared start-up for command-line tools: the same config validation and data-directory rule
// as the server. A CLI never opens an embedded data directory that a running server owns.
import { ConfigError, loadConfig, type Config } from '../config.js';
import { DataDirBusyError } from '../db/lock.js';
import { migrate } from '../db/migrate.js';
import { openDb } from '../db/open.js';
import type { Db } from '../db/types.js';

export interface CliContext {
  config: Config;
  db: Db;
}

/** Open config + database (migrated), run `fn`, close. Exits non-zero with a clear message on failure. */
export async function runCli(fn: (ctx: CliContext) => Promise<void>, opts: { migrate?: boolean } = {}): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  let db: Db;
  try {
    db = await openDb(config);
  } catch (err) {
    if (err instanceof DataDirBusyError) {
      console.error(
        `${err.message}\nThe service is probably running: use the dashboard, or stop the service before running this command.`,
      );
      process.exit(3);
    }
    throw err;
  }
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
