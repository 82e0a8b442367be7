// Inbox worker: claims stored webhook events and turns each into outbox messages.
// A text message is answered by the answer pipeline; then, in ONE transaction, the question is
// recorded (QuestionRecorder), the reply is queued, the user's language is remembered and the
// event is marked done with its payload removed, and the conversation state the answer returned
// is saved (null clears it). A crash anywhere before the commit leaves
// the event pending (its lease expires, or is released at start-up on the embedded database),
// so it is answered again, once: completion is fenced on the attempt number.
// Only the first `answerMaxChars` characters of a message are answered (the reply says so), so
// one long message cannot hold the answer engine; the full text (up to the inbox's stored limit)
// goes to the question recorder, which redacts it. The answering itself is one call,
// `pipeline.answer(text, ctx)`, which the runtime runs in a worker-thread pool.
import type { AnswerPipeline } from '../answer/types.js';
import type { Db, Queryable } from '../db/types.js';
import type { QuestionRecorder, QuestionRecord } from '../insights/types.js';
import type { PeopleLoop } from '../loop/people-loop.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { detectLang } from '../text/lang.js';
import { firstCodePoints, timestampMs, type InboxPayload } from './events.js';
import { loadConversation, saveConversation } from './conversation-store.js';
import { backoffMs, type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js';
import { claimEvents, completeEvent, failEvent, insertEvents, type ClaimedEvent } from './inbox-store.js';
import { nonTextNote, rateLimitNotice, truncatedNote, WELCOME_TEXT } from './messages.js';
import { claimMessages, enqueueMessage, markSentMany } from './outbox-store.js';
import { createQueueLoop, yieldToIo, type QueueLoop } from './queue-loop.js';
import { claimNonTextNote, claimNotice, countMessage, rememberLang, touchInteraction, type UserKeyFn } from './user-state.js';
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
  /** While busy, claim at most once per this many ms (queue-loop.ts). */
  claimLingerMs?: number;
  maxAttempts: number;
  ratePerMinute: number;
  /** Characters of a message that are answered (ANSWER_MAX_CHARS). */
  answerMaxChars?: number;
  /** Quote the user's message in the reply (v3 quote_message_id). */
  quoteReplies?: boolean;
  /** Seconds a claim is held before another worker may take the event over. */
  leaseSeconds?: number;
  backoff?: BackoffOptions;
  /** Called after messages were queued (wakes the sender). */
  onEnqueued?: () => void;
  /** People in the loop (takeover, disclosure, data requests, reactions); a getter like the pipeline. */
  loop?: () => PeopleLoop | null;
}

export interface InboxWorker extends QueueLoop {
  name: string;
  wakeup: Wakeup;
  /**
   * Runs a reply's work once before the service reports ready, so the first citizens do not pay
   * for it: one answer through the pipeline (the answer worker's first question compiles its
   * code), and the statements of a reply in a transaction that is rolled back (PGlite compiles
   * the WebAssembly of each code path lazily, on its first use). Measured: without it the first
   * second of traffic after a start held acknowledgements up to 300 ms (bench/e2e/results.md).
   * Leaves nothing behind; never throws.
   */
  warmUp(): Promise<void>;
}

class LeaseLostError extends Error {}
class WarmUpRollback extends Error {}

