// Matching keys of one word: the accented view (tone-placement free, i/y merged) and the folded view
// (no marks, đ → d, i/y merged), with a light English stemmer for words that cannot be Vietnamese
// syllables (reference/vietnamese-text.md §2.3).
import { fold, iyKey, normalize, toneKey } from './normalize.js';

export function accentKey(word: string): string {
  return englishStem(iyKey(toneKey(word)));
}

export function foldKey(word: string): string {
  return englishStem(iyKey(fold(word)));
}

export const VI_SYLLABLE =
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
  if (key.length < 4 || !/^[a-z]+$/.test(key) || VI_SYLLABLE.test(key)) return key;
  // four letters: only a plural s ("gods", "laws", "fees" → god, law, fee), never "this", "bus", "ss"
  if (key.length === 4) return /[^siuo]s$/.test(key) ? key.slice(0, -1) : key;
  // British and American spellings are one word: palaeolithic/paleolithic, organised/organized,
  // honour/honor, defence/defense, centre/center, kilometres/kilometers
  const k = key
    .replace(/ae/g, 'e')
    .replace(/iz(e|ed|es|ing|ation|ations)$/, 'is$1')
    .replace(/(?<=[a-z]{3})our(s|ed|ing)?$/, 'or$1')
    .replace(/ence$/, 'ense')
    .replace(/tre(s)?$/, 'ter$1');
  for (const [re, rep] of EN_SUFFIXES) {
    if (re.test(k)) {
      let stem = k.replace(re, rep);
      // worshipped → worship, planned → plan (but passed, called, staffed keep theirs); not "-ing":
      // "digging" staying apart from "dig" keeps the gem-digging ban from the gem-site answers
      if (/ed$/.test(k) && /([b-df-hj-np-rtv-z])\1$/.test(stem) && !/(ll|ss|ff|zz)$/.test(stem)) stem = stem.slice(0, -1);
      if (stem.length < 3) continue;
      // a plural is stemmed as its singular is: "Spratlys" → "Spratly" → "Sprat", like "Spratly"
      if (re.source === 's$' && stem.length > 4) return englishStem(stem);
      return stem;
    }
  }
  return k;
}


const foldedMemo = new Map<string, string>();
/**
 * fold(normalize(text)), remembered: the steps look at the same message and the same phrases many
 * times per answer. Bounded; cleared when full.
 */
export function foldedText(text: string): string {
  let out = foldedMemo.get(text);
  if (out === undefined) {
    out = fold(normalize(text));
    if (foldedMemo.size > 20000) foldedMemo.clear();
    foldedMemo.set(text, out);
  }
  return out;
}

const normalizedMemo = new Map<string, string>();
/** normalize(text), remembered like {@link foldedText} (vocabulary expansions, tested on every message). */
export function normalizedText(text: string): string {
  let out = normalizedMemo.get(text);
  if (out === undefined) {
    out = normalize(text);
    if (normalizedMemo.size > 20000) normalizedMemo.clear();
    normalizedMemo.set(text, out);
  }
  return out;
}
