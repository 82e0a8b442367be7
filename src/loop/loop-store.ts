// All SQL for the people-in-the-loop tables (migrations/0100_people_loop.sql): takeovers,
// reply addresses, conversation sessions, pending confirmations, reply links and reactions,
// asker notices and data-subject requests. Every function takes a Queryable so callers can run
// it inside the transaction that also queues the reply.
import type { Queryable } from '../db/types.js';

// ---- human takeover ----

export type HandoffReason = 'officer_echo' | 'staff_reply';

export interface PausedConversation {
  userKey: string;
  pausedUntil: Date;
  reason: HandoffReason;
  startedBy: string | null;
  startedAt: Date;
  questionsHeld: number;
}

/** Pause the bot for one conversation until `until` (a later pause extends it, never shortens it). */
export async function pauseConversation(q: Queryable, p: { userKey: string; until: Date; reason: HandoffReason; by: string | null; at: Date }): Promise<void> {
  await q.query(
    `INSERT INTO conversation_handoff AS h (user_key, paused_until, reason, started_by, started_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_key) DO UPDATE SET
       paused_until = GREATEST(h.paused_until, EXCLUDED.paused_until),
       reason = EXCLUDED.reason, started_by = EXCLUDED.started_by,
       started_at = CASE WHEN h.paused_until < EXCLUDED.started_at THEN EXCLUDED.started_at ELSE h.started_at END,
       questions_held = CASE WHEN h.paused_until < EXCLUDED.started_at THEN 0 ELSE h.questions_held END`,
    [p.userKey, p.until, p.reason, p.by, p.at],
  );
}

/** The pause in force for this conversation at `now`, if any. */
export async function activePause(q: Queryable, userKey: string, now: Date): Promise<PausedConversation | null> {
  const r = await q.query<HandoffRow>(`SELECT * FROM conversation_handoff WHERE user_key = $1 AND paused_until > $2`, [userKey, now]);
  return r.rows[0] ? toPaused(r.rows[0]) : null;
}

export async function countHeldQuestion(q: Queryable, userKey: string): Promise<void> {
  await q.query(`UPDATE conversation_handoff SET questions_held = questions_held + 1 WHERE user_key = $1`, [userKey]);
}

/** Hand a conversation back to the bot. False when it was not paused. */
export async function resumeConversation(q: Queryable, userKey: string): Promise<boolean> {
  const r = await q.query(`DELETE FROM conversation_handoff WHERE user_key = $1 RETURNING user_key`, [userKey]);
  return r.rows.length > 0;
}

export async function listPaused(q: Queryable, now: Date): Promise<PausedConversation[]> {
  const r = await q.query<HandoffRow>(`SELECT * FROM conversation_handoff WHERE paused_until > $1 ORDER BY started_at DESC LIMIT 200`, [now]);
  return r.rows.map(toPaused);
}

interface HandoffRow {
  user_key: string;
  paused_until: Date;
  reason: HandoffReason;
  started_by: string | null;
  started_at: Date;
  questions_held: number;
}
function toPaused(r: HandoffRow): PausedConversation {
  return { userKey: r.user_key, pausedUntil: new Date(r.paused_until), reason: r.reason, startedBy: r.started_by, startedAt: new Date(r.started_at), questionsHeld: Number(r.questions_held) };
}

// ---- reply addresses (sealed Zalo ids, only for the reply window) ----

export async function rememberAddress(q: Queryable, a: { pseudonym: string; userKey: string; sealed: string; at: Date; windowDays: number }): Promise<void> {
  const expires = new Date(a.at.getTime() + a.windowDays * 86_400_000);
  await q.query(
    `INSERT INTO reply_address AS r (user_pseudonym, user_key, address_enc, last_user_message_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_pseudonym) DO UPDATE SET address_enc = EXCLUDED.address_enc, user_key = EXCLUDED.user_key,
       last_user_message_at = GREATEST(r.last_user_message_at, EXCLUDED.last_user_message_at),
       expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)`,
    [a.pseudonym, a.userKey, a.sealed, a.at, expires],
  );
}

export interface StoredAddress {
  sealed: string;
  userKey: string;
  lastUserMessageAt: Date;
  expiresAt: Date;
}

