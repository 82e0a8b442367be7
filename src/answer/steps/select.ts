// Step 7, select and verify: a candidate answers only if
//  - it is grounded (its document speaks to the question's content words, to any off-domain topic
//    and any other place the question names),
//  - it is about the asked entities (every named entity, by any alias; a year meant by "năm nay"),
//  - and the selected sentence(s) hold a value of the asked type ("bao nhiêu km" → a number with a
//    length unit; "năm nào" → a date; "ai" → a person; "ở đâu" → a place).
// Sentences are selected from passages; whole passages are never sent. Two or three close verified
// candidates from different entries → "Bạn muốn hỏi: 1) … 2) …?". Nothing verified → refusal (or
// the rumour-shaped reply when the message passed on a rumour). A one-word topic → overview + menu.
import { sentences } from '../../knowledge/chunk.js';
import type { Candidate, IndexedUnit } from '../../retrieval/knowledge-index.js';
import { mentions } from '../../text/lexicon.js';
import { documentTerms } from '../../text/terms.js';
import { offDomainGroups } from '../../retrieval/knowledge-index.js';
import { confidenceOf, round, type Chosen, type Draft, type PartState, type State, type Step } from '../pipeline.js';
import { refusalText, routeFor } from '../refusal.js';
import type { ValueKindName } from '../assistant-data.js';
import type { CompiledEntity } from '../../text/lexicon.js';
import { aboutAll, contextOf, sentenceHolds, sentenceInfos, splitSentences, type SentenceInfo } from '../sentences.js';
import { saysNotPublished, trimPassage } from '../compose.js';
import { rumourReply } from './claims.js';
import { answerTypeOf, countsNoun, countsNounNear, topicalWords } from '../understand.js';
import { namesPlaceBeyond } from '../values.js';
import type { Lang } from '../types.js';

interface Ranked {
  cand: Candidate;
  conf: number;
  rank: number;
}

/** Answerable units, best first: confidence, a small preference for FAQ entries, fused rank, the asker's language. */
export function rankAnswers(candidates: Candidate[], lang: Lang, numbers: string[], smallNumbers: number[] = [], namesakes: string[] = []): Ranked[] {
  const out: Ranked[] = [];
  for (const cand of candidates.slice(0, 20)) {
    if (cand.unit.role === 'claim') continue;
    const conf = confidenceOf(cand);
    let rank = conf + (cand.unit.doc.kind === 'faq' ? 0.05 : 0) + 2 * cand.rrf;
    const haystack = cand.unit.doc.kind === 'faq' ? cand.unit.doc.foldedAll : cand.unit.folded;
    // numbers in the question (years, article numbers) should be in the answer's text
    for (const n of numbers) if (!haystack.includes(`${n}`)) rank -= 0.1;
    // an entry that tells apart a namesake of the asked entity ("xã Châu Tiến thuộc huyện Quỳ Hợp")
    // is about that namesake as much as about the asked one: other entries first
    if (namesakes.some((n) => haystack.includes(n))) rank -= 0.1;
    // a small number that an entry writes as a Roman numeral ("chu kỳ 3" ↔ "chu kỳ III"): an entry
    // that numbers things that way but not this one is about another of them
    for (const d of smallNumbers) {
      if (haystack.includes(` ${d} `) || haystack.includes(` ${ROMAN[d]} `)) continue;
      if (ROMAN_TOKENS.some((r) => haystack.includes(` ${r} `))) rank -= 0.1;
    }
    if (cand.unit.doc.kind === 'doc' && cand.unit.lang !== lang) rank -= 0.08;
    // an English asker is better served by an English passage than by an FAQ with no English answer
    if (cand.unit.doc.kind === 'faq' && lang === 'en' && !cand.unit.doc.meta.answerEn) rank -= 0.08;
    out.push({ cand, conf, rank });
  }
  return out.sort((a, b) => b.rank - a.rank);
}

