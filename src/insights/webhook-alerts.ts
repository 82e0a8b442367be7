// Staff alerts by webhook: a JSON POST to STAFF_ALERT_WEBHOOK_URL. Alerts are queued in the
// transaction that raised the flag (staff_alert_webhook, unique dedupe_key) and a background task
// sends them, retrying with backoff until the receiver answers 2xx or the attempts run out.
// Receivers can de-duplicate on the `Idempotency-Key` header (a retry after a lost 2xx repeats it).
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import { systemClock, type Clock } from './clock.js';
import type { StaffAlertSink } from './types.js';

export function webhookAlertSink(): StaffAlertSink {
  return {
    name: 'webhook',
    async enqueue(q, alert) {
      await q.query(
        `INSERT INTO staff_alert_webhook (dedupe_key, payload) VALUES ($1, $2::jsonb) ON CONFLICT (dedupe_key) DO NOTHING`,
        [alert.dedupeKey, JSON.stringify({ dedupe_key: alert.dedupeKey, text: alert.text, ...alert.details })],
      );
    },
  };
}

export interface WebhookSenderDeps {
  db: Db;
  url: string;
  log: Logger;
  clock?: Clock;
  maxAttempts: number;
  timeoutMs: number;
  /** How often the queue is polled when idle. */
  pollMs: number;
  onResult?(result: 'sent' | 'retry' | 'dead'): void;
}

/** Seconds before attempt n+1: 5 s, 10 s, 20 s … capped at one hour. */
export function backoffMs(attempts: number): number {
  return Math.min(3_600_000, 5000 * 2 ** Math.max(0, attempts - 1));
}

interface Claimed {
  id: string;
  dedupe_key: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export function createWebhookAlertSender(deps: WebhookSenderDeps) {
  const clock = deps.clock ?? systemClock;
  /** A claimed row is invisible to other senders for this long (a crash mid-send retries after it). */
  const leaseMs = deps.timeoutMs + 30_000;

  /** Claims due alerts (SKIP LOCKED: several processes may run senders) and posts them once each. */
  async function sendDue(limit = 10): Promise<number> {
    const now = clock.now();
    const claimed = await deps.db.tx(async (q) => {
      const r = await q.query<Claimed>(
        `SELECT id, dedupe_key, payload, attempts FROM staff_alert_webhook
          WHERE status = 'pending' AND next_attempt_at <= $1
          ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      for (const row of r.rows) {
        await q.query('UPDATE staff_alert_webhook SET next_attempt_at = $2, attempts = attempts + 1 WHERE id = $1', [
          row.id, new Date(now.getTime() + leaseMs),
        ]);
      }
      return r.rows;
    });
    for (const row of claimed) await post(row);
    return claimed.length;
  }

  async function post(row: Claimed): Promise<void> {
    const attempts = row.attempts + 1;
    let error: string | null = null;
    try {
      const res = await fetch(deps.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': row.dedupe_key },
        body: JSON.stringify(row.payload),
        signal: AbortSignal.timeout(deps.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const now = clock.now();
    if (error === null) {
      await deps.db.query(`UPDATE staff_alert_webhook SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1`, [row.id, now]);
      deps.onResult?.('sent');
      return;
    }
    const dead = attempts >= deps.maxAttempts;
    await deps.db.query(
      `UPDATE staff_alert_webhook SET status = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1`,
      [row.id, dead ? 'dead' : 'pending', new Date(now.getTime() + backoffMs(attempts)), error.slice(0, 500)],
    );
    deps.onResult?.(dead ? 'dead' : 'retry');
    deps.log.warn({ alertId: row.id, attempts, dead, error }, 'staff alert webhook failed');
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  function schedule(ms: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = (async () => {
        let n = 0;
        try {
          n = await sendDue();
        } catch (err) {
          deps.log.error({ err }, 'staff alert webhook sender failed');
        }
        // Keep draining while there is work; otherwise wait for the next poll.
        schedule(n > 0 ? 0 : deps.pollMs);
      })();
    }, ms);
    timer.unref?.();
  }

  return {
    sendDue,
    task: {
      name: 'staff-alert-webhook',
      start() {
        stopped = false;
        schedule(0);
      },
      async stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
        await running;
      },
    },
  };
}