export async function addressFor(q: Queryable, pseudonym: string, now: Date): Promise<StoredAddress | null> {
  const r = await q.query<{ address_enc: string; user_key: string; last_user_message_at: Date; expires_at: Date }>(
    `SELECT address_enc, user_key, last_user_message_at, expires_at FROM reply_address WHERE user_pseudonym = $1 AND expires_at > $2`,
    [pseudonym, now],
  );
  const row = r.rows[0];
  return row ? { sealed: row.address_enc, userKey: row.user_key, lastUserMessageAt: new Date(row.last_user_message_at), expiresAt: new Date(row.expires_at) } : null;
}

/** Delete addresses whose reply window has closed; returns how many. */
export async function scrubExpiredAddresses(q: Queryable, now: Date): Promise<number> {
  const r = await q.query(`DELETE FROM reply_address WHERE expires_at <= $1 RETURNING user_pseudonym`, [now]);
  return r.rows.length;
}

// ---- conversation sessions (disclosure at the start of each conversation) ----

/**
 * Note that the user wrote at `at`; returns true when this message opens a conversation (first
 * message ever, or the previous one is older than `gapHours`), and marks the disclosure as given.
 */
export async function openSession(q: Queryable, userKey: string, at: Date, gapHours: number): Promise<boolean> {
  const before = await q.query<{ last_seen_at: Date }>(`SELECT last_seen_at FROM conversation_session WHERE user_key = $1 FOR UPDATE`, [userKey]);
  const prev = before.rows[0] ? new Date(before.rows[0].last_seen_at) : null;
  const opens = !prev || at.getTime() - prev.getTime() >= gapHours * 3_600_000;
  await q.query(
    `INSERT INTO conversation_session AS s (user_key, last_seen_at, disclosed_at) VALUES ($1, $2, CASE WHEN $3::boolean THEN $2::timestamptz END)
     ON CONFLICT (user_key) DO UPDATE SET last_seen_at = GREATEST(s.last_seen_at, EXCLUDED.last_seen_at),
       disclosed_at = COALESCE(EXCLUDED.disclosed_at, s.disclosed_at)`,
    [userKey, at, opens],
  );
  return opens;
}

// ---- pending confirmations ----

export async function setPending(q: Queryable, userKey: string, action: 'delete_data', expiresAt: Date): Promise<void> {
  await q.query(
    `INSERT INTO pending_confirmation (user_key, action, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_key) DO UPDATE SET action = EXCLUDED.action, expires_at = EXCLUDED.expires_at`,
    [userKey, action, expiresAt],
  );
}

/** The pending action, removed as it is read (a confirmation is used once). */
export async function takePending(q: Queryable, userKey: string, now: Date): Promise<'delete_data' | null> {
  const r = await q.query<{ action: 'delete_data'; expires_at: Date }>(`DELETE FROM pending_confirmation WHERE user_key = $1 RETURNING action, expires_at`, [userKey]);
  const row = r.rows[0];
  return row && new Date(row.expires_at) > now ? row.action : null;
}

export async function hasPending(q: Queryable, userKey: string, now: Date): Promise<boolean> {
  const r = await q.query(`SELECT 1 FROM pending_confirmation WHERE user_key = $1 AND expires_at > $2`, [userKey, now]);
  return r.rows.length > 0;
}

// ---- reply links and reactions ----

export async function linkReply(q: Queryable, l: { replyKey: string; questionLogId: number | null; topic: string | null; docIds: string[] }): Promise<void> {
  await q.query(
    `INSERT INTO reply_link (reply_key, question_log_id, topic, doc_ids) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (reply_key) DO NOTHING`,
    [l.replyKey, l.questionLogId, l.topic, JSON.stringify(l.docIds)],
  );
}

export type Sentiment = 'helpful' | 'unhelpful' | 'neutral' | 'unknown';

/**
 * Record a reaction to the message Zalo numbered `zaloMessageId`. The outbox row that sent it gives
 * the reply key, and the reply link the question, topic and documents. False when the message is
 * not one of the bot's answers (a staff message, or one cleaned up long ago): nothing is stored then.
 */
export async function recordReaction(q: Queryable, r: { zaloMessageId: string; icon: string; sentiment: Sentiment; at: Date }): Promise<boolean> {
  const res = await q.query(
    `INSERT INTO reply_feedback (reacted_at, zalo_message_id, question_log_id, topic, doc_ids, icon, sentiment)
     SELECT $2, $1, l.question_log_id, l.topic, l.doc_ids, $3, $4
     FROM outbox_message o JOIN reply_link l ON l.reply_key = o.group_key
     WHERE o.zalo_message_id = $1
     LIMIT 1
     RETURNING id`,
    [r.zaloMessageId, r.at, r.icon.slice(0, 40), r.sentiment],
  );
  return res.rows.length > 0;
}

