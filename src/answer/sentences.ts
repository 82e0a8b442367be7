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
  return { text, entities: new Set(found.map((f) => f.entity.id)), classes: new Set(found.map((f) => f.entity.cls)), values: new Map() };
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
export function sentenceAbout(info: SentenceInfo, entity: CompiledEntity): boolean {
  return info.entities.has(entity.id) || !info.classes.has(entity.cls);
}

export function aboutAll(info: SentenceInfo, entities: readonly CompiledEntity[]): boolean {
  return entities.every((e) => sentenceAbout(info, e));
}
