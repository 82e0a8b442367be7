// SQL for the outbox_message table (migrations/0021_outbox.sql). Enqueueing is idempotent by
// dedupe key; a claim marks rows 'sending' with a lease before the HTTP call; parts of one
// reply (same group_key) are claimable only after every earlier part is sent or dead.
import type { Queryable } from '../db/types.js';
import { splitMessage } from './splitter.js';

export type OutboxPurpose = 'reply' | 'welcome' | 'note' | 'rate_limit' | 'alert' | 'staff_reply' | 'asker_notice' | 'data_request';

export interface OutboundMessage {
  id: string;
  purpose: OutboxPurpose;
  recipientId: string;
  text: string;
  attempt: number;
}

/**
 * Queue `text` for one Zalo user, split into ≤ 2,000-character parts that go out in order.
 * `dedupeKey` identifies the whole message: enqueueing it again changes nothing.
 */
export async function enqueueMessage(
  q: Queryable,
  msg: { purpose: OutboxPurpose; recipientId: string; text: string; dedupeKey: string },
): Promise<number> {
  const parts = splitMessage(msg.text);
  if (parts.length === 0) return 0;
  const r = await q.query(
    `INSERT INTO outbox_message (purpose, dedupe_key, group_key, seq, recipient_id, text)
     SELECT $1, $2 || ':' || p.seq, $2, p.seq, $3, p.text
       FROM unnest($4::text[]) WITH ORDINALITY AS p(text, seq)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    [msg.purpose, msg.dedupeKey, msg.recipientId, parts],
  );
  return r.rows.length;
}

interface ClaimRow {
  id: string;
  purpose: OutboxPurpose;
  recipient_id: string;
  text: string;
  attempts: number;
}

export async function claimMessages(q: Queryable, limit: number, leaseSeconds: number): Promise<OutboundMessage[]> {
  const r = await q.query<ClaimRow>(
    `UPDATE outbox_message m
        SET status = 'sending', attempts = m.attempts + 1,
            claimed_until = now() + make_interval(secs => $2), updated_at = now()
      WHERE m.id IN (
        SELECT o.id FROM outbox_message o
         WHERE ((o.status = 'pending' AND o.available_at <= now())
             OR (o.status = 'sending' AND o.claimed_until < now()))
           AND NOT EXISTS (
             SELECT 1 FROM outbox_message p
              WHERE p.group_key = o.group_key AND p.seq < o.seq AND p.status IN ('pending', 'sending'))
         ORDER BY o.available_at, o.id
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
      RETURNING m.id, m.purpose, m.recipient_id, m.text, m.attempts`,
    [limit, leaseSeconds],
  );
  return r.rows
    .map((row) => ({ id: String(row.id), purpose: row.purpose, recipientId: row.recipient_id, text: row.text, attempt: row.attempts }))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

/** Delivered: forget the text and the recipient (they were only needed for delivery). */
export async function markSent(q: Queryable, id: string, zaloMessageId: string | null): Promise<void> {
  await q.query(
    `UPDATE outbox_message
        SET status = 'sent', text = NULL, recipient_id = NULL, zalo_message_id = $2,
            sent_at = now(), claimed_until = NULL, last_error = NULL, updated_at = now()
      WHERE id = $1`,
    [id, zaloMessageId],
  );
}

/** Retry later, or give up (dead) after `maxAttempts`. Returns the new status. */
export async function markRetry(q: Queryable, id: string, error: string, delayMs: number, maxAttempts: number): Promise<'pending' | 'dead'> {
  const r = await q.query<{ status: 'pending' | 'dead' }>(
    `UPDATE outbox_message
        SET status = CASE WHEN attempts >= $4 THEN 'dead' ELSE 'pending' END,
            available_at = now() + make_interval(secs => $3),
            claimed_until = NULL, last_error = $2, updated_at = now()
      WHERE id = $1 AND status = 'sending'
      RETURNING status`,
    [id, error.slice(0, 500), delayMs / 1000, maxAttempts],
  );
  return r.rows[0]?.status ?? 'pending';
}

/** Put a claimed message back without counting the attempt (nothing was sent: e.g. no usable token). */
export async function releaseMessage(q: Queryable, id: string, reason: string, delayMs: number): Promise<void> {
  await q.query(
    `UPDATE outbox_message
        SET status = 'pending', attempts = GREATEST(attempts - 1, 0), claimed_until = NULL,
            available_at = now() + make_interval(secs => $3), last_error = $2, updated_at = now()
      WHERE id = $1 AND status = 'sending'`,
    [id, reason.slice(0, 500), delayMs / 1000],
  );
}

/**
 * Rejected for good (for example the user blocked the OA or the 7-day window closed). The
 * later parts of the same reply go to the same user and would fail the same way.
 */
export async function markDead(q: Queryable, id: string, error: string): Promise<void> {
  await q.query(
    `UPDATE outbox_message
        SET status = 'dead', claimed_until = NULL, last_error = $2, updated_at = now()
      WHERE id = $1
         OR (status = 'pending' AND group_key = (SELECT group_key FROM outbox_message WHERE id = $1)
             AND seq > (SELECT seq FROM outbox_message WHERE id = $1))`,
    [id, error.slice(0, 500)],
  );
}

/** Embedded database only (see releaseAllEventLeases): messages left 'sending' by a dead process go again now. */
export async function releaseAllSending(q: Queryable): Promise<number> {
  const r = await q.query(`UPDATE outbox_message SET status = 'pending', claimed_until = NULL, updated_at = now() WHERE status = 'sending' RETURNING id`);
  return r.rows.length;
}

/**
 * Did our outbox send this message? An `oa_send_*` echo names Zalo's message id, which the sender
 * stores on success; an echo can also arrive before that write commits, so a message with the same
 * text to the same user in the last ten minutes counts as ours too.
 */
export async function sentByOutbox(q: Queryable, e: { msgId: string; recipientId: string; text: string | null }): Promise<boolean> {
  const r = await q.query(
    `SELECT 1 FROM outbox_message
     WHERE zalo_message_id = $1
        OR ($3::text IS NOT NULL AND recipient_id = $2 AND text = $3 AND created_at > now() - interval '10 minutes')
     LIMIT 1`,
    [e.msgId, e.recipientId, e.text],
  );
  return r.rows.length > 0;
}