export interface FeedbackRow {
  key: string;
  helpful: number;
  unhelpful: number;
  total: number;
}

/** Helpful and unhelpful reactions since `since`, per topic or per document. */
export async function feedbackBy(q: Queryable, by: 'topic' | 'document', since: Date): Promise<FeedbackRow[]> {
  const sql = by === 'topic'
    ? `SELECT coalesce(topic, '') AS key, count(*) FILTER (WHERE sentiment = 'helpful')::int AS helpful,
              count(*) FILTER (WHERE sentiment = 'unhelpful')::int AS unhelpful, count(*)::int AS total
       FROM reply_feedback WHERE reacted_at >= $1 GROUP BY 1 ORDER BY total DESC`
    : `SELECT d.value AS key, count(*) FILTER (WHERE sentiment = 'helpful')::int AS helpful,
              count(*) FILTER (WHERE sentiment = 'unhelpful')::int AS unhelpful, count(*)::int AS total
       FROM reply_feedback f CROSS JOIN LATERAL jsonb_array_elements_text(f.doc_ids) AS d(value)
       WHERE f.reacted_at >= $1 GROUP BY 1 ORDER BY total DESC`;
  const r = await q.query<FeedbackRow>(sql, [since]);
  return r.rows;
}

export interface NegativeAnswer {
  reactedAt: Date;
  icon: string;
  questionLogId: number | null;
  question: string | null;
  answer: string | null;
  topic: string | null;
}

/** Answers that got an unhelpful reaction, newest first, for review. */
export async function negativeAnswers(q: Queryable, since: Date, limit = 50): Promise<NegativeAnswer[]> {
  const r = await q.query<{ reacted_at: Date; icon: string; question_log_id: string | null; question_text: string | null; answer_text: string | null; topic: string | null }>(
    `SELECT f.reacted_at, f.icon, f.question_log_id, l.question_text, l.answer_text, f.topic
     FROM reply_feedback f LEFT JOIN question_log l ON l.id = f.question_log_id
     WHERE f.sentiment = 'unhelpful' AND f.reacted_at >= $1 ORDER BY f.reacted_at DESC LIMIT $2`,
    [since, limit],
  );
  return r.rows.map((x) => ({ reactedAt: new Date(x.reacted_at), icon: x.icon, questionLogId: x.question_log_id === null ? null : Number(x.question_log_id), question: x.question_text, answer: x.answer_text, topic: x.topic }));
}

// ---- askers hear back ----

/** Distinct askers (pseudonyms) of the given questions since `since`. */
export async function askersOfQuestions(q: Queryable, questionIds: number[], since: Date): Promise<string[]> {
  if (questionIds.length === 0) return [];
  const r = await q.query<{ user_pseudonym: string }>(
    `SELECT DISTINCT user_pseudonym FROM question_log WHERE id = ANY($1::bigint[]) AND asked_at >= $2 AND user_pseudonym IS NOT NULL AND channel = 'zalo'`,
    [questionIds, since],
  );
  return r.rows.map((x) => x.user_pseudonym);
}

/** Distinct askers of one misconception since `since`. */
export async function askersOfMisconception(q: Queryable, misconceptionId: string, since: Date): Promise<string[]> {
  const r = await q.query<{ user_pseudonym: string }>(
    `SELECT DISTINCT user_pseudonym FROM question_log WHERE misconception_id = $1 AND asked_at >= $2 AND user_pseudonym IS NOT NULL AND channel = 'zalo'`,
    [misconceptionId, since],
  );
  return r.rows.map((x) => x.user_pseudonym);
}

