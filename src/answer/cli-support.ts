// Opening the answer pipeline from a command-line tool (ask, eval, chat): same config, same
// data-directory rule as the server (never open an embedded data directory a running server owns),
// knowledge indexed if it changed, logs on stderr so stdout stays machine-readable.
import pino from 'pino';
import type { Config } from '../config.js';
import { loadConfigOrExit, openDbOrExit, SERVICE_RUNNING_HINT } from '../cli/support.js';
import { migrate } from '../db/migrate.js';
import type { Db } from '../db/types.js';
import { loggerOptions, type Logger } from '../log.js';
import { createAnswerService, type AnswerService } from './service.js';
import type { AnswerPipeline } from './types.js';

/** A logger for CLIs: stderr, and quieter than the server (warnings and errors) unless LOG_LEVEL asks for more. */
export function cliLogger(config: Config): Logger {
  const opts = loggerOptions(config);
  const level = config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL;
  return pino({ ...opts, level }, pino.destination(2));
}

/** Builds the answer service on an open database and prepares its index. */
export async function openAnswerService(config: Config, db: Db, log = cliLogger(config)): Promise<AnswerService> {
  // a one-shot command answers in its own thread: no worker to start
  const service = createAnswerService({ db, config, log, threads: 0 });
  await service.prepare();
  return service;
}

export async function openPipelineForCli(): Promise<{ pipeline: AnswerPipeline; close(): Promise<void> }> {
  const config = loadConfigOrExit();
  const db = await openDbOrExit(config, SERVICE_RUNNING_HINT);
  try {
    await migrate(db);
    const service = await openAnswerService(config, db);
    return { pipeline: service.pipeline, close: () => db.close() };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
