// Assembles the Zalo channel for buildApp: OA client, token store, webhook route, inbox
// worker, outbox sender (pacer, OA-wide breaker), delivery report, channelStatus() for the
// dashboard's banner and the staff alert sink. buildApp registers the route, runs prepare()
// before readiness and runs the worker and sender as background tasks.
import type { FastifyPluginAsync } from 'fastify';
import type { DeliveryAdmin } from '../admin/sources.js';
import type { AnswerPipeline } from '../answer/types.js';
import type { Config } from '../config.js';
import type { Db } from '../db/types.js';
import type { PeopleLoop } from '../loop/people-loop.js';
import type { QuestionRecorder, StaffAlertSink } from '../insights/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createZaloClient, type ZaloOaClient } from './oa-client.js';
import { createTokenStore, type TokenStore } from './token-store.js';
import { zaloWebhook } from './webhook.js';
import type { BackoffOptions } from './backoff.js';
import { webhookAlertSink } from '../insights/webhook-alerts.js';
import { createBreaker, type BreakerState } from './breaker.js';
import { openChannelAlerts, raiseChannelAlert, resolveChannelAlerts, type ChannelAlert } from './channel-alerts.js';
import { createPacer } from './pacer.js';
import { countQueued } from './outbox-store.js';
import { createDeliveryReport } from './delivery-report.js';
import { releaseAllEventLeases } from './inbox-store.js';
import { createInboxWorker, NO_OP_RECORDER, type InboxWorker } from './inbox-worker.js';
import { createOutboxSender, WINDOW_MS, type OutboxSender } from './outbox-sender.js';
import { releaseAllSending } from './outbox-store.js';
import { zaloStaffAlertSink } from './staff-alerts.js';
import { lastInteraction, loadUserKey, type UserKeyFn } from './user-state.js';

export type ZaloChannelConfig = Pick<
  Config,
  | 'NODE_ENV'
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
  | 'OUTBOX_RATE_PER_SECOND'
  | 'OUTBOX_BREAKER_PROBE_MS'
  | 'ANSWER_MAX_CHARS'
  | 'MESSAGE_MAX_STORED_CHARS'
  | 'ZALO_OA_ID'
  | 'ZALO_EVENT_MAX_SKEW_HOURS'
  | 'ZALO_APPSECRET_PROOF'
  | 'ZALO_QUOTE_REPLIES'
  | 'STAFF_ALERT_ZALO_USER_IDS'
  | 'STAFF_ALERT_WEBHOOK_URL'
>;

/** What the dashboard's banner shows (channelStatus()). */
export interface ChannelStatus {
  /** False while an OA-wide failure holds every send. */
  sending: boolean;
  breaker: BreakerState;
  /** Replies waiting to go out. */
  queued: number;
  alerts: ChannelAlert[];
}

export interface ZaloChannelDeps {
  config: ZaloChannelConfig;
  db: Db;
  log: Logger;
  metrics: Metrics;
  /** Getters: the answer pipeline and the recorder may be wired after the channel. */
  pipeline: () => AnswerPipeline;
  recorder?: () => QuestionRecorder;
  /** People in the loop (src/loop), wired after the channel; null until it is prepared. */
  loop?: () => PeopleLoop | null;
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
  /** The dashboard's DeliveryAdmin, plus channelStatus() for its banner. */
  delivery: DeliveryAdmin & { channelStatus(): Promise<ChannelStatus> };
  alerts: StaffAlertSink;
  /** For the dashboard banner: is the OA sending, how much is held, open channel alerts. */
  channelStatus(): Promise<ChannelStatus>;
  /** The keyed hash of a Zalo user id that channel tables use (after prepare()). */
  userKey(userId: string): string;
  /** Before readiness: seed tokens from env, key for user state, release leases of a dead owner. */
  prepare(): Promise<void>;
}

/**
 * While the inbox worker or the sender is busy, claims at most every 25 ms. Measured at 30 q/s on
 * the embedded database: a claim per finished item cost ~1,250 claim statements in 20 s, about a
 * fifth of the main thread's database time; a reply waits at most this long longer per stage.
 */
