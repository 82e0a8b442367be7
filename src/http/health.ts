// Liveness, readiness and metrics endpoints (SPEC "Operations").
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/types.js';
import type { Metrics } from '../metrics.js';

export interface Readiness {
  /** True once the database answers and the knowledge index is loaded. */
  isReady(): boolean;
  markReady(): void;
  reason(): string;
  setReason(reason: string): void;
}

export function createReadiness(): Readiness {
  let ready = false;
  let why = 'starting';
  return {
    isReady: () => ready,
    markReady: () => {
      ready = true;
      why = 'ready';
    },
    reason: () => why,
    setReason: (r) => {
      why = r;
    },
  };
}

export function healthRoutes(app: FastifyInstance, deps: { db: Db; readiness: Readiness; metrics: Metrics }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    if (!deps.readiness.isReady()) return reply.code(503).send({ status: 'not_ready', reason: deps.readiness.reason() });
    try {
      await deps.db.query('SELECT 1');
    } catch {
      return reply.code(503).send({ status: 'not_ready', reason: 'database unreachable' });
    }
    return { status: 'ready' };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
