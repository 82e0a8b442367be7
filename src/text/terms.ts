// Matching terms of a text: two lexical views of every syllable plus syllable bigrams of both
// (reference/vietnamese-text.md §2.3, §6):
//   "a:<toneKey>"   accented view, tone-placement free, i/y merged  (precision)
//   "f:<folded>"    folded view, no marks, đ → d, i/y merged        (recall for unaccented typing)
//   "A:<k1>_<k2>"   bigram of the accented view; "F:<f1>_<f2>" bigram of the folded view
// Documents get all four. Questions typed without any diacritic get only the folded views (their
// accented keys would only ever hit genuinely unaccented words, e.g. "ban" but never "bản").
import { accentKey, foldedText, foldKey, normalizedText } from './keys.js';
import { defaultLexicon, type Lexicon } from './lexicon.js';
import { fold, hasDiacritics, normalize, toneKey, words } from './normalize.js';

export { accentKey, englishStem, foldKey } from './keys.js';

const ROMAN = ['', 'i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii', 'xiii', 'xiv', 'xv'];

/** Terms of a document text (with repeats: term frequency matters). */
export function documentTerms(text: string): string[] {
  const ws = words(normalize(text));
  const out: string[] = [];
  let prevA = '';
  let prevF = '';
  for (const w of ws) {
    const a = accentKey(w);
    const f = foldKey(w);
    out.push('a:' + a, 'f:' + f);
    if (prevA) out.push(`A:${prevA}_${a}`, `F:${prevF}_${f}`);
    prevA = a;
    prevF = f;
  }
  return out;
}

export interface QueryTerm {
  term: string;
  /** 1 for what was typed; less for shorthand expansions. */
  weight: number;
  /** Terms of one group are alternatives for one typed word or word pair (coverage counts a group once). */
  group: number;
  /** Bigram terms: phrase evidence. */
  bigram: boolean;
  /** Question filler (ad, ơi, cho hỏi …): scored, but not required for coverage. */
  filler: boolean;
}

export interface QueryAnalysis {
  normalized: string;
  folded: string;
  accented: boolean;
  terms: QueryTerm[];
  /** Number of groups (typed words and adjacent pairs). */
  groups: number;
  /** Number of typed words: groups 0 … words−1 are the words in order, the rest their adjacent pairs. */
  words: number;
}

const EXPANSION_WEIGHT = 0.8;

/** Positions of the words that belong to a question phrase. */
function questionPhraseWords(folded: string[], lex: Lexicon): Set<number> {
  const out = new Set<number>();
  for (const p of lex.enOpeners) {
    if (p.length < folded.length && p.every((w, j) => folded[j] === w)) {
      for (let j = 0; j < p.length; j++) out.add(j);
      break;
    }
  }
  for (const p of lex.enTags) {
    const at = folded.length - p.length;
    if (at > 0 && p.every((w, j) => folded[at + j] === w)) {
      for (let j = 0; j < p.length; j++) out.add(at + j);
      break;
    }
  }
  for (const p of lex.questionPhrases) {
    for (let i = 0; i + p.length <= folded.length; i++) {
      if (p.every((w, j) => folded[i + j] === w)) for (let j = 0; j < p.length; j++) out.add(i + j);
    }
  }
  return out;
}

/** Accented questions: accented words are fillers only if listed with their marks; unaccented words by their folded form. */
function isFiller(word: string, accentedQuestion: boolean, lex: Lexicon): boolean {
  if (accentedQuestion && hasDiacritics(word)) return lex.accentedFillers.has(toneKey(word));
  return lex.fillers.has(fold(word));
}

interface Alt {
  words: string[]; // normalised words of this alternative
  weight: number;
}

