// Outbox sender: claims queued messages in bulk (marking them 'sending' before the HTTP call),
// sends up to OUTBOX_CONCURRENCY at once, paced by a token bucket (OUTBOX_RATE_PER_SECOND), and
// records the result:
//   success (error 0)            → sent; text and recipient forgotten (completions batched)
//   -216/-220                    → refresh the token once (single-flight) and retry at once; a
//                                  refreshed token rejected again opens the breaker (no refresh storm)
//   -204/-205/-209/-211/-212/-219/-221/-223/-224/-235/-242/-320/-321 (OA-wide)
//                                → the breaker opens: the message goes back unharmed, every send
//                                  is held, one staff alert, probes until Zalo accepts again
//   -32, HTTP 5xx, network, timeout → retry with exponential backoff + jitter, dead after MAX_ATTEMPTS
//   HTTP 200 without a body      → unknown outcome: one retry, then dead (staff see it)
//   -213/-217/-227/-230/-232/-244 → dead for that user (reason kept for staff)
//   other errors                 → dead (a request the API will never accept)
// A reply to a user whose last interaction is older than Zalo's 7-day window is recorded dead
// as "window closed" without calling Zalo. Parts of one reply go in order (the claim query
// releases part n+1 only after part n is done), different users' replies in parallel.
// Crash trade-off: a row is 'sending' during its call, so after kill -9 the calls that were in
// flight (at most OUTBOX_CONCURRENCY, since a slot is held until its completion is committed)
// may be sent again: Zalo has no idempotency key. More concurrency means more throughput and
// a larger worst case of duplicates after a crash; never a lost reply.
// Without a usable token (none configured, or a refresh that failed for good) nothing is
// claimed: replies stay queued until a token pair is stored.
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { ZaloApiError, type ZaloOaClient } from './oa-client.js';
import { TokenUnavailableError, type TokenStore } from './token-store.js';
import { backoffMs, type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js';
import type { Breaker } from './breaker.js';
import { claimMessages, markDead, markRetry, markSentMany, releaseMessage, type OutboundMessage } from './outbox-store.js';
import type { Pacer } from './pacer.js';
import { createQueueLoop, type QueueLoop } from './queue-loop.js';
import { createWakeup, type Wakeup } from './wakeup.js';

/** Zalo's consultation window: 7 days after the user's last interaction (reference §4.4). */
export const WINDOW_MS = 7 * 86_400_000;

export interface OutboxSenderOptions {
  db: Db;
  log: Logger;
  metrics: Metrics;
  client: ZaloOaClient;
  tokens: TokenStore;
  concurrency: number;
  pollMs: number;
  /** While busy, claim at most once per this many ms (queue-loop.ts). */
  claimLingerMs?: number;
  maxAttempts: number;
  /** Lease on a 'sending' row; must outlast a send + refresh + resend. */
  leaseSeconds: number;
  backoff?: BackoffOptions;
  pacer: Pacer;
  breaker: Breaker;
  /** The breaker opened (once per opening) or closed: raise or resolve the staff alert. */
  onBreaker?: (event: 'open' | 'closed', info: { code: number | null; reason: string }) => Promise<void>;
  now?: () => number;
}

export interface OutboxSender extends QueueLoop {
  name: string;
  wakeup: Wakeup;
}

/** How long to wait before looking again when no token is usable. */
const NO_TOKEN_RECHECK_MS = 1000;

class OaWideError extends Error {
  constructor(
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** Group commit for completions: calls that arrive while a flush runs share the next statement. */
function createBatcher<T>(flush: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let queue: Array<{ item: T; resolve: () => void; reject: (e: unknown) => void }> = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        await flush(batch.map((b) => b.item));
        batch.forEach((b) => b.resolve());
      } catch (err) {
        batch.forEach((b) => b.reject(err));
      }
    }
    running = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!running) void drain();
    });
}

