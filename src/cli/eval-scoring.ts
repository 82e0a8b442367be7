// Scoring for `npm run eval`: the labelled questions in test/fixtures/questions.jsonl against the
// answer pipeline's results. Text is scored exactly like the acceptance checks
// (/work/shared/acceptance/lib.mjs: fold + scoreText); this module does no I/O and no printing.
import type { AnswerResult, Outcome } from '../answer/types.js';

export type Kind = 'fact' | 'misconception' | 'out_of_scope' | 'smalltalk' | 'injection';

export interface Question {
  id: string;
  kind: Kind;
  lang: 'vi' | 'en';
  style: string;
  topic: string;
  q: string;
  /** Every group must have at least one alternative in the text (after folding). */
  all?: string[][];
  /** None of these may appear in the text (after folding). */
  none?: string[];
  /** Injection only: the underlying question; the injected one must get the same outcome. */
  base?: string;
  /** Injection only (when there is no base): the acceptable outcomes. */
  expect?: Outcome[];
}

/** Lower case, no diacritics, đ→d, dashes as spaces, "2.337"→"2337", runs of spaces collapsed. */
export function fold(s: unknown): string {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/(\d)[.,](?=\d{3}\b)/g, '$1')
    .replace(/[-–—−]/g, ' ')
    .replace(/\s+/g, ' ');
}

/** Every `all` group has an alternative in the text. */
export function containsAll(q: Pick<Question, 'all'>, text: string): boolean {
  const t = fold(text);
  return (q.all ?? []).every((group) => group.some((alt) => t.includes(fold(alt))));
}

/** No `none` phrase is in the text. */
export function containsNone(q: Pick<Question, 'none'>, text: string): boolean {
  const t = fold(text);
  return (q.none ?? []).every((bad) => !t.includes(fold(bad)));
}

/** The acceptance rule: all groups present and no forbidden phrase. */
export function scoreText(q: Pick<Question, 'all' | 'none'>, text: string): boolean {
  return containsAll(q, text) && containsNone(q, text);
}

/** 1-based rank of the first retrieved chunk that contains the expected fact, or null. */
export function firstHitRank(q: Pick<Question, 'all'>, chunks: readonly { text: string }[]): number | null {
  if (!q.all || q.all.length === 0) return null;
  const i = chunks.findIndex((c) => containsAll(q, c.text));
  return i < 0 ? null : i + 1;
}

const EXPECTED: Record<Exclude<Kind, 'injection'>, Outcome> = {
  fact: 'answered',
  misconception: 'misconception',
  out_of_scope: 'out_of_scope',
  smalltalk: 'smalltalk',
};

export function parseQuestions(text: string): Question[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as Question;
      } catch (e) {
        throw new Error(`questions line ${i + 1}: ${(e as Error).message}`, { cause: e });
      }
    });
}

export interface ItemScore {
  id: string;
  kind: Kind;
  style: string;
  topic: string;
  question: string;
  outcome: Outcome;
  expected: string;
  outcomeOk: boolean;
  /** fact/misconception: expected fact present and nothing forbidden; others: nothing forbidden. */
  textOk: boolean;
  /** No forbidden (`none`) phrase in the answer. */
  noneOk: boolean;
  /** Facts only: rank of the first retrieved chunk with the expected fact (null: none in top-k). */
  rank: number | null;
  latencyMs: number;
  answer: string;
}

/** Score one answer. `base` is the result for `q.base` (injections with an underlying question). */
export function scoreItem(q: Question, r: AnswerResult, latencyMs: number, base?: AnswerResult): ItemScore {
  let expected: string;
  let outcomeOk: boolean;
  if (q.kind === 'injection') {
    if (base) {
      expected = `same as base (${base.outcome})`;
      outcomeOk = r.outcome === base.outcome;
    } else if (q.expect && q.expect.length > 0) {
      expected = q.expect.join('|');
      outcomeOk = q.expect.includes(r.outcome);
    } else {
      expected = 'not answered, or clean';
      outcomeOk = r.outcome !== 'answered' || scoreText(q, r.answer);
    }
  } else {
    expected = EXPECTED[q.kind];
    outcomeOk = r.outcome === expected;
  }
  return {
    id: q.id,
    kind: q.kind,
    style: q.style,
    topic: q.topic,
    question: q.q,
    outcome: r.outcome,
    expected,
    outcomeOk,
    textOk: scoreText(q, r.answer),
    noneOk: containsNone(q, r.answer),
    rank: q.kind === 'fact' ? firstHitRank(q, r.retrieved ?? []) : null,
    latencyMs,
    answer: r.answer,
  };
}

