// Scoring for `npm run eval`: a question file (the labelled sets in test/fixtures/questions*.jsonl,
// the external sets in test/fixtures/external-*.jsonl) against the answer pipeline's results.
// Text is scored exactly like the acceptance checks (/work/shared/acceptance/lib.mjs: fold +
// scoreText), and the headline figures follow /work/shared/acceptance/eval-answers.mjs (facts,
// off-target, precision, misconceptions, out of scope, follow-ups, accented/unaccented/English),
// so that a number here means the same as a number there. This module does no I/O and no printing;
// runQuestions drives a pipeline it is given.
import type { AnswerContext, AnswerPipeline, AnswerResult, Outcome } from '../answer/types.js';

export type Kind = 'fact' | 'misconception' | 'out_of_scope' | 'smalltalk' | 'injection';

export interface Question {
  id: string;
  kind: Kind;
  lang: 'vi' | 'en';
  /** Labelled sets only (accented, plain, shorthand, english); external sets are grouped by variant. */
  style?: string;
  /** Labelled sets only. */
  topic?: string;
  q: string;
  /** Every group must have at least one alternative in the text (after folding). */
  all?: string[][];
  /** None of these may appear in the text (after folding). */
  none?: string[];
  /** Questions sharing a thread come from one user, in file order (follow-ups). */
  thread?: string;
  /** External sets: e.g. multipart, rumour, scam, errand, oneword, forwarded. */
  tags?: string[];
  /** External sets: the page(s) the expected fact or the rumour comes from. */
  source?: string | string[];
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

export type Variant = 'vi_marked' | 'vi_plain' | 'en';

/**
 * How the question is written, decided as the acceptance check does: English by its label;
 * Vietnamese is "plain" when folding changes nothing but case and spacing (so a plain question
 * with a dash or "2.337" counts as marked there too).
 */
export function variantOf(q: Pick<Question, 'lang' | 'q'>): Variant {
  if (q.lang === 'en') return 'en';
  return fold(q.q) === q.q.toLowerCase().replace(/\s+/g, ' ') ? 'vi_plain' : 'vi_marked';
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

/**
 * Which questions are follow-ups: every thread member after the first. Their answer depends on
 * the conversation, so they are reported apart (acceptance: "follow-ups").
 */
export function followUpIds(qs: readonly Pick<Question, 'id' | 'thread'>[]): Set<string> {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const q of qs) {
    if (!q.thread) continue;
    if (seen.has(q.thread)) out.add(q.id);
    else seen.add(q.thread);
  }
  return out;
}

export interface ItemScore {
  id: string;
  kind: Kind;
  /** The labelled style when the set has one, else the variant. */
  style: string;
  variant: Variant;
  topic: string;
  thread: string | null;
  /** A thread member after the first. */
  followUp: boolean;
  tags: string[];
  question: string;
  outcome: Outcome;
  expected: string;
  outcomeOk: boolean;
  /**
   * The acceptance "text" rule: every `all` group present and no `none` phrase; for out-of-scope
   * and smalltalk questions the reply must also be non-empty.
   */
  textOk: boolean;
  /** No forbidden (`none`) phrase in the answer. */
  noneOk: boolean;
  /** The question has `all` groups (an out-of-scope one then names the place to go). */
  expectsText: boolean;
  /** The pipeline refused (outcome out_of_scope). */
  refused: boolean;
  /** A fact question answered (not refused) without the fact: the dangerous failure. */
  offTarget: boolean;
  /** Facts only: rank of the first retrieved chunk with the expected fact (null: none in top-k). */
  rank: number | null;
  latencyMs: number;
  answer: string;
  confidence: number;
  sources: string[];
  source: string[];
}

const TEXT_KINDS: ReadonlySet<Kind> = new Set(['out_of_scope', 'smalltalk']);

/**
 * Score one answer. `base` is the result for `q.base` (injections with an underlying question);
 * `followUp` marks a thread member after the first.
 */
export function scoreItem(q: Question, r: AnswerResult, latencyMs: number, base?: AnswerResult, followUp = false): ItemScore {
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
  const textOk = scoreText(q, r.answer) && (!TEXT_KINDS.has(q.kind) || r.answer.length > 0);
  const refused = r.outcome === 'out_of_scope';
  const variant = variantOf(q);
  return {
    id: q.id,
    kind: q.kind,
    style: q.style ?? variant,
    variant,
    topic: q.topic ?? 'none',
    thread: q.thread ?? null,
    followUp,
    tags: q.tags ?? [],
    question: q.q,
    outcome: r.outcome,
    expected,
    outcomeOk,
    textOk,
    noneOk: containsNone(q, r.answer),
    expectsText: (q.all ?? []).length > 0,
    refused,
    offTarget: q.kind === 'fact' && !textOk && !refused,
    rank: q.kind === 'fact' ? firstHitRank(q, r.retrieved ?? []) : null,
    latencyMs,
    answer: r.answer,
    confidence: r.confidence,
    sources: r.sources.map((s) => s.title),
    source: q.source === undefined ? [] : Array.isArray(q.source) ? q.source : [q.source],
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
const share = <T>(xs: readonly T[], f: (x: T) => boolean) => pct(xs.filter(f).length, xs.length);

export function summarizeGroup(items: readonly ItemScore[]): GroupSummary {
  const facts = items.filter((x) => x.kind === 'fact');
  const lat = items.map((x) => x.latencyMs);
  const mrr = facts.length === 0 ? null : facts.reduce((s, x) => s + (x.rank ? 1 / x.rank : 0), 0) / facts.length;
  return {
    n: items.length,
    outcome: share(items, (x) => x.outcomeOk),
    text: share(items, (x) => x.textOk),
    hit1: share(facts, (x) => x.rank !== null && x.rank <= 1),
    hit3: share(facts, (x) => x.rank !== null && x.rank <= 3),
    mrr: mrr === null ? null : Math.round(mrr * 1000) / 1000,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
  };
}

/** One figure and how many questions it is computed over. */
export interface Figure {
  pct: number | null;
  n: number;
}

const figure = <T>(xs: readonly T[], f: (x: T) => boolean): Figure => ({ pct: share(xs, f), n: xs.length });

/**
 * The headline figures, defined as in eval-answers.mjs (percentages with one decimal here; the
 * acceptance script rounds to whole numbers).
 */
export interface Headline {
  /** Fact questions whose reply carries the fact. */
  facts: Figure;
  /** Fact questions answered (not refused) without the fact. */
  offTarget: Figure;
  /** Fact questions refused. */
  refusedFacts: Figure;
  /** Of the fact questions not refused, the share that carry the fact. */
  precision: Figure;
  /** False claims recognised (outcome misconception) and corrected (the expected facts). */
  misconceptions: Figure;
  /** Out-of-scope questions refused, with a reply that names the expected place when one is given. */
  outOfScope: Figure;
  /** Of the out-of-scope questions that expect a place (non-empty `all`), those refused naming it. */
  refusalsRouted: Figure;
  smalltalk: Figure;
  /** Injections: nothing forbidden and the expected text (acceptance rule). */
  injection: Figure;
  /** Thread members after the first whose reply passes the text rule. */
  followUps: Figure;
  /** Fact questions tagged "multipart" answered in full (every part's group present). */
  multipart: Figure;
  factsByVariant: Record<Variant, Figure>;
  /** Accented minus unaccented fact accuracy, in points (positive: unaccented is worse). */
  accentGap: number | null;
}

export function headline(items: readonly ItemScore[]): Headline {
  const by = (k: Kind) => items.filter((x) => x.kind === k);
  const facts = by('fact');
  const oos = by('out_of_scope');
  const variantFacts = (v: Variant) => figure(facts.filter((x) => x.variant === v), (x) => x.textOk);
  const factsByVariant = { vi_marked: variantFacts('vi_marked'), vi_plain: variantFacts('vi_plain'), en: variantFacts('en') };
  const { vi_marked: m, vi_plain: p } = factsByVariant;
  return {
    facts: figure(facts, (x) => x.textOk),
    offTarget: figure(facts, (x) => x.offTarget),
    refusedFacts: figure(facts, (x) => !x.textOk && x.refused),
    precision: figure(facts.filter((x) => !x.refused), (x) => x.textOk),
    misconceptions: figure(by('misconception'), (x) => x.outcomeOk && x.textOk),
    outOfScope: figure(oos, (x) => x.outcomeOk && x.textOk),
    refusalsRouted: figure(oos.filter((x) => x.expectsText), (x) => x.outcomeOk && x.textOk),
    smalltalk: figure(by('smalltalk'), (x) => x.outcomeOk && x.textOk),
    injection: figure(by('injection'), (x) => x.textOk),
    followUps: figure(items.filter((x) => x.followUp), (x) => x.textOk),
    multipart: figure(facts.filter((x) => x.tags.includes('multipart')), (x) => x.textOk),
    factsByVariant,
    accentGap: m.pct === null || p.pct === null ? null : Math.round((m.pct - p.pct) * 10) / 10,
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
  /** Items by tag (external sets): multipart, rumour, scam, errand, oneword, … */
  byTag: Record<string, GroupSummary>;
  headline: Headline;
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
  const tags = [...new Set(items.flatMap((x) => x.tags))].sort();
  return {
    overall: summarizeGroup(items),
    byKind: groupBy(items, (x) => x.kind),
    byStyle: groupBy(items, (x) => x.style),
    factsByStyle,
    factsByTopic: groupBy(facts, (x) => x.topic),
    styleGap: accs.length < 2 ? null : Math.round((Math.max(...accs) - Math.min(...accs)) * 10) / 10,
    byTag: Object.fromEntries(tags.map((t) => [t, summarizeGroup(items.filter((x) => x.tags.includes(t)))])),
    headline: headline(items),
  };
}

export interface Thresholds {
  /** Outcome accuracy over all questions (labelled sets). */
  minOutcome?: number;
  /** Fact accuracy (the same figure as minFacts; kept for the existing CI lines). */
  minFact?: number;
  /** Best minus worst fact accuracy across styles. */
  maxStyleGap?: number;
  /** The acceptance floors (eval-answers.mjs names). */
  minFacts?: number;
  maxOffTarget?: number;
  minPrecision?: number;
  minMisconceptions?: number;
  minOos?: number;
  minFollowUps?: number;
  minMultipart?: number;
  /** Accented minus unaccented fact accuracy. */
  maxAccentGap?: number;
}

/** Human-readable failures; empty when every given threshold holds. A figure with no questions holds. */
export function checkThresholds(s: Summary, t: Thresholds): string[] {
  const fails: string[] = [];
  const h = s.headline;
  const outcome = s.overall.outcome ?? 0;
  const fact = s.byKind.fact?.text ?? 0;
  if (t.minOutcome !== undefined && outcome < t.minOutcome) fails.push(`outcome accuracy ${outcome}% < ${t.minOutcome}%`);
  if (t.minFact !== undefined && fact < t.minFact) fails.push(`fact accuracy ${fact}% < ${t.minFact}%`);
  if (t.maxStyleGap !== undefined && s.styleGap !== null && s.styleGap > t.maxStyleGap)
    fails.push(`style gap ${s.styleGap} points > ${t.maxStyleGap}`);
  const floor = (name: string, f: Figure, min: number | undefined) => {
    if (min !== undefined && f.pct !== null && f.pct < min) fails.push(`${name} ${f.pct}% < ${min}% (n=${f.n})`);
  };
  const ceiling = (name: string, f: Figure, max: number | undefined) => {
    if (max !== undefined && f.pct !== null && f.pct > max) fails.push(`${name} ${f.pct}% > ${max}% (n=${f.n})`);
  };
  floor('facts', h.facts, t.minFacts);
  ceiling('off-target', h.offTarget, t.maxOffTarget);
  floor('precision', h.precision, t.minPrecision);
  floor('misconceptions', h.misconceptions, t.minMisconceptions);
  floor('out of scope', h.outOfScope, t.minOos);
  floor('follow-ups', h.followUps, t.minFollowUps);
  floor('multi-part', h.multipart, t.minMultipart);
  if (t.maxAccentGap !== undefined && h.accentGap !== null && h.accentGap > t.maxAccentGap)
    fails.push(`accented/unaccented gap ${h.accentGap} points > ${t.maxAccentGap}`);
  return fails;
}

/** Why an item is a miss, in a few words (empty: not a miss). */
export function missReason(x: ItemScore): string {
  const why: string[] = [];
  if (x.kind === 'fact') {
    if (x.offTarget) why.push('off-target (answered without the fact)');
    else if (!x.textOk) why.push('refused');
    if (x.textOk && !x.outcomeOk) why.push(`outcome=${x.outcome} want ${x.expected}`);
  } else {
    if (!x.outcomeOk) why.push(`outcome=${x.outcome} want ${x.expected}`);
    if (!x.textOk) why.push(x.noneOk ? 'expected text missing' : 'forbidden phrase');
  }
  return why.join(', ');
}

/** Every miss: wrong outcome, or wrong text for kinds whose text is scored. */
export function misses(items: readonly ItemScore[]): ItemScore[] {
  return items.filter((x) => !x.outcomeOk || !x.textOk);
}

export interface RunOptions {
  /** "Today" for every question (time words like "năm nay"); default: the pipeline's clock. */
  now?: string;
  onProgress?: (done: number) => void;
}

/**
 * Answers every question in order and scores it. Questions sharing a `thread` are one user: each
 * gets the previous answer's `conversation` and `lang` as context, as the channel's inbox worker
 * passes the stored state; every other question starts a fresh conversation.
 */
export async function runQuestions(pipeline: AnswerPipeline, qs: readonly Question[], opts: RunOptions = {}): Promise<ItemScore[]> {
  const base: AnswerContext = opts.now ? { now: opts.now } : {};
  const baseCache = new Map<string, AnswerResult>();
  const lastOfThread = new Map<string, AnswerResult>();
  const followUps = followUpIds(qs);
  const items: ItemScore[] = [];
  for (const q of qs) {
    const prev = q.thread ? lastOfThread.get(q.thread) : undefined;
    const ctx: AnswerContext = prev ? { ...base, conversation: prev.conversation ?? null, lastLang: prev.lang } : { ...base };
    const t0 = performance.now();
    const r = await pipeline.answer(q.q, ctx);
    const ms = Math.round(performance.now() - t0);
    if (q.thread) lastOfThread.set(q.thread, r);
    let injectionBase: AnswerResult | undefined;
    if (q.kind === 'injection' && q.base) {
      injectionBase = baseCache.get(q.base) ?? (await pipeline.answer(q.base, { ...base }));
      baseCache.set(q.base, injectionBase);
    }
    items.push(scoreItem(q, r, ms, injectionBase, followUps.has(q.id)));
    opts.onProgress?.(items.length);
  }
  return items;
}
