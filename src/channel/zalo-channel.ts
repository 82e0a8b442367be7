// Assembles the Zalo channel for buildApp: OA client, token store, webhook route, inbox
// worker, outbox sender, delivery report and the staff alert sink. buildApp registers the
// route, runs prepare() before readiness and runs the worker and sender as background tasks.
import type { FastifyPluginAsync } from 'fastify';
import type { DeliveryAdmin } from '../admin/sources.js';
import type { AnswerPipeline } from '../answer/types.js';
import type { Config } from '../config.js';
import type { Db } from '../db/types.js';
import type { QuestionRecorder, StaffAlertSink } from '../insights/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createZaloClient, type ZaloOaClient } from './oa-client.js';
import { createTokenStore, type TokenStore } from './token-store.js';
import { zaloWebhook } from './webhook.js';
import type { BackoffOptions } from './backoff.js';
import { raiseChannelAlert } from './channel-alerts.js';
import { createDeliveryReport } from './delivery-report.js';
import { releaseAllEventLeases } from './inbox-store.js';
import { createInboxWorker, NO_OP_RECORDER, type InboxWorker } from './inbox-worker.js';
import { createOutboxSender, type OutboxSender } from './outbox-sender.js';
import { releaseAllSending } from './outbox-store.js';
import { zaloStaffAlertSink } from './staff-alerts.js';
import { loadUserKey, type UserKeyFn } from './user-state.js';

export type ZaloChannelConfig = Pick<
  Config,
  | 'ZALO_APP_ID'
  | 'ZALO_OA_SECRET_KEY'
  | 'ZALO_APP_SECRET'
  | 'ZALO_ACCESS_TOKEN'
  | 'ZALO_REFRESH_TOKEN'
  | 'ZALO_OPENAPI_URL'
  | 'ZALO_OAUTH_URL'
  | 'ZALO_HTTP_TIMEOUT_MS'
  | 'WEBHOOK_BODY_LIMIT'
  | 'WORKER_CONCURRENCY'
  | 'WORKER_POLL_MS'
  | 'MAX_ATTEMPTS'
  | 'USER_RATE_LIMIT_PER_MINUTE'
  | 'OUTBOX_CONCURRENCY'
  | 'STAFF_ALERT_ZALO_USER_IDS'
>;

export interface ZaloChannelDeps {
  config: ZaloChannelConfig;
  db: Db;
  log: Logger;
  metrics: Metrics;
  /** Getters: the answer pipeline and the recorder may be wired after the channel. */
  pipeline: () => AnswerPipeline;
  recorder?: () => QuestionRecorder;
  /** Tests: a client against a fake, or other timings. */
  client?: ZaloOaClient;
  backoff?: BackoffOptions;
}

export interface ZaloChannel {
  client: ZaloOaClient;
  tokens: TokenStore;
  webhook: FastifyPluginAsync;
  worker: InboxWorker;
  sender: OutboxSender;
  delivery: DeliveryAdmin;
  alerts: StaffAlertSink;
  /** Before readiness: seed tokens from env, key for user state, release leases of a dead owner. */
  prepare(): Promise<void>;
}

export function createZaloChannel(deps: ZaloChannelDeps): ZaloChannel {
  const { config, db, log, metrics } = deps;
  const client =
    deps.client ??
    createZaloClient({
      openApiUrl: config.ZALO_OPENAPI_URL,
      oauthUrl: config.ZALO_OAUTH_URL,
      appId: config.ZALO_APP_ID,
      appSecret: config.ZALO_APP_SECRET,
      timeoutMs: config.ZALO_HTTP_TIMEOUT_MS,
    });
  const tokens = createTokenStore({ db, client, log, metrics });
  let userKey: UserKeyFn | null = null;

  const sender = createOutboxSender({
    db,
    log,
    metrics,
    client,
    tokens,
    concurrency: config.OUTBOX_CONCURRENCY,
    pollMs: config.WORKER_POLL_MS,
    maxAttempts: config.MAX_ATTEMPTS,
    // A send, a token refresh and a resend, each bounded by the HTTP timeout, plus slack.
    leaseSeconds: Math.ceil((3 * config.ZALO_HTTP_TIMEOUT_MS) / 1000) + 10,
    backoff: deps.backoff,
  });
  const worker = createInboxWorker({
    db,
    log,
    metrics,
    pipeline: deps.pipeline,
    recorder: deps.recorder ?? (() => NO_OP_RECORDER),
    userKey: (id) => {
      if (!userKey) throw new Error('zalo channel used before prepare()');
      return userKey(id);
    },
    concurrency: config.WORKER_CONCURRENCY,
    pollMs: config.WORKER_POLL_MS,
    maxAttempts: config.MAX_ATTEMPTS,
    ratePerMinute: config.USER_RATE_LIMIT_PER_MINUTE,
    backoff: deps.backoff,
    onEnqueued: () => sender.wakeup.wake(),
  });
  const webhook = zaloWebhook({
    db,
    metrics,
    appId: config.ZALO_APP_ID,
    oaSecretKey: config.ZALO_OA_SECRET_KEY,
    bodyLimit: config.WEBHOOK_BODY_LIMIT,
    onStored: () => worker.wakeup.wake(),
  });
  const delivery = createDeliveryReport({
    db,
    tokens,
    onRetry: (kind) => (kind === 'event' ? worker.wakeup.wake() : sender.wakeup.wake()),
  });

  return {
    client,
    tokens,
    webhook,
    worker,
    sender,
    delivery,
    alerts: zaloStaffAlertSink(config.STAFF_ALERT_ZALO_USER_IDS),
    async prepare() {
      userKey = await loadUserKey(db);
      if (await tokens.seedFromEnv({ accessToken: config.ZALO_ACCESS_TOKEN, refreshToken: config.ZALO_REFRESH_TOKEN })) {
        log.info('Zalo token pair taken from the environment (stored; later refreshes replace it)');
      }
      const status = await tokens.status();
      if (!status.hasAccessToken && !status.source) {
        log.warn('no Zalo token pair (ZALO_ACCESS_TOKEN / npm run zalo:authorize): replies are kept, not sent');
        await raiseChannelAlert(db, 'tokens_missing', 'Chưa có token Zalo OA: tin trả lời được giữ lại, chưa gửi. Quản trị viên chạy "npm run zalo:authorize".');
      }
      if (!config.ZALO_APP_ID || !config.ZALO_OA_SECRET_KEY) {
        log.warn('ZALO_APP_ID / ZALO_OA_SECRET_KEY not set: the webhook refuses events');
      }
      if (db.kind === 'pglite') {
        // This process owns the data directory: leases still held belong to a process that died.
        const events = await releaseAllEventLeases(db);
        const sends = await releaseAllSending(db);
        if (events || sends) log.warn({ events, sends }, 'resumed work left by a stopped process');
      }
    },
  };
}
