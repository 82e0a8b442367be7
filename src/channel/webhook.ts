// POST /webhooks/zalo (SPEC "Zalo webhook"). Order of checks:
//   1. body parsed from the raw bytes (kept for the signature); not JSON → 400, too big → 413
//   2. the unsigned `{}` probe Zalo sends when the URL is saved → 200, nothing stored
//   3. webhook not configured → 503; app_id or signature wrong → 401, nothing stored
//   4. INSERT … ON CONFLICT DO NOTHING (durable before the 200; concurrent requests share one
//      statement, see createEventInserter), wake the worker → 200
// Registered as an encapsulated plugin so its raw-body parser does not affect other routes.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/types.js';
import type { Metrics } from '../metrics.js';
import { createEventInserter } from './inbox-store.js';
import { classifyEvent, EnvelopeSchema } from './events.js';
import { verifySignature } from './signature.js';

export interface WebhookOptions {
  db: Db;
  metrics: Metrics;
  appId?: string;
  oaSecretKey?: string;
  bodyLimit: number;
  /** Called after a new event that needs answering was stored. */
  onStored?: () => void;
  path?: string;
}

export function zaloWebhook(opts: WebhookOptions): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const insert = createEventInserter(opts.db);
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
        return reply.code(503).send({ error: 'webhook not configured (ZALO_APP_ID, ZALO_OA_SECRET_KEY)' });
      }
      const envelope = EnvelopeSchema.safeParse(parsed);
      const ok =
        envelope.success &&
        envelope.data.app_id === opts.appId &&
        verifySignature(signature, { appId: opts.appId, rawBody: raw, timestamp: envelope.data.timestamp, secret: opts.oaSecretKey });
      if (!ok) {
        opts.metrics.webhookEvents.inc({ event: 'unknown', result: 'rejected' });
        return reply.code(401).send({ error: 'bad signature' });
      }

      const ev = classifyEvent(parsed, raw);
      const { inserted, needsWork } = await insert(ev);
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
function metricEventName(name: string): string {
  return /^(user_|oa_|follow$|unfollow$|anonymous_)[a-z_]{0,40}$/.test(name) ? name : 'other';
}
