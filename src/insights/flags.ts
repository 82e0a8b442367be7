// Recurring misconceptions: how many distinct (pseudonymous) users asked a known false claim in the
// last 24 hours and 7 days, and whether that is an episode staff should hear about. One flag per
// episode: while a flag for the claim is new or confirmed nothing else is raised; after it is
// dismissed or resolved, only questions asked after that moment count towards a new episode.
import type { Db, Queryable } from '../db/types.js';
import { errorCode, PG_ERROR } from '../db/types.js';
import { DAY_MS, type Clock } from './clock.js';
import type { StaffAlertSink } from './types.js';

export interface FlagRules {
  /** Distinct users within 24 hours that raise a flag. */
  minUsers24h: number;
  /** Distinct users within 7 days that raise a flag. */
  minUsers7d: number;
  /** A 24-hour count above factor x the daily baseline raises a flag. */
  baselineFactor: number;
  /** Days before the last 24 hours that form the baseline. */
  baselineDays: number;
  /**
   * The baseline never counts as less than this, so a claim nobody asked before does not "jump" at
   * 3 or 4 users (the thresholds handle new claims); with factor 3 a jump needs more than 6 users.
   */
  baselineFloor: number;
  /** A jump needs at least this many users in 24 hours. */
  minUsersForJump: number;
}

export const DEFAULT_BASELINE = { baselineDays: 14, baselineFloor: 2, minUsersForJump: 3 } as const;

export type FlagReason = 'users_24h' | 'users_7d' | 'baseline_jump';

export interface MisconceptionCounts {
  users24h: number;
  users7d: number;
  /** Mean distinct users per day over the baseline days (before the last 24 hours). */
  baselineDaily: number;
}

export interface RaisedFlag {
  id: string;
  misconceptionId: string;
  claim: string;
  reason: FlagReason;
  raisedAt: Date;
  counts: MisconceptionCounts;
  examples: string[];
}

/** Which rule (if any) the counts pass. Pure, for tests and for the evaluator. */
export function flagReason(c: MisconceptionCounts, rules: FlagRules): FlagReason | null {
  if (c.users24h >= rules.minUsers24h) return 'users_24h';
  if (c.users7d >= rules.minUsers7d) return 'users_7d';
  const baseline = Math.max(c.baselineDaily, rules.baselineFloor);
  if (c.users24h >= rules.minUsersForJump && c.users24h > rules.baselineFactor * baseline) return 'baseline_jump';
  return null;
}

/** Distinct users asking a misconception in the 24 h / 7 d before `now`, counting only questions after `since`. */
export async function countUsers(q: Queryable, misconceptionId: string, now: Date, since: Date | null): Promise<{ users24h: number; users7d: number }> {
  const from7d = new Date(now.getTime() - 7 * DAY_MS);
  const from24h = new Date(now.getTime() - DAY_MS);
  const start = since && since > from7d ? since : from7d;
  const r = await q.query<{ u24: string; u7: string }>(
    `SELECT count(DISTINCT user_pseudonym) FILTER (WHERE asked_at > $3) AS u24,
            count(DISTINCT user_pseudonym) AS u7
       FROM question_log
      WHERE misconception_id = $1 AND asked_at > $2 AND asked_at <= $4 AND user_pseudonym IS NOT NULL`,
    [misconceptionId, start, since && since > from24h ? since : from24h, now],
  );
  return { users24h: Number(r.rows[0]?.u24 ?? 0), users7d: Number(r.rows[0]?.u7 ?? 0) };
}

/** Mean distinct users per 24-hour slice over `days` slices before the last 24 hours. */
export async function baselineDaily(q: Queryable, misconceptionId: string, now: Date, days: number): Promise<number> {
  const from = new Date(now.getTime() - (days + 1) * DAY_MS);
  const to = new Date(now.getTime() - DAY_MS);
  const r = await q.query<{ users: string }>(
    `SELECT count(DISTINCT user_pseudonym) AS users
       FROM question_log
      WHERE misconception_id = $1 AND asked_at > $2 AND asked_at <= $3 AND user_pseudonym IS NOT NULL
      GROUP BY floor(extract(epoch FROM ($3::timestamptz - asked_at)) / 86400)`,
    [misconceptionId, from, to],
  );
  const total = r.rows.reduce((s, row) => s + Number(row.users), 0);
  return total / days;
}

export interface FlagEvaluatorDeps {
  db: Db;
  clock: Clock;
  rules: FlagRules;
  sinks: StaffAlertSink[];
  /** Called once per flag raised (metrics, logs). Never receives citizen text. */
  onRaised?(flag: RaisedFlag): void;
}

export interface FlagEvaluator {
  /** Evaluates one misconception now; returns the flag raised, or null. */
  evaluate(misconceptionId: string, claim?: string): Promise<RaisedFlag | null>;
  /** Evaluates every misconception asked in the last 7 days (catches anything a crash skipped). */
  sweep(): Promise<RaisedFlag[]>;
}