/**
 * What identifies a namesake of an entity the question names (entities.yml `namesakes`: "quỳ hợp"
 * for the other xã Châu Tiến), folded and padded, unless the question names it itself.
 */
export function namesakesOf(part: PartState, s: State): string[] {
  const q = ` ${part.q.folded} `;
  const out: string[] = [];
  for (const e of part.entities) {
    for (const n of s.lex.entityById.get(e.id)?.def.namesakes ?? []) {
      const f = ` ${foldTitle(n).trim()} `;
      if (!q.includes(f)) out.push(f);
    }
  }
  return out;
}

const ROMAN = ['', 'i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'];
/** Roman numerals that are not also common words or shorthand once folded ("i", "v" = vậy, "x" = xã). */
const ROMAN_TOKENS = ['ii', 'iii', 'iv', 'vi', 'vii', 'viii', 'ix'];

/** Single-digit numbers in the folded question (1–9). */
export function smallNumbersIn(folded: string): number[] {
  return [...new Set(folded.split(' ').filter((w) => /^[1-9]$/.test(w)).map(Number))];
}

/** Numbers of two or more digits in the question (years, article numbers). */
export function numbersIn(folded: string): string[] {
  return [...new Set(folded.split(' ').filter((w) => /^\d{2,}$/.test(w)))];
}

interface VerifyOptions {
  valueCheck: boolean;
  /** Entities the answer must be about (default: all the part names). */
  entities?: PartState['entities'];
}

/** The verified answer of a candidate, or why it does not answer. */
export function verify(c: Ranked, part: PartState, s: State, opts: VerifyOptions): Chosen | string {
  const t = s.deps.thresholds;
  if (c.conf < t.minConfidence) return `low confidence ${round(c.conf)}`;
  if (c.cand.grounded < t.minGrounded) return `ungrounded ${round(c.cand.grounded)}`;
  if (c.cand.uncoveredOffDomain) return 'off-domain topic not covered';
  if (c.cand.uncoveredPlace) return 'another place';
  const unit = c.cand.unit;
  const doc = unit.doc;
  const scope = doc.kind === 'faq' ? doc.foldedAll : unit.folded;
  const raw = doc.kind === 'faq' ? `${doc.names}\n${doc.body}` : `${doc.title}\n${unit.text}`;
  const entities = whereHeld(opts.entities ?? part.entities, part, s, scope, raw);
  for (const e of entities) {
    if (e.home) continue;
    const ent = s.lex.entityById.get(e.id);
    if (ent && !mentions(ent, scope, raw)) return `not about ${e.id}`;
  }
  // a place the question names ("xã Hùng Chân") that the entry never mentions: it is about another place
  const titled = doc.kind === 'faq' ? scope : ` ${foldTitle(doc.title)} ${scope}`;
  const missing = part.names.find((n) => !titled.includes(` ${n} `));
  if (missing) return `does not mention "${missing}"`;
  // an errand the question names ("đăng ký khai sinh") that the entry never mentions: it is about another errand
  if (part.errand.length && !part.errand.some((e) => titled.includes(e))) return `not about the errand "${part.errand[0]!.trim()}"`;
  // a year or a text the question names ("lễ hội năm 2012", "NĐ 34/2014"), or means ("năm nay"),
  // that the entry never mentions: it speaks of another year or another text, however close its other words
  const literal = [...part.literals.documents, ...part.literals.years].find((l) => !titled.includes(` ${l} `));
  if (literal) return `does not mention "${literal.replace(' ', '/')}"`;
  const en = s.lang === 'en';
  const asked = entities.filter((e) => !e.home).map((e) => s.lex.entityById.get(e.id)).filter((e) => e !== undefined);
  const kind = part.type?.values ?? 'none';
  const valueKind: ValueKindName = opts.valueCheck ? kind : 'none';
  let text: string;
  let foreign = false;
  if (doc.kind === 'faq') {
    if (en && doc.meta.answerEn) text = doc.meta.answerEn;
    else {
      text = doc.body;
      foreign = en;
    }
    // a curated "not published" answer stands in only for questions of its own kind: the unpublished
    // address of the UBND does not answer "when was the commune formed?"
    if (valueKind !== 'none' && saysNotPublished(text, s.lex) && !sameKindAsEntry(part, doc, s)) return `not-published answer to another kind of question`;
    // the value must sit in a sentence about the asked entities (not in one about a neighbour)
    if (valueKind !== 'none' && !saysNotPublished(text, s.lex)) {
      const ok = sentenceInfos(s.lex, unit, text).some((i) => sentenceHolds(s.lex, i, valueKind) && countsAsked(part, valueKind, i.text, s) && aboutAll(i, asked, contextOf(s.lex, unit)));
      // staff wrote this very question: their answer is the answer
      const exact = unit.role === 'question' && c.cand.coverage >= 0.9 && c.cand.unitCoverage >= 0.9;
      if (!ok && !exact) return `no ${kind} value about ${asked.map((e) => e.id).join(',') || 'the question'}`;
    }
  } else {
    const picked = selectSentences(unit, part, s, valueKind, asked);
    if (picked === null) return valueKind === 'none' ? `no sentence about ${asked.map((e) => e.id).join(',')}` : `no ${kind} value about ${asked.map((e) => e.id).join(',') || 'the question'}`;
    text = picked;
    foreign = en && unit.lang !== 'en';
  }
  return { cand: c.cand, conf: c.conf, text, foreign };
}