/** Claim the one notice a person gets for a published answer. False when already told. */
export async function claimAskerNotice(q: Queryable, publishedKey: string, pseudonym: string): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO asker_notice (published_key, user_pseudonym) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_pseudonym`,
    [publishedKey, pseudonym],
  );
  return r.rows.length > 0;
}

/** The latest question this person asked among the given ones (or of this misconception) since `since`: quoted in the notice, and its language. */
export async function latestAsked(
  q: Queryable,
  p: { pseudonym: string; since: Date; questionIds?: number[]; misconceptionId?: string },
): Promise<{ question: string | null; lang: 'vi' | 'en' } | null> {
  const r = p.misconceptionId
    ? await q.query<{ question_text: string | null; lang: 'vi' | 'en' }>(
        `SELECT question_text, lang FROM question_log WHERE user_pseudonym = $1 AND asked_at >= $2 AND misconception_id = $3 ORDER BY asked_at DESC LIMIT 1`,
        [p.pseudonym, p.since, p.misconceptionId],
      )
    : await q.query<{ question_text: string | null; lang: 'vi' | 'en' }>(
        `SELECT question_text, lang FROM question_log WHERE user_pseudonym = $1 AND asked_at >= $2 AND id = ANY($3::bigint[]) ORDER BY asked_at DESC LIMIT 1`,
        [p.pseudonym, p.since, p.questionIds ?? []],
      );
  const x = r.rows[0];
  return x ? { question: x.question_text, lang: x.lang } : null;
}

/** The pseudonym that asked one logged question (null once deleted or for non-Zalo channels). */
export async function pseudonymOfQuestion(q: Queryable, questionId: number): Promise<string | null> {
  const r = await q.query<{ user_pseudonym: string | null }>(`SELECT user_pseudonym FROM question_log WHERE id = $1`, [questionId]);
  return r.rows[0]?.user_pseudonym ?? null;
}

export async function noticesSent(q: Queryable, publishedKey: string): Promise<number> {
  const r = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM asker_notice WHERE published_key = $1`, [publishedKey]);
  return r.rows[0]?.n ?? 0;
}

// ---- data-subject requests ----

export interface PersonKeys {
  /** The raw Zalo user id (only to match undelivered outbox rows; never stored). */
  userId: string;
  /** The channel's keyed hash of the id. */
  userKey: string;
  /** Every pseudonym this id may have had within retention (keys rotate). */
  pseudonyms: string[];
}

/** Everything stored about one person, for an export (JSON). */
export async function exportPerson(q: Queryable, p: PersonKeys): Promise<Record<string, unknown[]>> {
  const questions = await q.query(
    `SELECT asked_at, channel, lang, outcome, topic, sources, misconception_id, question_text, answer_text
     FROM question_log WHERE user_pseudonym = ANY($1::text[]) ORDER BY asked_at`,
    [p.pseudonyms],
  );
  const pending = await q.query(`SELECT created_at, purpose, status, text FROM outbox_message WHERE recipient_id = $1`, [p.userId]);
  const handoff = await q.query(`SELECT paused_until, reason, started_at FROM conversation_handoff WHERE user_key = $1`, [p.userKey]);
  const session = await q.query(
    `SELECT s.last_seen_at, s.disclosed_at, c.state AS memory, c.expires_at AS memory_expires_at
     FROM conversation_session s FULL JOIN conversation_state c ON c.user_key = s.user_key
     WHERE s.user_key = $1 OR c.user_key = $1`,
    [p.userKey],
  );
  const address = await q.query(`SELECT last_user_message_at, expires_at FROM reply_address WHERE user_pseudonym = ANY($1::text[])`, [p.pseudonyms]);
  return { questions: questions.rows, undelivered_messages: pending.rows, takeover: handoff.rows, conversation: session.rows, reply_address: address.rows };
}

/**
 * Delete every row tied to one person. Question rows go entirely (the daily counts, which hold no
 * identity, stay); flag examples that quote their questions are removed from the flags.
 */
