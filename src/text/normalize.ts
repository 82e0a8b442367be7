// Vietnamese text normalisation shared by documents and questions (reference/vietnamese-text.md §1, §6).
// Every string is normalised the same way before matching; the original text is kept for display.

/**
 * Invisible format characters (Unicode category Cf): zero-width space/joiners, BOM, word joiner,
 * soft hyphen, bidi overrides, tag characters. They carry no meaning for matching and are used to
 * hide words ("Hoàng\u200bSa") and numbers ("0912\u200b345678") from filters.
 */
const INVISIBLE = /\p{Cf}+/gu;
/**
 * More than three combining marks in a row never occur in Vietnamese (NFD "ệ" has two). Canonical
 * reordering inside normalize('NFC'/'NFD') is an insertion sort over a run of marks, so a long run
 * (a + U+0301 U+0323 …) costs O(n²): keep the first three marks of every run before normalising.
 */
const MARK_RUN = /(\p{M}{3})\p{M}+/gu;
const NBSP = /[\u00A0\u202F\u2007]/g;
/** Combining marks (U+0300–U+036F) that NFC could not attach to a letter, e.g. a tone typed after a space. */
const ORPHAN_MARKS = /(^|[^\p{L}\u0300-\u036f])[\u0300-\u036f]+/gu;
/** Anything that is not a letter, digit or combining mark: punctuation, all dashes, symbols, quotes. */
const NON_WORD = /[^\p{L}\p{N}\u0300-\u036f]+/gu;
/** Vietnamese never writes a letter three times in a row, so "nhiềuuu" / "điiii" are chat elongations. */
const ELONGATION = /(\p{L})\1{2,}/gu;

/**
 * NFC; zero-width/BOM removed; NBSP → space; look-alike eth Ð/ð → Đ/đ; orphan combining marks dropped;
 * lower case; punctuation and dashes → space; runs of ≥3 identical letters → one; single spaces.
 * Numbers like "2.337" become "2 337" (punctuation is a separator); callers that need them whole
 * use {@link joinDigitGroups} first.
 */
export function normalize(input: string): string {
  let s = safeNFC(input);
  s = s.replace(NBSP, ' ').replace(/\u00D0/g, '\u0110').replace(/\u00F0/g, '\u0111');
  s = s.replace(ORPHAN_MARKS, '$1');
  s = s.toLowerCase();
  s = joinDigitGroups(s);
  s = s.replace(NON_WORD, ' ');
  // "quáaaa": an accented vowel stretched with its bare letter. Letters with a horn are excluded:
  // "ưu" (lưu, cứu) is a real rhyme.
  s = s.replace(/(\p{L})([a-z])\2*/gu, (m, a: string, b: string) => (a !== b && fold(a) === b && !a.normalize('NFD').includes('\u031B') ? a : m));
  s = s.replace(ELONGATION, '$1');
  return s.trim().replace(/\s+/g, ' ');
}

/** Removes invisible format characters (\p{Cf}): what is left is what a reader sees. */
export function stripInvisible(input: string): string {
  return input.replace(INVISIBLE, '');
}

/** Caps runs of combining marks at three (see MARK_RUN): linear, and a no-op on real text. */
export function capMarkRuns(input: string): string {
  return input.replace(MARK_RUN, '$1');
}

/** NFC in linear time: invisible characters removed and combining-mark runs capped first. */
export function safeNFC(input: string): string {
  return capMarkRuns(stripInvisible(input)).normalize('NFC');
}

/**
 * True when a message has nothing a reader can see: empty, white space, or only invisible format
 * characters (a message of zero-width spaces is empty; JS trim() keeps U+200B).
 */
export function isBlank(input: string): boolean {
  return stripInvisible(input).trim() === '';
}

/** "2.337 km" / "1,002" → "2337" / "1002" (thousands separators), so numbers match however they are written. */
export function joinDigitGroups(s: string): string {
  return s.replace(/(\d)[.,](?=\d{3}(?!\d))/g, '$1');
}

const COMBINING = /[\u0300-\u036f]/g;

/** Removes every diacritic, đ → d. Works on NFC and NFD input and on every letter incl. ỷ ỹ ỵ. */
export function fold(input: string): string {
  return capMarkRuns(input)
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/[đð]/g, 'd')
    .replace(/[ĐÐ]/g, 'D');
}

/** normalize + fold: the accent-free matching form of a whole string. */
export function foldNormalized(input: string): string {
  return fold(normalize(input));
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
const TONE_CODE: Record<string, string> = { '\u0300': 'f', '\u0301': 's', '\u0309': 'r', '\u0303': 'x', '\u0323': 'j' };

/**
 * Placement-free key of one syllable: the syllable without its tone mark, plus a tone code.
 * "hòa" and "hoà" → "hoaf"; "thủy"/"thuỷ" → "thuyr"; NFD "Việt" → "viêtj".
 */
export function toneKey(token: string): string {
  const d = capMarkRuns(token).normalize('NFD');
  const marks = d.match(TONE_MARKS);
  const base = d.replace(TONE_MARKS, '').normalize('NFC');
  return marks ? base + TONE_CODE[marks[marks.length - 1]!] : base;
}

/** True when the string carries any Vietnamese diacritic (tone or vowel mark, or đ). */
export function hasDiacritics(s: string): boolean {
  return /[đĐ]/.test(s) || /[\u0300-\u036f]/.test(capMarkRuns(s).normalize('NFD'));
}

// i/y spelling variants (lý/lí, kỹ/kĩ, quý/quí, Mỹ/Mĩ, tỷ/tỉ, kỳ/kì): a syllable-final "y" after these
// onsets is rewritten to "i" on the matching keys of both sides (coccoc-tokenizer i_and_y.txt, unstarred
// pairs). Names like "Thy" or "Hy" are starred there (not always interchangeable), so they are left alone.
const IY_VARIANT = /^(k|l|qu|t|m)y([fsrxj]?)$/;

/** i/y variant key of a tone-keyed or folded syllable: "lys" → "lis", "quys" → "quis", "myx" → "mix". */
export function iyKey(key: string): string {
  return key.replace(IY_VARIANT, '$1i$2');
}

/** Words (letters/digits) of an already normalised string. */
export function words(normalized: string): string[] {
  return normalized.match(/[\p{L}\p{N}]+/gu) ?? [];
}