/**
 * "Where" and "how far" of an event are those of the place it is held at (entities.yml `held_at`):
 * "how far is the Hang Bua festival from Vinh" is answered by how far Hang Bua is.
 */
function whereHeld(entities: PartState['entities'], part: PartState, s: State, scope: string, raw: string): PartState['entities'] {
  const kind = part.type?.values;
  if (kind !== 'place' && kind !== 'distance') return entities;
  return entities.map((e) => {
    const ent = s.lex.entityById.get(e.id);
    const at = ent?.def.held_at;
    const place = at ? s.lex.entityById.get(at) : undefined;
    // an entry on the event itself answers as before; one on its place only stands in for it
    if (!ent || !place || mentions(ent, scope, raw) || !mentions(place, scope, raw)) return e;
    return { id: place.id, cls: place.cls, alias: '', home: place.def.home === true };
  });
}

/**
 * The sentences of a passage that answer: the best-matching ones (trimPassage) when one of them
 * holds a value of the asked kind about the asked entities; else the best-matching sentence that
 * does; null when no sentence does (the passage is about something next to the question).
 */
function selectSentences(unit: IndexedUnit, part: PartState, s: State, kind: ValueKindName, asked: CompiledEntity[]): string | null {
  const trimmed = trimPassage(unit, part.q, (term) => s.index.idf(term));
  const infos = sentenceInfos(s.lex, unit, unit.text);
  const context = contextOf(s.lex, unit);
  // a named place the passage's title does not carry must be in the sentence itself
  const title = ` ${foldTitle(`${unit.doc.title} ${unit.section ?? ''}`)} `;
  const names = part.names.filter((n) => !title.includes(` ${n} `));
  const naming = (i: SentenceInfo) => names.length === 0 || names.every((n) => ` ${foldTitle(i.text)} `.includes(` ${n} `));
  const good = (i: SentenceInfo) => (kind === 'none' || (sentenceHolds(s.lex, i, kind) && countsAsked(part, kind, i.text, s) && naming(i))) && aboutAll(i, asked, context);
  // curated "not published" text is the answer to any question of that kind (the compose step refuses with it)
  if (kind !== 'none' && saysNotPublished(trimmed, s.lex)) return trimmed;
  // the trimmed sentences, without those about something else of the asked kind ("Hoàng Sa …" for Trường Sa)
  const chosen = new Set(splitSentences(trimmed));
  const kept = infos.filter((i) => chosen.has(i.text) && aboutAll(i, asked, context));
  if (kept.some(good)) return kept.length === chosen.size ? trimmed : kept.map((i) => i.text).join('\n');
  const qTerms = new Map<string, number>();
  for (const t of part.q.terms) if (!t.filler) qTerms.set(t.term, Math.max(qTerms.get(t.term) ?? 0, t.weight * s.index.idf(t.term)));
  let best: { text: string; score: number } | null = null;
  for (const info of infos) {
    if (!good(info)) continue;
    const terms = new Set(documentTerms(info.text));
    let score = 0;
    for (const [term, w] of qTerms) if (terms.has(term)) score += w;
    if (score > 0 && (!best || score > best.score)) best = { text: info.text, score };
  }
  return best?.text ?? null;
}

