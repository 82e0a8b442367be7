// Sentence-level facts for verification: which entities each sentence of an answer text names, and
// whether it holds a value of a kind. Computed once per (unit, text) and kept for the engine's life
// (the index's units live as long as the engine), so verifying a candidate costs lookups, not scans.
import { sentences } from '../knowledge/chunk.js';
import type { IndexedUnit } from '../retrieval/knowledge-index.js';
import { findEntities, type CompiledEntity, type Lexicon } from '../text/lexicon.js';
import type { ValueKindName } from './assistant-data.js';
import { holdsValue } from './values.js';

export interface SentenceInfo {
  text: string;
  /** Ids of the non-home entities the sentence names. */
  entities: ReadonlySet<string>;
  /** Their classes. */
  classes: ReadonlySet<string>;
  classOf: ReadonlyMap<string, string>;
  /** holdsValue by kind, filled on first use. */
  values: Map<ValueKindName, boolean>;
}

// keyed by the unit (a passage) or the document (an FAQ's answer is shared by its phrasings)
const cache = new WeakMap<object, Map<string, SentenceInfo[]>>();

/** The sentences (and list lines) of a text, split like the composer splits them. */
export function splitSentences(text: string): string[] {
  return text
    .split('\n')
    .flatMap((l) => sentences(l).map((x) => x.trim()))
    .filter(Boolean);
}

/** The sentences of one of a unit's texts (its passage, its FAQ answer, its English answer), with their entities. */
export function sentenceInfos(lex: Lexicon, unit: IndexedUnit, text: string): SentenceInfo[] {
  const key: object = unit.doc.kind === 'faq' ? unit.doc : unit;
  let byText = cache.get(key);
  if (!byText) {
    byText = new Map();
    cache.set(key, byText);
  }
  let infos = byText.get(text);
  if (!infos) {
    infos = splitSentences(text).map((t) => infoOf(lex, t));
    byText.set(text, infos);
  }
  return infos;
}

export function infoOf(lex: Lexicon, text: string): SentenceInfo {
  const found = findEntities(lex, text).filter((f) => f.entity.def.home !== true);
  return {
    text,
    entities: new Set(found.map((f) => f.entity.id)),
    classes: new Set(found.map((f) => f.entity.cls)),
    classOf: new Map(found.map((f) => [f.entity.id, f.entity.cls])),
    values: new Map(),
  };
}

export function sentenceHolds(lex: Lexicon, info: SentenceInfo, kind: ValueKindName): boolean {
  let v = info.values.get(kind);
  if (v === undefined) {
    v = holdsValue(kind, info.text, lex.titleWords);
    info.values.set(kind, v);
  }
  return v;
}

/**
 * Is the sentence about the entity? It names it; or it names no other entity of the same class
 * (its subject then comes from its context: the document, the section, the FAQ question, which the
 * candidate check already matched). "Lãnh hải rộng 12 hải lý" is not about the exclusive economic zone.
 */
export function sentenceAbout(info: SentenceInfo, entity: CompiledEntity, context?: SentenceInfo): boolean {
  if (info.entities.has(entity.id)) return true;
  if (info.classes.has(entity.cls)) return false;
  // the subject comes from the context: a title about another thing of the class ("Hoàng Sa thuộc đâu?") is not about this one
  // …and a context that names several things of the class (a section on Hoàng Sa and Trường Sa)
  // leaves the sentence's subject open: it must name the entity itself
  if (!context || !context.classes.has(entity.cls)) return true;
  return context.entities.has(entity.id) && ![...context.entities].some((id) => id !== entity.id && context.classOf.get(id) === entity.cls);
}

export function aboutAll(info: SentenceInfo, entities: readonly CompiledEntity[], context?: SentenceInfo): boolean {
  return entities.every((e) => sentenceAbout(info, e, context));
}

const contextCache = new WeakMap<IndexedUnit, SentenceInfo>();
/** What a unit's sentences are about when they do not say: its document title and section. */
export function contextOf(lex: Lexicon, unit: IndexedUnit): SentenceInfo {
  let c = contextCache.get(unit);
  if (!c) {
    c = infoOf(lex, unit.doc.kind === 'faq' ? unit.doc.title : `${unit.doc.title}. ${unit.section ?? ''}`);
    contextCache.set(unit, c);
  }
  return c;
}
