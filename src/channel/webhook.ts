// POST /webhooks/zalo (SPEC "Zalo webhook"). Order of checks:
//   1. body parsed from the raw bytes (kept for the signature); not JSON → 400, too big → 413
//   2. the unsigned `{}` probe Zalo sends when the URL is saved → 200, nothing stored
//   3. webhook not configured → 503; envelope, app_id or signature wrong → 401, nothing stored
//   4. classify (other OA, own OA, stale, echo… → stored as ignored with a reason), then
//      INSERT … ON CONFLICT DO NOTHING (durable before the 200; concurrent requests share one
//      statement, see createEventInserter; it runs in the database's urgent lane, Db.urgent,
//      ahead of the workers' queued claims and transactions), wake the worker → 200
// Nothing on this path waits for answering: the worker answers later, from the stored row.
// Rejections and drops are logged with their reason only, never the body, ids or secrets.
// Registered as an encapsulated plugin so its raw-body parser does not affect other routes.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createEventInserter } from './inbox-store.js';
import { classifyEvent, EnvelopeSchema, type ClassifyOptions } from './events.js';
import { macFromHeader, verifySignature } from './signature.js';

export interface WebhookOptions {
  db: Db;
  metrics: Metrics;
  log?: Logger;
  appId?: string;
  oaSecretKey?: string;
  bodyLimit: number;
  /** ZALO_OA_ID, timestamp window, stored-text limit. */
  classify?: Omit<ClassifyOptions, 'now'>;
  /** Called after a new event that needs answering was stored. */
  onStored?: () => void;
  path?: string;
}

export function zaloWebhook(opts: WebhookOptions): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // the urgent lane: an acknowledgement never queues behind the workers' database work
    const insert = createEventInserter(opts.db.urgent ?? opts.db);
    const log = opts.log;
    // Keep the exact bytes: the signature covers them, and any re-serialisation changes them.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.bodyLimit }, (_req, body, done) => done(null, body));

    app.post(opts.path ?? '/webhooks/zalo', async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        opts.metrics.webhookEvents.inc({ event: 'unknown', result: 'invalid' });
        log?.warn({ reason: 'body is not JSON', bytes: raw.length }, 'webhook event rejected');
        return reply.code(400).send({ error: 'body is not JSON' });
      }
      const signature = req.headers['x-zevent-signature'];
      const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
      if (isObject && Object.keys(parsed as object).length === 0) {
        // Zalo's URL check: an empty object, unsigned. Nothing to store.
        opts.metrics.webhookEvents.inc({ event: 'probe', result: 'probe' });
        return reply.code(200).send({ ok: true });
      }
      if (!opts.appId || !opts.oaSecretKey) {
        opts.metrics.webhookEvents.inc({ event: 'unknown', result: 'rejected' });
        log?.warn({ reason: 'webhook not configured' }, 'webhook event rejected');
        return reply.code(503).send({ error: 'webhook not configured (ZALO_APP_ID, ZALO_OA_SECRET_KEY)' });
      }
      const envelope = EnvelopeSchema.safeParse(parsed);
      const reason = !envelope.success
        ? 'envelope invalid (app_id, event_name, timestamp)'
        : envelope.data.app_id !== opts.appId
          ? 'app_id does not match ZALO_APP_ID'
          : !macFromHeader(signature)
            ? 'no X-ZEvent-Signature mac'
            : !verifySignature(signature, { appId: opts.appId, rawBody: raw, timestamp: envelope.data.timestamp, secret: opts.oaSecretKey })
              ? 'signature mismatch (check ZALO_OA_SECRET_KEY)'
              : null;
      if (reason || !envelope.success) {
        opts.metrics.webhookEvents.inc({ event: 'unknown', result: 'rejected' });
        log?.warn({ reason, event: envelope.success ? metricEventName(envelope.data.event_name) : undefined }, 'webhook event rejected');
        return reply.code(401).send({ error: 'bad signature' });
      }

      const ev = classifyEvent(parsed, raw, { ...opts.classify, envelope: envelope.data });
      let outcome;
      try {
        outcome = await insert(ev);
      } catch (err) {
        // Never show the database error to the caller; Zalo retries a 500.
        log?.error({ err, event: metricEventName(ev.eventName) }, 'webhook event could not be stored');
        return reply.code(500).send({ error: 'temporarily unavailable' });
      }
      const { inserted, needsWork } = outcome;
      if (ev.disposition === 'ignore' && inserted && ev.reason !== 'echo' && ev.reason !== 'receipt') {
        log?.[ev.reason === 'invalid' || ev.reason === 'stale' || ev.reason === 'other_oa' ? 'warn' : 'debug'](
          { event: metricEventName(ev.eventName), reason: ev.reason, detail: ev.detail },
          'webhook event dropped',
        );
      }
      opts.metrics.webhookEvents.inc({
        event: metricEventName(ev.eventName),
        result: !inserted ? 'duplicate' : ev.disposition === 'process' ? 'stored' : ev.reason === 'invalid' ? 'invalid' : 'ignored',
      });
      if (needsWork) opts.onStored?.();
      return reply.code(200).send({ ok: true });
    });
  };
}

/** Bound the metric's label values: Zalo's event names, never anything a caller made up. */
export function metricEventName(name: string): string {
  return /^(user_|oa_|follow$|unfollow$|anonymous_)[a-z_]{0,40}$/.test(name) ? name : 'other';
}