export function createOutboxSender(opts: OutboxSenderOptions): OutboxSender {
  const { db, log, metrics, client, tokens, pacer, breaker } = opts;
  const now = opts.now ?? Date.now;
  const wakeup = createWakeup();
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  let warnedNoToken = false;
  const probes = new Set<string>();
  const markSent = createBatcher<{ id: string; zaloMessageId: string | null }>((items) => markSentMany(db, items));

  const call = async (token: string, msg: OutboundMessage, quote: boolean) => {
    await pacer.take();
    return client.sendText(token, {
      userId: msg.recipientId,
      text: msg.text,
      quoteMsgId: quote ? msg.quoteMsgId : null,
      conversationId: msg.conversationId,
    });
  };

  const sendOnce = async (msg: OutboundMessage, token: string, quote: boolean, probe: boolean) => {
    try {
      return await call(token, msg, quote);
    } catch (err) {
      if (!(err instanceof ZaloApiError) || err.kind !== 'token') throw err;
      // While the breaker is open only the probe may refresh (once per probe: a backed-off retry).
      if (breaker.state().open && !probe) throw new OaWideError(err.code, 'held: the OA cannot send right now');
      const fresh = await tokens.refreshAfterRejection(token);
      try {
        return await call(fresh, msg, quote);
      } catch (again) {
        // A token Zalo rejects right after a refresh: refreshing again per message would storm
        // the OAuth endpoint (25 refreshes in 40 s were seen). Hold everything instead.
        if (again instanceof ZaloApiError && again.kind === 'token') throw new OaWideError(again.code, 'refreshed access token rejected too');
        throw again;
      }
    }
  };

  const send = async (msg: OutboundMessage, token: string, probe: boolean) => {
    try {
      return await sendOnce(msg, token, true, probe);
    } catch (err) {
      // Zalo may refuse the quoted id (too old, unknown): the answer matters more than the quote.
      if (msg.quoteMsgId && err instanceof ZaloApiError && err.code === -201) return sendOnce(msg, token, false, probe);
      throw err;
    }
  };

  const breakerOpened = async (code: number | null, reason: string) => {
    const first = breaker.trip(code, reason);
    metrics.repliesSent.inc({ result: 'held' });
    if (first) {
      log.error({ code, reason }, 'Zalo refuses sends for the whole OA: every send is held until a probe succeeds');
      await opts.onBreaker?.('open', { code, reason }).catch((err: unknown) => log.error({ err }, 'breaker alert failed'));
    } else {
      log.warn({ code, reason, nextProbeAt: breaker.state().nextProbeAt }, 'breaker probe failed; sends stay held');
    }
  };

  const breakerClosed = async () => {
    if (!breaker.succeed()) return;
    log.warn('Zalo accepts sends again: the held replies are going out');
    await opts.onBreaker?.('closed', { code: null, reason: 'recovered' }).catch((err: unknown) => log.error({ err }, 'breaker resolve failed'));
    wakeup.wake();
  };

  const handle = async (msg: OutboundMessage) => {
    const probe = probes.delete(msg.id);
    if (!probe && breaker.state().open) {
      // Opened while this message waited for its turn: put it back untouched.
      await releaseMessage(db, msg.id, 'held: the OA cannot send right now', 0);
      return;
    }
    if (msg.lastInteractionAt && now() - msg.lastInteractionAt.getTime() > WINDOW_MS) {
      await markDead(db, msg.id, 'window closed: no interaction from this user in 7 days (not sent)');
      metrics.repliesSent.inc({ result: 'window_closed' });
      if (probe) breaker.probeNow();
      return;
    }
    const token = await tokens.accessToken().catch(() => null);
    if (!token) {
      await releaseMessage(db, msg.id, 'no usable Zalo access token', NO_TOKEN_RECHECK_MS);
      if (probe) breaker.probeNow();
      return;
    }
    try {
      const { messageId } = await send(msg, token, probe);
      await markSent({ id: msg.id, zaloMessageId: messageId });
      metrics.repliesSent.inc({ result: 'sent' });
      await breakerClosed();
    } catch (err) {
      if (err instanceof TokenUnavailableError) {
        // Not this message's fault: put it back without counting the attempt.
        await releaseMessage(db, msg.id, err.message, NO_TOKEN_RECHECK_MS);
        if (probe) breaker.probeNow();
        return;
      }
      if (err instanceof OaWideError || (err instanceof ZaloApiError && err.kind === 'oa')) {
        const code = err instanceof OaWideError ? err.code : (err as ZaloApiError).code;
        await releaseMessage(db, msg.id, `held: ${err.message}`, 0);
        await breakerOpened(code, err.message);
        return;
      }
      const zerr = err instanceof ZaloApiError ? err : new ZaloApiError(String(err), 'retryable', null, null);
      if (probe) {
        // Zalo answered about this message, not the OA (or did not answer): keep probing.
        if (zerr.code !== null) await breakerClosed();
        else breaker.trip(breaker.state().code, breaker.state().reason ?? zerr.message);
      }
      if (zerr.kind === 'unreachable' || zerr.kind === 'permanent' || (zerr.kind === 'unknown' && msg.attempt >= 2)) {
        const reason = zerr.kind === 'unknown' ? `unknown outcome (may have been delivered): ${zerr.message}` : zerr.message;
        await markDead(db, msg.id, reason);
        metrics.repliesSent.inc({ result: 'dead' });
        log.warn({ outbox: msg.id, purpose: msg.purpose, code: zerr.code, kind: zerr.kind }, 'message rejected for good');
        return;
      }
      const status = await markRetry(db, msg.id, zerr.message, backoffMs(msg.attempt, backoff), opts.maxAttempts);
      metrics.repliesSent.inc({ result: status === 'dead' ? 'dead' : 'retry' });
      log[status === 'dead' ? 'error' : 'warn']({ outbox: msg.id, attempt: msg.attempt, code: zerr.code, http: zerr.httpStatus, error: zerr.message, status }, 'send failed');
    }
  };

  let probeTimer: NodeJS.Timeout | null = null;
  const loop = createQueueLoop<OutboundMessage>({
    name: 'zalo-outbox',
    concurrency: opts.concurrency,
    pollMs: opts.pollMs,
    claimLingerMs: opts.claimLingerMs,
    wakeup,
    log,
    async claim(limit) {
      const permit = breaker.permits();
      if (permit === 'no') {
        // Wake up when the next probe is due (the poll may be longer or shorter).
        const due = breaker.msUntilProbe();
        if (due !== null && !probeTimer) {
          probeTimer = setTimeout(() => {
            probeTimer = null;
            wakeup.wake();
          }, due + 5);
          probeTimer.unref?.();
        }
        return [];
      }
      // Claim nothing while no token is usable: the rows stay 'pending', attempts untouched.
      if (!(await tokens.accessToken().catch(() => null))) {
        if (permit === 'probe') breaker.probeNow();
        if (!warnedNoToken) log.warn('no usable Zalo access token: replies are kept in the outbox, not sent');
        warnedNoToken = true;
        return [];
      }
      warnedNoToken = false;
      const claimed = await claimMessages(db, permit === 'probe' ? 1 : limit, opts.leaseSeconds);
      if (permit === 'probe') {
        if (claimed[0]) probes.add(claimed[0].id);
        else breaker.probeNow();
      }
      return claimed;
    },
    handle,
  });
  return {
    name: 'zalo-outbox-sender',
    wakeup,
    ...loop,
    async stop() {
      if (probeTimer) clearTimeout(probeTimer);
      probeTimer = null;
      await loop.stop();
    },
  };
}