const entryKinds = new WeakMap<object, Set<ValueKindName>>();
/** The question wants the kind of value one of the entry's own phrasings asks for (or they ask none we can tell). */
function sameKindAsEntry(part: PartState, doc: IndexedUnit['doc'], s: State): boolean {
  if (!part.type) return true;
  let kinds = entryKinds.get(doc);
  if (!kinds) {
    kinds = new Set([doc.title, ...doc.names.split('\n')].map((n) => answerTypeOf(s.lex, n)?.values).filter((k): k is ValueKindName => k !== undefined));
    entryKinds.set(doc, kinds);
  }
  return kinds.size === 0 || kinds.has(part.type.values);
}

/** A "how many" answer counts the asked thing ("bao nhiêu người" is not answered by "138 đảo"); a "which province" answer names a province. */
function countsAsked(part: PartState, kind: ValueKindName, sentence: string, s: State): boolean {
  if (kind === 'number') return !part.counted || countsNounNear(sentence, part.counted);
  // …a "xã nào" answer names a xã, or at least no other kind of place ("bản Bua" is a village)
  if (kind === 'place') {
    // …and names a place beyond the question's own names (or says where: "tại", "nằm ở")
    if (!namesPlaceBeyond(sentence, part.q.folded, notPlaceNames(s))) return false;
    return !part.which || countsNoun(sentence, part.which) || !countsNoun(sentence, s.lex.data.questionWords.counted.which.filter((w) => !part.which!.includes(w)));
  }
  return true;
}

const notPlaceCache = new WeakMap<object, ReadonlySet<string>>();
function notPlaceNames(s: State): ReadonlySet<string> {
  const words = s.lex.data.questionWords.named_places.stop;
  let set = notPlaceCache.get(words);
  if (!set) notPlaceCache.set(words, (set = new Set(words)));
  return set;
}

/** The best verified candidate of a part (null when none qualifies). */
export function bestVerified(part: PartState, s: State, opts: VerifyOptions = { valueCheck: true }): Chosen | null {
  const ranked = rankAnswers(part.candidates, s.lang, numbersIn(part.q.folded), smallNumbersIn(part.q.folded), namesakesOf(part, s));
  for (const r of ranked) {
    const v = verify(r, part, s, opts);
    if (typeof v !== 'string') return v;
  }
  return null;
}

