// Extractive composition: the answer is curated text (an FAQ answer, a misconception correction, or
// the sentences of the best passage that match the question) followed by a source line.
import { sentences } from '../knowledge/chunk.js';
import { fold, hasDiacritics } from '../text/normalize.js';
import type { IndexedDocument, IndexedUnit } from '../retrieval/knowledge-index.js';
import { documentTerms, type QueryAnalysis } from '../text/terms.js';
import type { CommuneTimeWords, Lexicon } from '../text/lexicon.js';
import type { Lang } from './types.js';

const MAX_PASSAGE_CHARS = 600;
/** A line naming the question's number is preferred while it matches at least this share of the best line's score. */
const NUMBER_LINE_SHARE = 0.6;

export function sourceLine(doc: IndexedDocument, lang: Lang): string {
  const src = doc.source || doc.title;
  return lang === 'en' ? `Source: ${src}` : `Nguồn: ${src}`;
}

/** A citation the author already wrote at the end of a body ("… Nguồn: X; Y."): the front matter's is authoritative. */
const TRAILING_CITATION = /\s*(?:\(\s*)?(?:Nguồn|Sources?)\s*:[^\n]*$/iu;

/** Text + blank line + source line (one source line, even when the body ends with its own). */
export function withSource(text: string, doc: IndexedDocument, lang: Lang): string {
  const body = text.trim().replace(TRAILING_CITATION, '').trim() || text.trim();
  return `${body}\n\n${sourceLine(doc, lang)}`;
}

/**
 * The sentences of a passage that answer the question: the best-matching sentence (or list line),
 * plus the next-best ones while they add matching words, in their original order, within a budget.
 */
export function trimPassage(unit: IndexedUnit, q: QueryAnalysis, idf: (term: string) => number): string {
  const lines = unit.text.split('\n').flatMap((line) => sentences(line).map((s) => s.trim())).filter(Boolean);
  if (lines.length <= 1 || unit.text.length <= 280) return unit.text.trim();
  const qTerms = new Map<string, number>();
  for (const t of q.terms) if (!t.filler) qTerms.set(t.term, Math.max(qTerms.get(t.term) ?? 0, t.weight * idf(t.term)));
  const scored = lines.map((text, i) => {
    const terms = new Set(documentTerms(text));
    let score = 0;
    for (const [t, w] of qTerms) if (terms.has(t)) score += w;
    return { i, text, score };
  });
  // numbers the question names (a year, an article) pick their line: "lễ hội năm 2017" quotes the
  // 2017 row of a table, not the rows that only share "năm" and "lễ hội"
  const numbers = [...new Set(q.folded.split(' ').filter((w) => /^\d{2,}$/.test(w)))];
  // standalone only: the "2025" of "01/7/2025" belongs to a date, not to a "2025" entry
  const hasNumber = (text: string) => numbers.some((n) => new RegExp(`(?<![\\p{L}\\p{N}/.,])${n}(?![\\p{L}\\p{N}/]|[.,]\\d)`, 'u').test(text));
  const withNumber = numbers.length ? new Set(scored.filter((s) => hasNumber(s.text)).map((s) => s.i)) : new Set<number>();
  const ranked = [...scored].sort((a, b) => b.score - a.score || a.i - b.i);
  // the best line that names the number, unless it matches far less of the question than the best line
  const top = ranked[0]!;
  const numbered = ranked.find((s) => withNumber.has(s.i));
  const best = numbered && numbered.score >= top.score * NUMBER_LINE_SHARE ? numbered : top;
  if (best !== top) {
    ranked.splice(ranked.indexOf(best), 1);
    ranked.unshift(best);
  }
  const chosen = new Set<number>([best.i]);
  let length = best.text.length;
  for (const s of ranked.slice(1)) {
    if (withNumber.has(best.i) && !withNumber.has(s.i)) continue;
    if (s.score <= 0 || s.score < best.score * 0.35) break;
    if (length + s.text.length > MAX_PASSAGE_CHARS) continue;
    chosen.add(s.i);
    length += s.text.length;
  }
  // a sentence that opens a section ("Chiều dài:") or ends with ":" needs the next one
  if (/:$/.test(best.text) && best.i + 1 < lines.length) chosen.add(best.i + 1);
  return [...chosen]
    .sort((a, b) => a - b)
    .map((i) => lines[i]!)
    .join('\n');
}

export function firstSentence(text: string): string {
  return sentences(text.split('\n')[0] ?? text)[0] ?? text;
}

export function hasMoreThanFirstSentence(text: string): boolean {
  return text.trim().length > firstSentence(text).trim().length + 20;
}

/** Does this text open by saying the fact is not published / not available (so no number should be given)? */
export function saysNotPublished(text: string, lex: Lexicon): boolean {
  return notPublished(firstSentence(text), lex);
}

/**
 * The sentence of a curated answer that says the figure for today's commune is not published,
 * when the question asks about today's commune ("xã Châu Tiến mới", "hiện nay", "now"). Curated
 * answers often lead with the former commune's figure and only then say the new one is unknown:
 * that lead answers a question about the former commune, not this one.
 */
export function notPublishedForCurrent(normalizedQuestion: string, text: string, lex: Lexicon): string | null {
  if (!asksAboutCurrent(normalizedQuestion, lex) || asksAboutFormer(normalizedQuestion, lex)) return null;
  return sentences(text).find((s) => notPublished(s, lex))?.trim() ?? null;
}

export function asksAboutCurrent(normalized: string, lex: Lexicon): boolean {
  return asksAbout(normalized, lex.communeTime.current);
}

/** Does the question name a time of the commune (knowledge/_assistant/question-words.yml `commune_time`)? */
function asksAbout(normalized: string, w: CommuneTimeWords): boolean {
  const lower = normalized.toLowerCase();
  if (w.accented.some((x) => new RegExp(`(?<!\\p{L})${x}(?!\\p{L})`, 'u').test(lower))) return true;
  let f = ` ${fold(lower).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  if (w.phrases.some((p) => f.includes(p))) return true;
  if (hasDiacritics(normalized)) return false;
  for (const x of w.not) f = f.split(x).join(' ');
  return w.unaccented.some((x) => f.includes(x));
}

/**
 * The sentence of a passage that is about exactly what the question names by number ("lễ hội năm
 * 2026") and says that it is not published, or null. A table passage often holds the published years
 * and one "not found" line for the year asked about.
 */
export function notPublishedSentence(text: string, numbers: readonly string[], lex: Lexicon): string | null {
  if (numbers.length === 0) return null;
  for (const line of text.split('\n')) {
    for (const s of sentences(line)) {
      const f = ` ${fold(s).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
      if (numbers.every((n) => f.includes(` ${n} `)) && notPublished(s, lex)) return s.trim();
    }
  }
  return null;
}

/** The question is about the former commune / the time before the 2025 merger. */
export function asksAboutFormer(normalized: string, lex: Lexicon): boolean {
  return asksAbout(normalized, lex.communeTime.former);
}

/**
 * A sentence about the sources or the assistant ("not published", "not in the sources we have",
 * knowledge/_assistant/replies.yml), never a plain negative fact ("Chưa có thông tin COC được ký"
 * answers "has the COC been signed?").
 */
export function notPublished(sentence: string, lex: Lexicon): boolean {
  const s = sentence.toLowerCase();
  return lex.notPublished.some((m) => s.includes(m));
}
