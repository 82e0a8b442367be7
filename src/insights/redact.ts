// PII redaction for anything a citizen typed before it is stored or logged (Decree 13/2023/NĐ-CP):
// Vietnamese phone numbers, citizen id numbers (9-digit CMND, 12-digit CCCD) and e-mail addresses
// become placeholders. Years, dates, law numbers (06/2003/QH11), distances (2.337 km) and amounts
// (1.500.000 đồng) are left alone: the rules below only fire on digit runs of a phone or id length,
// and dotted runs that look like amounts (no leading zero) are kept.

export const PLACEHOLDER = {
  phone: '[số điện thoại]',
  id: '[số giấy tờ]',
  email: '[email]',
} as const;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/** One separator between digit groups as people type them: space, dot, dash (at most one). */
const SEP = '[ .\\-]?';
/** Country/trunk prefix: +84, 84, (+84), or a leading 0 (optionally in parentheses, as in "(0238)"). */
const PREFIX = `(?:\\(?\\+84\\)?${SEP}|84${SEP}|\\(?0)`;
/**
 * Not glued to a longer number on the left (a digit, or a digit then a dot/dash/comma), unless
 * that neighbour is itself a run of 9+ digits: "0912345678,0987654321" is a list of two numbers.
 */
const LEFT = '(?<!\\p{N})(?<!(?<!\\p{N}{8})\\p{N}[.,\\-])';
/** Not continued by more digits on the right (same exception); a trailing sentence dot is fine. */
const RIGHT = '(?!\\p{N})(?![.,\\-]\\p{N}(?!\\p{N}{8}))';

// Mobile: prefix + 9 digits starting with 3, 5, 7, 8 or 9 (0912345678, +84 912 345 678, 84912345678).
const MOBILE = new RegExp(`${LEFT}${PREFIX}[35789](?:\\)?${SEP}\\p{N}){8}${RIGHT}`, 'gu');
// Landline since 2017: 0 + 2xx area code + subscriber = 11 digits in all (0238 3844 123, (024) 3825 1234).
const LANDLINE = new RegExp(`${LEFT}${PREFIX}2(?:\\)?${SEP}\\p{N}){9}${RIGHT}`, 'gu');

// Id numbers: 12 digits (CCCD, new CMND) or 9 digits (old CMND), bare or in groups of 3 or 4.
const ID_NUMBER = new RegExp(
  `${LEFT}(?:\\p{N}{12}|\\p{N}{9}|\\p{N}{3}([ .\\-])\\p{N}{3}\\1\\p{N}{3}\\1\\p{N}{3}|\\p{N}{4}([ .\\-])\\p{N}{4}\\2\\p{N}{4}|\\p{N}{3}([ .\\-])\\p{N}{3}\\3\\p{N}{3})${RIGHT}`,
  'gu',
);
/** Units after a number that make it a quantity, not an id ("150000000 đồng", "123.456.789 người"). */
const QUANTITY_UNIT = /^\s*(?:đ\b|đồng|dong\b|vnđ|vnd|usd|\$|tỷ|ty\b|triệu|trieu|nghìn|nghin|ngàn|ngan|km|m\b|m2|ha\b|kg|tấn|tan\b|người|nguoi|lượt|luot|hộ\b|ho\b|%)/iu;

/** Replaces phone numbers, citizen id numbers and e-mail addresses with Vietnamese placeholders. */
export function redactPii(text: string): string {
  if (!text) return text;
  let s = text.replace(EMAIL, PLACEHOLDER.email);
  s = s.replace(MOBILE, PLACEHOLDER.phone).replace(LANDLINE, PLACEHOLDER.phone);
  s = s.replace(ID_NUMBER, (match: string, ...rest: unknown[]) => {
    // The offset and the whole string come after the capture groups in a replace callback.
    const whole = rest[rest.length - 1] as string;
    const offset = rest[rest.length - 2] as number;
    return looksLikeQuantity(match, whole.slice(offset + match.length)) ? match : PLACEHOLDER.id;
  });
  return s;
}

/**
 * A dotted or comma-grouped number that does not start with 0 is written like an amount
 * ("123.456.789"); ids start with a province code (CCCD always with 0) and are typed bare or spaced.
 * A bare number followed by a unit is a quantity too.
 */
function looksLikeQuantity(match: string, after: string): boolean {
  const dotted = /[.,]/.test(match);
  if (dotted && !match.startsWith('0')) return true;
  return !match.startsWith('0') && QUANTITY_UNIT.test(after);
}

/** True when the text still contains something redactPii would replace (for assertions and logs). */
export function containsPii(text: string): boolean {
  return redactPii(text) !== text;
}
