// Language of a message: Vietnamese or English (reference/vietnamese-text.md §5). Off-the-shelf
// detectors fail on unaccented Vietnamese, so this is a rule: any Vietnamese letter → vi; otherwise the
// share of words that are Vietnamese syllables or chat shorthand against English function words
// (knowledge/_assistant/language.yml);
// very short messages ("ok", "hello", "cam on") keep the conversation's last confident language.
import type { Lang } from '../answer/types.js';
import { fold, hasDiacritics, normalize, safeNFC, words } from './normalize.js';
import { VI_SYLLABLE } from './keys.js';
import { defaultLexicon, type Lexicon } from './lexicon.js';

export interface LangGuess {
  lang: Lang;
  /** False when the message is too short or mixed to be sure (callers keep the previous language). */
  confident: boolean;
}

/** Detects vi/en; `lastLang` is kept for short or undecided messages. */
export function detectLang(text: string, lastLang?: Lang, lex: Lexicon = defaultLexicon()): LangGuess {
  const norm = normalize(text);
  if (hasDiacritics(norm)) return englishAroundNames(text, lex) ? { lang: 'en', confident: true } : { lang: 'vi', confident: true };
  const ws = words(fold(norm)).filter((w) => !/^\d+$/.test(w));
  if (ws.length === 0) return { lang: lastLang ?? 'vi', confident: false };
  // "UNCLOS", "UPR?", "EEZ": a lone acronym is written the same in both languages, so it says
  // nothing about the asker's language; it follows the conversation (Vietnamese by default)
  if (ws.length <= 2 && loneAcronyms(text, lex)) return { lang: lastLang ?? 'vi', confident: false };
  // "ok", "hi": used by everyone; Vietnamese unless the conversation is already in English
  if (ws.every((w) => lex.neutralWords.has(w))) return { lang: lastLang ?? 'vi', confident: false };
  let vi = 0;
  let en = 0;
  for (const w of ws) {
    const isEn = lex.englishWords.has(w);
    const isVi = VI_SYLLABLE.test(w) || lex.shorthand.has(w);
    if (isEn && !isVi) en++;
    else if (isVi && !isEn) vi++;
    else if (isEn && isVi) {
      // "an", "to", "me", "so", "hi", "do": count half each way
      en += 0.5;
      vi += 0.5;
    }
    // neither (English content words like "spratly", "entrance"): counted against Vietnamese below
  }
  const viShare = vi / ws.length;
  const enShare = en / ws.length;
  const short = ws.length <= 2;
  // one or two words ("ok", "hello", "cam on") never flip an ongoing conversation
  if (short && lastLang) return { lang: lastLang, confident: false };
  if (viShare >= 0.75 && enShare < 0.25) return { lang: 'vi', confident: !short };
  if (enShare > 0 && enShare >= viShare * 0.5 && viShare < 0.75) return { lang: 'en', confident: !short };
  if (viShare < 0.5) return { lang: 'en', confident: !short && viShare < 0.3 };
  return { lang: lastLang && short ? lastLang : 'vi', confident: false };
}

/**
 * An English sentence that names Vietnamese places or people with their marks ("How do I get to
 * Châu Tiến?", "Is Hoàng Sa part of Đà Nẵng?"): the marked words are few or all capitalised names,
 * and English function words carry the sentence. Vietnamese sentences have many lower-case marked
 * syllables and rarely more than one or two of these words.
 */
function englishAroundNames(text: string, lex: Lexicon): boolean {
  const raw = (safeNFC(text).match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !/^\d+$/.test(w));
  const marked = raw.filter((w) => hasDiacritics(w.toLowerCase()));
  const plain = raw.length - marked.length;
  const english = raw.filter((w) => !hasDiacritics(w.toLowerCase()) && lex.englishWords.has(w.toLowerCase())).length;
  const onlyNames = marked.every((w) => w[0] !== w[0]!.toLowerCase());
  if (onlyNames && english >= 2 && english >= 0.3 * plain) return true;
  // "What is khắc luống?", "what does xòe mean": a short English frame around a lower-case
  // Vietnamese term. The unmarked words are English (one unlisted word, "mean", allowed from three
  // on) and the message opens with one; a Vietnamese
  // sentence has unmarked Vietnamese words ("la", "gi", "o") or opens with a Vietnamese word.
  // ("do an ở đâu" is half-typed Vietnamese: English words that are also syllables do not count)
  const first = raw[0]?.toLowerCase() ?? '';
  const onlyEnglish = raw.filter((w) => !hasDiacritics(w.toLowerCase()) && lex.englishWords.has(w.toLowerCase()) && !VI_SYLLABLE.test(w.toLowerCase())).length;
  if (english >= plain - (plain >= 3 ? 1 : 0) && onlyEnglish >= 2 && !hasDiacritics(first) && lex.englishWords.has(first) && marked.length <= plain) return true;
  // "what does chiêng ngam mean?", "where is bản Bua": two English-only words open the message (a
  // Vietnamese sentence never opens so) and the marked words do not outnumber the unmarked ones
  const englishOnly = (w: string | undefined) =>
    w !== undefined && !hasDiacritics(w.toLowerCase()) && lex.englishWords.has(w.toLowerCase()) && !VI_SYLLABLE.test(w.toLowerCase()) && !lex.neutralWords.has(w.toLowerCase());
  if (englishOnly(raw[0]) && englishOnly(raw[1]) && marked.length <= plain) return true;
  return english >= 3 && english >= 0.35 * plain && marked.length <= 0.4 * raw.length;
}

/** Every word is an acronym typed in capitals ("UNCLOS", "UPR") and not an English or Vietnamese word. */
function loneAcronyms(text: string, lex: Lexicon): boolean {
  const raw = (safeNFC(text).match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !/^\d+$/.test(w));
  return raw.length > 0 && raw.every((w) => /^[A-Z]{2,8}$/.test(w) && !lex.englishWords.has(w.toLowerCase()) && !lex.neutralWords.has(w.toLowerCase()));
}
