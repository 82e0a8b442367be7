// Outbox sender: claims queued messages (marking them 'sending' before the HTTP call), sends
// them through the OA client and records the result:
//   success (error 0)            → sent; text and recipient forgotten
//   -216/-220                    → refresh the token once (single-flight) and retry at once
//   -32, HTTP 5xx, network, timeout → retry with exponential backoff + jitter, dead after MAX_ATTEMPTS
//   -213/-217/-227/-230/-232/-244 → dead for that user (reason kept for staff)
//   other errors                 → dead (a request the API will never accept)
// Without a usable token (none configured, or a refresh that failed for good) nothing is
// claimed: replies stay queued until a token pair is stored.
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { ZaloApiError, type ZaloOaClient } from './oa-client.js';
import { TokenUnavailableError, type TokenStore } from './token-store.js';
import { backoffMs, type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js';
import { claimMessages, markDead, markRetry, markSent, releaseMessage, type OutboundMessage } from './outbox-store.js';
import { createQueueLoop, type QueueLoop } from './queue-loop.js';
import { createWakeup, type Wakeup } from './wakeup.js';

export interface OutboxSenderOptions {
  db: Db;
  log: Logger;
  metrics: Metrics;
  client: ZaloOaClient;
  tokens: TokenStore;
  concurrency: number;
  pollMs: number;
  maxAttempts: number;
  /** Lease on a 'sending' row; must outlast a send + refresh + resend. */
  leaseSeconds: number;
  backoff?: BackoffOptions;
}

export interface OutboxSender extends QueueLoop {
  name: string;
  wakeup: Wakeup;
}

/** How long to wait before looking again when no token is usable. */
const NO_TOKEN_RECHECK_MS = 1000;

export function createOutboxSender(opts: OutboxSenderOptions): OutboxSender {
  const { db, log, metrics, client, tokens } = opts;
  const wakeup = createWakeup();
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  let warnedNoToken = false;

  const send = async (msg: OutboundMessage, token: string) => {
    try {
      return await client.sendText(token, msg.recipientId, msg.text);
    } catch (err) {
      if (!(err instanceof ZaloApiError) || err.kind !== 'token') throw err;
      const fresh = await tokens.refreshAfterRejection(token);
      return client.sendText(fresh, msg.recipientId, msg.text); // once; a second rejection backs off below
    }
  };

  const handle = async (msg: OutboundMessage) => {
    const token = await tokens.accessToken();
    if (!token) {
      await releaseMessage(db, msg.id, 'no usable Zalo access token', NO_TOKEN_RECHECK_MS);
      return;
    }
    try {
      const { messageId } = await send(msg, token);
      await markSent(db, msg.id, messageId);
      metrics.repliesSent.inc({ result: 'sent' });
    } catch (err) {
      if (err instanceof TokenUnavailableError) {
        // Not this message's fault: put it back without counting the attempt.
        await releaseMessage(db, msg.id, err.message, NO_TOKEN_RECHECK_MS);
        return;
      }
      const zerr = err instanceof ZaloApiError ? err : new ZaloApiError(String(err), 'retryable', null, null);
      if (zerr.kind === 'unreachable' || zerr.kind === 'permanent') {
        await markDead(db, msg.id, zerr.message);
        metrics.repliesSent.inc({ result: 'dead' });
        log.warn({ outbox: msg.id, purpose: msg.purpose, code: zerr.code }, 'message rejected for good');
        return;
      }
      const status = await markRetry(db, msg.id, zerr.message, backoffMs(msg.attempt, backoff), opts.maxAttempts);
      metrics.repliesSent.inc({ result: status === 'dead' ? 'dead' : 'retry' });
      log[status === 'dead' ? 'error' : 'warn']({ outbox: msg.id, attempt: msg.attempt, code: zerr.code, http: zerr.httpStatus, error: zerr.message, status }, 'send failed');
    }
  };

  const loop = createQueueLoop<OutboundMessage>({
    name: 'zalo-outbox',
    concurrency: opts.concurrency,
    pollMs: opts.pollMs,
    wakeup,
    log,
    async claim(limit) {
      // Claim nothing while no token is usable: the rows stay 'pending', attempts untouched.
      if (!(await tokens.accessToken())) {
        if (!warnedNoToken) log.warn('no usable Zalo access token: replies are kept in the outbox, not sent');
        warnedNoToken = true;
        return [];
      }
      warnedNoToken = false;
      return claimMessages(db, limit, opts.leaseSeconds);
    },
    handle,
  });
  return { name: 'zalo-outbox-sender', wakeup, ...loop };
}