export const selectStep: Step<PartState> = {
  name: 'select',
  run(part, s) {
    if (s.topicOnly && s.parts.length === 1) {
      const overview = topicOverview(part, s);
      if (overview) return { final: overview, note: `overview of ${s.topicOnly.id}` };
    }
    const ranked = rankAnswers(part.candidates, s.lang, numbersIn(part.q.folded), smallNumbersIn(part.q.folded), namesakesOf(part, s));
    s.retrieved = retrievedFrom(ranked, s.lang);
    const verified: Array<Chosen & { rank: number }> = [];
    const rejected: string[] = [];
    for (const r of ranked) {
      const v = verify(r, part, s, { valueCheck: true });
      if (typeof v === 'string') {
        if (rejected.length < 3 || process.env.ANSWER_DEBUG) rejected.push(`${r.cand.unit.doc.id}: ${v}`);
        continue;
      }
      if (verified.some((x) => x.cand.unit.doc.id === v.cand.unit.doc.id)) continue;
      verified.push({ ...v, rank: r.rank });
      if (verified.length === 3) break;
    }
    const top = verified[0];
    if (!top) {
      const draft = s.rumourMarked ? rumourReply(s, part, 'unverified', null) : refusal(part, s, ranked[0]?.cand.unit.doc.topic ?? null, ranked[0]?.conf ?? 0);
      return { final: draft, note: `nothing verified (${rejected.join('; ') || 'no candidates'})` };
    }
    const close = verified.filter((v, i) => i > 0 && v.rank >= top.rank - s.deps.thresholds.clarifyMargin);
    if (close.length && top.conf < s.deps.thresholds.clarifyBelow) {
      // a menu offers only entries that share something the question asks about besides its entity
      // ("chỗ ăn uống gần đó" is not answered by "cách biên giới Lào bao xa" or "có homestay không")
      const asked = topicalWords(s.lex, part.text, part.entities).filter((w) => !/^\d+$/.test(w));
      const relevant = (o: Chosen) => asked.length === 0 || asked.some((w) => ` ${foldTitle(menuLabel(o.cand.unit, s.lang, s.lex))} `.includes(` ${w} `));
      const options = [top, ...close].filter(relevant).slice(0, 3);
      // fewer than two relevant: no menu to offer, and a low-confidence answer among close neighbours
      // is as likely a neighbouring passage: an honest refusal
      if (options.length < 2) {
        const draft = s.rumourMarked ? rumourReply(s, part, 'unverified', null) : refusal(part, s, top.cand.unit.doc.topic, top.conf);
        return { final: draft, note: `close candidates, ${options.length ? 'one' : 'none'} about "${asked.join(' ')}" (${[top, ...close].map((o) => o.cand.unit.doc.id).join(', ')})` };
      }
      const labels = options.map((o) => menuLabel(o.cand.unit, s.lang, s.lex));
      if (new Set(labels).size === labels.length) {
        const r = s.lex.data.replies[s.lang];
        const list = labels.map((l, i) => `${i + 1}) ${l.replace(/[?.]+$/, '')}`).join(' ');
        const text = (labels.length === 2 ? r.clarify_two : r.clarify).replace('{options}', list);
        return {
          final: { text, outcome: 'out_of_scope', sources: [], misconception: null, confidence: round(top.conf), topic: top.cand.unit.doc.topic, menu: labels },
          note: `clarify between ${options.map((o) => o.cand.unit.doc.id).join(', ')}`,
        };
      }
    }
    part.chosen = top;
    return { note: `${top.cand.unit.doc.id} (${round(top.conf)})${rejected.length ? `; rejected ${rejected.join('; ')}` : ''}` };
  },
};

function refusal(part: PartState, s: State, topic: string | null, conf: number): Draft {
  const off = offDomainGroups(part.q, s.lex);
  const offTopic = off.size ? [...off.values()][0]! : null;
  const entityTopic = part.entities.map((e) => s.lex.entityById.get(e.id)?.def.topic).find((t) => t);
  const route = routeFor(s.lex, offTopic, entityTopic ?? topic, part.text);
  return { text: refusalText(s.lex, s.lang, route), outcome: 'out_of_scope', sources: [], misconception: null, confidence: round(Math.min(conf, 1)), topic: null };
}

/** How a menu names an entry: an FAQ by its question (in the asker's language), a passage by its document and section. */
function menuLabel(unit: IndexedUnit, lang: Lang, lex: State['lex']): string {
  const doc = unit.doc;
  if (doc.kind === 'faq') {
    if (lang === 'en') {
      // an English phrasing, written as a question (capital first, or a question mark), not a folded Vietnamese one
      const enQ = doc.names.split('\n').find((n) => /^[\x20-\x7e’]+$/.test(n.trim()) && n.trim().split(/\s+/).length >= 3 && (/^[A-Z]/.test(n.trim()) || /\?$/.test(n.trim())) && isEnglishish(n, lex));
      if (enQ) return enQ.trim();
    }
    return doc.title;
  }
  return unit.section ? `${doc.title}: ${unit.section}` : doc.title;
}

