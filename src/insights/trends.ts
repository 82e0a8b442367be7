// Trends over the question log: counts by day and week per topic, outcome and language, the
// answered share, top questions and misconceptions over time. Whole local days come from the
// question_daily rollup (one row per day x topic x outcome x lang x misconception), and only the
// partial days at the edges of a range are counted from question_log itself, so the cost of an
// overview does not grow with the size of the log.
import type { Overview } from '../admin/sources.js';
import type { Queryable } from '../db/types.js';
import { addDays, localDay, startOfLocalDay } from './clock.js';

export interface CountRow {
  topic: string;
  outcome: string;
  lang: string;
  misconceptionId: string;
  questions: number;
}

export interface QuestionCounts {
  total: number;
  byOutcome: Record<string, number>;
  byTopic: Record<string, number>;
  byLang: Record<string, number>;
  byMisconception: Record<string, number>;
  /** Grounded answers (answered + misconception corrections) among questions that were not smalltalk. */
  answeredShare: number;
}

export const OUTCOMES = ['answered', 'misconception', 'out_of_scope', 'smalltalk'] as const;
/** Topic key for questions without a topic (smalltalk, out of scope). */
export const NO_TOPIC = '(none)';

/** Splits [from, to) into whole local days [dayFrom, dayTo) and the partial edges before and after. */
export function splitRange(from: Date, to: Date): { dayFrom: string; dayTo: string; edges: Array<[Date, Date]> } {
  let dayFrom = localDay(from);
  if (startOfLocalDay(dayFrom) < from) dayFrom = addDays(dayFrom, 1);
  const dayTo = localDay(to); // exclusive: the day containing `to` is partial (or empty)
  if (dayFrom >= dayTo) return { dayFrom, dayTo: dayFrom, edges: from < to ? [[from, to]] : [] };
  const edges: Array<[Date, Date]> = [];
  const a = startOfLocalDay(dayFrom);
  const b = startOfLocalDay(dayTo);
  if (from < a) edges.push([from, a]);
  if (b < to) edges.push([b, to]);
  return { dayFrom, dayTo, edges };
}

/** Exact counts of questions asked in [from, to), by topic x outcome x lang x misconception. */
export async function countRows(q: Queryable, from: Date, to: Date): Promise<CountRow[]> {
  const { dayFrom, dayTo, edges } = splitRange(from, to);
  const e1 = edges[0] ?? [from, from];
  const e2 = edges[1] ?? [from, from];
  const r = await q.query<{ topic: string; outcome: string; lang: string; misconception_id: string; n: string }>(
    `SELECT topic, outcome, lang, misconception_id, sum(n) AS n FROM (
       SELECT topic, outcome, lang, misconception_id, questions AS n FROM question_daily WHERE day >= $1::date AND day < $2::date
       UNION ALL
       SELECT coalesce(topic, ''), outcome, lang, coalesce(misconception_id, ''), 1 FROM question_log
        WHERE (asked_at >= $3 AND asked_at < $4) OR (asked_at >= $5 AND asked_at < $6)
     ) t GROUP BY 1, 2, 3, 4`,
    [dayFrom, dayTo, e1[0], e1[1], e2[0], e2[1]],
  );
  return r.rows.map((x) => ({ topic: x.topic, outcome: x.outcome, lang: x.lang, misconceptionId: x.misconception_id, questions: Number(x.n) }));
}

export function summarize(rows: CountRow[]): QuestionCounts {
  const c: QuestionCounts = { total: 0, byOutcome: {}, byTopic: {}, byLang: {}, byMisconception: {}, answeredShare: 0 };
  for (const o of OUTCOMES) c.byOutcome[o] = 0;
  for (const r of rows) {
    c.total += r.questions;
    c.byOutcome[r.outcome] = (c.byOutcome[r.outcome] ?? 0) + r.questions;
    const topic = r.topic || NO_TOPIC;
    c.byTopic[topic] = (c.byTopic[topic] ?? 0) + r.questions;
    c.byLang[r.lang] = (c.byLang[r.lang] ?? 0) + r.questions;
    if (r.misconceptionId) c.byMisconception[r.misconceptionId] = (c.byMisconception[r.misconceptionId] ?? 0) + r.questions;
  }
  c.answeredShare = answeredShare(c.byOutcome);
  return c;
}

export function answeredShare(byOutcome: Record<string, number>): number {
  const grounded = (byOutcome.answered ?? 0) + (byOutcome.misconception ?? 0);
  const asked = grounded + (byOutcome.out_of_scope ?? 0);
  return asked === 0 ? 0 : Math.round((grounded / asked) * 1000) / 1000;
}

export async function questionCounts(q: Queryable, from: Date, to: Date): Promise<QuestionCounts> {
  return summarize(await countRows(q, from, to));
}

export type DayPoint = Overview['byDay'][number];