/** Alternatives for each typed word: the word itself plus shorthand / acronym expansions. */
function alternatives(ws: string[], lex: Lexicon): Alt[][] {
  const folded = ws.map((w) => fold(w));
  const alts: Alt[][] = ws.map((w, i) => {
    const list: Alt[] = [{ words: [w], weight: 1 }];
    const f = folded[i]!;
    for (const exp of lex.shorthand.get(f) ?? []) list.push({ words: normalizedText(exp).split(' '), weight: EXPANSION_WEIGHT });
    for (const exp of lex.enSynonyms.get(f) ?? []) list.push({ words: [exp], weight: EXPANSION_WEIGHT });
    const full = lex.acronymsByShort.get(f);
    if (full) list.push({ words: normalizedText(full).split(' '), weight: EXPANSION_WEIGHT });
    // "chu ky 4" ↔ "chu kỳ IV", "khoá XI" ↔ "khoá 11" (not "i": the English pronoun)
    if (/^\d{1,2}$/.test(f) && Number(f) >= 1 && Number(f) < ROMAN.length) list.push({ words: [ROMAN[Number(f)]!], weight: EXPANSION_WEIGHT });
    const roman = ROMAN.indexOf(f);
    if (roman >= 2) list.push({ words: [String(roman)], weight: EXPANSION_WEIGHT });
    return list;
  });
  // a typed full phrase also gets its acronym ("ủy ban nhân dân" → "ubnd"), on the phrase's first word
  const joined = ' ' + folded.join(' ') + ' ';
  for (const [acr, full] of lex.acronyms) {
    if (acr.length < 3) continue; // two-letter forms (vn, tq, bg…) are chat shorthand, not what documents write
    const ff = ' ' + foldedText(full) + ' ';
    const at = joined.indexOf(ff);
    if (at >= 0) {
      const idx = joined.slice(0, at + 1).trim().split(' ').filter(Boolean).length;
      alts[idx]?.push({ words: [acr], weight: EXPANSION_WEIGHT });
    }
  }
  return alts;
}

export function analyzeQuery(text: string, lex: Lexicon = defaultLexicon()): QueryAnalysis {
  const normalized = normalize(text);
  const ws = words(normalized);
  const accented = hasDiacritics(normalized);
  const alts = alternatives(ws, lex);
  const phrase = questionPhraseWords(ws.map((w) => fold(w)), lex);
  const fillerAt = (i: number) => phrase.has(i) || isFiller(ws[i]!, accented, lex);
  const terms: QueryTerm[] = [];
  let group = 0;
  const push = (term: string, weight: number, g: number, bigram: boolean, filler: boolean) => terms.push({ term, weight, group: g, bigram, filler });
  for (let i = 0; i < ws.length; i++) {
    const g = group++;
    const filler = fillerAt(i);
    for (const alt of alts[i]!) {
      for (const w of alt.words) {
        // expansions are written accented by us, so their accented view is trustworthy
        if (accented || alt.weight < 1) push('a:' + accentKey(w), alt.weight, g, false, filler);
        push('f:' + foldKey(w), alt.weight, g, false, filler);
      }
      // inner bigrams of a multi-word expansion ("bao nhiêu")
      for (let j = 1; j < alt.words.length; j++) {
        push(`A:${accentKey(alt.words[j - 1]!)}_${accentKey(alt.words[j]!)}`, alt.weight, g, true, filler);
        push(`F:${foldKey(alt.words[j - 1]!)}_${foldKey(alt.words[j]!)}`, alt.weight, g, true, filler);
      }
    }
  }
  for (let i = 1; i < ws.length; i++) {
    const g = group++;
    const filler = fillerAt(i - 1) && fillerAt(i);
    for (const left of alts[i - 1]!) {
      for (const right of alts[i]!) {
        const l = left.words[left.words.length - 1]!;
        const r = right.words[0]!;
        const weight = Math.min(left.weight, right.weight);
        if (accented || weight < 1) push(`A:${accentKey(l)}_${accentKey(r)}`, weight, g, true, filler);
        push(`F:${foldKey(l)}_${foldKey(r)}`, weight, g, true, filler);
      }
    }
  }
  return { normalized, folded: fold(normalized), accented, terms: dedupe(terms), groups: group, words: ws.length };
}

/** Same term twice in one group: keep the heavier. */
function dedupe(terms: QueryTerm[]): QueryTerm[] {
  const best = new Map<string, QueryTerm>();
  for (const t of terms) {
    const key = `${t.group}|${t.term}`;
    const prev = best.get(key);
    if (!prev || prev.weight < t.weight) best.set(key, t);
  }
  return [...best.values()];
}

/**
 * The folded question with chat shorthand and acronyms spelled out beside the typed tokens, and
 * two-digit years after "năm" given their century ("nam 98" → "nam 98 1998"), space-padded: the text
 * that misconception `requires` groups are matched against.
 */
export function expandedFolded(text: string, lex: Lexicon = defaultLexicon()): string {
  const ws = words(fold(normalize(text)));
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    out.push(w);
    const acr = lex.acronymsByShort.get(w);
    const extra = [...(lex.shorthand.get(w) ?? []), ...(lex.enSynonyms.get(w) ?? []), ...(acr ? [acr] : [])];
    for (const e of extra) out.push(foldedText(e));
    if (/^\d{2}$/.test(w) && (ws[i - 1] === 'nam' || ws[i - 1] === 'year' || ws[i - 1] === 'in')) out.push(Number(w) > 40 ? `19${w}` : `20${w}`);
  }
  return ` ${out.join(' ')} `;
}
