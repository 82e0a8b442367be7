// Understanding a message: what kind of answer it wants, which entities it names, which year it
// means ("năm nay" against today), whether it continues the last question, and its parts when it
// asks several things. Mechanisms only; the words come from knowledge/_assistant/question-words.yml
// and entities.yml through the lexicon.
import type { AnswerTypeName, ValueKindName } from './assistant-data.js';
import { findEntities, type CompiledEntity, type Lexicon } from '../text/lexicon.js';
import { normalize, safeNFC, words } from '../text/normalize.js';
import { foldedText, normalizedText } from '../text/keys.js';
import { measuredBy } from './values.js';

export interface AnswerType {
  type: AnswerTypeName;
  values: ValueKindName;
  phrase: string;
}

export interface NamedEntity {
  id: string;
  cls: string;
  alias: string;
  home: boolean;
}

const pad = (s: string) => ` ${s} `;
const folded = foldedText;

/** The answer type of a question (null: no question word: a statement, a topic, a bare noun phrase). */
export function answerTypeOf(lex: Lexicon, text: string): AnswerType | null {
  const f = pad(folded(text));
  // chat shorthand read as its first (main) meaning: "năm bn" asks "năm bao nhiêu", "mấy h" "mấy giờ"
  const g = spelledOut(lex, f);
  for (const rule of lex.answerTypes) {
    const phrase = rule.phrases.find((p) => f.includes(p) || g.includes(p));
    if (phrase) return { type: rule.type, values: rule.values, phrase: phrase.trim() };
  }
  // "có … không" / "có … chưa": the Vietnamese yes/no frame around any predicate, before the
  // particles that close a chat message ("có mất vé ko ad", "… không vậy")
  const e = withoutClosingParticles(lex, g);
  if (/ co .* (khong|chua) $/.test(e) || / (khong|chua) $/.test(e)) return { type: 'yesno', values: 'none', phrase: 'co khong' };
  return null;
}

/** The folded, padded text with each shorthand token replaced by its first expansion. */
function spelledOut(lex: Lexicon, f: string): string {
  const ws = f.trim().split(' ');
  if (!ws.some((w) => lex.shorthand.has(w))) return f;
  return pad(ws.map((w) => (lex.shorthand.has(w) ? folded(lex.shorthand.get(w)![0]!) : w)).join(' '));
}

/** Without the particles a chat message ends on ("ad", "ạ", "nhé", "vậy", question-words.yml `closing_particles`). */
function withoutClosingParticles(lex: Lexicon, f: string): string {
  const closing = new Set(lex.data.questionWords.closing_particles.map((p) => folded(p)));
  const ws = f.trim().split(' ');
  while (ws.length > 1 && closing.has(ws[ws.length - 1]!)) ws.pop();
  return pad(ws.join(' '));
}

export function entitiesIn(lex: Lexicon, text: string): NamedEntity[] {
  return findEntities(lex, text).map(({ entity, alias }) => ({ id: entity.id, cls: entity.cls, alias, home: entity.def.home === true }));
}

export interface TimeResolution {
  /** The question with the time phrase replaced by the year it means ("năm nay" → "năm 2026"). */
  text: string;
  year: number | null;
  phrase: string | null;
}

/** Resolves "năm nay", "this year", "năm sau", "sắp tới" against today's date. */
export function resolveTime(lex: Lexicon, text: string, now: Date): TimeResolution {
  const f = pad(folded(text));
  const y = now.getUTCFullYear();
  const tw = lex.data.questionWords.time_words;
  const table: Array<[string[], number]> = [
    [tw.this_year, y],
    [tw.next_year, y + 1],
    [tw.last_year, y - 1],
    [tw.upcoming, y],
  ];
  for (const [phrases, year] of table) {
    const p = [...phrases].sort((a, b) => b.length - a.length).find((ph) => f.includes(pad(folded(ph))));
    if (p) {
      // keep the typed words and add the year: retrieval then sees "2026" beside "năm nay"
      return { text: `${text} ${year}`, year, phrase: p };
    }
  }
  return { text, year: null, phrase: null };
}

/** Words of the message that are not fillers, question words or entity aliases. */
export function topicalWords(lex: Lexicon, text: string, ents: NamedEntity[]): string[] {
  let f = pad(folded(text));
  for (const e of ents) if (e.alias) f = f.split(pad(e.alias)).join(' ');
  for (const p of lex.questionPhrases) f = f.split(pad(p.join(' '))).join(' ');
  return words(f).filter((w) => !lex.fillers.has(w) && !lex.smalltalkFillers.has(w));
}

