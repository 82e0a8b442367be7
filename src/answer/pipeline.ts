// The answer pipeline: route a question to smalltalk, misconception, grounded answer or out of
// scope, and compose the reply from curated text. Used by the Zalo worker, `ask`, the console chat
// and the dashboard's "try the bot" page alike.
import { asksAboutFormer, firstSentence, notPublishedForCurrent, hasMoreThanFirstSentence, notPublishedSentence, saysNotPublished, sourceLine, trimPassage, withSource, EN_NOTE } from './compose.js';
import { stripInjection } from './injection.js';
import { detectSmalltalk, smalltalkReply } from './smalltalk.js';
import type { AnswerContext, AnswerPipeline, AnswerResult, Lang, Outcome, RetrievedChunk, SourceRef } from './types.js';
import type { Candidate, DenseSearcher, IndexedDocument, IndexedUnit, KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { entitiesOf, entityAgreement, type Entities } from '../text/entities.js';
import { detectLang } from '../text/lang.js';
import { fold, normalize, words } from '../text/normalize.js';
import { analyzeQuery, expandedFolded, foldKey, type QueryAnalysis } from '../text/terms.js';

export interface Thresholds {
  /** Below this, the question is out of scope. */
  minConfidence: number;
  /** Claim similarity needed for a misconception whose `requires` groups all match. */
  misconceptionWithRequires: number;
  /** Claim similarity needed for a misconception without `requires`. */
  misconceptionWithoutRequires: number;
  /**
   * Share of the question's content words (IDF-weighted; fillers and question words excluded) that
   * the answering unit's document must mention; below it the match is only topical ("Hang Bua" +
   * an unmentioned "khách sạn") and the question is out of scope.
   */
  minGrounded: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { minConfidence: 0.4, misconceptionWithRequires: 0.45, misconceptionWithoutRequires: 0.75, minGrounded: 0.35 };

/** Optional rephrasing step (src/answer/llm-composer.ts); returns null to keep the extractive answer. */
export interface Rephraser {
  rephrase(input: { question: string; lang: Lang; draft: string; passages: string[] }): Promise<string | null>;
}

export interface PipelineDeps {
  index: () => KnowledgeIndex;
  /** Vector of the question in the index's space (null: lexical only). */
  embedQuery: (text: string) => Promise<Float32Array | null>;
  dense: () => DenseSearcher | null;
  thresholds: Thresholds;
  rephraser?: Rephraser | null;
  /** Document id whose text says where to ask when the bot cannot answer. */
  contactDocId?: string;
}

interface Scored {
  cand: Candidate;
  conf: number;
}

/** One calibrated confidence in 0..1 from a candidate's features (weights fitted on test/fixtures). */
export function confidenceOf(c: Candidate): number {
  const phrasing = c.unit.role === 'question' || c.unit.role === 'claim';
  const lexical = phrasing
    ? 0.5 * c.coverage + 0.3 * c.unitCoverage + 0.2 * c.bigramCoverage
    : 0.75 * c.coverage + 0.25 * c.bigramCoverage;
  const score = 0.8 * lexical + 0.2 * Math.max(0, c.dense);
  return Math.max(0, Math.min(1, score));
}

/** Folded, space-padded question text for `requires` checks ("2/9" → " 2 9 ", "Quỳ Châu" → " quy chau "). */
export function foldedForRequires(text: string): string {
  return ` ${fold(normalize(text))} `;
}

/**
 * Every `requires` group has an alternative in the question, word for word, compared by their
 * folded, lightly stemmed forms ("conventions" ↔ "convention", "joined" ↔ "join").
 */
export function requiresSatisfied(foldedQuestion: string, requires: string[][]): boolean {
  const q = stemmedPadded(foldedQuestion);
  return requires.every((group) => group.some((alt) => q.includes(stemmedPadded(alt))));
}

const stemCache = new Map<string, string>();
function stemmedPadded(text: string): string {
  let out = stemCache.get(text);
  if (out === undefined) {
    out = ` ${words(fold(normalize(text))).map(foldKey).join(' ')} `;
    if (stemCache.size > 5000) stemCache.clear();
    stemCache.set(text, out);
  }
  return out;
}

export function createPipeline(deps: PipelineDeps): AnswerPipeline {
  return {
    async answer(question: string, ctx: AnswerContext = {}): Promise<AnswerResult> {
      const t0 = performance.now();
      const result = await route(deps, question, ctx);
      return { ...result, question, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
    },
  };
}

type Routed = Omit<AnswerResult, 'question' | 'latencyMs'>;

async function route(deps: PipelineDeps, question: string, ctx: AnswerContext): Promise<Routed> {
  const index = deps.index();
  const guess = detectLang(question, ctx.lastLang);
  const lang: Lang = guess.lang;

  const small = detectSmalltalk(question);
  if (small) return { answer: smalltalkReply(small, lang), outcome: 'smalltalk', lang, sources: [], misconception: null, confidence: 1, topic: null, retrieved: [] };

  // instructions inside the message are dropped; with nothing genuinely asked left, refuse
  const stripped = stripInjection(question);
  const q = analyzeQuery(stripped.text);
  if (q.terms.length === 0) return outOfScope(deps, index, lang, 0, []);
  if (stripped.injected && detectSmalltalk(stripped.text)) return outOfScope(deps, index, lang, 0, []);
  const qvec = await deps.embedQuery(stripped.text);
  const candidates = await index.retrieve(q, qvec, qvec ? deps.dense() : null);
  const ranked = rankAnswers(candidates, lang, q);
  const retrieved = retrievedFrom(ranked, lang);

  // 1. misconception: a curated false claim, with every `requires` group present in the question,
  //    and no curated FAQ phrasing closer to the question than the claim (then it is a plain question)
  const mis = matchMisconception(index, q, qvec, candidates, deps.thresholds);
  const closestQuestion = Math.max(0, ...candidates.filter((c) => c.unit.role === 'question').map(claimSimilarity));
  if (mis && mis.conf >= closestQuestion - QUESTION_MARGIN) {
    const doc = mis.cand.unit.doc;
    const en = lang === 'en';
    const text = en ? (doc.meta.correctionEn ?? `${doc.body}\n${EN_NOTE}`) : doc.body;
    return {
      answer: withSource(text, doc, lang),
      outcome: 'misconception',
      lang,
      sources: [{ id: doc.id, title: doc.title }],
      misconception: { id: doc.id, claim: doc.meta.claim ?? doc.title },
      confidence: round(mis.conf),
      topic: doc.topic,
      retrieved,
    };
  }

  // 2. grounded answer: the FAQ when one of its phrasings (or its answer) matches well, else a passage
  const best = ranked[0];
  if (!best || best.conf < deps.thresholds.minConfidence || best.cand.grounded < deps.thresholds.minGrounded) {
    return outOfScope(deps, index, lang, best?.conf ?? 0, retrieved);
  }
  const doc = best.cand.unit.doc;
  let text: string;
  let note = false;
  if (doc.kind === 'faq') {
    if (lang === 'en' && doc.meta.answerEn) text = doc.meta.answerEn;
    else {
      text = doc.body;
      note = lang === 'en';
    }
  } else {
    text = trimPassage(best.cand.unit, q, (t) => index.idf(t));
    note = lang === 'en' && best.cand.unit.lang !== 'en';
    // "lễ hội năm 2026": the passage's line about 2026 says it is not published
    const unpublished = notPublishedSentence(text, numbersIn(q));
    if (unpublished) return outOfScope(deps, index, lang, best.conf, retrieved, lang === 'en' && best.cand.unit.lang !== 'en' ? undefined : unpublished);
  }
  // The knowledge says this is not published (the new commune's population, phone numbers): no
  // numbers, point to where to ask instead. Curated answers often add the former commune's figures
  // after that sentence; those answer questions that ask about the former commune ("cũ", "trước sáp nhập").
  if (saysNotPublished(text) && !(asksAboutFormer(q.normalized) && hasMoreThanFirstSentence(text))) {
    return outOfScope(deps, index, lang, best.conf, retrieved, doc.kind === 'faq' ? firstSentence(text) : undefined);
  }
  const unknownToday = doc.kind === 'faq' ? notPublishedForCurrent(q.normalized, text) : null;
  if (unknownToday) return outOfScope(deps, index, lang, best.conf, retrieved, unknownToday);

  let answer = note ? `${text.trim()}\n${EN_NOTE}` : text.trim();
  if (deps.rephraser && !stripped.injected) {
    const passages = [text];
    const better = await deps.rephraser.rephrase({ question: stripped.text, lang, draft: text, passages }).catch(() => null);
    if (better) answer = better;
  }
  return {
    answer: `${answer}\n\n${sourceLine(doc, lang)}`,
    outcome: 'answered',
    lang,
    sources: [{ id: doc.id, title: doc.title }],
    misconception: null,
    confidence: round(best.conf),
    topic: doc.topic,
    retrieved,
  };
}

/** A claim must be at least this close, relative to the closest FAQ phrasing, to win. */
const QUESTION_MARGIN = 0.05;

function matchMisconception(index: KnowledgeIndex, q: QueryAnalysis, qvec: Float32Array | null, candidates: Candidate[], t: Thresholds): Scored | null {
  const folded = expandedFolded(q.normalized);
  let best: Scored | null = null;
  // every claim phrasing of every misconception whose `requires` hold (a few dozen: scored directly)
  const consider = (unit: IndexedUnit, idx: number, withRequires: boolean) => {
    const cand = candidates.find((c) => c.index === idx) ?? makeCandidate(index, q, qvec, unit, idx);
    const conf = claimSimilarity(cand);
    const need = withRequires ? t.misconceptionWithRequires : t.misconceptionWithoutRequires;
    if (conf >= need && (!best || conf > best.conf)) best = { cand, conf };
  };
  index.units.forEach((unit, idx) => {
    if (unit.role !== 'claim') return;
    const req = unit.doc.meta.requires;
    if (req && req.length) {
      if (requiresSatisfied(folded, req)) consider(unit, idx, true);
    } else if (candidates.some((c) => c.index === idx)) consider(unit, idx, false);
  });
  return best;
}

function claimSimilarity(c: Candidate): number {
  // both directions must agree: the question says what the claim says, and the claim's own words are in the question
  const f1 = c.coverage + c.unitCoverage > 0 ? (2 * c.coverage * c.unitCoverage) / (c.coverage + c.unitCoverage) : 0;
  return Math.max(0, Math.min(1, 0.75 * f1 + 0.1 * c.bigramCoverage + 0.15 * Math.max(0, c.dense)));
}

function makeCandidate(index: KnowledgeIndex, q: QueryAnalysis, qvec: Float32Array | null, unit: IndexedUnit, idx: number): Candidate {
  const c: Candidate = { unit, index: idx, bm25: 0, bm25Rank: null, dense: 0, denseRank: null, rrf: 0, coverage: 0, bigramCoverage: 0, unitCoverage: 0, grounded: 0 };
  if (qvec) {
    let s = 0;
    for (let i = 0; i < qvec.length; i++) s += qvec[i]! * unit.vector[i]!;
    c.dense = s;
  }
  index.fillCoverage(q, c);
  return c;
}

interface Ranked extends Scored {
  rank: number;
}

/**
 * Answerable units, best first: confidence, plus a small preference for FAQ entries (staff-written
 * answers to exactly this kind of question), for fused rank, and for the asker's language.
 */
export function rankAnswers(candidates: Candidate[], lang: Lang, q: QueryAnalysis): Ranked[] {
  const out: Ranked[] = [];
  // numbers in the question (years, article numbers) must be in the answer's text: "lễ hội năm 2017"
  // is not answered by the general festival dates
  const numbers = numbersIn(q);
  const wants = expectedAnswerKind(q.folded);
  const named = questionEntities(q, candidates.slice(0, 20));
  for (const cand of candidates.slice(0, 20)) {
    if (cand.unit.role === 'claim') continue;
    const conf = confidenceOf(cand);
    let rank = conf + (cand.unit.doc.kind === 'faq' ? 0.05 : 0) + 2 * cand.rrf;
    const haystack = cand.unit.doc.kind === 'faq' ? cand.unit.doc.foldedAll : cand.unit.folded;
    for (const n of numbers) if (!haystack.includes(` ${n} `) && !haystack.includes(`${n}`)) rank -= 0.1;
    // "từ bao giờ", "bao nhiêu", "when", "how many": prefer answers that hold that kind of value
    if (wants) rank += answerHas(wants, answerText(cand.unit, lang)) ? ANSWER_KIND_BONUS : -ANSWER_KIND_BONUS;
    if (cand.unit.doc.kind === 'doc' && cand.unit.lang !== lang) rank -= 0.08;
    // the entry is about another country / archipelago / treaty than the one the question names
    if (named.size > 0) {
      const agreement = entityAgreement(named, unitEntities(cand.unit), haystack);
      if (agreement < 0) rank -= ENTITY_MISMATCH_PENALTY;
      else if (agreement > 0) rank += ENTITY_MATCH_BONUS;
    }
    out.push({ cand, conf, rank });
  }
  return out.sort((a, b) => b.rank - a.rank);
}

const ENTITY_MISMATCH_PENALTY = 0.15;
const ENTITY_MATCH_BONUS = 0.02;

/**
 * The entities the question names. A year counts only when some candidate's text holds it: then
 * entries about other years give way ("lễ hội năm 2017" → the list of past years, not the 2026
 * entry); a year nothing mentions (2027) leaves the ranking alone.
 */
function questionEntities(q: QueryAnalysis, candidates: Candidate[]): Entities {
  const named = new Map(entitiesOf(q.normalized));
  const years = named.get('year');
  if (years) {
    const known = [...years].filter((y) => candidates.some((c) => (c.unit.doc.kind === 'faq' ? c.unit.doc.foldedAll : c.unit.folded).includes(` ${y} `)));
    if (known.length) named.set('year', new Set(known));
    else named.delete('year');
  }
  return named;
}

const entityCache = new WeakMap<IndexedUnit, Entities>();
/** Entities an answer unit is about: an FAQ's title and phrasings; a passage's title and section. */
function unitEntities(unit: IndexedUnit): Entities {
  let e = entityCache.get(unit);
  if (!e) {
    e = entitiesOf(unit.doc.kind === 'doc' ? `${unit.doc.title}\n${unit.section ?? ''}` : unit.doc.names);
    entityCache.set(unit, e);
  }
  return e;
}

/** Numbers of two or more digits in the question (years, article numbers). */
function numbersIn(q: QueryAnalysis): string[] {
  return [...new Set(q.folded.split(' ').filter((w) => /^\d{2,}$/.test(w)))];
}

/** Rank adjustment for an answer that does (or does not) hold the kind of value the question asks for. */
const ANSWER_KIND_BONUS = 0.04;

export type AnswerKind = 'time' | 'number';

// Question words (folded) that ask for a point in time or a duration, and for a quantity.
const ASKS_TIME =
  /(^| )(bao gio|bh|khi nao|luc nao|hoi nao|nam nao|nam may|nam bao nhieu|ngay nao|ngay may|hom nao|thang may|thang nao|tu nam|bao lau|lau doi|lau chua|since when|when|what year|which year|what date|how old|how long ago)( |$)/;
const ASKS_NUMBER = /(^| )(bao nhieu|bn|bnhiu|may|how many|how much|how far|how long|bao xa|ty le|phan tram|percent|percentage)( |$)/;

/** The kind of value a question asks for, from its question words (null: a name, a place, a reason…). */
export function expectedAnswerKind(foldedQuestion: string): AnswerKind | null {
  const q = foldedQuestion.toLowerCase();
  if (ASKS_TIME.test(q)) return 'time';
  if (ASKS_NUMBER.test(q)) return 'number';
  return null;
}

/** Does the text hold a value of that kind: a year, a date or "N năm/years" for time; any number for a quantity. */
export function answerHas(kind: AnswerKind, text: string): boolean {
  const t = fold(text).toLowerCase();
  if (kind === 'number') return /\d/.test(t);
  return /(^|[^\d])(1\d{3}|20\d{2})([^\d]|$)|\d{1,2}\s*[/.\-–—]\s*\d{1,2}|\d+\s*(nam|years?|the ky|centur)|thang (\d|gieng|chap)|(ngay|mung) \d|\d+(st|nd|rd|th)? (of )?(january|february|march|april|may|june|july|august|september|october|november|december)|(january|february|march|april|may|june|july|august|september|october|november|december) \d/.test(t);
}

/** The text a unit would answer with (the FAQ answer for any of its phrasings). */
function answerText(unit: IndexedUnit, lang: Lang): string {
  if (unit.doc.kind !== 'faq') return unit.text;
  return lang === 'en' && unit.doc.meta.answerEn ? unit.doc.meta.answerEn : unit.doc.body;
}

/** What the evaluation and the dashboard see as "retrieved": the answer text of the best distinct documents. */
function retrievedFrom(ranked: Ranked[], lang: Lang): RetrievedChunk[] {
  const seen = new Set<string>();
  const out: RetrievedChunk[] = [];
  for (const r of ranked) {
    const { unit } = r.cand;
    const key = unit.doc.kind === 'faq' ? unit.doc.id : unit.chunkId;
    if (seen.has(key)) continue;
    seen.add(key);
    const text = unit.doc.kind === 'faq' ? (lang === 'en' && unit.doc.meta.answerEn ? unit.doc.meta.answerEn : unit.doc.body) : unit.text;
    out.push({ docId: unit.doc.id, title: unit.doc.title, text: text.slice(0, 600), score: round(r.conf) });
    if (out.length === 5) break;
  }
  return out;
}

function outOfScope(deps: PipelineDeps, index: KnowledgeIndex, lang: Lang, conf: number, retrieved: RetrievedChunk[], explanation?: string): Routed {
  return {
    answer: refusal(index, lang, deps.contactDocId ?? 'commune-lien-he', explanation),
    outcome: 'out_of_scope' as Outcome,
    lang,
    sources: [] as SourceRef[],
    misconception: null,
    confidence: round(Math.min(conf, 1)),
    topic: null,
    retrieved,
  };
}

/** A short polite refusal that says where to ask, from the contact document when it exists. */
export function refusal(index: KnowledgeIndex, lang: Lang, contactDocId: string, explanation?: string): string {
  if (lang === 'en') {
    const head = explanation ?? "Sorry, I don't have verified information to answer that.";
    const contact = contactGuidance(index, 'en', contactDocId);
    return `${head}\n${contact}`;
  }
  const head = explanation ?? 'Xin lỗi, mình chưa có thông tin đã được kiểm chứng để trả lời câu hỏi này.';
  return `${head}\n${contactGuidance(index, 'vi', contactDocId)}`;
}

function contactGuidance(index: KnowledgeIndex, lang: Lang, contactDocId: string): string {
  if (lang === 'en') {
    const en = index.units.find((u) => u.doc.lang === 'en' && u.doc.topic === 'commune' && u.role === 'passage' && /contact/i.test(u.section ?? ''));
    if (en) {
      const ask = en.text.split(/(?<=[.!?])\s+/).find((s) => /please ask/i.test(s));
      if (ask) return ask;
    }
    return 'Please ask the Châu Tiến Commune People’s Committee (UBND xã Châu Tiến) or its Public Administrative Service Centre.';
  }
  const doc: IndexedDocument | undefined = index.documents.get(contactDocId);
  if (doc) {
    const units = index.units.filter((u) => u.doc === doc && u.role === 'passage');
    const unit = units.find((u) => /không trả lời được|liên hệ/i.test(u.section ?? '')) ?? units[units.length - 1];
    if (unit) {
      const line = unit.text.split('\n').find((s) => /liên hệ|hỏi/i.test(s));
      if (line) return line.trim();
    }
  }
  return 'Bạn vui lòng liên hệ UBND xã Châu Tiến hoặc Trung tâm Phục vụ hành chính công của xã để được giải đáp.';
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
