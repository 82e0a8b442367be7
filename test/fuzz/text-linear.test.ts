// Every text function runs in time linear in its input (issue 16, H1): one citizen's 60 KB message
// used to block the event loop for seconds because a regex or a Unicode normalisation was quadratic.
//
// How it measures, and why it does not flake on a busy machine (2 cores shared by many processes):
//  - It compares growth, never absolute times: the baseline is measured in the same run, on the
//    same machine, interleaved with the big input (small, big, small, big …), so a slow machine slows
//    both sides alike.
//  - The baseline is ten runs over the 10 KB input (the same total amount of text as one 100 KB run),
//    so a linear function gives a ratio near 1 and a quadratic one near 10 (×100 for ×10 input).
//  - Each side is the fastest of REPEATS runs, so a GC pause or scheduler hiccup does not count.
//  - It fails above ×3, which is ×30 growth for ×10 input: generous enough for cache effects and noise,
//    far below the ×100 of quadratic growth. A big input that takes under FLOOR_MS is fast enough
//    whatever its growth (timer noise dominates there), and passes.
// Inputs are the adversarial shapes of the security review (runs of digits, of one letter, "1.1.1.…",
// spaces, dots and dashes, zero-width characters, emoji, mixed scripts, combining marks, "@"), plus
// random grapheme strings from fast-check repeated to size; the seed is fixed so failures replay.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchingText, redactPii } from '../../src/insights/redact.js';
import { fold, foldNormalized, hasDiacritics, isBlank, normalize, words } from '../../src/text/normalize.js';
import { detectLang } from '../../src/text/lang.js';
import { analyzeQuery, documentTerms, expandedFolded } from '../../src/text/terms.js';
import { entitiesOf } from '../../src/text/entities.js';
import { FLOOR_MS, growth, MAX_RATIO, UNITS } from './growth.js';

const SEED = 16_016;
const unitArb = fc.oneof(fc.constantFrom(...UNITS), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }));

function assertLinear(fn: (s: string) => unknown, small: number, randomRuns: number) {
  fc.assert(
    fc.property(unitArb, (unit) => {
      const { ratio, bigMs } = growth(fn, unit, small);
      if (bigMs < FLOOR_MS) return true;
      // a clear message: which input grew how much
      expect(ratio, `input ${JSON.stringify(unit.slice(0, 12))}: ${small * 10} chars took ${bigMs.toFixed(1)} ms, ${ratio.toFixed(1)}× ten ${small}-char runs`).toBeLessThanOrEqual(MAX_RATIO);
      return true;
    }),
    { seed: SEED, numRuns: UNITS.length + randomRuns, examples: UNITS.map((u) => [u] as [string]), endOnFailure: true },
  );
}

// Functions that see whole documents or whole messages: 10 KB against 100 KB.
const OWN: Array<[string, (s: string) => unknown]> = [
  ['normalize', normalize],
  ['fold', fold],
  ['foldNormalized', foldNormalized],
  ['hasDiacritics', hasDiacritics],
  ['isBlank', isBlank],
  ['words', (s) => words(normalize(s))],
  ['matchingText', matchingText],
  ['redactPii', redactPii],
];

// The answer engine's query-side functions (src/text/terms.ts, lang.ts, entities.ts). They only ever
// see the answered part of a message, which the channel caps, and cost ~10 µs per character, so they
// are held to the same rule on 1 KB against 10 KB to keep the suite fast.
const QUERY_SIDE: Array<[string, (s: string) => unknown]> = [
  ['detectLang', (s) => detectLang(s)],
  ['analyzeQuery', analyzeQuery],
  ['expandedFolded', expandedFolded],
  ['documentTerms', documentTerms],
  ['entitiesOf', entitiesOf],
];

describe('text functions run in linear time (100 KB against 10 KB)', () => {
  for (const [name, fn] of OWN) {
    it(name, () => assertLinear(fn, 10_000, 4), 180_000);
  }
});

describe('query-side text functions run in linear time (10 KB against 1 KB)', () => {
  for (const [name, fn] of QUERY_SIDE) {
    it(name, () => assertLinear(fn, 1_000, 2), 180_000);
  }
});

describe('the growth measure itself', () => {
  it('tells a quadratic function from a linear one', () => {
    // A deliberately quadratic scan (what the old e-mail regex did on a run without "@"), as a control.
    const quadratic = (s: string) => {
      let n = 0;
      for (let i = 0; i < s.length; i += 8) for (let j = i; j < s.length; j++) n += s.charCodeAt(j) & 1;
      return n;
    };
    expect(growth(quadratic, 'a', 4_000).ratio).toBeGreaterThan(MAX_RATIO);
    const linear = (s: string) => {
      let n = 0;
      for (let r = 0; r < 20; r++) for (let i = 0; i < s.length; i++) n += s.charCodeAt(i) & 1;
      return n;
    };
    expect(growth(linear, 'a', 10_000).ratio).toBeLessThan(MAX_RATIO);
  }, 60_000);
});