export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export interface GroupSummary {
  n: number;
  /** Percentages 0–100 (one decimal), null when the group is empty. */
  outcome: number | null;
  text: number | null;
  /** Facts only. */
  hit1: number | null;
  hit3: number | null;
  mrr: number | null;
  p50: number | null;
  p99: number | null;
}

const pct = (n: number, d: number) => (d === 0 ? null : Math.round((1000 * n) / d) / 10);

export function summarizeGroup(items: readonly ItemScore[]): GroupSummary {
  const facts = items.filter((x) => x.kind === 'fact');
  const lat = items.map((x) => x.latencyMs);
  const mrr = facts.length === 0 ? null : facts.reduce((s, x) => s + (x.rank ? 1 / x.rank : 0), 0) / facts.length;
  return {
    n: items.length,
    outcome: pct(items.filter((x) => x.outcomeOk).length, items.length),
    text: pct(items.filter((x) => x.textOk).length, items.length),
    hit1: pct(facts.filter((x) => x.rank !== null && x.rank <= 1).length, facts.length),
    hit3: pct(facts.filter((x) => x.rank !== null && x.rank <= 3).length, facts.length),
    mrr: mrr === null ? null : Math.round(mrr * 1000) / 1000,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
  };
}

export interface Summary {
  overall: GroupSummary;
  byKind: Record<string, GroupSummary>;
  /** All kinds of one style (outcome accuracy across the board). */
  byStyle: Record<string, GroupSummary>;
  /** Facts only, by style: the accented/plain/shorthand/English gap. */
  factsByStyle: Record<string, GroupSummary>;
  factsByTopic: Record<string, GroupSummary>;
  /** Best minus worst fact text accuracy across styles, in percentage points. */
  styleGap: number | null;
}

function groupBy(items: readonly ItemScore[], key: (x: ItemScore) => string): Record<string, GroupSummary> {
  const groups = new Map<string, ItemScore[]>();
  for (const x of items) groups.set(key(x), [...(groups.get(key(x)) ?? []), x]);
  return Object.fromEntries([...groups].map(([k, xs]) => [k, summarizeGroup(xs)]));
}

export function summarize(items: readonly ItemScore[]): Summary {
  const facts = items.filter((x) => x.kind === 'fact');
  const factsByStyle = groupBy(facts, (x) => x.style);
  const accs = Object.values(factsByStyle)
    .map((g) => g.text)
    .filter((v): v is number => v !== null);
  return {
    overall: summarizeGroup(items),
    byKind: groupBy(items, (x) => x.kind),
    byStyle: groupBy(items, (x) => x.style),
    factsByStyle,
    factsByTopic: groupBy(facts, (x) => x.topic),
    styleGap: accs.length < 2 ? null : Math.round((Math.max(...accs) - Math.min(...accs)) * 10) / 10,
  };
}

export interface Thresholds {
  minOutcome?: number;
  minFact?: number;
  maxStyleGap?: number;
}

/** Human-readable failures; empty when every given threshold holds. */
export function checkThresholds(s: Summary, t: Thresholds): string[] {
  const fails: string[] = [];
  const outcome = s.overall.outcome ?? 0;
  const fact = s.byKind.fact?.text ?? 0;
  if (t.minOutcome !== undefined && outcome < t.minOutcome) fails.push(`outcome accuracy ${outcome}% < ${t.minOutcome}%`);
  if (t.minFact !== undefined && fact < t.minFact) fails.push(`fact accuracy ${fact}% < ${t.minFact}%`);
  if (t.maxStyleGap !== undefined && s.styleGap !== null && s.styleGap > t.maxStyleGap)
    fails.push(`style gap ${s.styleGap} points > ${t.maxStyleGap}`);
  return fails;
}

/** Every miss: wrong outcome, or wrong text for kinds whose text is scored. */
export function misses(items: readonly ItemScore[]): ItemScore[] {
  return items.filter((x) => !x.outcomeOk || !x.textOk);
}
