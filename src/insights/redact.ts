// PII redaction for anything a citizen typed before it is stored or logged (Law 91/2025/QH15 and Decree 356/2025/NĐ-CP on personal data):
// Vietnamese phone numbers, citizen id numbers (12-digit CCCD, 9-digit CMND), passport numbers and
// e-mail addresses become placeholders.
//
// How it holds against the ways people type numbers (and against hostile input):
//  1. The text is normalised first (matchingText): NFKC, so fullwidth "０９１２" is "0912"; invisible
//     format characters (zero-width spaces, BOM, bidi controls) removed; runs of combining marks
//     capped. The redacted result is built from this normalised text, so the stored question, its
//     folded column and every export derive from one text in which no hidden digit survives.
//  2. Digits are read as clusters: digit groups joined by runs of spaces, dots, dashes or brackets
//     ("0912  345  678", "0913 - 456 - 789", "0 9 1 6 …", "(024) 3825 1234", "001203 456789").
//     Slashes, commas, colons, letters and line breaks end a cluster.
//  3. Inside a cluster, consecutive groups whose digits together have the shape of a phone or id
//     number are replaced (the longest such run from each group, left to right).
//
// Everything is one left-to-right scan with bounded look-around (no regex with nested quantifiers),
// so it runs in time linear in the input: a 100 KB run of digits or of "1.1.1." costs milliseconds.
//
// Which number shapes are kept (on purpose; see README "Security"):
//  - years, dates and times ("1999", "15/02/2025", "02.09.1945", "7:30 - 17:00"): too few digits;
//  - law and decree numbers ("18/2012/QH13", "13/2023/NĐ-CP"): slashes end a cluster;
//  - distances, counts and amounts ("2.337 km", "12 hải lý", "1.500.000 đồng", "123.456.789 người"):
//    a 9-digit number followed by a unit of quantity is a quantity; a 9- or 12-digit number written
//    with thousands separators ("187.654.321", "1,500,000,000") that does not start with 0 is an
//    amount, unless an id word (CMND, CCCD, căn cước, chứng minh, hộ chiếu, …) comes just before it;
//  - decimals ("1,0912345678", "1234567890,5"): a digit run glued by a comma to a short digit run;
//  - hotlines and short numbers ("1900 6868", "113"): not a phone shape;
//  - 12-digit runs that do not start with 0: every CCCD starts with its 0xx province code.

export const PLACEHOLDER = {
  phone: '[số điện thoại]',
  id: '[số giấy tờ]',
  email: '[email]',
} as const;

type Kind = keyof typeof PLACEHOLDER;

const INVISIBLE = /\p{Cf}+/gu;
const MARK_RUN = /(\p{M}{3})\p{M}+/gu;

/** The text redaction works on (and returns): NFKC, invisible characters removed, mark runs capped. */
export function matchingText(text: string): string {
  return text.replace(INVISIBLE, '').replace(MARK_RUN, '$1').normalize('NFKC');
}

// ---- character classes (code units; after NFKC every digit people type is ASCII) ----

const isDigit = (c: number) => c >= 48 && c <= 57;
/** Separators people type between digit groups: space, tab, NBSP-like spaces, . - – — _ ( ). Not newline. */
const isJoiner = (c: number) =>
  c === 32 || c === 9 || c === 0xa0 || c === 0x2009 || c === 0x202f || c === 46 || c === 45 || c === 0x2010 || c === 0x2011 || c === 0x2012 || c === 0x2013 || c === 0x2014 || c === 0x2212 || c === 95 || c === 40 || c === 41;
/** Longest separator run still read as "between digits" ("0913 - 456 - 789" has three). */
const MAX_JOINER = 6;
const isAsciiAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const LETTER = /\p{L}/u;
const isLetterAt = (s: string, i: number) => i >= 0 && i < s.length && (isAsciiAlnum(s.charCodeAt(i)) ? !isDigit(s.charCodeAt(i)) : LETTER.test(s[i]!));

// ---- e-mail: found from each "@", with bounded parts (local ≤ 64, domain ≤ 253) ----

const isLocalChar = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return isAsciiAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || (c > 127 && /[\p{L}\p{N}]/u.test(s[i]!));
};
const isDomainChar = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return isAsciiAlnum(c) || c === 45 || c === 46 || (c > 127 && /[\p{L}\p{N}]/u.test(s[i]!));
};

interface Span {
  start: number;
  end: number;
  kind: Kind;
}

