// The answer pipeline: an ordered list of steps (src/answer/steps/), each of which either lets the
// message continue or decides the reply, and records why in `trace`. Modelled on govuk-chat's
// PipelineRunner. Message steps run once; part steps run for each part of a multi-part message;
// the last steps (rephrase, finish) run on the combined draft.
//
//   normalise → smalltalk → injection → understand → claims (false claims, rumours, scams)
//   → per part: retrieve → select & verify → compose
//   → rephrase (optional LLM) → finish (source line, voice, conversation state)
import type { Candidate, DenseSearcher, IndexedDocument, KnowledgeIndex } from '../retrieval/knowledge-index.js';
import type { Lexicon } from '../text/lexicon.js';
import { fold, normalize, words } from '../text/normalize.js';
import { foldKey, type QueryAnalysis } from '../text/terms.js';
import { topicalWords, type AnswerType, type Literals, type NamedEntity } from './understand.js';
import { holdsValue } from './values.js';
import { foldedText } from '../text/keys.js';
import type { AnswerContext, AnswerPipeline, AnswerResult, ConversationState, Lang, Outcome, RetrievedChunk, TraceStep } from './types.js';
import { claimsStep } from './steps/claims.js';
import { composeStep } from './steps/compose.js';
import { finishStep } from './steps/finish.js';
import { injectionStep } from './steps/injection.js';
import { normaliseStep } from './steps/normalise.js';
import { rephraseStep } from './steps/rephrase.js';
import { retrieveStep } from './steps/retrieve.js';
import { selectStep } from './steps/select.js';
import { smalltalkStep } from './steps/smalltalk.js';
import { partState, understandStep } from './steps/understand.js';

export interface Thresholds {
  /** Below this, the question is out of scope. */
  minConfidence: number;
  /** Claim similarity needed for a misconception whose `requires` groups all match. */
  misconceptionWithRequires: number;
  /** Claim similarity needed for a misconception without `requires`. */
  misconceptionWithoutRequires: number;
  /** Share of the question's content words (IDF-weighted) the answering document must mention. */
  minGrounded: number;
  /** Two verified candidates closer than this (in rank) from different entries: ask which one. */
  clarifyMargin: number;
  /** …unless the best one is at least this confident. */
  clarifyBelow: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  minConfidence: 0.4,
  misconceptionWithRequires: 0.45,
  misconceptionWithoutRequires: 0.75,
  minGrounded: 0.35,
  clarifyMargin: 0.02,
  clarifyBelow: 0.55,
};

/** Optional rephrasing step (src/answer/llm-composer.ts); returns null to keep the extractive answer. */
export interface Rephraser {
  rephrase(input: { question: string; lang: Lang; draft: string; passages: string[] }): Promise<string | null>;
}

export interface PipelineDeps {
  index: () => KnowledgeIndex;
  lex: () => Lexicon;
  /** Vector of the question in the index's space (null: lexical only). */
  embedQuery: (text: string) => Promise<Float32Array | null>;
  dense: () => DenseSearcher | null;
  thresholds: Thresholds;
  rephraser?: Rephraser | null;
}

/** What the engine remembers between one user's messages (AnswerResult.conversation). */
export interface Conversation {
  v: 1;
  /** The last question as answered (after follow-up resolution). */
  question: string | null;
  entities: string[];
  topic: string | null;
  lang: Lang;
  /** A pending menu: the question each number stands for. */
  menu: string[] | null;
  at: string;
}

/** The reply being built (before the source line and the voice rules of the finish step). */
export interface Draft {
  text: string;
  outcome: Outcome;
  sources: IndexedDocument[];
  misconception: { id: string; claim: string } | null;
  rumour?: boolean;
  confidence: number;
  topic: string | null;
  /** Passages the text was taken from (for the optional rephraser). */
  passages?: string[];
  /** A numbered menu offered to the user (clarification or topic overview). */
  menu?: string[];
  /** The text already names its source (misconception corrections carry their own line). */
  sourced?: boolean;
}

export interface PartState {
  /** The part as answered (follow-up resolved, subject carried over, the meant year added). */
  text: string;
  /** The part before the year was added (remembered for the next message's follow-up). */
  asked: string;
  /** The part as the user typed it (quoted when the part is named as unknown). */
  typed?: string;
  q: QueryAnalysis;
  type: AnswerType | null;
  entities: NamedEntity[];
  /** What a "how many" question counts, with synonyms (folded), or null. */
  counted: string[] | null;
  /** Names of places the question gives ("xã Hùng Chân" → "hung chan"): the answer must mention them. */
  names: string[];
  /** What kind of place a "which" question asks ("xã nào" → xã), with synonyms (folded), or null. */
  which: string[] | null;
  /** Errands the question names ("khai sinh", "mất điện"; routes.yml), folded: the answer must be about one. */
  errand: string[];
  /** Years and document numbers the question names ("năm 2012", "NĐ 34/2014"): the answer must mention them. */
  literals: Literals;
  /** A year the question means by "năm nay", "this year" (the answer must speak of it). */
  year: number | null;
  candidates: Candidate[];
  qvec: Float32Array | null;
  chosen: Chosen | null;
  draft: Draft | null;
}

