// The insights module's inbound contract: every answered question is recorded through a
// QuestionRecorder, inside the same transaction that stores the reply, so counts and
// replies never disagree.
import type { AnswerResult } from '../answer/types.js';
import type { Queryable } from '../db/types.js';

export type Channel = 'zalo' | 'ask' | 'chat' | 'dashboard';

export interface QuestionRecord {
  channel: Channel;
  /** Raw channel user id (Zalo sender.id), or null. Pseudonymised inside; never stored raw. */
  userId: string | null;
  result: AnswerResult;
  askedAt?: Date;
  /** The bot did not send its answer because a person has taken the conversation over. */
  heldForStaff?: boolean;
}

/** The question_log row a record call wrote (for reply links and staff replies). */
export interface RecordedQuestion {
  id: number;
  pseudonym: string | null;
}

export interface QuestionRecorder {
  /** Insert one question_log row (PII redacted, user pseudonymised) using the given transaction. */
  record(q: Queryable, rec: QuestionRecord): Promise<RecordedQuestion | void>;
  /** Called after the transaction committed: evaluates recurring-misconception flags, etc. */
  afterCommit?(rec: QuestionRecord): Promise<void>;
}

/** How insights reaches staff when a flag is raised (wired in buildApp). */
export interface StaffAlertSink {
  name: string;
  /** Queue an alert durably inside the transaction that raised the flag; `dedupeKey` makes it idempotent. */
  enqueue(q: Queryable, alert: StaffAlert): Promise<void>;
}

export interface StaffAlert {
  /** Unique per alert (e.g. `flag:<id>`): enqueueing the same key twice queues one alert. */
  dedupeKey: string;
  /** Vietnamese text for people (a Zalo message). */
  text: string;
  /** Structured fields for machines (the webhook body); never raw user ids. */
  details?: Record<string, unknown>;
}
