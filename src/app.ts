// buildApp: the only place that wires the service together. The process entry point
// (server.ts), the CLIs and the tests all build the service through here; tests pass fakes
// for the parts that talk to the outside world.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './db/types.js';
import { createReadiness, healthRoutes, type Readiness } from './http/health.js';
import { loggerOptions, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';

export interface AppDeps {
  config: Config;
  db: Db;
  /** A pino logger to use, or false for silence (tests). Default: one built from config. */
  logger?: Logger | false;
  metrics?: Metrics;
}

/** Something that runs beside the HTTP server (workers, pollers): started after readiness. */
export interface BackgroundTask {
  name: string;
  start(): void | Promise<void>;
  /** Finish in-flight work and stop. */
  stop(): Promise<void>;
}

export interface BuiltApp {
  app: FastifyInstance;
  metrics: Metrics;
  readiness: Readiness;
  /** Prepare what readiness needs (knowledge index), mark ready, then start background tasks. */
  start(): Promise<void>;
  /** Stop background tasks, finishing in-flight work. Does not close the db or the server. */
  stop(): Promise<void>;
}

export async function buildApp(deps: AppDeps): Promise<BuiltApp> {
  const { config, db } = deps;
  const metrics = deps.metrics ?? createMetrics({ defaultMetrics: config.NODE_ENV !== 'test' });
  const readiness = createReadiness();
  const app = Fastify({
    ...(deps.logger === false ? { logger: false } : deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(config) }),
    trustProxy: config.TRUST_PROXY,
    bodyLimit: config.WEBHOOK_BODY_LIMIT,
    disableRequestLogging: config.NODE_ENV === 'test',
  }) as unknown as FastifyInstance;
  const log = app.log as Logger;

  /** Steps that must finish before the service reports ready, in order. */
  const preparations: Array<{ name: string; run(): Promise<void> }> = [];
  const background: BackgroundTask[] = [];

  healthRoutes(app, { db, readiness, metrics });

  // --- knowledge, retrieval and answers (src/knowledge, src/retrieval, src/answer) ---

  // --- Zalo channel: webhook, inbox worker, outbox sender, tokens (src/zalo, src/pipeline) ---

  // --- insights: question log, flags, emerging topics, trends (src/insights) ---

  // --- staff dashboard under /admin (src/admin) ---

  let started = false;
  return {
    app,
    metrics,
    readiness,
    async start() {
      for (const p of preparations) {
        readiness.setReason(p.name);
        await p.run();
      }
      readiness.markReady();
      for (const t of background) await t.start();
      started = true;
      log.info({ tasks: background.map((t) => t.name) }, 'service ready');
    },
    async stop() {
      if (!started) return;
      started = false;
      for (const t of [...background].reverse()) {
        try {
          await t.stop();
        } catch (err) {
          log.error({ err, task: t.name }, 'background task did not stop cleanly');
        }
      }
    },
  };
}