function emailSpans(s: string): Span[] {
  const out: Span[] = [];
  let from = 0;
  let lastEnd = 0;
  for (;;) {
    const at = s.indexOf('@', from);
    if (at < 0) break;
    from = at + 1;
    let a = at;
    while (a > lastEnd && at - a < 64 && isLocalChar(s, a - 1)) a--;
    while (a < at && s.charCodeAt(a) === 46) a++; // a local part does not start with a dot
    if (a === at) continue;
    let b = at + 1;
    while (b < s.length && b - at <= 253 && isDomainChar(s, b)) b++;
    // trim a trailing sentence dot or dash, then require "label.tld" with a tld of ≥ 2 letters
    while (b > at + 1 && (s.charCodeAt(b - 1) === 46 || s.charCodeAt(b - 1) === 45)) b--;
    const domain = s.slice(at + 1, b);
    const dot = domain.lastIndexOf('.');
    if (dot <= 0 || !/^\p{L}{2,}$/u.test(domain.slice(dot + 1)) || domain.includes('..')) continue;
    out.push({ start: a, end: b, kind: 'email' });
    lastEnd = b;
    from = b;
  }
  return out;
}

// ---- digit clusters ----

interface Group {
  start: number;
  end: number;
}

/** Units after a number that make it a quantity, not an id ("150000000 đồng", "123.456.789 người"). */
const QUANTITY_UNIT =
  /^[\s)]*(?:đ(?![\p{L}])|đồng|dong(?![\p{L}])|vnđ|vnd|usd|\$|tỷ|ty(?![\p{L}])|triệu|trieu|nghìn|nghin|ngàn|ngan(?![\p{L}])|km|m(?![\p{L}])|m2|ha(?![\p{L}])|kg|tấn|tan(?![\p{L}])|người|nguoi|lượt|luot|hộ(?![\p{L}])|ho(?![\p{L}])|%)/iu;
/** Words just before a number that say it is an identity document number. */
const ID_WORD = /(?<!\p{L})(?:cmnd|cmt|cccd|căn cước|can cuoc|chứng minh|chung minh|định danh|dinh danh|hộ chiếu|ho chieu|passport|giấy tờ|giay to|id)\W{0,6}$/iu;

/** The kind of a digit string, or null. Leading-zero and country-code shapes are unambiguous. */
function shapeOf(d: string): Kind | null {
  const n = d.length;
  if (n === 10 && /^0[35789]/.test(d)) return 'phone';
  if (n === 11 && /^(?:84[35789]|02)/.test(d)) return 'phone';
  if (n === 12 && /^(?:840[35789]|842)/.test(d)) return 'phone';
  if (n === 13 && d.startsWith('8402')) return 'phone';
  if (n === 12 && d.startsWith('0')) return 'id';
  if (n === 9) return 'id';
  return null;
}

/** Thousands style: 1–3 digits, then groups of exactly three, all separated by one "." or one ",". */
function thousandsStyle(s: string, groups: Group[]): boolean {
  if (groups.length < 2 || groups[0]!.end - groups[0]!.start > 3) return false;
  const sep = s[groups[0]!.end];
  if (sep !== '.' && sep !== ',') return false;
  for (let k = 1; k < groups.length; k++) {
    if (groups[k]!.end - groups[k]!.start !== 3) return false;
    if (groups[k]!.start - groups[k - 1]!.end !== 1 || s[groups[k - 1]!.end] !== sep) return false;
  }
  return true;
}

/** An id word (CMND, CCCD, căn cước, hộ chiếu, …) just before position `at`. */
const idWordBefore = (s: string, at: number) => ID_WORD.test(s.slice(Math.max(0, at - 24), at));

/**
 * Whether a 9-digit candidate is a quantity or amount rather than an id: followed by a unit, or
 * (when no id word comes before it) written with thousands separators, or part of a larger number
 * written that way ("1.500.000.000"). Ids start with a province code and are typed bare or spaced.
 */
function isQuantity(s: string, run: Group[], cluster: Group[], digits: string): boolean {
  if (digits.startsWith('0')) return false;
  const end = run[run.length - 1]!.end;
  if (QUANTITY_UNIT.test(s.slice(end, end + 12))) return true;
  if (idWordBefore(s, cluster[0]!.start)) return false;
  return thousandsStyle(s, run) || thousandsStyle(s, cluster);
}

/** Groupings a 9-digit number is typed in: bare, 3-3-3, one digit at a time, or the 2-3-4 / 3-3-3 mixes of phones. */
function plausibleIdGrouping(groups: Group[]): boolean {
  if (groups.length === 1) return true;
  const sizes = groups.map((g) => g.end - g.start);
  return sizes.every((x) => x === sizes[0]) || sizes.every((x) => x >= 2);
}

/** A comma-glued short digit run next to the candidate makes it a decimal ("1,0912345678"), not an id. */
function gluedToShortNumber(s: string, start: number, end: number): boolean {
  const runLeft = () => {
    let k = start - 1;
    if (s[k] !== ',') return false;
    let n = 0;
    while (k - 1 >= 0 && isDigit(s.charCodeAt(k - 1))) {
      k--;
      n++;
    }
    return n > 0 && n < 9;
  };
  const runRight = () => {
    if (s[end] !== ',') return false;
    let k = end + 1;
    let n = 0;
    while (k < s.length && isDigit(s.charCodeAt(k))) {
      k++;
      n++;
    }
    return n > 0 && n < 9;
  };
  return runLeft() || runRight();
}

