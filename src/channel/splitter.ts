// Zalo takes at most 2,000 characters per text message, counted as Unicode code points (what
// the fake and the API reject on). A longer answer is cut at the latest paragraph, line,
// sentence or word boundary that fits, in that order of preference, never mid-word unless a
// single word is longer than a whole message.
export const ZALO_MAX_TEXT = 2000;

/** Length in code points (a Vietnamese letter with marks in NFC is one). */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// `cutAt`: cut before the match (whitespace is dropped anyway) or after it (punctuation stays left).
const BOUNDARIES: Array<{ re: RegExp; cutAt: 'start' | 'end' }> = [
  { re: /\n\s*\n/g, cutAt: 'start' }, // paragraph
  { re: /\n/g, cutAt: 'start' }, // line
  { re: /[.!?…;:)](?=\s)/g, cutAt: 'end' }, // sentence
  { re: /\s/g, cutAt: 'start' }, // word
];

/** Index (in code points) just after the best boundary within `cps[0..max]`, or -1. */
function bestCut(cps: string[], max: number): number {
  const window = cps.slice(0, max + 1).join('');
  // Only accept a boundary past a third of the window, so parts stay reasonably full.
  const minUseful = Math.floor(max / 3);
  for (const { re, cutAt } of BOUNDARIES) {
    let cut = -1;
    for (const m of window.matchAll(re)) {
      const units = (m.index ?? 0) + (cutAt === 'end' ? m[0].length : 0);
      const at = codePointLength(window.slice(0, units));
      if (at <= max && at >= minUseful) cut = at;
    }
    if (cut > 0) return cut;
  }
  return -1;
}

export function splitMessage(text: string, max = ZALO_MAX_TEXT): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  let cps = Array.from(trimmed);
  const parts: string[] = [];
  while (cps.length > max) {
    let cut = bestCut(cps, max);
    if (cut <= 0) cut = max;
    const part = cps.slice(0, cut).join('').trim();
    if (part) parts.push(part);
    cps = Array.from(cps.slice(cut).join('').trimStart());
  }
  const rest = cps.join('').trim();
  if (rest) parts.push(rest);
  return parts;
}