export async function deletePerson(q: Queryable, p: PersonKeys): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const count = async (name: string, sql: string, params: unknown[]) => {
    const r = await q.query(sql, params);
    out[name] = (out[name] ?? 0) + r.rows.length;
  };
  const texts = await q.query<{ question_text: string }>(
    `SELECT DISTINCT question_text FROM question_log WHERE user_pseudonym = ANY($1::text[]) AND question_text IS NOT NULL`,
    [p.pseudonyms],
  );
  if (texts.rows.length > 0) {
    const r = await q.query(
      `UPDATE misconception_flag SET examples = coalesce((SELECT jsonb_agg(e) FROM jsonb_array_elements(examples) e WHERE NOT (e #>> '{}') = ANY($1::text[])), '[]'::jsonb)
       WHERE examples ?| $1::text[] RETURNING id`,
      [texts.rows.map((t) => t.question_text)],
    );
    out.flag_examples = r.rows.length;
  }
  // Which published answers they were told about (the pseudonym links them to a topic they asked).
  await count('notices', `DELETE FROM asker_notice WHERE user_pseudonym = ANY($1::text[]) RETURNING user_pseudonym`, [p.pseudonyms]);
  await count('questions', `DELETE FROM question_log WHERE user_pseudonym = ANY($1::text[]) RETURNING id`, [p.pseudonyms]);
  await count('reply_address', `DELETE FROM reply_address WHERE user_pseudonym = ANY($1::text[]) OR user_key = $2 RETURNING user_key`, [p.pseudonyms, p.userKey]);
  await count('takeover', `DELETE FROM conversation_handoff WHERE user_key = $1 RETURNING user_key`, [p.userKey]);
  await count('conversation', `DELETE FROM conversation_session WHERE user_key = $1 RETURNING user_key`, [p.userKey]);
  // The answer engine's memory of the last question (the channel's table, keyed the same way).
  await count('conversation', `DELETE FROM conversation_state WHERE user_key = $1 RETURNING user_key`, [p.userKey]);
  await count('pending', `DELETE FROM pending_confirmation WHERE user_key = $1 RETURNING user_key`, [p.userKey]);
  await count('channel_state', `DELETE FROM channel_user_state WHERE user_key = $1 RETURNING user_key`, [p.userKey]);
  // Undelivered messages to them (delivered rows already hold no recipient and no text).
  await count('undelivered_messages', `DELETE FROM outbox_message WHERE recipient_id = $1 AND status <> 'sending' RETURNING id`, [p.userId]);
  return out;
}

export async function recordDataRequest(q: Queryable, r: { kind: 'delete' | 'export' | 'find'; via: 'zalo' | 'dashboard'; by: string | null; rows: Record<string, number>; at: Date }): Promise<number> {
  const res = await q.query<{ id: string }>(
    `INSERT INTO data_request (requested_at, kind, via, requested_by, status, completed_at, rows_affected)
     VALUES ($1, $2, $3, $4, 'done', now(), $5::jsonb) RETURNING id`,
    [r.at, r.kind, r.via, r.by, JSON.stringify(r.rows)],
  );
  return Number(res.rows[0]!.id);
}

export interface DataRequestRow {
  id: number;
  requestedAt: Date;
  kind: string;
  via: string;
  requestedBy: string | null;
  status: string;
  completedAt: Date | null;
  rowsAffected: Record<string, number>;
}

export async function listDataRequests(q: Queryable, limit = 50): Promise<DataRequestRow[]> {
  const r = await q.query<{ id: string; requested_at: Date; kind: string; via: string; requested_by: string | null; status: string; completed_at: Date | null; rows_affected: Record<string, number> }>(
    `SELECT * FROM data_request ORDER BY requested_at DESC LIMIT $1`,
    [limit],
  );
  return r.rows.map((x) => ({ id: Number(x.id), requestedAt: new Date(x.requested_at), kind: x.kind, via: x.via, requestedBy: x.requested_by, status: x.status, completedAt: x.completed_at ? new Date(x.completed_at) : null, rowsAffected: x.rows_affected }));
}

/**
 * Forget conversation sessions older than the conversation gap (an absent row means the same
 * thing: the next message opens a conversation), expired confirmations and ended takeovers.
 * Last-seen times are behaviour data; they are kept no longer than the rule needs them.
 */
export async function scrubSessions(q: Queryable, seenBefore: Date, now: Date): Promise<void> {
  await q.query(`DELETE FROM conversation_session WHERE last_seen_at < $1`, [seenBefore]);
  await q.query(`DELETE FROM pending_confirmation WHERE expires_at <= $1`, [now]);
  await q.query(`DELETE FROM conversation_handoff WHERE paused_until <= $1`, [now]);
}

export interface QuestionSummary {
  id: number;
  askedAt: Date;
  question: string | null;
  answer: string | null;
  outcome: string;
  heldForStaff: boolean;
}

export async function questionSummary(q: Queryable, id: number): Promise<QuestionSummary | null> {
  const r = await q.query<{ id: string; asked_at: Date; question_text: string | null; answer_text: string | null; outcome: string; held_for_staff: boolean }>(
    `SELECT id, asked_at, question_text, answer_text, outcome, held_for_staff FROM question_log WHERE id = $1`,
    [id],
  );
  const x = r.rows[0];
  return x ? { id: Number(x.id), askedAt: new Date(x.asked_at), question: x.question_text, answer: x.answer_text, outcome: x.outcome, heldForStaff: x.held_for_staff } : null;
}
