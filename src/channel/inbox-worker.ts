// Inbox worker: claims stored webhook events and turns each into outbox messages.
// A text message is answered by the answer pipeline; then, in ONE transaction, the question is
// recorded (QuestionRecorder), the reply is queued, the user's language is remembered and the
// event is marked done with its payload removed. A crash anywhere before the commit leaves
// the event pending (its lease expires, or is released at start-up on the embedded database),
// so it is answered again, once: completion is fenced on the attempt number.
import type { AnswerPipeline } from '../answer/types.js';
import type { Db, Queryable } from '../db/types.js';
import type { QuestionRecorder, QuestionRecord } from '../insights/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { detectLang } from '../text/lang.js';
import type { InboxPayload } from './events.js';
import { backoffMs, type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js';
import { claimEvents, completeEvent, failEvent, type ClaimedEvent } from './inbox-store.js';
import { nonTextNote, rateLimitNotice, WELCOME_TEXT } from './messages.js';
import { enqueueMessage } from './outbox-store.js';
import { createQueueLoop, type QueueLoop } from './queue-loop.js';
import { claimNotice, countMessage, rememberLang, type UserKeyFn } from './user-state.js';
import { createWakeup, type Wakeup } from './wakeup.js';

export const NO_OP_RECORDER: QuestionRecorder = { record: async () => {} };

export interface InboxWorkerOptions {
  db: Db;
  log: Logger;
  metrics: Metrics;
  /** Getters, so buildApp can wire modules declared after this one. */
  pipeline: () => AnswerPipeline;
  recorder: () => QuestionRecorder;
  userKey: UserKeyFn;
  concurrency: number;
  pollMs: number;
  maxAttempts: number;
  ratePerMinute: number;
  /** Seconds a claim is held before another worker may take the event over. */
  leaseSeconds?: number;
  backoff?: BackoffOptions;
  /** Called after messages were queued (wakes the sender). */
  onEnqueued?: () => void;
}

export interface InboxWorker extends QueueLoop {
  name: string;
  wakeup: Wakeup;
}

class LeaseLostError extends Error {}

export function createInboxWorker(opts: InboxWorkerOptions): InboxWorker {
  const { db, log } = opts;
  const wakeup = createWakeup();
  const lease = opts.leaseSeconds ?? 60;

  /** Run `fn` and complete the event in the same transaction. */
  const finish = async (ev: ClaimedEvent, fn: (q: Queryable) => Promise<void>) => {
    await db.tx(async (q) => {
      if (!(await completeEvent(q, ev))) throw new LeaseLostError();
      await fn(q);
    });
  };

  const handleText = async (ev: ClaimedEvent, p: Extract<InboxPayload, { kind: 'text' }>) => {
    const userKey = opts.userKey(p.userId);
    const rate = await countMessage(db, userKey, ev.receivedAt);
    if (rate.count > opts.ratePerMinute) {
      // Flooding: one polite notice per window, then quiet (the message is not answered).
      await finish(ev, async (q) => {
        if (!rate.noticeSent && (await claimNotice(q, userKey))) {
          await enqueueMessage(q, { purpose: 'rate_limit', recipientId: p.userId, text: rateLimitNotice(rate.lastLang), dedupeKey: `event:${ev.id}` });
        }
      });
      return;
    }
    if (!p.text.trim()) {
      await finish(ev, async () => {});
      return;
    }
    const result = await opts.pipeline().answer(p.text, rate.lastLang ? { lastLang: rate.lastLang } : {});
    const guess = detectLang(p.text, rate.lastLang ?? undefined);
    const record: QuestionRecord = { channel: 'zalo', userId: p.userId, result, askedAt: ev.receivedAt };
    const recorder = opts.recorder();
    await finish(ev, async (q) => {
      await recorder.record(q, record);
      await enqueueMessage(q, { purpose: 'reply', recipientId: p.userId, text: result.answer, dedupeKey: `event:${ev.id}` });
      if (guess.confident && guess.lang !== rate.lastLang) await rememberLang(q, userKey, guess.lang);
    });
    opts.metrics.questions.inc({ outcome: result.outcome, lang: result.lang });
    opts.metrics.answerSeconds.observe(result.latencyMs / 1000);
    if (recorder.afterCommit) {
      await recorder.afterCommit(record).catch((err) => log.error({ err, event: ev.id }, 'question recorder afterCommit failed'));
    }
  };

  const handle = async (ev: ClaimedEvent) => {
    const p = ev.payload;
    try {
      if (!p) {
        await finish(ev, async () => {});
      } else if (p.kind === 'text') {
        await handleText(ev, p);
      } else if (p.kind === 'follow') {
        await finish(ev, async (q) => {
          await enqueueMessage(q, { purpose: 'welcome', recipientId: p.userId, text: WELCOME_TEXT, dedupeKey: `event:${ev.id}` });
        });
      } else {
        const userKey = opts.userKey(p.userId);
        const rate = await countMessage(db, userKey, ev.receivedAt);
        await finish(ev, async (q) => {
          if (rate.count <= opts.ratePerMinute) {
            await enqueueMessage(q, { purpose: 'note', recipientId: p.userId, text: nonTextNote(rate.lastLang), dedupeKey: `event:${ev.id}` });
          } else if (!rate.noticeSent && (await claimNotice(q, userKey))) {
            await enqueueMessage(q, { purpose: 'rate_limit', recipientId: p.userId, text: rateLimitNotice(rate.lastLang), dedupeKey: `event:${ev.id}` });
          }
        });
      }
      opts.onEnqueued?.();
    } catch (err) {
      if (err instanceof LeaseLostError) {
        log.warn({ event: ev.id }, 'event lease lost to another worker; its result was discarded');
        return;
      }
      const outcome = await failEvent(db, ev, err instanceof Error ? err.message : String(err), backoffMs(ev.attempt, opts.backoff ?? DEFAULT_BACKOFF), opts.maxAttempts);
      const level = outcome === 'parked' ? 'error' : 'warn';
      log[level]({ err, event: ev.id, eventName: ev.eventName, attempt: ev.attempt, outcome }, 'inbound event failed');
    }
  };

  const loop = createQueueLoop<ClaimedEvent>({
    name: 'zalo-inbox',
    concurrency: opts.concurrency,
    pollMs: opts.pollMs,
    wakeup,
    log,
    claim: (limit) => claimEvents(db, limit, lease),
    handle,
  });
  return { name: 'zalo-inbox-worker', wakeup, ...loop };
}

