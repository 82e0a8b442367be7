// Growth of a function's running time from one input size to ten times that size, measured so
// that a busy machine does not make it flake (see text-linear.test.ts for the reasoning):
// interleaved runs, the fastest of several, and the small side run ten times so a linear function scores ~1.
export const REPEATS = 5;
export const MAX_RATIO = 3;
/**
 * A 100 KB input that takes less than this passes whatever its growth: below it, preemption on a
 * shared machine and V8's large-object allocation (strings over ~128 KB) dominate the ratio. The
 * quadratic code this guards against took 5–20 s at 100 KB.
 */
export const FLOOR_MS = 60;

/** Repeating units of the security review's adversarial inputs. */
export const UNITS: string[] = [
  '1', // a run of digits
  'a', // a run of one letter
  'ạ', // a run of one accented letter
  '１', // fullwidth digits
  '1.', // "1.1.1.…"
  '1 ', // digits one at a time
  ' ', // spaces
  '.', // dots
  '-', // dashes
  '1-',
  ' - ',
  '\u200b', // zero-width spaces
  'a\u200b',
  '😀', // emoji
  '👨‍👩‍👧', // ZWJ emoji sequence
  'aб中ạ1 ', // mixed scripts
  '\u0301\u0323', // alternating combining marks (canonical reordering)
  '@',
  'a@',
  'a.',
  '0912 345 678 ',
  'Hang Bua ở đâu? ',
];

export function sized(unit: string, chars: number): string {
  return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
}

function timeOnce(fn: (s: string) => unknown, s: string, times: number): number {
  const t0 = performance.now();
  for (let i = 0; i < times; i++) fn(s);
  return performance.now() - t0;
}

/** The fastest run: noise from a busy machine (preemption, GC of other work) only ever adds time. */
const fastest = (xs: number[]) => Math.min(...xs);

/** big-input time / (10 × small-input time), interleaved, fastest of REPEATS runs each. */
export function growth(fn: (s: string) => unknown, unit: string, small: number): { ratio: number; bigMs: number } {
  const a = sized(unit, small);
  const b = sized(unit, small * 10);
  fn(a); // warm up (JIT, regex compilation)
  const smallRuns: number[] = [];
  const bigRuns: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    smallRuns.push(timeOnce(fn, a, 10));
    bigRuns.push(timeOnce(fn, b, 1));
  }
  const bigMs = fastest(bigRuns);
  return { ratio: bigMs / Math.max(fastest(smallRuns), 0.05), bigMs };
}

