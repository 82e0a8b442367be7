// buildApp: the only place that wires the service together. The process entry point
// (server.ts), the CLIs and the tests all build the service through here; tests pass fakes
// for the parts that talk to the outside world.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { configWarnings, fastifyTrustProxy, type Config } from './config.js';
import type { Db } from './db/types.js';
import { createReadiness, healthRoutes, type Readiness } from './http/health.js';
import { localAskRoutes } from './http/local-ask.js';
import { loggerOptions, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { housekeepingTask } from './channel/housekeeping.js';
import { createZaloChannel } from './channel/zalo-channel.js';
import { createAnswerService } from './answer/service.js';
import { createInsights } from './insights/index.js';
import { createAdminGuards, registerDashboard } from './admin/index.js';
import { apiSecurityHeaders } from './admin/auth.js';
import { insightsApiRoutes } from './insights/api.js';
import { deferredSeal, loadAddressSecret } from './loop/address-seal.js';
import { loadLoopData } from './loop/loop-data.js';
import { createPeopleLoop } from './loop/people-loop.js';
import { enqueueMessage, sentByOutbox } from './channel/outbox-store.js';
import { periodicTask } from './tasks.js';

export interface AppDeps {
  config: Config;
  db: Db;
  /** A pino logger to use, or false for silence (tests). Default: one built from config. */
  logger?: Logger | false;
  metrics?: Metrics;
  /** Embedded database: the token of the loopback endpoint that `ask`/`chat` use while this server owns DATA_DIR. */
  localAskToken?: string;
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
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    bodyLimit: config.WEBHOOK_BODY_LIMIT,
    // the top-level disableRequestLogging option is deprecated (FSTDEP023)
    logController: new LogController({ disableRequestLogging: config.NODE_ENV === 'test' }),
  }) as unknown as FastifyInstance;
  const log = app.log as Logger;
  for (const warning of configWarnings(config)) log.warn(warning);

  /** Steps that must finish before the service reports ready, in order. */
  const preparations: Array<{ name: string; run(): Promise<void> }> = [];
  const background: BackgroundTask[] = [];

  healthRoutes(app, { db, readiness, metrics });

  // --- knowledge, retrieval and answers (src/knowledge, src/retrieval, src/answer) ---
  // answers.pipeline answers questions (Zalo worker, try-the-bot); answers.knowledge is the dashboard's KnowledgeAdmin.
  const answers = createAnswerService({ db, config, log, metrics });
  preparations.push({ name: 'knowledge index', run: () => answers.prepare() });
  if (deps.localAskToken) localAskRoutes(app, { token: deps.localAskToken, pipeline: () => answers.pipeline });
  // live reload: LISTEN/NOTIFY + version poll; stopping it also stops the answer worker threads
  background.push({ name: answers.watcher.name, start: () => answers.watcher.start(), stop: () => answers.close() });

  // --- Zalo channel: webhook, inbox worker, outbox sender, tokens (src/channel) ---
  // `delivery` is the dashboard's DeliveryAdmin; `zaloAlerts` is a StaffAlertSink for insights' flags.
  // The recorder is a getter because the insights section is built below (called only after start()).
  const zalo = createZaloChannel({ config, db, log, metrics, pipeline: () => answers.pipeline, recorder: () => insights.recorder, loop: () => people });
  await app.register(zalo.webhook);
  preparations.push({ name: 'zalo channel', run: () => zalo.prepare() });
  // Stopped in reverse order: the worker finishes its events first, then the sender its sends.
  background.push(
    { name: zalo.sender.name, start: () => zalo.sender.start(), stop: () => zalo.sender.stop() },
    { name: zalo.worker.name, start: () => zalo.worker.start(), stop: () => zalo.worker.stop() },
  );
  background.push(housekeepingTask({ db, log, days: config.CHANNEL_HISTORY_DAYS }));
  const delivery = zalo.delivery;
  const zaloAlerts = zalo.alerts;

  // --- insights: question log, flags, emerging topics, trends (src/insights) ---
  // `insights.recorder` logs every answered question (Zalo worker, ask, chat); `insights.admin` feeds
  // the dashboard, whose section registers `insightsApiRoutes(app, { insights: insights.admin, guards })`.
  const insights = createInsights({ config, db, log, metrics, alertSinks: [zaloAlerts] });
  preparations.push({ name: 'insights', run: () => insights.prepare() });
  background.push(...insights.background);

  // --- people in the loop: takeover, staff replies, askers told, reactions, data requests (src/loop) ---
  // The inbox worker calls it inside its transactions; the dashboard's staff pages call it directly.
  const seal = deferredSeal();
  const people = createPeopleLoop({
    db,
    log,
    data: await loadLoopData(config.knowledgeDir),
    seal,
    pseudonyms: insights.pseudonyms,
    userKey: (id) => zalo.userKey(id),
    enqueue: (q, m) => enqueueMessage(q, m),
    sentByUs: sentByOutbox,
    pauseMinutes: config.HANDOFF_PAUSE_MINUTES,
    retentionDays: config.RETENTION_DAYS,
  });
  preparations.push({
    name: 'people in the loop',
    run: async () => {
      const key = await loadAddressSecret(db, config.REPLY_ADDRESS_KEY);
      if (key.generated && config.NODE_ENV === 'production') log.warn('REPLY_ADDRESS_KEY is not set: reply addresses are sealed with a generated key kept in the database; set it in production');
      seal.setSecret(key.secret);
    },
  });
  background.push(periodicTask('people-loop-scrub', 10 * 60_000, async () => {
    await people.scrub();
  }, log));

  // --- staff dashboard under /admin (src/admin) ---
  // One encapsulated plugin with prefix /admin: cookies, form/multipart parsing, helmet's CSP and
  // the login rate limit stay inside it (the webhook keeps its raw-body parser and no cookies).
  const guards = createAdminGuards({ db, config });
  await registerDashboard(app, {
    config,
    auth: guards,
    insights: insights.admin,
    knowledge: answers.knowledge,
    pipeline: answers.pipeline,
    delivery,
    loop: people,
    // The banner on every page: an OA-wide failure holding every send (breaker open) is "down",
    // other open channel alerts (token problems) are "degraded"; the alert text is already Vietnamese.
    channelStatus: async () => {
      const s = await zalo.channelStatus();
      if (!s.sending) return { state: 'down', message: s.alerts[0]?.message ?? null, since: s.breaker.since };
      return s.alerts.length ? { state: 'degraded', message: s.alerts[0]!.message, since: s.alerts[0]!.createdAt } : { state: 'ok' };
    },
  });
  // The insights JSON API uses absolute /admin/api/… paths, so it sits on the root instance; the
  // guards read the session cookie from the header themselves and need no cookie plugin there.
  insightsApiRoutes(app, { insights: insights.admin, guards });
  apiSecurityHeaders(app); // the dashboard's security headers on /admin/api/* too

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
