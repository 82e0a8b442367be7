// Matching terms of a text: two lexical views of every syllable plus syllable bigrams of both
// (reference/vietnamese-text.md §2.3, §6):
//   "a:<toneKey>"   accented view, tone-placement free, i/y merged  (precision)
//   "f:<folded>"    folded view, no marks, đ → d, i/y merged        (recall for unaccented typing)
//   "A:<k1>_<k2>"   bigram of the accented view; "F:<f1>_<f2>" bigram of the folded view
// Documents get all four. Questions typed without any diacritic get only the folded views (their
// accented keys would only ever hit genuinely unaccented words, e.g. "ban" but never "bản").
import { fold, hasDiacritics, iyKey, normalize, toneKey, words } from './normalize.js';
import { ACRONYMS, EN_SYNONYMS, SHORTHAND } from './shorthand.js';

export function accentKey(word: string): string {
  return englishStem(iyKey(toneKey(word)));
}

export function foldKey(word: string): string {
  return englishStem(iyKey(fold(word)));
}

const VI_SYLLABLE =
  /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?(oai|oay|oao|oeo|uay|uoi|uou|uya|uye|uyu|ieu|yeu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|a|e|i|o|u|y)(ch|nh|ng|c|m|n|p|t)?$/;
const EN_SUFFIXES: Array<[RegExp, string]> = [
  [/ational$/, 'ate'], [/ations?$/, 'ate'], [/ists?$/, ''], [/isms?$/, ''], [/ical(ly)?$/, ''], [/ings?$/, ''], [/edly$/, ''],
  [/ies$/, 'y'], [/ied$/, 'y'], [/ed$/, ''], [/es$/, ''], [/ly$/, ''], [/s$/, ''], [/e$/, ''],
];

/**
 * A light English stemmer (visits/visited/visiting → visit, archaeologists/archaeological → archaeolog)
 * for words that cannot be Vietnamese syllables; Vietnamese syllables and short words are left alone.
 */
export function englishStem(key: string): string {
  if (key.length <= 4 || !/^[a-z]+$/.test(key) || VI_SYLLABLE.test(key)) return key;
  for (const [re, rep] of EN_SUFFIXES) {
    if (re.test(key)) {
      const stem = key.replace(re, rep);
      if (stem.length >= 3) return stem;
    }
  }
  return key;
}

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

/**
 * Words that carry no topic: pronouns, chat particles, question words. They still score in BM25
 * (cheaply, by IDF) but do not count against coverage when a document lacks them. Folded forms.
 */
/** Accented fillers: in an accented question "bản" (village) is content, "bạn" (you) is not. */
const ACCENTED_FILLERS = new Set(
  ('ad admin ơi à ạ nhé nha nhỉ hả hở hỏi cho xin vậy thế thì là mà với em anh chị mình tôi bạn bác có chú ông bà ' +
    'các người ta ai gì nào đâu sao bao nhiêu mấy không được rồi chưa phải đúng thể như biết hay làm ơn giúp câu này kia đấy vầy ' +
    'nhé nhá ạ vâng dạ').split(/\s+/).map((w) => toneKey(w)),
);

export const FILLERS = new Set(
  ('ad admin oi a ah nhe nha nhi ha ho hoi cho xin vay the thi la ma voi em anh chi minh toi ban bac co chu ' +
    'ong ba cac nguoi ta ai gi nao dau sao bao nhieu may khong ko k dc duoc roi chua phai dung co the nhu ' +
    'i you me my we what which who where when why how is are was were do does did the a an of to in on at ' +
    'please tell can could would about for and or it this that there be been has have had biet hay lam on ' +
    // English function words (none of them a Vietnamese syllable that carries a topic)
    'from by with as its their they them his her our us your any some also just very really still ever yet into onto ' +
    'does doesn didn isn wasn hasn aren weren should must might will shall true ' +
    'giup hoi cau duoc khong nhi nhe day kia nay vay z v r j bn ntn vs mk cx').split(/\s+/),
);

/**
 * Question phrases (folded): how a question asks, not what it is about. Their words score in BM25
 * like any other, but do not count against coverage or grounding ("từ bao giờ", "tên gì", "ở đâu",
 * "mọi người"). Words like "năm" or "ngày" are fillers only inside these phrases.
 */
const QUESTION_PHRASES: readonly string[][] = [
  'bao gio', 'tu bao gio', 'khi nao', 'luc nao', 'hoi nao', 'tu khi nao', 'nam nao', 'nam may', 'ngay nao', 'ngay may', 'hom nao', 'thang may',
  'thang nao', 'bao xa', 'bao lau', 'ten gi', 'ten la gi', 'la gi', 'o dau', 'cho nao', 'noi nao', 'the nao', 'nhu the nao', 'ra sao',
  'moi nguoi', 'cho e hoi', 'cho em hoi', 'cho minh hoi', 'cho hoi', 'dung khong', 'phai khong', 'dung ko', 'phai ko', 'dung k', 'phai k',
  'cu the', 'hien nay', 'bay gio', 'hien tai', 'tat ca', 'tong cong', 'khoang', 'vay a', 'the a',
  // greetings and thanks around a question ("chào ad, hang bua ở đâu")
  'chao', 'xin chao', 'cam on', 'hello', 'hi', 'hey', 'alo', 'thanks', 'thank you', 'ok', 'oke',
].map((p) => p.split(' '));

