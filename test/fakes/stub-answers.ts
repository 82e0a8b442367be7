// Test-only stand-ins for the answer pipeline and the question recorder, so the Zalo channel
// can be tested without the knowledge index. The recorder is a real, small implementation: it
// writes question_log rows with a hashed user id, like the insights module does.
import crypto from 'node:crypto';
import type { AnswerPipeline, AnswerResult } from '../../src/answer/types.js';
import type { QuestionRecorder, QuestionRecord } from '../../src/insights/types.js';

/** Answers "Trả lời: <question>"; a question containing "dài" gets a ~5,000-character answer. */
export function stubPipeline(
  opts: { failFor?: string } = {},
): AnswerPipeline & { calls: Array<{ q: string; lastLang?: string; conversation?: unknown; now?: unknown }> } {
  const calls: Array<{ q: string; lastLang?: string; conversation?: unknown; now?: unknown }> = [];
  return {
    calls,
    async answer(question, ctx) {
      calls.push({ q: question, lastLang: ctx?.lastLang, conversation: ctx?.conversation, now: ctx?.now });
      if (opts.failFor && question.includes(opts.failFor)) throw new Error('pipeline exploded');
      const long = question.includes('dài');
      const answer = long
        ? Array.from({ length: 60 }, (_, i) => `Câu số ${i + 1} của một câu trả lời rất dài về biên giới Việt – Lào, có dấu tiếng Việt đầy đủ.`).join(' ') +
          '\n\n' +
          Array.from({ length: 30 }, (_, i) => `Dòng ${i + 1}: Hang Bua ở xã Châu Tiến, Nghệ An; nguồn: tài liệu của xã.`).join('\n')
        : `Trả lời: ${question}`;
      const result: AnswerResult = {
        question,
        answer,
        outcome: 'answered',
        lang: ctx?.lastLang ?? 'vi',
        sources: [{ id: 'doc-1', title: 'Tài liệu thử' }],
        misconception: null,
        confidence: 0.9,
        topic: 'commune',
        retrieved: [],
        latencyMs: 1,
        // Conversation memory: counts this user's turns; "quên" (forget) clears it.
        conversation: question.includes('quên') ? null : { turn: Number((ctx?.conversation as { turn?: number } | null)?.turn ?? 0) + 1 },
      };
      return result;
    },
  };
}

/** Records into question_log (pseudonymous) inside the worker's transaction. */
export function testRecorder(): QuestionRecorder & { records: QuestionRecord[] } {
  const records: QuestionRecord[] = [];
  return {
    records,
    async record(q, rec) {
      records.push(rec);
      const pseudonym = rec.userId ? crypto.createHash('sha256').update('test:' + rec.userId).digest('hex') : null;
      await q.query(
        `INSERT INTO question_log (channel, user_pseudonym, lang, outcome, question_text, answer_text) VALUES ($1, $2, $3, $4, $5, $6)`,
        [rec.channel, pseudonym, rec.result.lang, rec.result.outcome, rec.result.question, rec.result.answer],
      );
    },
  };
}