export interface Chosen {
  cand: Candidate;
  conf: number;
  /** The sentences that answer (FAQ answer, or selected sentences of a passage). */
  text: string;
  /** The text is in another language than the question's (a note is added). */
  foreign: boolean;
}

export interface State {
  readonly deps: PipelineDeps;
  readonly index: KnowledgeIndex;
  readonly lex: Lexicon;
  readonly question: string;
  readonly ctx: AnswerContext;
  readonly now: Date;
  readonly conversation: Conversation | null;
  lang: Lang;
  /** What is answered: the message after injection stripping and follow-up resolution. */
  text: string;
  injected: boolean;
  parts: PartState[];
  /** The message passes on something heard ("nghe nói", "trên mạng bảo"): unanswerable → rumour reply. */
  rumourMarked: boolean;
  topicOnly: NamedEntity | null;
  /**
   * A second reading of the message as a follow-up of the last question ("đi tham quan hết tầm bao
   * lâu" after a question on Hang Bua), tried only when the message alone is refused.
   */
  followUpReading?: string;
  year: number | null;
  trace: TraceStep[];
  retrieved: RetrievedChunk[];
  draft: Draft | null;
  /** Written by the finish step. */
  result?: Omit<AnswerResult, 'question' | 'latencyMs'>;
}

export type StepResult = { final: Draft | null; note?: string } | { note?: string; final?: undefined } | void;

export interface Step<S> {
  name: string;
  run(s: S, state: State): Promise<StepResult> | StepResult;
}

const MESSAGE_STEPS: Step<State>[] = [normaliseStep, smalltalkStep, injectionStep, understandStep, claimsStep];
const PART_STEPS: Step<PartState>[] = [retrieveStep, selectStep, composeStep];
const LAST_STEPS: Step<State>[] = [rephraseStep, finishStep];

