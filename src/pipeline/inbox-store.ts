// SQL for the inbound_event table (migrations/0020_zalo_inbox.sql): the webhook's single
// idempotent insert, and the worker's claim / complete / fail with leases.
import type { Queryable } from '../db/types.js';
import type { ClassifiedEvent, InboxPayload } from '../zalo/events.js';

export interface ClaimedEvent {
  id: string;
  eventName: string;
  payload: InboxPayload | null;
  /** Attempt number of this claim; completion is fenced on it (a reclaimed lease wins). */
  attempt: number;
  receivedAt: Date;
}

interface ClaimedRow {
  id: string;
  event_name: string;
  payload: InboxPayload | null;
  attempts: number;
  received_at: Date;
}

/**
 * Store a verified event: one INSERT … ON CONFLICT DO NOTHING, so acknowledging takes a few
 * milliseconds and Zalo's retries of the same message id add nothing. Returns whether the
 * row is new and needs a worker.
 */
export async function insertEvent(q: Queryable, ev: ClassifiedEvent): Promise<{ inserted: boolean; needsWork: boolean }> {
  const processing = ev.disposition === 'process';
  const r = await q.query(
    `INSERT INTO inbound_event (event_key, event_name, status, payload, last_error, processed_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6)
     ON CONFLICT (event_key) DO NOTHING
     RETURNING id`,
    [
      ev.key,
      ev.eventName,
      processing ? 'pending' : 'ignored',
      processing ? JSON.stringify(ev.payload) : null,
      processing ? null : ev.reason,
      processing ? null : new Date(),
    ],
  );
  const inserted = r.rows.length > 0;
  return { inserted, needsWork: inserted && processing };
}

export async function claimEvents(q: Queryable, limit: number, leaseSeconds: number): Promise<ClaimedEvent[]> {
  const r = await q.query<ClaimedRow>(
    `UPDATE inbound_event e
        SET claimed_until = now() + make_interval(secs => $2), attempts = e.attempts + 1
      WHERE e.id IN (
        SELECT id FROM inbound_event
         WHERE status = 'pending' AND available_at <= now()
           AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY available_at, id
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
      RETURNING e.id, e.event_name, e.payload, e.attempts, e.received_at`,
    [limit, leaseSeconds],
  );
  return r.rows
    .map((row) => ({ id: String(row.id), eventName: row.event_name, payload: row.payload, attempt: row.attempts, receivedAt: row.received_at }))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * Mark a claimed event done and drop its payload, inside the transaction that stores the
 * reply. False when the lease was lost (another worker reclaimed it): the caller must roll back.
 */
export async function completeEvent(q: Queryable, ev: Pick<ClaimedEvent, 'id' | 'attempt'>): Promise<boolean> {
  const r = await q.query(
    `UPDATE inbound_event
        SET status = 'done', payload = NULL, processed_at = now(), claimed_until = NULL, last_error = NULL
      WHERE id = $1 AND attempts = $2 AND status = 'pending'
      RETURNING id`,
    [ev.id, ev.attempt],
  );
  return r.rows.length > 0;
}

/** Record a failed attempt: retry after `delayMs`, or park after `maxAttempts` (kept for staff). */
export async function failEvent(
  q: Queryable,
  ev: Pick<ClaimedEvent, 'id' | 'attempt'>,
  error: string,
  delayMs: number,
  maxAttempts: number,
): Promise<'retry' | 'parked' | 'lost'> {
  const r = await q.query<{ status: string }>(
    `UPDATE inbound_event
        SET status = CASE WHEN attempts >= $4 THEN 'parked' ELSE 'pending' END,
            claimed_until = NULL, last_error = $3,
            available_at = now() + make_interval(secs => $5)
      WHERE id = $1 AND attempts = $2 AND status = 'pending'
      RETURNING status`,
    [ev.id, ev.attempt, error.slice(0, 500), maxAttempts, delayMs / 1000],
  );
  const row = r.rows[0];
  if (!row) return 'lost';
  return row.status === 'parked' ? 'parked' : 'retry';
}

/**
 * Embedded database only: this process owns DATA_DIR, so every lease still held was held by a
 * process that died. Release them so its work restarts now instead of after the lease.
 */
export async function releaseAllEventLeases(q: Queryable): Promise<number> {
  const r = await q.query(`UPDATE inbound_event SET claimed_until = NULL WHERE status = 'pending' AND claimed_until IS NOT NULL RETURNING id`);
  return r.rows.length;
}
