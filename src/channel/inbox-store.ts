// SQL for the inbound_event table (migrations/0020_zalo_inbox.sql): the webhook's single
// idempotent insert, the worker's claim / complete / fail with leases, and what the dashboard
// (parked events, retry) and the housekeeping (old rows, scrubbing) do with the table. Every
// statement on inbound_event lives here.
import type { Queryable } from '../db/types.js';
import type { ClassifiedEvent, InboxPayload } from './events.js';

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

export interface InsertOutcome {
  inserted: boolean;
  needsWork: boolean;
}

/**
 * Store verified events: one INSERT … ON CONFLICT DO NOTHING for the whole batch, so
 * acknowledging takes a few milliseconds and Zalo's retries of the same message id add
 * nothing. Outcomes are in input order; a key repeated inside the batch counts once.
 */
export async function insertEvents(q: Queryable, evs: ClassifiedEvent[]): Promise<InsertOutcome[]> {
  const r = await q.query<{ event_key: string }>(
    `INSERT INTO inbound_event (event_key, event_name, status, payload, last_error, processed_at)
     SELECT t.k, t.n, t.s, t.p::jsonb, t.e, CASE WHEN t.s = 'ignored' THEN now() END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(k, n, s, p, e)
     ON CONFLICT (event_key) DO NOTHING
     RETURNING event_key`,
    [
      evs.map((e) => e.key),
      evs.map((e) => e.eventName),
      evs.map((e) => (e.disposition === 'process' ? 'pending' : 'ignored')),
      evs.map((e) => (e.disposition === 'process' ? JSON.stringify(e.payload) : null)),
      evs.map((e) => (e.disposition === 'process' ? null : e.reason)),
    ],
  );
  const fresh = new Set(r.rows.map((row) => row.event_key));
  return evs.map((e) => {
    const inserted = fresh.delete(e.key); // the first occurrence takes it
    return { inserted, needsWork: inserted && e.disposition === 'process' };
  });
}

/**
 * Group commit for the webhook: a request that arrives while an insert is running waits for
 * it and goes in the next statement together with the others that arrived meanwhile. At low
 * load every event is inserted alone at once; under a burst (PGlite runs one statement at a
 * time) fifty events cost one statement instead of fifty. Each caller resolves only after the
 * statement holding its event committed.
 */
export function createEventInserter(db: Queryable, maxBatch = 256): (ev: ClassifiedEvent) => Promise<InsertOutcome> {
  let queue: Array<{ ev: ClassifiedEvent; resolve: (o: InsertOutcome) => void; reject: (e: unknown) => void }> = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queue.length) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const outcomes = await insertEvents(
          db,
          batch.map((b) => b.ev),
        );
        batch.forEach((b, i) => b.resolve(outcomes[i]!));
      } catch (err) {
        if (batch.length === 1) {
          batch[0]!.reject(err);
          continue;
        }
        // One bad row must not fail the others of its group commit: retry them one by one.
        for (const b of batch) {
          try {
            b.resolve((await insertEvents(db, [b.ev]))[0]!);
          } catch (rowErr) {
            b.reject(rowErr);
          }
        }
      }
    }
    running = false;
  };
  return (ev) =>
    new Promise<InsertOutcome>((resolve, reject) => {
      queue.push({ ev, resolve, reject });
      if (!running) void drain();
    });
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

/** Parked events for the staff delivery page, newest first. */
export async function listParkedEvents(q: Queryable, limit: number) {
  const r = await q.query<{ id: string; received_at: Date; event_name: string; attempts: number; last_error: string | null }>(
    `SELECT id, received_at, event_name, attempts, last_error FROM inbound_event
      WHERE status = 'parked' ORDER BY received_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return r.rows.map((row) => ({ id: String(row.id), receivedAt: row.received_at, eventName: row.event_name, attempts: Number(row.attempts), lastError: row.last_error }));
}

/** Staff "retry" on a parked event that still has its payload. */
export async function retryParkedEvent(q: Queryable, id: string): Promise<void> {
  await q.query(
    `UPDATE inbound_event SET status = 'pending', attempts = 0, available_at = now(), claimed_until = NULL, last_error = NULL
      WHERE id = $1 AND status = 'parked' AND payload IS NOT NULL`,
    [id],
  );
}

/** Housekeeping: delete processed events before `cutoff`; scrub payloads of parked ones. */
export async function sweepEvents(q: Queryable, cutoff: Date): Promise<{ deleted: number; scrubbed: number }> {
  const deleted = await q.query(`DELETE FROM inbound_event WHERE status IN ('done', 'ignored') AND received_at < $1`, [cutoff]);
  const scrubbed = await q.query(
    `UPDATE inbound_event SET payload = NULL WHERE status = 'parked' AND received_at < $1 AND payload IS NOT NULL`,
    [cutoff],
  );
  return { deleted: deleted.rowCount, scrubbed: scrubbed.rowCount };
}