export function createPipeline(deps: PipelineDeps): AnswerPipeline {
  return {
    async answer(question: string, ctx: AnswerContext = {}): Promise<AnswerResult> {
      const t0 = performance.now();
      const state = initialState(deps, question, ctx);
      const result = await run(state);
      return { ...result, question, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
    },
  };
}

function initialState(deps: PipelineDeps, question: string, ctx: AnswerContext): State {
  const now = ctx.now ? new Date(ctx.now) : new Date();
  return {
    deps,
    index: deps.index(),
    lex: deps.lex(),
    question,
    ctx,
    now: Number.isNaN(now.getTime()) ? new Date() : now,
    conversation: readConversation(ctx.conversation),
    lang: 'vi',
    text: question,
    injected: false,
    parts: [],
    rumourMarked: false,
    topicOnly: null,
    year: null,
    trace: [],
    retrieved: [],
    draft: null,
  };
}

async function run(state: State): Promise<Omit<AnswerResult, 'question' | 'latencyMs'>> {
  let decided = false;
  for (const step of MESSAGE_STEPS) {
    const t = performance.now();
    const r = await step.run(state, state);
    const ms = since(t);
    if (r && r.final) {
      state.trace.push({ step: step.name, decision: 'final', note: r.note, ms });
      state.draft = r.final;
      decided = true;
      break;
    }
    state.trace.push({ step: step.name, decision: 'continue', note: r?.note, ms });
  }
  if (!decided) {
    for (const [i, part] of state.parts.entries()) await runPart(state, part, state.parts.length > 1 ? `#${i + 1}` : '');
    // the message alone is refused: read it as a follow-up of the last question, if it can be one
    const only = state.parts.length === 1 ? state.parts[0]! : null;
    if (only && state.followUpReading && only.draft?.outcome === 'out_of_scope' && !only.draft.menu && !state.rumourMarked) {
      const again = { ...partState(state, state.followUpReading), typed: only.typed };
      await runPart(state, again, '(follow-up)');
      if (again.draft && again.draft.outcome === 'answered') state.parts = [again];
    }
    state.draft = combineParts(state);
  }
  for (const step of LAST_STEPS) {
    const t = performance.now();
    const r = await step.run(state, state);
    state.trace.push({ step: step.name, decision: step === LAST_STEPS[LAST_STEPS.length - 1] ? 'final' : 'continue', note: r?.note, ms: since(t) });
  }
  return state.result!;
}

async function runPart(state: State, part: PartState, label: string): Promise<void> {
  for (const step of PART_STEPS) {
    const t = performance.now();
    const r = await step.run(part, state);
    if (r && r.final) {
      state.trace.push({ step: `${step.name}${label}`, decision: 'final', note: r.note, ms: since(t) });
      part.draft = r.final;
      return;
    }
    state.trace.push({ step: `${step.name}${label}`, decision: 'continue', note: r?.note, ms: since(t) });
  }
}

const since = (t: number) => Math.round((performance.now() - t) * 100) / 100;

/** One reply for a multi-part message: each part's answer in turn, unknown parts named. */
function combineParts(state: State): Draft {
  const drafts = state.parts.map((p) => p.draft!).filter(Boolean);
  if (drafts.length === 1) return drafts[0]!;
  const answered = drafts.filter((d) => d.outcome === 'answered' || d.outcome === 'misconception');
  if (answered.length === 0) {
    // nothing answered: what each part's curated text says (once), then one "where" line
    const texts = [...new Set(drafts.map((d) => d.text.split('\n')[0]!.trim()))];
    const where = drafts[0]!.text.split('\n').slice(1).join('\n');
    return { ...drafts[0]!, text: [...texts, where].filter(Boolean).join('\n') };
  }
  const r = state.lex.data.replies[state.lang];
  // one entry often answers two parts ("thông qua ngày nào, bao nhiêu đại biểu tán thành"): it is
  // said once, and a reply that is one answer is not numbered
  const said = new Set<string>();
  const items: string[] = [];
  const answeredTexts = answered.map((d) => d.text);
  for (const p of state.parts) {
    const d = p.draft!;
    const ok = d.outcome === 'answered' || d.outcome === 'misconception';
    // a part another part's answer already says is not named as unknown beside that answer
    if (!ok && answeredTexts.some((t) => answersPart(state.lex, p, t))) continue;
    const text = ok ? d.text.trim() : r.unknown_part.replace('{part}', (p.typed ?? p.asked).trim().replace(/^(and|và|va|còn|con)\s+/i, ''));
    if (ok && said.has(text)) continue;
    said.add(text);
    items.push(text);
  }
  const lines = items.length === 1 ? items : items.map((t, i) => `${i + 1}) ${t}`);
  const sources: IndexedDocument[] = [];
  for (const d of answered) for (const s of d.sources) if (!sources.includes(s)) sources.push(s);
  const mis = answered.find((d) => d.misconception);
  return {
    text: lines.join('\n'),
    outcome: mis ? 'misconception' : 'answered',
    sources,
    misconception: mis?.misconception ?? null,
    rumour: mis?.rumour,
    confidence: Math.min(...answered.map((d) => d.confidence)),
    topic: answered[0]!.topic,
    passages: answered.flatMap((d) => d.passages ?? []),
  };
}

/**
 * The text answers the part: it holds a value of the part's type and most of the part's own words
 * ("… với 495/496 đại biểu tán thành (khoảng 99,8%)" answers "bn % dbqh tán thành").
 */
export function answersPart(lex: Lexicon, p: Pick<PartState, 'type' | 'text' | 'entities'>, text: string): boolean {
  const kind = p.type?.values;
  if (!kind || kind === 'none' || !holdsValue(kind, text, lex.titleWords)) return false;
  const t = ` ${foldedText(text)} `;
  const own = topicalWords(lex, p.text, p.entities);
  if (own.length === 0) return false;
  const has = (w: string) => t.includes(` ${w} `) || (lex.shorthand.get(w) ?? []).some((e) => t.includes(` ${foldedText(e)} `));
  return own.filter(has).length / own.length >= ANSWERED_ELSEWHERE_SHARE;
}
/** Share of a part's own words that another part's answer must hold to count as answering it. */
const ANSWERED_ELSEWHERE_SHARE = 0.6;

export function readConversation(raw: ConversationState | null | undefined): Conversation | null {
  if (!raw || typeof raw !== 'object' || raw.v !== 1) return null;
  const r = raw as Partial<Conversation>;
  return {
    v: 1,
    question: typeof r.question === 'string' ? r.question : null,
    entities: Array.isArray(r.entities) ? r.entities.filter((e): e is string => typeof e === 'string') : [],
    topic: typeof r.topic === 'string' ? r.topic : null,
    lang: r.lang === 'en' ? 'en' : 'vi',
    menu: Array.isArray(r.menu) ? r.menu.filter((m): m is string => typeof m === 'string') : null,
    at: typeof r.at === 'string' ? r.at : '',
  };
}

// ---------------------------------------------------------------- shared scoring helpers

/** One calibrated confidence in 0..1 from a candidate's features (weights fitted on test/fixtures). */
export function confidenceOf(c: Candidate): number {
  const phrasing = c.unit.role === 'question' || c.unit.role === 'claim';
  const lexical = phrasing ? 0.5 * c.coverage + 0.3 * c.unitCoverage + 0.2 * c.bigramCoverage : 0.75 * c.coverage + 0.25 * c.bigramCoverage;
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
export function stemmedPadded(text: string): string {
  let out = stemCache.get(text);
  if (out === undefined) {
    out = ` ${words(fold(normalize(text))).map(foldKey).join(' ')} `;
    if (stemCache.size > 5000) stemCache.clear();
    stemCache.set(text, out);
  }
  return out;
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