/**
 * The thing a "how many" question counts ("bao nhiêu người" → người, "how many islands" → islands),
 * with its synonyms, as folded words; null when the question counts nothing named (a unit, or no
 * noun follows).
 */
export function countedNoun(lex: Lexicon, text: string): string[] | null {
  const c = lex.data.questionWords.counted;
  if (!c.after.length) return null;
  const ws = folded(text).split(' ').filter(Boolean);
  const skip = new Set(c.skip);
  for (const a of c.after) {
    const aw = a.split(' ');
    for (let i = 0; i + aw.length < ws.length; i++) {
      if (!aw.every((w, k) => ws[i + k] === w)) continue;
      const next = ws[i + aw.length]!;
      // listed things first ("người" is also a filler word)
      const syn = synonymsOf(c.synonyms, next);
      if (syn) return syn;
      if (skip.has(next) || lex.fillers.has(next) || /^\d/.test(next)) continue;
      // chat shorthand counts what it stands for: "bn dbqh" counts "đại biểu (quốc hội)"
      const acronym = lex.acronymsByShort.get(next);
      const spelled = [...(lex.shorthand.get(next) ?? []), ...(acronym ? [acronym] : [])].map((e) => folded(e)).flatMap((e) => [e, e.split(' ').slice(0, 2).join(' ')]);
      return [...new Set([next, next.replace(/s$/, ''), ...spelled])];
    }
  }
  return null;
}

/** A word with every word listed with it (as key or in the list), or null when it is not listed. */
function synonymsOf(synonyms: Record<string, string[]>, word: string): string[] | null {
  const forms = [word, word.replace(/s$/, '')];
  const out = new Set<string>();
  for (const [k, v] of Object.entries(synonyms)) if (forms.includes(k) || v.some((x) => forms.includes(x))) [k, ...v].forEach((x) => out.add(x));
  return out.size ? [word, ...out] : null;
}

/** Years and document numbers a question names literally, folded as the index folds text. */
export interface Literals {
  /** "năm 2012", "in 1982" → "2012", "1982" (years inside a document number are not listed here) */
  years: string[];
  /** "NĐ 34/2014/NĐ-CP", "Luật 06/2003" → "34 2014", "06 2003" */
  documents: string[];
}

/**
 * Literal years and document numbers in a question. They pin what is asked: an entry that never
 * mentions "2012" does not answer "lễ hội năm 2012", however close its other words. A number before
 * "/yyyy" is a document number when it cannot be a month (above 12) or when a text code follows
 * ("34/2014/NĐ-CP"); "tháng 12/1982" stays a plain year.
 */
export function literalsIn(text: string, lex?: Lexicon): Literals {
  const plain = safeNFC(text);
  const documents: string[] = [];
  const inDocuments = new Set<string>();
  for (const m of plain.matchAll(/(?<![\d/.])(\d{1,4})\s?\/\s?((?:1[89]|20)\d\d)(?![\d.])(\s?\/\s?\p{L})?/gu)) {
    const num = m[1]!;
    if (Number(num) <= 12 && !m[3]) continue;
    documents.push(`${num} ${m[2]}`);
    inDocuments.add(m[2]!);
  }
  const ws = words(normalize(plain));
  const self = aboutTheAsker(lex, ws);
  const years = [...new Set(ws.filter((w, i) => /^(?:1[5-9]|20)\d\d$/.test(w) && !self.has(i)))].filter((y) => !inDocuments.has(y) || countOf(plain, y) > 1);
  return { years, documents: [...new Set(documents)] };
}

/**
 * Positions of the words that speak of the asker ("tôi sinh năm 1990", "con em 2019 mới sinh", "I was
 * born in 1990"): a year within a few words after a word for oneself and a verb about oneself
 * (question-words.yml `self_words`) tells who asks, not what is asked, and pins nothing; "cho em hỏi
 * năm 2025 …" still pins 2025.
 */