/** Most words of the line are English words (language.yml), not a Vietnamese phrasing typed without marks. */
function isEnglishish(line: string, lex: State['lex']): boolean {
  const ws = line.toLowerCase().match(/[a-z]+/g) ?? [];
  const english = new Set(lex.data.language.english_words);
  return ws.length > 0 && ws.filter((w) => english.has(w)).length / ws.length >= 0.3;
}

/** A one-word topic message: two sentences about the entity and a menu of up to three questions on it. */
function topicOverview(part: PartState, s: State): Draft | null {
  const ent = s.lex.entityById.get(s.topicOnly!.id);
  if (!ent) return null;
  const lang = s.lang;
  const about = (u: IndexedUnit) => mentions(ent, ` ${u.doc.title.toLowerCase()} `) || mentions(ent, u.doc.kind === 'faq' ? u.doc.foldedAll : u.folded);
  const titleAbout = (u: IndexedUnit) => mentions(ent, ` ${foldTitle(u.doc.title)} `);
  // overview: the best passage of a document about the entity, in the asker's language if possible,
  // that names the entity itself (a document on Hoàng Sa and Trường Sa also has passages on UNCLOS)
  const titled = s.index.units.filter((u) => u.role === 'passage' && titleAbout(u));
  const inLang = titled.filter((u) => u.lang === lang).length ? titled.filter((u) => u.lang === lang) : titled;
  const naming = inLang.filter((u) => mentions(ent, ` ${foldTitle(u.text)} `));
  const pool = naming.length ? naming : inLang;
  const ranked = part.candidates.filter((c) => c.unit.role === 'passage' && pool.includes(c.unit));
  const unit = ranked[0]?.unit ?? pool.sort((a, b) => a.ord - b.ord)[0] ?? part.candidates.find((c) => about(c.unit) && c.unit.role !== 'claim')?.unit;
  if (!unit) return null;
  const text = unit.doc.kind === 'faq' ? (lang === 'en' && unit.doc.meta.answerEn ? unit.doc.meta.answerEn : unit.doc.body) : unit.text;
  // two sentences, from the first that names the entity ("Từ ngày 01/7/2025, các huyện đảo…" opens
  // a passage on Hoàng Sa without naming it)
  const all = text.split('\n').flatMap((l) => sentences(l)).map((x) => x.trim()).filter(Boolean);
  const from = Math.max(0, all.findIndex((x) => mentions(ent, ` ${foldTitle(x)} `)));
  const two = all.slice(from, from + 2).join(' ');
  const seen = new Set<string>();
  const menu: string[] = [];
  for (const c of part.candidates) {
    const d = c.unit.doc;
    if (d.kind !== 'faq' || seen.has(d.id) || !titleAbout(c.unit)) continue;
    seen.add(d.id);
    const label = menuLabel(c.unit, lang, s.lex);
    // an English menu offers the entries that can be asked in English
    if (lang === 'en' && !isEnglishish(label, s.lex)) continue;
    menu.push(label);
    if (menu.length === 3) break;
  }
  const r = s.lex.data.replies[lang];
  const list = menu.map((l, i) => `${i + 1}) ${l.replace(/[?.]+$/, '')}`).join(' ');
  const body = menu.length ? `${two}\n${r.overview_menu.replace('{options}', list)}` : two;
  return {
    text: body,
    outcome: 'answered',
    sources: [unit.doc],
    misconception: null,
    confidence: round(ranked[0] ? confidenceOf(ranked[0]) : 0.5),
    topic: unit.doc.topic,
    passages: [text],
    menu: menu.length ? menu : undefined,
  };
}

function foldTitle(t: string): string {
  return t
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ');
}

/** What the evaluation and the dashboard see as "retrieved": the answer text of the best distinct entries. */
function retrievedFrom(ranked: Ranked[], lang: Lang) {
  const seen = new Set<string>();
  const out = [];
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
