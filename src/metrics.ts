// Prometheus metrics. One registry per app instance (tests build many apps in one process).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhookEvents: new Counter({
      name: 'zalo_webhook_events_total',
      help: 'Webhook requests by event name and result (stored, duplicate, rejected, probe, invalid)',
      labelNames: ['event', 'result'] as const,
      registers: [registry],
    }),
    repliesSent: new Counter({
      name: 'zalo_replies_total',
      help: 'Outbox messages by final or intermediate result (sent, retry, dead)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    tokenRefreshes: new Counter({
      name: 'zalo_token_refreshes_total',
      help: 'OA access-token refreshes by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    questions: new Counter({
      name: 'assistant_questions_total',
      help: 'Questions answered, by outcome and language',
      labelNames: ['outcome', 'lang'] as const,
      registers: [registry],
    }),
    answerSeconds: new Histogram({
      name: 'assistant_answer_seconds',
      help: 'Time to compose an answer (retrieval and composition)',
      buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