export function createFlagEvaluator(deps: FlagEvaluatorDeps): FlagEvaluator {
  const { db, clock, rules } = deps;

  async function evaluate(misconceptionId: string, claim?: string): Promise<RaisedFlag | null> {
    const now = clock.now();
    const raised = await db.tx(async (q) => {
      const open = await q.query<{ id: string }>(
        `SELECT id FROM misconception_flag WHERE misconception_id = $1 AND status IN ('new', 'confirmed') LIMIT 1`,
        [misconceptionId],
      );
      if (open.rows[0]) return null;
      const last = await q.query<{ closed_at: Date | null }>(
        `SELECT max(closed_at) AS closed_at FROM misconception_flag WHERE misconception_id = $1`,
        [misconceptionId],
      );
      const since = last.rows[0]?.closed_at ?? null;
      const users = await countUsers(q, misconceptionId, now, since);
      // The baseline is only needed when the thresholds did not already decide.
      const counts: MisconceptionCounts = { ...users, baselineDaily: 0 };
      let reason = flagReason(counts, rules);
      if (!reason && users.users24h >= rules.minUsersForJump) {
        counts.baselineDaily = await baselineDaily(q, misconceptionId, now, rules.baselineDays);
        reason = flagReason(counts, rules);
      }
      if (!reason) return null;
      return insertFlag(q, misconceptionId, claim, reason, now, counts, since);
    }).catch((err: unknown) => {
      // Another evaluator raised the flag for this episode first: that is the one flag.
      if (errorCode(err) === PG_ERROR.uniqueViolation) return null;
      throw err;
    });
    if (raised) deps.onRaised?.(raised);
    return raised;
  }

  async function insertFlag(
    q: Queryable, misconceptionId: string, claimHint: string | undefined, reason: FlagReason, now: Date,
    counts: MisconceptionCounts, since: Date | null,
  ): Promise<RaisedFlag | null> {
    const claim = claimHint ?? (await q.query<{ claim: string }>(
      'SELECT claim FROM misconception_claim WHERE misconception_id = $1', [misconceptionId])).rows[0]?.claim ?? '';
    const ex = await q.query<{ question_text: string }>(
      `SELECT question_text FROM (
         SELECT DISTINCT ON (question_folded) question_text, asked_at FROM question_log
          WHERE misconception_id = $1 AND asked_at > $2 AND asked_at <= $3 AND question_text IS NOT NULL
          ORDER BY question_folded, asked_at DESC) t
        ORDER BY asked_at DESC LIMIT 5`,
      [misconceptionId, since && since.getTime() > now.getTime() - 7 * DAY_MS ? since : new Date(now.getTime() - 7 * DAY_MS), now],
    );
    const examples = ex.rows.map((r) => r.question_text);
    const ins = await q.query<{ id: string }>(
      `INSERT INTO misconception_flag (misconception_id, claim, reason, raised_at, users_24h, users_7d, baseline_daily, examples)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
       ON CONFLICT (misconception_id) WHERE status IN ('new', 'confirmed') DO NOTHING
       RETURNING id`,
      [misconceptionId, claim, reason, now, counts.users24h, counts.users7d, counts.baselineDaily, JSON.stringify(examples)],
    );
    const id = ins.rows[0]?.id;
    if (!id) return null;
    const flag: RaisedFlag = { id, misconceptionId, claim, reason, raisedAt: now, counts, examples };
    // Same transaction: a flag exists if and only if its alerts are queued.
    for (const sink of deps.sinks) await sink.enqueue(q, { dedupeKey: `flag:${id}`, text: alertText(flag), details: alertDetails(flag) });
    return flag;
  }

  return {
    evaluate,
    async sweep() {
      const now = clock.now();
      const ids = await db.query<{ misconception_id: string }>(
        `SELECT DISTINCT misconception_id FROM question_log
          WHERE misconception_id IS NOT NULL AND asked_at > $1 AND asked_at <= $2`,
        [new Date(now.getTime() - 7 * DAY_MS), now],
      );
      const raised: RaisedFlag[] = [];
      for (const r of ids.rows) {
        const f = await evaluate(r.misconception_id);
        if (f) raised.push(f);
      }
      return raised;
    },
  };
}

/** The Vietnamese alert staff receive on Zalo (short: a phone screen) and in the webhook body. */
export function alertText(f: RaisedFlag): string {
  const lines = [
    `⚠️ Cảnh báo thông tin sai lặp lại: “${f.claim || f.misconceptionId}”.`,
    `${f.counts.users24h} người hỏi trong 24 giờ, ${f.counts.users7d} người trong 7 ngày.`,
  ];
  if (f.examples[0]) lines.push(`Ví dụ: “${f.examples[0]}”`);
  lines.push('Xem và xử lý tại trang quản trị, mục Cảnh báo.');
  return lines.join('\n');
}

export function alertDetails(f: RaisedFlag): Record<string, unknown> {
  return {
    type: 'misconception_flag',
    flag_id: f.id,
    misconception_id: f.misconceptionId,
    claim: f.claim,
    reason: f.reason,
    raised_at: f.raisedAt.toISOString(),
    distinct_users_24h: f.counts.users24h,
    distinct_users_7d: f.counts.users7d,
    examples: f.examples,
  };
}
