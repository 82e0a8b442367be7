// The insights module assembled from its parts, for buildApp and the report CLI: the question
// recorder the answer paths call, flag evaluation with staff alerts, the dashboard data source,
// and the background tasks (webhook alert sender, periodic flag sweep, retention).
import { Counter } from 'prom-client';
import type { BackgroundTask } from '../app.js';
import type { Config } from '../config.js';
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createInsightsAdmin } from './admin.js';
import { systemClock, type Clock } from './clock.js';
import { createFlagEvaluator, DEFAULT_BASELINE, type FlagEvaluator, type FlagRules } from './flags.js';
import { createPseudonymizer, type Pseudonymizer } from './pseudonym.js';
import { createQuestionRecorder } from './question-log.js';
import { retentionTask } from './retention.js';
import { periodicTask } from '../tasks.js';
import type { QuestionRecorder, StaffAlertSink } from './types.js';
import { createWebhookAlertSender, webhookAlertSink } from './webhook-alerts.js';
import type { InsightsAdmin } from '../admin/sources.js';

export interface InsightsDeps {
  config: Config;
  db: Db;
  log: Logger;
  metrics?: Metrics;
  clock?: Clock;
  /** Other ways to reach staff (the Zalo staff-alert sink); the webhook sink is added when configured. */
  alertSinks?: StaffAlertSink[];
}

export interface Insights {
  recorder: QuestionRecorder;
  /** Keyed pseudonyms of user ids (rotating), also used to find one person's rows on request. */
  pseudonyms: Pseudonymizer;
  admin: InsightsAdmin;
  flags: FlagEvaluator;
  /** Start-up step: make sure the pseudonym key exists before the first question. */
  prepare(): Promise<void>;
  background: BackgroundTask[];
}

export function flagRulesFrom(config: Config): FlagRules {
  return {
    minUsers24h: config.FLAG_MIN_USERS_24H,
    minUsers7d: config.FLAG_MIN_USERS_7D,
    baselineFactor: config.FLAG_BASELINE_FACTOR,
    ...DEFAULT_BASELINE,
  };
}

/** How often every recently asked misconception is re-evaluated (a crash can skip afterCommit). */
const SWEEP_MS = 5 * 60_000;

export function createInsights(deps: InsightsDeps): Insights {
  const { config, db, log } = deps;
  const clock = deps.clock ?? systemClock;
  const registry = deps.metrics?.registry;
  const flagsRaised = new Counter({
    name: 'insights_flags_raised_total',
    help: 'Recurring-misconception flags raised, by rule',
    labelNames: ['reason'] as const,
    registers: registry ? [registry] : [],
  });
  const recorded = new Counter({
    name: 'insights_questions_logged_total',
    help: 'Questions written to the question log, by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: registry ? [registry] : [],
  });
  const webhookAlerts = new Counter({
    name: 'insights_staff_alert_webhooks_total',
    help: 'Staff alert webhook attempts by result (sent, retry, dead)',
    labelNames: ['result'] as const,
    registers: registry ? [registry] : [],
  });

  const sinks = [...(deps.alertSinks ?? [])];
  const background: BackgroundTask[] = [];
  if (config.STAFF_ALERT_WEBHOOK_URL) {
    sinks.push(webhookAlertSink());
    const sender = createWebhookAlertSender({
      db, log, clock, url: config.STAFF_ALERT_WEBHOOK_URL, maxAttempts: config.MAX_ATTEMPTS,
      timeoutMs: config.ZALO_HTTP_TIMEOUT_MS, pollMs: Math.max(1000, config.WORKER_POLL_MS),
      onResult: (r) => webhookAlerts.inc({ result: r }),
    });
    background.push(sender.task);
  }

  const flags = createFlagEvaluator({
    db, clock, rules: flagRulesFrom(config), sinks,
    onRaised: (f) => {
      flagsRaised.inc({ reason: f.reason });
      log.warn({ flagId: f.id, misconceptionId: f.misconceptionId, reason: f.reason, users24h: f.counts.users24h, users7d: f.counts.users7d }, 'recurring misconception flagged');
    },
  });
  const pseudonyms = createPseudonymizer({ secret: config.PSEUDONYM_SECRET, rotationDays: config.PSEUDONYM_ROTATION_DAYS });
  const recorder = createQuestionRecorder({
    pseudonyms, flags, clock,
    onRecorded: (rec) => recorded.inc({ channel: rec.channel, outcome: rec.result.outcome }),
    onError: (err, stage) => log.error({ err, stage }, 'insights step failed after commit'),
  });
  const admin = createInsightsAdmin({ db, clock, lowConfidence: lowConfidenceThreshold(config) });

  background.push(periodicTask('misconception-flag-sweep', SWEEP_MS, async () => {
    await flags.sweep();
  }, log));
  background.push(retentionTask({ db, days: config.RETENTION_DAYS, log, clock }));

  return {
    recorder,
    pseudonyms,
    admin,
    flags,
    prepare: () => pseudonyms.warm(db),
    background,
  };
}

/** "Answered with low confidence" for emerging topics: just above the out-of-scope threshold. */
export function lowConfidenceThreshold(config: Config): number {
  return Math.min(1, config.ANSWER_MIN_CONFIDENCE + 0.15);
}