function aboutTheAsker(lex: Lexicon | undefined, ws: string[]): Set<number> {
  const out = new Set<number>();
  const sw = lex?.data.questionWords.self_words;
  if (!sw || !sw.words.length) return out;
  const self = new Set(sw.words.map((w) => folded(w)));
  const verbs = new Set(sw.verbs.map((w) => folded(w)));
  const f = ws.map((w) => folded(w));
  f.forEach((w, i) => {
    if (!/^\d{4}$/.test(w)) return;
    // "tôi sinh năm 1990": a word for oneself, then a verb that tells about oneself, then the year
    const from = Math.max(0, i - sw.window);
    const who = f.slice(from, i).findIndex((x) => self.has(x));
    if (who >= 0 && f.slice(from + who + 1, i).some((x) => verbs.has(x))) out.add(i);
  });
  return out;
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The kind of place a "which" question asks for ("xã nào" → xã, "which province" → province), with synonyms; or null. */
export function whichNoun(lex: Lexicon, text: string): string[] | null {
  const c = lex.data.questionWords.counted;
  const f = pad(folded(text));
  for (const w of [...c.which].sort((a, b) => b.length - a.length)) {
    if (f.includes(pad(`${w} nao`)) || f.includes(pad(`which ${w}`)) || f.includes(pad(`what ${w}`))) return [...new Set([w, ...(c.synonyms[w] ?? [])])];
  }
  return null;
}

/**
 * Names the question gives after a kind of place ("xã Hùng Chân" → "hung chan") or, in English,
 * before one ("Hung Chan commune"), folded. Heads are matched with their marks when the question has
 * marks; without marks only the heads that are not also common words.
 */
export function namedPlaces(lex: Lexicon, text: string): string[] {
  const np = lex.data.questionWords.named_places;
  const raw = normalize(text).split(' ').filter(Boolean);
  const f = raw.map((w) => folded(w));
  const marked = raw.some((w, i) => w !== f[i]);
  const stop = new Set(np.stop);
  const isName = (w: string | undefined) => w !== undefined && !stop.has(w) && !lex.fillers.has(w) && !/^\d/.test(w);
  const out = new Set<string>();
  const heads = (marked ? np.marked.map((h) => normalizedText(h).split(' ')) : np.unmarked.map((h) => folded(h).split(' '))).sort((a, b) => b.length - a.length);
  const view = marked ? raw : f;
  // in a question typed with marks, a name is written with a capital ("xã Hùng Chân", not "của xã triển khai")
  const typedWords = safeNFC(text).replace(/[^\p{L}\p{N}\u0300-\u036f]+/gu, ' ').trim().split(/\s+/);
  const capitalised = (j: number) => !marked || (typedWords.length === raw.length && /^\p{Lu}/u.test(typedWords[j] ?? ''));
  for (let i = 0; i < view.length; i++) {
    const head = heads.find((h) => h.every((w, k) => view[i + k] === w));
    if (!head) continue;
    const j = i + head.length;
    if (!isName(f[j]) || !capitalised(j)) continue;
    // one word: "xã Hùng Chân" → "hung" (a second word is as often the verb: "Hang Bua thường …")
    out.add(f[j]!);
    i = j;
  }
  // English: "Hung Chan commune": one or two capitalised words before the kind of place
  const typed = safeNFC(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(/\s+/);
  const tails = np.en_tails.map((t) => folded(t).split(' '));
  for (let i = 1; i < typed.length; i++) {
    const ft = typed.map((w) => folded(w));
    if (!tails.some((t) => t.every((w, k) => ft[i + k] === w))) continue;
    const cap = (w: string | undefined) => w !== undefined && /^\p{Lu}/u.test(w) && isName(folded(w));
    if (!cap(typed[i - 1])) continue;
    out.add(cap(typed[i - 2]) && i >= 2 ? ft[i - 2]! : ft[i - 1]!);
  }
  return [...out];
}

/** Does a sentence count that thing (a folded word or phrase of the list, singular or plural)? */
export function countsNoun(sentence: string, noun: readonly string[]): boolean {
  const f = pad(folded(sentence));
  return noun.some((n) => f.includes(pad(n)) || f.includes(pad(`${n}s`)));
}

/**
 * Does a sentence count that thing: a number with the noun right after it ("5.482 người", "138 đảo,
 * đá", "52 màu") or just before it ("dân số là 5.482")? "Trường Sa có 11 đảo có người" names people
 * but counts islands.
 */
export function countsNounNear(sentence: string, noun: readonly string[]): boolean {
  // a comma between nouns is a coordination, read as "và" ("64 cán bộ, chiến sĩ" counts the chiến sĩ)
  const ws = folded(sentence.replace(/(\d)[.,](?=\d)/g, '$1').replace(/(\p{L}),\s*(?=\p{L})/gu, '$1 và ')).split(' ').filter(Boolean);
  // a number with a unit of length or area measures something ("đảo lớn nhất rộng 0,6 km²"): not a count
  // ("0,6km²" written together: the unit is the token's own tail)
  const counts = (j: number) => j >= 0 && j < ws.length && /^\d/.test(ws[j]!);
  const measures = (j: number) => measuredBy([ws[j]!.replace(/^\d+/, ''), ...ws.slice(j + 1, j + 3)].join(' ').trim());
  for (const n of noun) {
    for (const form of [n, `${n}s`]) {
      // …unless the asked thing is the unit itself ("bao nhiêu km²": "1.058 km²")
      const num = measuredBy(form) ? counts : (j: number) => counts(j) && !measures(j);
      const nw = form.split(' ');
      for (let i = 0; i + nw.length <= ws.length; i++) {
        if (!nw.every((w, k) => ws[i + k] === w)) continue;
        if ([1, 2].some((d) => num(i - d))) return true;
        // …or before a list that ends with the noun ("64 cán bộ và chiến sĩ"), not before a verb ("11 đảo có người")
        if ([3, 4].some((d) => num(i - d) && ws.slice(i - d + 1, i).includes('va'))) return true;
        if ([1, 2, 3, 4].some((d) => num(i + nw.length - 1 + d))) return true;
      }
    }
  }
  return false;
}

/** A bare menu choice: "1", "2.", "số 2", "câu 1", "option 3". */
export function menuChoice(text: string): number | null {
  const m = folded(text).trim().match(/^(?:so|cau|y|muc|chon|option|number|no)?\s*([1-9])\s*(?:a|nhe|nha|ad)?$/);
  return m ? Number(m[1]) : null;
}

export interface FollowUpShape {
  opener: boolean;
  closer: boolean;
  pronoun: boolean;
}

export function followUpShape(lex: Lexicon, text: string): FollowUpShape {
  const f = pad(folded(text));
  const fu = lex.data.questionWords.follow_up;
  const startsWith = (p: string) => f.startsWith(pad(folded(p)));
  const endsWith = (p: string) => f.endsWith(pad(folded(p)));
  return {
    opener: fu.openers.some(startsWith),
    closer: fu.closers.some(endsWith),
    pronoun: fu.pronouns.some((p) => f.includes(pad(folded(p)))),
  };
}

/**
 * The last question with this message's entities in place of the ones it was about: "Lãnh hải rộng
 * bao nhiêu?" + "còn vùng đặc quyền kinh tế thì sao?" → "vùng đặc quyền kinh tế rộng bao nhiêu". A new
 * entity replaces the last question's entity of its class (the last one named, when there are
 * several), else the last question's main (non-home) entity: the follow-up moves the question to
 * another thing, it does not ask about both. The new entity goes in by its name in `lang`, the
 * language of the message.
 */
export function substituteEntities(lex: Lexicon, lastQuestion: string, next: NamedEntity[], lang: 'vi' | 'en' = 'vi'): string {
  let q = pad(folded(lastQuestion));
  const last = entitiesIn(lex, lastQuestion).filter((l) => l.alias);
  const replaced = new Set<string>();
  const added: string[] = [];
  const lastPos = (e: NamedEntity) => q.lastIndexOf(pad(e.alias));
  for (const e of next) {
    if (last.some((l) => l.id === e.id)) continue;
    // the name in the message's language: "what about cambodia?" after an English question asks about
    // "cambodia", not "campuchia" (a Vietnamese name inside an English question matches neither
    // language's phrasings well and ends in a menu)
    const name = folded(entityName(lex.entityById.get(e.id), lang) || entityName(lex.entityById.get(e.id), 'vi'));
    const free = last.filter((l) => !replaced.has(l.id) && q.includes(pad(l.alias)));
    const sameClass = free.filter((l) => l.cls === e.cls).sort((a, b) => lastPos(b) - lastPos(a));
    const main = free.filter((l) => !l.home).sort((a, b) => lastPos(b) - lastPos(a));
    const target = sameClass[0] ?? main[0];
    if (target) {
      q = q.split(pad(target.alias)).join(pad(name));
      replaced.add(target.id);
    } else added.push(name);
  }
  return `${q.trim()} ${added.join(' ')}`.trim();
}

/** The message without its follow-up openers and closers ("còn … thì sao"). */
export function withoutFollowUpWords(lex: Lexicon, text: string): string {
  let f = pad(folded(text));
  const fu = lex.data.questionWords.follow_up;
  for (const p of [...fu.openers].map((x) => pad(folded(x))).sort((a, b) => b.length - a.length)) if (f.startsWith(p)) f = ` ${f.slice(p.length)}`;
  for (const p of [...fu.closers].map((x) => pad(folded(x))).sort((a, b) => b.length - a.length)) if (f.endsWith(p)) f = `${f.slice(0, f.length - p.length)} `;
  return f.trim();
}

export function entityName(e: CompiledEntity | undefined, lang: 'vi' | 'en'): string {
  if (!e) return '';
  return lang === 'en' ? e.def.name_en : e.def.name;
}

/**
 * The parts of a message that asks several things ("hang bua mở cửa mấy giờ, có mất phí không, gửi
 * xe ở đâu"): split at question marks, line breaks and semicolons, then at commas and joiners
 * ("và", "and") when both sides ask something of their own. At most `max` parts.
 */
export function splitParts(lex: Lexicon, text: string): string[] {
  const max = lex.data.questionWords.parts.max;
  const pieces = text
    .split(/\?+|\n+|;/)
    .map((s) => s.trim())
    .filter((s) => words(normalize(s)).length > 0);
  const out: string[] = [];
  for (const piece of pieces) {
    const commas = piece.split(/,\s*/).map((s) => s.trim()).filter(Boolean);
    let acc = '';
    for (const c of commas) {
      if (acc && asksSomething(lex, acc) && asksSomething(lex, c)) {
        out.push(acc);
        acc = c;
      } else acc = acc ? `${acc}, ${c}` : c;
    }
    if (acc) out.push(...splitAtJoiners(lex, acc));
  }
  const merged = out.filter((p) => words(normalize(p)).length > 0);
  if (merged.length <= 1) return [text];
  // a fragment that asks nothing ("ad ơi", "cho mình hỏi") joins the next part; a statement that no
  // "?" closes ("planning a day trip 🚐", "bọn mình đi xe máy") is context, not a question: it is
  // left out of the parts, so that it is neither named as unknown nor diluting the question's words
  const closedByQuestionMark = (p: string) => {
    const at = text.indexOf(p);
    return at < 0 || /^\s*\?/.test(text.slice(at + p.length));
  };
  const parts: string[] = [];
  let carry = '';
  let dropped = false;
  for (const p of merged) {
    const ents = entitiesIn(lex, p);
    if (!asksSomething(lex, p) && topicalWords(lex, p, ents).length === 0 && ents.length === 0) carry += `${p} `;
    else if (!asksSomething(lex, p) && !closedByQuestionMark(p) && merged.some((o) => o !== p && asksSomething(lex, o))) dropped = true;
    else {
      parts.push(`${carry}${p}`.trim());
      carry = '';
    }
  }
  if (carry && parts.length) parts[parts.length - 1] += ` ${carry.trim()}`;
  if (dropped && parts.length === 1) return parts;
  return parts.length <= 1 ? [text] : parts.slice(0, max);
}

function splitAtJoiners(lex: Lexicon, text: string): string[] {
  const f = folded(text).split(' ');
  const raw = normalizeKeepCase(text);
  if (raw.length !== f.length) return [text];
  for (const j of lex.data.questionWords.parts.joiners) {
    const jw = folded(j).split(' ');
    for (let i = 1; i + jw.length < f.length; i++) {
      if (!jw.every((w, k) => f[i + k] === w)) continue;
      const left = raw.slice(0, i).join(' ');
      const right = raw.slice(i + jw.length).join(' ');
      if (answerTypeOf(lex, left) && answerTypeOf(lex, right) && words(normalize(right)).length >= 2) return [left, ...splitAtJoiners(lex, right)];
    }
  }
  return [text];
}

/** The message's words as typed (case and marks kept), split like normalize() splits them. */
function normalizeKeepCase(text: string): string[] {
  return safeNFC(text)
    .replace(/[^\p{L}\p{N}\u0300-\u036f]+/gu, ' ')
    .trim()
    .split(/\s+/);
}

function asksSomething(lex: Lexicon, text: string): boolean {
  return answerTypeOf(lex, text) !== null;
}