export function createInboxWorker(opts: InboxWorkerOptions): InboxWorker {
  const { db, log } = opts;
  const wakeup = createWakeup();
  const lease = opts.leaseSeconds ?? 60;

  /** Run `fn` and complete the event in the same transaction. */
  const finish = async (ev: ClaimedEvent, fn: (q: Queryable) => Promise<void>) => {
    await yieldToIo();
    await db.tx(async (q) => {
      if (!(await completeEvent(q, ev))) throw new LeaseLostError();
      await fn(q);
    });
  };

  const answerMax = opts.answerMaxChars ?? 1000;
  /** Address of a reply to this payload: user or anonymous chat, the pseudonym, the quoted message. */
  const to = (p: InboxPayload, userKey: string, quote: boolean) => ({
    recipientId: p.userId,
    userKey: p.kind === 'follow' || !('conversationId' in p && p.conversationId) ? userKey : null,
    conversationId: 'conversationId' in p ? (p.conversationId ?? null) : null,
    quoteMsgId: quote && opts.quoteReplies !== false && 'msgId' in p ? p.msgId : null,
  });
  /** When the user wrote (the event's timestamp when plausible, else when it was received). */
  const interactedAt = (ev: ClaimedEvent, ts: string) => {
    const t = timestampMs(ts);
    return Number.isFinite(t) && t > 0 && t <= ev.receivedAt.getTime() + 60_000 ? new Date(t) : ev.receivedAt;
  };

  const handleText = async (ev: ClaimedEvent, p: Extract<InboxPayload, { kind: 'text' }>) => {
    const userKey = opts.userKey(p.userId);
    const rate = await countMessage(db, userKey, ev.receivedAt, interactedAt(ev, p.timestamp));
    if (rate.count > opts.ratePerMinute) {
      // Flooding: one polite notice per window, then quiet (the message is not answered).
      await finish(ev, async (q) => {
        if (!rate.noticeSent && (await claimNotice(q, userKey))) {
          await enqueueMessage(q, { purpose: 'rate_limit', ...to(p, userKey, false), text: rateLimitNotice(rate.lastLang), dedupeKey: `event:${ev.id}` });
        }
      });
      return;
    }
    // Format characters (zero-width spaces…) alone are not a question.
    if (!p.text.replace(/[\p{Cf}\s]/gu, '')) {
      await finish(ev, async () => {});
      return;
    }
    const { text: asked, cut } = firstCodePoints(p.text, answerMax);
    const conversation = await loadConversation(db, userKey, ev.receivedAt);
    await yieldToIo(); // acknowledgements first: answering may take a while
    const answered = await opts.pipeline().answer(asked, {
      ...(rate.lastLang ? { lastLang: rate.lastLang } : {}),
      conversation,
      now: ev.receivedAt,
    });
    const answer = cut ? `${answered.answer}\n\n${truncatedNote(answered.lang, answerMax)}` : answered.answer;
    // The log keeps what the citizen wrote (the recorder redacts it), not only the answered part.
    const result = { ...answered, question: p.text, answer };
    const guess = detectLang(asked, rate.lastLang ?? undefined);
    const record: QuestionRecord = { channel: 'zalo', userId: p.userId, result, askedAt: ev.receivedAt };
    const recorder = opts.recorder();
    const people = opts.loop?.() ?? null;
    const at = interactedAt(ev, p.timestamp);
    let held = false;
    await finish(ev, async (q) => {
      // People in the loop decide with the event's completion: a data request is carried out and
      // answered instead of the question; while a person has the conversation the question is
      // logged (held for staff) and the bot sends nothing.
      const screened = people ? await people.screen(q, { userId: p.userId, text: asked, lang: answered.lang, at }) : { kind: 'answer' as const };
      if (screened.kind === 'reply') {
        await enqueueMessage(q, { purpose: 'data_request', ...to(p, userKey, true), text: screened.text, dedupeKey: `event:${ev.id}` });
        return;
      }
      held = screened.kind === 'held';
      const recorded = await recorder.record(q, { ...record, heldForStaff: held });
      if (held) return;
      const rephrased = answered.trace?.some((t) => t.step === 'rephrase' && t.note === 'rephrased') ?? false;
      const text = people ? await people.decorate(q, { userId: p.userId, at, lang: answered.lang, rephrased }, answer) : answer;
      await enqueueMessage(q, { purpose: 'reply', ...to(p, userKey, true), text, dedupeKey: `event:${ev.id}` });
      // Anonymous chats are answered in their conversation only; staff cannot address them later.
      if (!p.conversationId) await people?.remember(q, { userId: p.userId, at, recorded, replyKey: `event:${ev.id}`, result });
      if (answered.conversation !== undefined) await saveConversation(q, userKey, answered.conversation, ev.receivedAt);
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
      } else if (p.kind === 'echo') {
        const people = opts.loop?.() ?? null;
        await finish(ev, async (q) => {
          await people?.onEcho(q, { recipientId: p.userId, msgId: p.msgId, text: p.text || null, adminId: p.adminId, at: interactedAt(ev, p.timestamp) });
        });
        return;
      } else if (p.kind === 'reaction') {
        const people = opts.loop?.() ?? null;
        await finish(ev, async (q) => {
          await people?.onReaction(q, { msgId: p.msgId, icon: p.icon, at: interactedAt(ev, p.timestamp) });
        });
        return;
      } else if (p.kind === 'follow') {
        const userKey = opts.userKey(p.userId);
        await finish(ev, async (q) => {
          await touchInteraction(q, userKey, interactedAt(ev, p.timestamp));
          await enqueueMessage(q, { purpose: 'welcome', ...to(p, userKey, false), text: WELCOME_TEXT, dedupeKey: `event:${ev.id}` });
        });
      } else {
        const userKey = opts.userKey(p.userId);
        const rate = await countMessage(db, userKey, ev.receivedAt, interactedAt(ev, p.timestamp));
        await finish(ev, async (q) => {
          if (rate.count <= opts.ratePerMinute) {
            // One note per user per hour: five stickers in a row get one note, a 👍 later none.
            if (await claimNonTextNote(q, userKey, ev.receivedAt)) {
              await enqueueMessage(q, { purpose: 'note', ...to(p, userKey, true), text: nonTextNote(rate.lastLang), dedupeKey: `event:${ev.id}` });
            }
          } else if (!rate.noticeSent && (await claimNotice(q, userKey))) {
            await enqueueMessage(q, { purpose: 'rate_limit', ...to(p, userKey, false), text: rateLimitNotice(rate.lastLang), dedupeKey: `event:${ev.id}` });
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
    claimLingerMs: opts.claimLingerMs,
    wakeup,
    log,
    claim: (limit) => claimEvents(db, limit, lease),
    handle,
  });
  const warmUp = async () => {
    const started = Date.now();
    try {
      // the channel's own welcome text as the question: any text exercises the whole pipeline
      const answered = await opts.pipeline().answer(WELCOME_TEXT, {});
      const userKey = `warmup:${process.pid}`;
      const at = new Date();
      await db
        .tx(async (q) => {
          const ev = { disposition: 'process' as const, key: `warmup:${process.pid}:${at.getTime()}`, eventName: 'user_send_text', payload: { kind: 'text' as const, userId: userKey, text: WELCOME_TEXT, msgId: 'warmup', timestamp: String(at.getTime()) } };
          await insertEvents(q, [ev]);
          await claimEvents(q, 1, lease);
          await countMessage(q, userKey, at, at);
          await loadConversation(q, userKey, at);
          await completeEvent(q, { id: '0', attempt: 0 });
          const people = opts.loop?.() ?? null;
          await people?.screen(q, { userId: userKey, text: WELCOME_TEXT, lang: answered.lang, at });
          // (people.remember is left out: its reply-address seal starts after the channel)
          await opts.recorder().record(q, { channel: 'zalo', userId: userKey, result: { ...answered, question: WELCOME_TEXT }, askedAt: at });
          await people?.decorate(q, { userId: userKey, at, lang: answered.lang, rephrased: false }, answered.answer);
          await rememberLang(q, userKey, answered.lang);
          await enqueueMessage(q, { purpose: 'reply', recipientId: userKey, userKey, text: answered.answer, dedupeKey: `warmup:${at.getTime()}` });
          if (answered.conversation !== undefined) await saveConversation(q, userKey, answered.conversation, at);
          await claimMessages(q, 1, lease);
          await markSentMany(q, [{ id: '0', zaloMessageId: null }]);
          throw new WarmUpRollback();
        })
        .catch((err: unknown) => {
          if (!(err instanceof WarmUpRollback)) throw err;
        });
      log.debug({ ms: Date.now() - started }, 'inbox worker warmed up');
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'inbox worker warm-up failed (the first replies may be slower)');
    }
  };

  return { name: 'zalo-inbox-worker', wakeup, warmUp, ...loop };
}

