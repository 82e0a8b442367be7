// Understanding and verification mechanisms added for the judged review's failure classes: a
// "how many" answer must hold a count (not a date), chat shorthand and closing particles do not hide
// the question word, and a later part that only names another thing asks the first part's question.
import { describe, expect, it } from 'vitest';
import { answerTypeOf } from '../../src/answer/understand.js';
import { holdsCount, holdsValue } from '../../src/answer/values.js';
import { understandStep } from '../../src/answer/steps/understand.js';
import { normaliseStep } from '../../src/answer/steps/normalise.js';
import type { State } from '../../src/answer/pipeline.js';
import { defaultLexicon } from '../../src/text/lexicon.js';

const lex = defaultLexicon();

/** Just enough of the pipeline's state for the understand step (it needs no index). */
function understood(text: string, conversation: State['conversation'] = null): State {
  const s = { lex, question: text, text, ctx: {}, now: new Date('2026-12-01T00:00:00Z'), conversation, lang: 'vi', parts: [], year: null, topicOnly: null, trace: [] } as unknown as State;
  normaliseStep.run(s, s);
  understandStep.run(s, s);
  return s;
}

describe('a "how many" answer holds a count, not a date', () => {
  it.each([
    ['Việt Nam trở thành thành viên thứ 63 của Công ước.', true],
    ['Năm 1987 hai nước cắm 214 cột mốc.', true],
    ['Biên giới dài 2.337 km.', true],
    ['495/496 đại biểu tán thành.', true],
    ['Vietnam joined as its seventh member.', true],
    ['Có mười hai màu nhuộm.', true],
    ['The Convention was adopted on 30 April 1982 and opened for signature on 10 December 1982.', false],
    ['Quốc hội phê chuẩn ngày 23/6/1994.', false],
    ['Lễ hội diễn ra ngày 20-22/1 âm lịch, từ tháng 7/2025.', false],
    // folded, "tằm" is "tám" (eight) and "hải" is "hai" (two): number words are read with their marks
    ['Người dân trồng dâu, nuôi tằm, ươm tơ.', false],
    ['Việt Nam có quyền chủ quyền đối với vùng đặc quyền kinh tế và lãnh hải.', false],
  ])('%s → %s', (text, ok) => {
    expect(holdsCount(text)).toBe(ok);
    expect(holdsValue('number', text)).toBe(ok);
  });
});

describe('a rank question wants a rank', () => {
  it('reads "thứ mấy", "which member number" as asking for an ordinal', () => {
    expect(answerTypeOf(lex, 'VN là thành viên thứ mấy của công ước luật biển')).toMatchObject({ type: 'how_many', values: 'ordinal' });
    expect(answerTypeOf(lex, 'which member number was Vietnam')).toMatchObject({ values: 'ordinal' });
  });
  it.each([
    ['đưa Việt Nam thành thành viên thứ 63 của Công ước.', true],
    ['making Vietnam the 63rd party', true],
    ['as its seventh member', true],
    ['UNCLOS was adopted on 30 April 1982.', false],
    ['On that first day it received 119 signatures.', false],
  ])('%s → %s', (text, ok) => {
    expect(holdsValue('ordinal', text)).toBe(ok);
  });
});

describe('question words behind chat shorthand and closing particles', () => {
  it('reads shorthand as its main meaning', () => {
    expect(answerTypeOf(lex, 'hang bua dc cong nhan cap qg nam bn ad')).toMatchObject({ type: 'when' });
    expect(answerTypeOf(lex, 'hang bua mo cua may h')).toMatchObject({ type: 'hours' });
  });
  it('finds the yes/no frame before the particles that close a message', () => {
    expect(answerTypeOf(lex, 'hang bua co dep ko ad')).toMatchObject({ type: 'yesno' });
    expect(answerTypeOf(lex, 'vao co mat ve ko ad')).toMatchObject({ values: 'money' });
  });
});

describe('parts of one message', () => {
  it('splits a question and a yes/no question that ends on particles', () => {
    const s = understood('hang bua mo cua may h, vao co mat ve ko ad');
    expect(s.parts.map((p) => p.type?.type)).toEqual(['hours', 'how_many']);
  });
  it('asks the first part’s question of the thing a follow-up part names', () => {
    const s = understood('lanh hai rong bn hai ly? con vung dac quyen kinh te thi bn');
    expect(s.parts).toHaveLength(2);
    expect(s.parts[1]!.text).toContain('vung dac quyen kinh te rong');
    expect(s.parts[1]!.type).toMatchObject({ values: 'quantity' });
    expect(s.parts[1]!.entities.map((e) => e.id)).toEqual(['eez']);
  });
});

describe('a message that only names a topic', () => {
  it.each([
    ['truongsa', 'vi'],
    ['hoàng sa', 'vi'],
    ['Spratly', 'en'],
    ['hs', 'vi'],
  ])('%s is answered in %s', (q, lang) => {
    const s = understood(q);
    expect(s.topicOnly).not.toBeNull();
    expect(s.lang).toBe(lang);
  });
  it('keeps an English conversation for a name both languages use', () => {
    const conv = { v: 1 as const, question: 'what is the EEZ', entities: ['eez'], topic: 'sea', lang: 'en' as const, menu: null, at: '' };
    expect(understood('UNCLOS', conv).lang).toBe('en');
  });
});

describe('a question with no entity after a question about one', () => {
  const conv = { v: 1 as const, question: 'hang bua mo cua may gio', entities: ['hang-bua'], topic: 'tourism', lang: 'vi' as const, menu: null, at: '' };
  it('keeps a second reading about the last entity, tried if the message alone is refused', () => {
    const s = understood('di tham quan het tam bao lau', conv);
    expect(s.text).toBe('di tham quan het tam bao lau');
    expect(s.followUpReading).toContain('Hang Bua');
  });
  it('has none for a message with an entity of its own or no question', () => {
    expect(understood('lanh hai rong bao nhieu', conv).followUpReading).toBeUndefined();
    expect(understood('toi o ha noi', conv).followUpReading).toBeUndefined();
  });
});
