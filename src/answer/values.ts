// Does a sentence hold a value of the kind a question asks for? "bao nhiêu km" needs a number with
// a length unit, "năm nào" a date or a year, "ai" a person or an office holder, "ở đâu" a place.
// These are shapes of values (digits, units, dates, capitalised names), not word lists about topics:
// they hold for questions nobody wrote down.
import type { ValueKindName } from './assistant-data.js';
import { fold, hasDiacritics } from '../text/normalize.js';
import { defaultLexicon } from '../text/lexicon.js';

const MONTHS_EN = '(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)';
const DATE = new RegExp(
  [
    '(^|[^\\d])(1\\d{3}|20\\d{2})([^\\d]|$)', // a year
    '\\d{1,2}\\s*[/.\\-–—]\\s*\\d{1,2}', // 16/6, 20-22/1
    '\\d+\\s*(nam|years?|the ky|centur)', // "50 năm", "600 years"
    'thang (\\d|gieng|chap|mot|hai|ba|tu|nam|sau|bay|tam|chin|muoi)', // tháng Giêng, tháng 3
    '(ngay|mung|mong) \\d',
    `\\d+(st|nd|rd|th)? (of )?${MONTHS_EN}\\b`,
    `\\b${MONTHS_EN} \\d`,
    '\\b(hang nam|moi nam|annually|every year|each year|thu (hai|ba|tu|nam|sau|bay)|chu nhat|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mua (xuan|he|thu|dong)|spring|summer|autumn|winter|dau nam|cuoi nam)\\b',
  ].join('|'),
);
const TIME = /\d{1,2}\s*(h|gio|:\s*\d{2}|am|pm|a\.m|p\.m)\b|\b(sang|chieu|toi|ca ngay|moi ngay|hang ngay|all day|daily|morning|afternoon|evening)\b/;
// number words, English (matched folded) and Vietnamese (matched with their marks: folded, "tằm"
// is "tám" and "hải" is "hai"; "năm" is as often a year as five, so it is left out)
const NUMBER_WORDS = /\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|dozens?|several|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b/;
const NUMBER_WORDS_MARKED = /(?<!\p{L})(một|hai|ba|bốn|tư|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|triệu|tỷ|tỉ|chục|vài)(?!\p{L})/u;
// dates and years, removed before looking for a count: "ngày 16/11/1994" answers "when", not "how
// many". A bare four-digit 1500–2099 is a year: counts that large are written with a separator
// ("2.337 km", "1,000 people").
const DATE_PARTS = new RegExp(
  [
    `\\d{1,2}(st|nd|rd|th)?\\s+(of\\s+)?${MONTHS_EN}\\b(\\s*,?\\s*\\d{4})?`,
    `\\b${MONTHS_EN}\\s+\\d{1,2}(st|nd|rd|th)?\\b(\\s*,?\\s*\\d{4})?`,
    '(?<![\\d.,/])\\d{1,2}(\\s*[-–]\\s*\\d{1,2})?\\s*/\\s*\\d{1,2}(\\s*/\\s*\\d{2,4})?(?![\\d/]|[.,]\\d)',
    '(?<![\\d.,/])\\d{1,2}\\.\\d{1,2}\\.\\d{4}(?!\\d)',
    '(?<![\\d.,/])\\d{1,2}\\s*/\\s*(1[5-9]\\d\\d|20\\d\\d)(?![\\d/])',
    '\\b(ngay|mung|mong|thang)\\s+\\d{1,2}(?![\\d/])',
    '(?<![\\d.,])(1[5-9]\\d\\d|20\\d\\d)(?![\\d]|[.,]\\d)',
  ].join('|'),
  'g',
);

// ("first" and "second" are left out: "on that first day", "a second time" rank nothing)
const ORDINAL = /\bthu (\d+|nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)\b|\b\d+ ?(st|nd|rd|th)\b|\b(third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)\b/;

/** A count ("214 cột mốc", "thành viên thứ 63", "52 màu", "bảy màu"): a number that is not a date or a year. */
export function holdsCount(text: string): boolean {
  const f = fold(text).toLowerCase();
  if (/\d/.test(f.replace(DATE_PARTS, ' '))) return true;
  return hasDiacritics(text) ? NUMBER_WORDS_MARKED.test(text.normalize('NFC').toLowerCase()) : NUMBER_WORDS.test(f);
}
// a number followed by a unit of length, area, time or money; or a percentage
const QUANTITY =
  /\d[\d.,]*\s*(km2|km²|km|kilomet|ki lo met|m2|m²|m\b|met|mét|ha\b|hecta|hai ly|hai li|nautical|miles?|dam|nm\b|nam|years?|thang|months?|tuan|weeks?|ngay|days?|gio|hours?|phut|minutes?|%|phan tram|percent|dong|vnd|nghin|trieu)/;


// a distance: a number with a unit of length ("170 km", "12 hải lý", "500 m") or of travel time ("3 giờ", "4 hours")
const DISTANCE = /\d[\d.,]*\s*(km(?![2²])|kilomet|ki lo met|cay so|m\b|met\b|mét|hai ly|hai li|nautical|miles?|nm\b|gio|tieng|hours?|phut|minutes?)/;

