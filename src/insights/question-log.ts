// The question log writer: one pseudonymous, redacted question_log row per question, plus the daily
// rollup row, in the caller's transaction (so counts and replies never disagree). After the commit,
// questions that carried a known false claim are checked against the recurring-misconception rules.
import type { Queryable } from '../db/types.js';
import { foldNormalized } from '../text/normalize.js';
import { localDay, systemClock, type Clock } from './clock.js';
import type { FlagEvaluator } from './flags.js';
import type { Pseudonymizer } from './pseudonym.js';
import { redactPii } from './redact.js';
import type { QuestionRecord, QuestionRecorder, RecordedQuestion } from './types.js';

export interface RecorderDeps {
  pseudonyms: Pseudonymizer;
  flags?: FlagEvaluator;
  clock?: Clock;
  /** Told about failures after the commit (the question is already logged; only the flag check failed). */
  onError?(err: unknown, stage: string): void;
  onRecorded?(rec: QuestionRecord): void;
}

export function createQuestionRecorder(deps: RecorderDeps): QuestionRecorder {
  const clock = deps.clock ?? systemClock;
  return {
    async record(q: Queryable, rec: QuestionRecord): Promise<RecordedQuestion> {
      const r = rec.result;
      const askedAt = rec.askedAt ?? clock.now();
      const pseudonym = rec.userId ? await deps.pseudonyms.pseudonym(q, rec.userId, askedAt) : null;
      // Redacted from the normalised text (NFKC, invisible characters removed), and the folded
      // column is folded from that same redacted text: a number hidden with a zero-width space or
      // typed in fullwidth digits can reach neither column. Then capped (QUESTION_TEXT_LIMIT).
      const question = capText(redactPii(r.question ?? ''));
      const answer = capText(redactPii(r.answer ?? ''));
      const misconceptionId = r.misconception?.id ?? null;
      const inserted = await q.query<{ id: string }>(
        `INSERT INTO question_log (asked_at, channel, user_pseudonym, lang, outcome, topic, sources, misconception_id,
                                   confidence, latency_ms, question_text, question_folded, answer_text, held_for_staff)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
        [
          askedAt, rec.channel, pseudonym, r.lang, r.outcome, r.topic ?? null,
          JSON.stringify((r.sources ?? []).map((s) => ({ id: s.id, title: s.title }))),
          misconceptionId, clamp01(r.confidence), Math.max(0, Math.round(r.latencyMs ?? 0)),
          question, foldNormalized(question), rec.heldForStaff ? null : answer, rec.heldForStaff === true,
        ],
      );
      await q.query(
        `INSERT INTO question_daily (day, topic, outcome, lang, misconception_id, questions)
         VALUES ($1::date, $2, $3, $4, $5, 1)
         ON CONFLICT (day, topic, outcome, lang, misconception_id) DO UPDATE SET questions = question_daily.questions + 1`,
        [localDay(askedAt), r.topic ?? '', r.outcome, r.lang, misconceptionId ?? ''],
      );
      if (r.misconception) {
        // DO NOTHING takes no row lock, so concurrent workers never queue behind each other here.
        await q.query('INSERT INTO misconception_claim (misconception_id, claim) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          r.misconception.id, r.misconception.claim,
        ]);
      }
      deps.onRecorded?.(rec);
      return { id: Number(inserted.rows[0]!.id), pseudonym };
    },

    async afterCommit(rec: QuestionRecord): Promise<void> {
      const m = rec.result.misconception;
      if (!m || !deps.flags) return;
      try {
        await deps.flags.evaluate(m.id, m.claim);
      } catch (err) {
        // The periodic sweep evaluates this misconception again; the caller's work is done.
        deps.onError?.(err, 'flag evaluation');
      }
    },
  };
}

/**
 * Longest question or answer text kept in question_log, in UTF-16 units. Zalo messages are at most a
 * few thousand characters; a longer (hostile) one is stored redacted and cut here, with a mark.
 */
export const QUESTION_TEXT_LIMIT = 4000;

function capText(s: string): string {
  if (s.length <= QUESTION_TEXT_LIMIT) return s;
  let cut = QUESTION_TEXT_LIMIT - 1;
  // never split a surrogate pair (a lone surrogate is not valid text for the database)
  if (/[\ud800-\udbff]/.test(s[cut - 1]!)) cut--;
  return `${s.slice(0, cut)}…`;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