/**
 * English tag questions and hearsay openers ("…, right?", "…, didn't it?", "is it true that…",
 * "I heard…"): how a claim is put to the bot, not what it is about. Matched only at the end
 * (tags) or the start (openers) of the question, so "human rights" keeps its "right".
 */
const EN_TAGS: readonly string[][] = [
  'right', 'correct', 'true', 'really', 'no', 'yes', 'ok', 'am i right', 'is that right', 'is that true', 'is that correct', 'is this true', 'is it',
  'isn t it', 'is not it', 'wasn t it', 'didn t it', 'doesn t it', 'hasn t it', 'has it', 'did it', 'does it', 'was it', 'aren t they', 'don t they',
  'didn t they', 'isn t that so', 'right or wrong', 'true or false',
].map((p) => p.split(' '));
const EN_OPENERS: readonly string[][] = [
  'is it true that', 'is it true', 'it is true that', 'is this true that', 'i heard that', 'i heard', 'i ve heard that', 'i ve heard', 'heard that',
  'they say that', 'they say', 'people say that', 'people say', 'someone told me that', 'someone told me', 'i read that', 'i read',
].map((p) => p.split(' '));

/** Positions of the words that belong to a question phrase. */
function questionPhraseWords(folded: string[]): Set<number> {
  const out = new Set<number>();
  for (const p of EN_OPENERS) {
    if (p.length < folded.length && p.every((w, j) => folded[j] === w)) {
      for (let j = 0; j < p.length; j++) out.add(j);
      break;
    }
  }
  for (const p of EN_TAGS) {
    const at = folded.length - p.length;
    if (at > 0 && p.every((w, j) => folded[at + j] === w)) {
      for (let j = 0; j < p.length; j++) out.add(at + j);
      break;
    }
  }
  for (const p of QUESTION_PHRASES) {
    for (let i = 0; i + p.length <= folded.length; i++) {
      if (p.every((w, j) => folded[i + j] === w)) for (let j = 0; j < p.length; j++) out.add(i + j);
    }
  }
  return out;
}

/** Accented questions: accented words are fillers only if listed with their marks; unaccented words by their folded form. */
function isFiller(word: string, accentedQuestion: boolean): boolean {
  if (accentedQuestion && hasDiacritics(word)) return ACCENTED_FILLERS.has(toneKey(word));
  return FILLERS.has(fold(word));
}

interface Alt {
  words: string[]; // normalised words of this alternative
  weight: number;
}

/** Alternatives for each typed word: the word itself plus shorthand / acronym expansions. */
function alternatives(ws: string[]): Alt[][] {
  const folded = ws.map((w) => fold(w));
  const alts: Alt[][] = ws.map((w, i) => {
    const list: Alt[] = [{ words: [w], weight: 1 }];
    const f = folded[i]!;
    for (const exp of SHORTHAND[f] ?? []) list.push({ words: normalize(exp).split(' '), weight: EXPANSION_WEIGHT });
    for (const exp of EN_SYNONYMS[f] ?? []) list.push({ words: [exp], weight: EXPANSION_WEIGHT });
    for (const [acr, full] of ACRONYMS) if (acr === f) list.push({ words: normalize(full).split(' '), weight: EXPANSION_WEIGHT });
    // "chu ky 4" ↔ "chu kỳ IV", "khoá XI" ↔ "khoá 11" (not "i": the English pronoun)
    if (/^\d{1,2}$/.test(f) && Number(f) >= 1 && Number(f) < ROMAN.length) list.push({ words: [ROMAN[Number(f)]!], weight: EXPANSION_WEIGHT });
    const roman = ROMAN.indexOf(f);
    if (roman >= 2) list.push({ words: [String(roman)], weight: EXPANSION_WEIGHT });
    return list;
  });
  // a typed full phrase also gets its acronym ("ủy ban nhân dân" → "ubnd"), on the phrase's first word
  const joined = ' ' + folded.join(' ') + ' ';
  for (const [acr, full] of ACRONYMS) {
    if (acr.length < 3) continue; // two-letter forms (vn, tq, bg…) are chat shorthand, not what documents write
    const ff = ' ' + fold(normalize(full)) + ' ';
    const at = joined.indexOf(ff);
    if (at >= 0) {
      const idx = joined.slice(0, at + 1).trim().split(' ').filter(Boolean).length;
      alts[idx]?.push({ words: [acr], weight: EXPANSION_WEIGHT });
    }
  }
  return alts;
}

export function analyzeQuery(text: string): QueryAnalysis {
  const normalized = normalize(text);
  const ws = words(normalized);
  const accented = hasDiacritics(normalized);
  const alts = alternatives(ws);
  const phrase = questionPhraseWords(ws.map((w) => fold(w)));
  const fillerAt = (i: number) => phrase.has(i) || isFiller(ws[i]!, accented);
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
export function expandedFolded(text: string): string {
  const ws = words(fold(normalize(text)));
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    out.push(w);
    const extra = [...(SHORTHAND[w] ?? []), ...(EN_SYNONYMS[w] ?? []), ...ACRONYMS.filter(([a]) => a === w).map(([, full]) => full)];
    for (const e of extra) out.push(fold(normalize(e)));
    if (/^\d{2}$/.test(w) && (ws[i - 1] === 'nam' || ws[i - 1] === 'year' || ws[i - 1] === 'in')) out.push(Number(w) > 40 ? `19${w}` : `20${w}`);
  }
  return ` ${out.join(' ')} `;
}