// the unit right after a number that makes it a measurement, not a count: a length or an area
// ("0,6 km²", "12 hải lý", "5 ha"), read on folded words ("km²" stays, "%" is gone)
const MEASURE_UNIT = /^(km2|km²|km|kilomet|kilometres?|kilometers?|m2|m²|m|met|metres?|meters?|ha|hecta|hectares?|sq|square|hai ly|hai li|nautical|miles?|nm)\b/;

/**
 * Do the folded words after a number make it a measurement ("06 km²", "12 hai ly")? "Đảo lớn nhất
 * rộng 0,6 km²" does not count islands however near "đảo" the number stands.
 */
export function measuredBy(after: string): boolean {
  return MEASURE_UNIT.test(after);
}

// a sum of money ("20.000 đồng", "50k", "2 triệu", "$5") or no charge ("miễn phí", "không thu phí", "free")
const MONEY = /\d[\d.,]*\s*(dong|d\b|vnd|nghin|ngan|k\b|trieu|tr\b|usd|\$)|\$\s?\d|\b(mien phi|khong mat phi|khong thu phi|khong thu tien|khong mat tien|khong co phi|khong ban ve|khong mat ve|khong thu ve|khong can ve|khong can mua ve|mien ve|free|no fee|no charge|no entrance fee|free of charge)\b/;

/** Words that say where: "nằm ở", "tại", "thuộc", "located" (folded). */
const LOCATIVE = /\b(nam o|nam tai|thuoc|tai|o xa|o huyen|cach|located|in the|km)\b/;

/**
 * True when the text holds a value of that kind (folded matching; the raw text for names).
 * `titleWords`: folded words of titles and offices (knowledge/_assistant/question-words.yml), which
 * do not make a capitalised run a person's name.
 */
export function holdsValue(kind: ValueKindName, text: string, titleWords: ReadonlySet<string> = defaultLexicon().titleWords): boolean {
  if (kind === 'none') return true;
  const f = fold(text).toLowerCase();
  switch (kind) {
    case 'date':
      return DATE.test(f);
    case 'time':
      return TIME.test(f) || DATE.test(f);
    case 'number':
      // "bao nhiêu", "thứ mấy", "số mấy": a count, not a date
      return holdsCount(text);
    case 'ordinal':
      // "thứ mấy", "which member number": a rank ("thành viên thứ 63", "the 63rd party", "seventh")
      return ORDINAL.test(f);
    case 'distance':
      // "bao xa", "how far": a length or a travel time, not an area
      return DISTANCE.test(f);
    case 'quantity':
      return QUANTITY.test(f) || (/\d/.test(f) && /\b(dai|rong|cach|long|wide|far|away)\b/.test(f));
    case 'money':
      // a price or a fee: a sum of money, or that there is none to pay
      return MONEY.test(f);
    case 'person':
      // a name of two or more capitalised words that is not only a title ("Phó Chủ tịch UBND")
      // or a capitalised name after a personal title ("ông Sầm Thanh Hoài", "Mr Hoài"); place names are mostly two words
      return (
        properNames(text).some((n) => n.split(' ').filter((w) => !titleWords.has(fold(w).toLowerCase())).length >= 3) ||
        /(^|[^\p{L}])(ông|bà|Mr|Mrs|Ms|đồng chí|đ\/c)\.?\s+\p{Lu}/u.test(text)
      );
    case 'place':
      return properNames(text).length > 0 || LOCATIVE.test(f);
  }
}

/**
 * For "ở đâu" / "where": the text names a place the question did not already name, or says where
 * with a locative phrase. "Lễ hội Hang Bua tổ chức ở đâu?" is not answered by a date sentence that
 * only repeats "Hang Bua". `askedFolded`: the question, folded; `notNames`: folded capitalised words
 * that are never a place ("tháng Giêng", "February"; question-words.yml named_places.stop).
 */
export function namesPlaceBeyond(text: string, askedFolded: string, notNames: ReadonlySet<string>): boolean {
  const asked = new Set(askedFolded.split(' '));
  const f = fold(text).toLowerCase();
  if (LOCATIVE.test(f)) return true;
  return properNames(text).some((name) => fold(name).toLowerCase().split(/\s+/).some((w) => !asked.has(w) && !notNames.has(w)));
}

/** Sequences of capitalised words that do not open a sentence ("Phà Én", "Đà Nẵng", "Sầm Thanh Hoài"); punctuation ends a name. */
export function properNames(text: string): string[] {
  const out: string[] = [];
  for (const sentence of text.split(/(?<=[.!?:;\n])\s+/)) {
    const tokens = sentence.split(/\s+/).filter(Boolean);
    let run: string[] = [];
    const flush = () => {
      if (run.length) out.push(run.join(' '));
      run = [];
    };
    tokens.forEach((tok, i) => {
      const w = tok.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
      if (/^[^\p{L}\p{N}]/u.test(tok)) flush();
      if (w.length > 0 && /^\p{Lu}/u.test(w) && i > 0) run.push(w);
      else flush();
      if (/[^\p{L}\p{N}]$/u.test(tok)) flush();
    });
    flush();
  }
  return out;
}