/** Questions per local day and outcome for the days [fromDay, toDay] (inclusive), every day present. */
export async function byDay(q: Queryable, fromDay: string, toDay: string): Promise<DayPoint[]> {
  const r = await q.query<{ day: string; outcome: string; n: string }>(
    `SELECT day::text AS day, outcome, sum(questions) AS n FROM question_daily
      WHERE day >= $1::date AND day <= $2::date GROUP BY 1, 2`,
    [fromDay, toDay],
  );
  const points = new Map<string, DayPoint>();
  for (let d = fromDay; d <= toDay; d = addDays(d, 1)) {
    points.set(d, { day: d, total: 0, answered: 0, misconception: 0, out_of_scope: 0, smalltalk: 0 });
  }
  for (const row of r.rows) {
    const p = points.get(row.day);
    if (!p) continue;
    const n = Number(row.n);
    p.total += n;
    if ((OUTCOMES as readonly string[]).includes(row.outcome)) p[row.outcome as (typeof OUTCOMES)[number]] += n;
  }
  return [...points.values()];
}

/** ISO weeks (Monday first) from daily points. */
export function byWeek(days: DayPoint[]): Array<DayPoint & { week: string }> {
  const weeks = new Map<string, DayPoint & { week: string }>();
  for (const d of days) {
    const t = new Date(`${d.day}T00:00:00Z`);
    const monday = addDays(d.day, -((t.getUTCDay() + 6) % 7));
    const w = weeks.get(monday) ?? { week: monday, day: monday, total: 0, answered: 0, misconception: 0, out_of_scope: 0, smalltalk: 0 };
    w.total += d.total;
    w.answered += d.answered;
    w.misconception += d.misconception;
    w.out_of_scope += d.out_of_scope;
    w.smalltalk += d.smalltalk;
    weeks.set(monday, w);
  }
  return [...weeks.values()];
}

/** Questions per local day and topic (topics over time), from the rollup. */
export async function topicsByDay(q: Queryable, fromDay: string, toDay: string): Promise<Array<{ day: string; topic: string; count: number }>> {
  const r = await q.query<{ day: string; topic: string; n: string }>(
    `SELECT day::text AS day, topic, sum(questions) AS n FROM question_daily
      WHERE day >= $1::date AND day <= $2::date GROUP BY 1, 2 ORDER BY 1, 2`,
    [fromDay, toDay],
  );
  return r.rows.map((x) => ({ day: x.day, topic: x.topic || NO_TOPIC, count: Number(x.n) }));
}

/** Misconception questions per local day (misconceptions over time), from the rollup. */
export async function misconceptionsByDay(q: Queryable, fromDay: string, toDay: string): Promise<Array<{ day: string; misconceptionId: string; count: number }>> {
  const r = await q.query<{ day: string; misconception_id: string; n: string }>(
    `SELECT day::text AS day, misconception_id, sum(questions) AS n FROM question_daily
      WHERE day >= $1::date AND day <= $2::date AND misconception_id <> '' GROUP BY 1, 2 ORDER BY 1, 2`,
    [fromDay, toDay],
  );
  return r.rows.map((x) => ({ day: x.day, misconceptionId: x.misconception_id, count: Number(x.n) }));
}

/** The most frequent questions (same folded text) in the last `days` days of the range; smalltalk excluded. */
export async function topQuestions(q: Queryable, from: Date, to: Date, opts: { limit?: number; days?: number } = {}): Promise<Array<{ question: string; count: number }>> {
  // Grouping raw text is the one query here that reads the log itself: bounding it to the most recent
  // days keeps it cheap on a large log (the rollups cannot hold free text).
  const recent = new Date(to.getTime() - (opts.days ?? 7) * 86_400_000);
  const start = recent > from ? recent : from;
  const r = await q.query<{ question: string; n: string }>(
    `SELECT min(question_text) AS question, count(*) AS n FROM question_log
      WHERE asked_at >= $1 AND asked_at < $2 AND outcome <> 'smalltalk' AND question_folded <> ''
      GROUP BY question_folded ORDER BY n DESC, question_folded LIMIT $3`,
    [start, to, opts.limit ?? 10],
  );
  return r.rows.map((x) => ({ question: x.question, count: Number(x.n) }));
}

export type TrendsOverview = Overview & {
  byTopic: Record<string, number>;
  byWeek: Array<DayPoint & { week: string }>;
  topMisconceptions: Array<{ misconceptionId: string; count: number }>;
};

/** The dashboard overview for [from, to). */
export async function overview(q: Queryable, range: { from: Date; to: Date }): Promise<TrendsOverview> {
  const { from, to } = range;
  const counts = await questionCounts(q, from, to);
  const lastDay = localDay(new Date(Math.max(from.getTime(), to.getTime() - 1)));
  const days = await byDay(q, localDay(from), lastDay);
  return {
    total: counts.total,
    answeredShare: counts.answeredShare,
    byOutcome: counts.byOutcome,
    byLang: counts.byLang,
    byTopic: counts.byTopic,
    byDay: days,
    byWeek: byWeek(days),
    topTopics: Object.entries(counts.byTopic)
      .filter(([t]) => t !== NO_TOPIC)
      .map(([topic, count]) => ({ topic, count }))
      .sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic))
      .slice(0, 10),
    topQuestions: await topQuestions(q, from, to),
    topMisconceptions: Object.entries(counts.byMisconception)
      .map(([misconceptionId, count]) => ({ misconceptionId, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 10),
  };
}
