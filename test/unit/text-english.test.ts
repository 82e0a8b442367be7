// English questions: language of short English frames around Vietnamese terms, lone acronyms,
// British/American spellings and plurals in the stemmer, and the English question words of
// knowledge/_assistant/question-words.yml (an auxiliary verb mid-question is not a yes/no question).
import { describe, expect, it } from 'vitest';
import { answerTypeOf } from '../../src/answer/understand.js';
import { detectLang } from '../../src/text/lang.js';
import { defaultLexicon } from '../../src/text/lexicon.js';
import { englishStem } from '../../src/text/terms.js';

describe('detectLang on English around Vietnamese terms', () => {
  it('keeps a short English question about a lower-case Vietnamese term English', () => {
    for (const q of ['What is xòe?', 'What is khắc luống?', 'what does xòe mean', 'what does chiêng ngam mean?', 'where is bản Bua']) expect(detectLang(q).lang, q).toBe('en');
  });
  it('keeps Vietnamese with a stray English-looking syllable Vietnamese', () => {
    for (const q of ['do an ở đâu', 'Xòe là gì', 'khắc luống là gì vậy', 'the nào là xòe']) expect(detectLang(q).lang, q).toBe('vi');
  });
  it('lets a lone acronym follow the conversation, Vietnamese by default', () => {
    expect(detectLang('UNCLOS').lang).toBe('vi');
    expect(detectLang('UNCLOS', 'en').lang).toBe('en');
    expect(detectLang('UPR?', 'en').lang).toBe('en');
    expect(detectLang('UNCLOS').confident).toBe(false);
  });
  it('reads typed English contractions without apostrophes as English', () => {
    expect(detectLang('wheres hang bua').lang).toBe('en');
    expect(detectLang('hang bua o dau pls').lang).toBe('vi');
  });
  it('keeps English with emoji English', () => {
    expect(detectLang('when is border guard day in vietnam 🇻🇳').lang).toBe('en');
  });
});

describe('englishStem', () => {
  it('merges British and American spellings', () => {
    expect(englishStem('palaeolithic')).toBe(englishStem('paleolithic'));
    expect(englishStem('organised')).toBe(englishStem('organized'));
    expect(englishStem('honour')).toBe(englishStem('honor'));
    expect(englishStem('defence')).toBe(englishStem('defense'));
    expect(englishStem('kilometres')).toBe(englishStem('kilometers'));
  });
  it('drops the plural s of four-letter words but not of "this" or "thus"', () => {
    expect(englishStem('gods')).toBe('god');
    expect(englishStem('laws')).toBe('law');
    expect(englishStem('this')).toBe('this');
    expect(englishStem('thus')).toBe('thus');
    expect(englishStem('tours')).toBe(englishStem('tour'));
  });
  it('stems a plural as its singular', () => {
    expect(englishStem('spratlys')).toBe(englishStem('spratly'));
    expect(englishStem('paracels')).toBe(englishStem('paracel'));
  });
  it('undoubles the consonant before -ed', () => {
    expect(englishStem('worshipped')).toBe('worship');
    expect(englishStem('passed')).toBe('pass');
  });
});

describe('English answer types (question-words.yml)', () => {
  const lex = defaultLexicon();
  it('reads a wh-question with an auxiliary as a wh-question, not yes/no', () => {
    expect(answerTypeOf(lex, 'what games do they play at the hang bua festival')?.type).toBe('what_is');
    expect(answerTypeOf(lex, 'what big anniversaries did vietnam celebrate in 2025')?.type).toBe('what_is');
    expect(answerTypeOf(lex, 'is there parking at hang bua')?.type).toBe('yesno');
  });
  it('reads "is it free" as a question about a price', () => {
    const t = answerTypeOf(lex, 'is it free to get in?');
    expect(t?.type).toBe('how_many');
    expect(t?.values).toBe('money');
  });
  it('treats "pls" as a filler', () => {
    expect(lex.fillers.has('pls')).toBe(true);
  });
});