const threeDigitsAt = (s: string, i: number) =>
  isDigit(s.charCodeAt(i)) && isDigit(s.charCodeAt(i + 1)) && isDigit(s.charCodeAt(i + 2)) && !isDigit(s.charCodeAt(i + 3));

function digitSpans(s: string, taken: Span[]): Span[] {
  const out: Span[] = [];
  let t = 0; // index into taken (sorted)
  let i = 0;
  const n = s.length;
  while (i < n) {
    if (!isDigit(s.charCodeAt(i))) {
      i++;
      continue;
    }
    while (t < taken.length && taken[t]!.end <= i) t++;
    if (t < taken.length && taken[t]!.start <= i) {
      i = taken[t]!.end;
      continue;
    }
    // read one cluster: digit groups joined by short separator runs
    const groups: Group[] = [];
    let j = i;
    for (;;) {
      const gs = j;
      while (j < n && isDigit(s.charCodeAt(j))) j++;
      groups.push({ start: gs, end: j });
      let k = j;
      while (k < n && k - j < MAX_JOINER && isJoiner(s.charCodeAt(k))) k++;
      // a comma joins only thousands groups ("187,654,321"); lists ("0912345678,0987654321") and
      // decimals ("1,5") stay apart
      if (k === j && s[j] === ',' && j - gs <= 3 && threeDigitsAt(s, j + 1)) k = j + 1;
      if (k > j && k < n && isDigit(s.charCodeAt(k)) && !(t < taken.length && taken[t]!.start < k)) j = k;
      else break;
    }
    const clusterEnd = groups[groups.length - 1]!.end;
    // glued to letters on either side ("QL48", "HS123456789"): a code, unless it has a phone's shape
    // ("sđt0912345678nhé"), which no code has
    const glued = isLetterAt(s, groups[0]!.start - 1) || isLetterAt(s, clusterEnd);
    matchGroups(s, groups, out, glued);
    i = clusterEnd;
  }
  return out;
}

/** Left to right: from each group, the longest run of groups (≤ 13 digits) that has a PII shape. */
function matchGroups(s: string, groups: Group[], out: Span[], glued: boolean): void {
  let g = 0;
  while (g < groups.length) {
    let digits = '';
    let best: { to: number; kind: Kind } | null = null;
    for (let h = g; h < groups.length; h++) {
      digits += s.slice(groups[h]!.start, groups[h]!.end);
      if (digits.length > 13) break;
      const kind = shapeOf(digits);
      if (!kind || (glued && kind !== 'phone')) continue;
      const run = groups.slice(g, h + 1);
      if (kind === 'id' && (!plausibleIdGrouping(run) || isQuantity(s, run, groups, digits))) continue;
      if (gluedToShortNumber(s, groups[g]!.start, groups[h]!.end)) continue;
      best = { to: h, kind };
    }
    if (!best) {
      g++;
      continue;
    }
    let start = groups[g]!.start;
    // a country-code prefix typed as "+84" or "(+84)", or a bracketed area code "(024)"
    if (s[start - 1] === '+') start--;
    if (s[start - 1] === '(') start--;
    let end = groups[best.to]!.end;
    if (s[end] === ')' && s.slice(start, end).includes('(')) end++;
    out.push({ start, end, kind: best.kind });
    g = best.to + 1;
  }
}

// ---- passports: one or two capital letters and 7 digits (Vietnamese passports: "C1234567") ----

function passportSpans(s: string, taken: Span[]): Span[] {
  const out: Span[] = [];
  const re = /(?<![\p{L}\p{N}])[A-Z]{1,2}\d{7}(?![\p{L}\p{N}])/gu;
  let t = 0; // taken is sorted; matches come left to right
  for (const m of s.matchAll(re)) {
    const start = m.index;
    const end = start + m[0].length;
    while (t < taken.length && taken[t]!.end <= start) t++;
    if (t < taken.length && taken[t]!.start < end) continue;
    out.push({ start, end, kind: 'id' });
  }
  return out;
}

/** Replaces phone numbers, id and passport numbers and e-mail addresses with Vietnamese placeholders. */
export function redactPii(text: string): string {
  if (!text) return text;
  const s = matchingText(text);
  const emails = emailSpans(s);
  const numbers = digitSpans(s, emails);
  const all = [...emails, ...numbers].sort((a, b) => a.start - b.start);
  const spans = [...all, ...passportSpans(s, all)].sort((a, b) => a.start - b.start);
  if (spans.length === 0) return s;
  let out = '';
  let at = 0;
  for (const sp of spans) {
    if (sp.start < at) continue;
    out += s.slice(at, sp.start) + PLACEHOLDER[sp.kind];
    at = sp.end;
  }
  return out + s.slice(at);
}

/** True when the text still contains something redactPii would replace (for assertions and logs). */
export function containsPii(text: string): boolean {
  return redactPii(text) !== matchingText(text);
}