export const CLAIM_LINGER_MS = 25;

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
      appSecretProof: config.ZALO_APPSECRET_PROOF,
    });
  const tokens = createTokenStore({ db, client, log, metrics });
  let userKey: UserKeyFn | null = null;
  const breaker = createBreaker({ probeMs: config.OUTBOX_BREAKER_PROBE_MS });
  const webhookAlerts = config.STAFF_ALERT_WEBHOOK_URL ? webhookAlertSink() : null;
  let breakerOpenings = 0;

  const sender = createOutboxSender({
    db,
    log,
    metrics,
    client,
    tokens,
    concurrency: config.OUTBOX_CONCURRENCY,
    pollMs: config.WORKER_POLL_MS,
    claimLingerMs: CLAIM_LINGER_MS,
    maxAttempts: config.MAX_ATTEMPTS,
    // A send, a token refresh and a resend, each bounded by the HTTP timeout, plus slack.
    leaseSeconds: Math.ceil((3 * config.ZALO_HTTP_TIMEOUT_MS) / 1000) + 10,
    backoff: deps.backoff,
    pacer: createPacer({ ratePerSecond: config.OUTBOX_RATE_PER_SECOND }),
    breaker,
    async onBreaker(event, info) {
      if (event === 'closed') {
        await resolveChannelAlerts(db, ['oa_blocked']);
        return;
      }
      // One alert per opening: the dashboard banner (channel_alert) and the staff webhook. Not
      // over Zalo: the OA cannot send right now.
      breakerOpenings++;
      const text =
        `Zalo OA đang từ chối mọi tin gửi đi (mã lỗi ${info.code ?? 'token'}: ${info.reason}). ` +
        'Mọi câu trả lời được giữ lại và sẽ gửi khi Zalo chấp nhận trở lại; trợ lý tự thử lại định kỳ. ' +
        'Quản trị viên kiểm tra hạn mức, gói dịch vụ, quyền của ứng dụng hoặc appsecret_proof trên Zalo OA.';
      await db.tx(async (q) => {
        await raiseChannelAlert(q, 'oa_blocked', text);
        await webhookAlerts?.enqueue(q, {
          dedupeKey: `channel:oa_blocked:${Date.now()}:${breakerOpenings}`,
          text,
          details: { kind: 'oa_blocked', code: info.code },
        });
      });
    },
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
    claimLingerMs: CLAIM_LINGER_MS,
    maxAttempts: config.MAX_ATTEMPTS,
    ratePerMinute: config.USER_RATE_LIMIT_PER_MINUTE,
    answerMaxChars: config.ANSWER_MAX_CHARS,
    quoteReplies: config.ZALO_QUOTE_REPLIES,
    backoff: deps.backoff,
    onEnqueued: () => sender.wakeup.wake(),
    loop: deps.loop,
  });
  const webhook = zaloWebhook({
    db,
    metrics,
    appId: config.ZALO_APP_ID,
    oaSecretKey: config.ZALO_OA_SECRET_KEY,
    bodyLimit: config.WEBHOOK_BODY_LIMIT,
    log,
    classify: {
      oaId: config.ZALO_OA_ID,
      maxSkewMs: config.ZALO_EVENT_MAX_SKEW_HOURS * 3_600_000,
      maxStoredChars: config.MESSAGE_MAX_STORED_CHARS,
    },
    onStored: () => worker.wakeup.wake(),
  });
  const channelStatus = async (): Promise<ChannelStatus> => {
    const st = breaker.state();
    return { sending: !st.open, breaker: st, queued: await countQueued(db), alerts: await openChannelAlerts(db) };
  };
  const delivery = createDeliveryReport({
    db,
    tokens,
    status: channelStatus,
    onRetry: (kind) => {
      if (kind === 'event') return worker.wakeup.wake();
      breaker.probeNow(); // "retry" on the breaker alert: probe at once
      sender.wakeup.wake();
    },
  });

  // Staff alerts over Zalo only while that staff member's 7-day window is open (a consultation
  // message to anyone else fails with -230); the webhook and the dashboard carry them anyway.
  const zaloStaff = zaloStaffAlertSink(config.STAFF_ALERT_ZALO_USER_IDS, async (q, staffId) => {
    if (!userKey) return false;
    const last = await lastInteraction(q, userKey(staffId));
    return last !== null && Date.now() - last.getTime() < WINDOW_MS;
  }, (id) => userKey?.(id) ?? null);

  return {
    client,
    tokens,
    webhook,
    worker,
    sender,
    delivery,
    alerts: zaloStaff,
    channelStatus,
    userKey: (id) => {
      if (!userKey) throw new Error('zalo channel used before prepare()');
      return userKey(id);
    },
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
      // tests answer with stubs that count their calls; a warm-up would only be noise there
      if (config.NODE_ENV !== 'test') await worker.warmUp();
    },
  };
}
