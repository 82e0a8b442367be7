// SQL for the outbox_message table (migrations/0021_outbox.sql). Enqueueing is idempotent by
// dedupe key; a claim marks rows 'sending' with a lease before the HTTP call; parts of one
// reply (same group_key) are claimable only after every earlier part is sent or dead. Every
// statement on outbox_message lives here (the sender, the dashboard's delivery page and the
// housekeeping call these functions).
import type { Queryable } from '../db/types.js';
import { splitMessage } from './splitter.js';

export type OutboxPurpose = 'reply' | 'welcome' | 'note' | 'rate_limit' | 'alert' | 'staff_reply' | 'asker_notice' | 'data_request';

export interface OutboundMessage {
  id: string;
  purpose: OutboxPurpose;
  recipientId: string;
  text: string;
  attempt: number;
  /** The user's msg_id this part quotes (first part of a reply only). */
  quoteMsgId: string | null;
  /** Anonymous chat: recipientId is the anonymous_id. */
  conversationId: string | null;
  /** The recipient's last message or follow, when known (the 7-day consultation window). */
  lastInteractionAt: Date | null;
}

/**
 * Queue `text` for one Zalo user, split into ≤ 2,000-character parts that go out in order.
 * `dedupeKey` identifies the whole message: enqueueing it again changes nothing.
 */
export async function enqueueMessage(
  q: Queryable,
  msg: {
    purpose: OutboxPurpose;
    recipientId: string;
    text: string;
    dedupeKey: string;
    /** Pseudonym of the recipient (window lookup at send time). */
    userKey?: string | null;
    /** Quote this user message in the first part. */
    quoteMsgId?: string | null;
    conversationId?: string | null;
  },
): Promise<number> {
  const parts = splitMessage(msg.text);
  if (parts.length === 0) return 0;
  const r = await q.query(
    `INSERT INTO outbox_message (purpose, dedupe_key, group_key, seq, recipient_id, text, user_key, quote_msg_id, conversation_id)
     SELECT $1, $2 || ':' || p.seq, $2, p.seq, $3, p.text, $5, CASE WHEN p.seq = 1 THEN $6 END, $7
       FROM unnest($4::text[]) WITH ORDINALITY AS p(text, seq)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    [msg.purpose, msg.dedupeKey, msg.recipientId, parts, msg.userKey ?? null, msg.quoteMsgId ?? null, msg.conversationId ?? null],
  );
  return r.rows.length;
}

interface ClaimRow {
  id: string;
  purpose: OutboxPurpose;
  recipient_id: string;
  text: string;
  attempts: number;
  quote_msg_id: string | null;
  conversation_id: string | null;
  last_interaction_at: Date | null;
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
      RETURNING m.id, m.purpose, m.recipient_id, m.text, m.attempts, m.quote_msg_id, m.conversation_id,
                (SELECT u.last_interaction_at FROM channel_user_state u WHERE u.user_key = m.user_key) AS last_interaction_at`,
    [limit, leaseSeconds],
  );
  return r.rows
    .map((row) => ({
      id: String(row.id),
      purpose: row.purpose,
      recipientId: row.recipient_id,
      text: row.text,
      attempt: row.attempts,
      quoteMsgId: row.quote_msg_id,
      conversationId: row.conversation_id,
      lastInteractionAt: row.last_interaction_at,
    }))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

/** Delivered: forget the text and the recipient (they were only needed for delivery). */
export async function markSent(q: Queryable, id: string, zaloMessageId: string | null): Promise<void> {
  await markSentMany(q, [{ id, zaloMessageId }]);
}

/** markSent for several messages in one statement (the sender batches its completions). */
export async function markSentMany(q: Queryable, sent: Array<{ id: string; zaloMessageId: string | null }>): Promise<void> {
  if (sent.length === 0) return;
  await q.query(
    `UPDATE outbox_message m
        SET status = 'sent', text = NULL, recipient_id = NULL, quote_msg_id = NULL, zalo_message_id = t.zid,
            sent_at = now(), claimed_until = NULL, last_error = NULL, updated_at = now()
       FROM unnest($1::bigint[], $2::text[]) AS t(id, zid)
      WHERE m.id = t.id`,
    [sent.map((x) => x.id), sent.map((x) => x.zaloMessageId)],
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

/** Dashboard: dead messages, and messages still retrying after `struggling` attempts, newest first. */
export async function listFailedMessages(q: Queryable, limit: number, struggling: number) {
  const r = await q.query<{ id: string; created_at: Date; purpose: string; attempts: number; status: string; last_error: string | null }>(
    `SELECT id, created_at, purpose, attempts, status, last_error
       FROM outbox_message
      WHERE status = 'dead' OR (status IN ('pending', 'sending') AND attempts >= $2)
      ORDER BY updated_at DESC, id DESC
      LIMIT $1`,
    [limit, struggling],
  );
  return r.rows.map((row) => ({
    id: String(row.id),
    createdAt: row.created_at,
    purpose: row.purpose,
    attempts: Number(row.attempts),
    status: row.status === 'dead' ? ('dead' as const) : ('retrying' as const),
    lastError: row.last_error,
  }));
}

/** Staff "retry" on a dead message: the whole reply goes again from the first part not sent, in order. */
export async function retryDeadGroup(q: Queryable, id: string): Promise<void> {
  await q.query(
    `UPDATE outbox_message SET status = 'pending', attempts = 0, available_at = now(), last_error = NULL, updated_at = now()
      WHERE status = 'dead' AND text IS NOT NULL AND recipient_id IS NOT NULL
        AND group_key = (SELECT group_key FROM outbox_message WHERE id = $1)`,
    [id],
  );
}

/** Housekeeping: delete sent messages before `cutoff`; scrub recipient and text of old dead ones. */
export async function sweepMessages(q: Queryable, cutoff: Date): Promise<{ deleted: number; scrubbed: number }> {
  const deleted = await q.query(`DELETE FROM outbox_message WHERE status = 'sent' AND created_at < $1`, [cutoff]);
  const scrubbed = await q.query(
    `UPDATE outbox_message SET recipient_id = NULL, text = NULL, quote_msg_id = NULL, conversation_id = NULL, updated_at = now()
      WHERE status = 'dead' AND created_at < $1 AND (recipient_id IS NOT NULL OR text IS NOT NULL)`,
    [cutoff],
  );
  return { deleted: deleted.rowCount, scrubbed: scrubbed.rowCount };
}

/** Messages waiting to go (pending or sending): the dashboard's banner shows how many are held. */
export async function countQueued(q: Queryable): Promise<number> {
  const r = await q.query<{ n: string }>(`SELECT count(*) AS n FROM outbox_message WHERE status IN ('pending', 'sending')`);
  return Number(r.rows[0]?.n ?? 0);
}
