// Understanding and verification mechanisms added for the judged review's failure classes: a
// "how many" answer must hold a count (not a date), chat shorthand and closing particles do not hide
// the question word, and a later part that only names another thing asks the first part's question.
import { describe, expect, it } from 'vitest';
import { answerTypeOf, countedNoun, countsNounNear, literalsIn, splitParts } from '../../src/answer/understand.js';
import { answersPart } from '../../src/answer/pipeline.js';
import { errandTerms } from '../../src/answer/refusal.js';
import { namesakesOf, rankAnswers } from '../../src/answer/steps/select.js';
import type { Candidate } from '../../src/retrieval/knowledge-index.js';
import { holdsCount, holdsValue, namesPlaceBeyond } from '../../src/answer/values.js';
import { understandStep } from '../../src/answer/steps/understand.js';
import { normaliseStep } from '../../src/answer/steps/normalise.js';
import type { State } from '../../src/answer/pipeline.js';
import { defaultLexicon } from '../../src/text/lexicon.js';

const lex = defaultLexicon();

/** Just enough of the pipeline's state for the understand step (it needs no index). */
function understood(text: string, conversation: State['conversation'] = null): State {
  const s = { lex, question: text, text, ctx: {}, now: new Date('2026-12-01T00:00:00Z'), conversation, lang: 'vi', parts: [], year: null, topicOnly: null, trace: [] } as unknown as State;
  void normaliseStep.run(s, s);
  void understandStep.run(s, s);
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
  it('splits two English "which" questions joined by "and"', () => {
    const s = understood('At the Hang Bua festival, which temple is the offering ceremony held at and which gods are worshipped there?');
    expect(s.parts.map((p) => p.type?.type)).toEqual(['where', 'what_is']);
  });
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

describe('a count of the asked thing', () => {
  const people = countedNoun(lex, 'dân số bao nhiêu người')!;
  it.each([
    ['Xã có 5.482 người.', true],
    ['Dân số là 5.482 người', true],
    ['495/496 đại biểu tán thành', false],
    // names people, counts islands
    ['Quần đảo Trường Sa chỉ có 11 đảo có người.', false],
  ])('%s → %s', (text, ok) => {
    expect(countsNounNear(text, people)).toBe(ok);
  });
});

describe('errands a question names', () => {
  it('finds the errand, typed with or without marks', () => {
    expect(errandTerms(lex, 'lam giay khai sinh cho con o dau')).toEqual([' khai sinh ']);
    expect(errandTerms(lex, 'nhà em bị mất điện từ sáng, báo ở đâu ạ')).toContain(' mat dien ');
  });
  it('leaves the knowledge’s own topics alone', () => {
    expect(errandTerms(lex, 'lễ hội Hang Bua năm nay ngày nào')).toEqual([]);
  });
  it('carries the first part’s errand into a part that names nothing', () => {
    const s = understood('lam giay khai sinh cho con o dau, trong bao lau phai di dang ky');
    expect(s.parts).toHaveLength(2);
    expect(s.parts[1]!.errand).toEqual([' khai sinh ']);
  });
});

describe('years that pin the answer', () => {
  it('does not pin a year that tells about the asker', () => {
    expect(literalsIn('tôi sinh năm 1990 thì có được làm căn cước không', lex).years).toEqual([]);
    expect(literalsIn('I was born in 1990, can I visit the border area', lex).years).toEqual([]);
    expect(literalsIn('cho em hỏi năm 2025 lễ hội hang bua khai hội ngày nào', lex).years).toEqual(['2025']);
  });
  it('pins the year "năm nay" means, as a typed year', () => {
    const s = understood('lễ hội hang bua năm nay tổ chức ngày nào');
    expect(s.parts[0]!.year).toBe(2026);
    expect(s.parts[0]!.literals.years).toEqual(['2026']);
  });
});

describe('namesakes of an asked entity', () => {
  const cand = (id: string, folded: string, coverage: number) =>
    ({ unit: { role: 'passage', lang: 'vi', folded, doc: { id, kind: 'doc', foldedAll: folded, meta: {} } }, coverage, unitCoverage: coverage, bigramCoverage: coverage, dense: 0, rrf: 0 }) as unknown as Candidate;
  it('ranks an entry about a namesake after the others', () => {
    const cands = [cand('homonyms', ' hai xa chau tien thuoc huyen quy hop va quy chau ', 0.8), cand('merger', ' xa chau tien moi lap tu 4 xa cu ', 0.72)];
    expect(rankAnswers(cands, 'vi', [], [], [' quy hop '])[0]!.cand.unit.doc.id).toBe('merger');
    expect(rankAnswers(cands, 'vi', [], [], [])[0]!.cand.unit.doc.id).toBe('homonyms');
  });
  it('takes the namesakes from entities.yml unless the question names them', () => {
    const s = understood('xa chau tien moi la sap nhap tu nhung xa nao vay');
    expect(namesakesOf(s.parts[0]!, s)).toEqual([' quy hop ']);
    const t = understood('xa chau tien o quy hop gio thuoc xa nao');
    expect(namesakesOf(t.parts[0]!, t)).toEqual([]);
  });
});

describe('"how far" wants a distance', () => {
  it('reads "bao xa", "how far" as asking for a distance', () => {
    expect(answerTypeOf(lex, 'hang bua cach vinh bao xa')).toMatchObject({ values: 'distance' });
    expect(answerTypeOf(lex, 'how far is it from Vinh')).toMatchObject({ values: 'distance' });
    expect(answerTypeOf(lex, 'lãnh hải rộng bao nhiêu')).toMatchObject({ values: 'quantity' });
  });
  it.each([
    ['Hang Bua cách TP Vinh khoảng 170 km.', true],
    ['Lãnh hải rộng 12 hải lý.', true],
    ['Đi xe khoảng 4 giờ.', true],
    ['The festivities take place on about 2 hectares in front of the cave.', false],
    ['Diện tích 14,26 km2.', false],
  ])('%s → %s', (text, ok) => {
    expect(holdsValue('distance', text)).toBe(ok);
  });
  it('knows where an event is held (entities.yml held_at)', () => {
    expect(lex.entityById.get('le-hoi-hang-bua')?.def.held_at).toBe('hang-bua');
  });
});

describe('errands are phrases', () => {
  it('does not read a single routing word as an errand', () => {
    expect(errandTerms(lex, 'Is there fire dancing at the Hang Bua festival?')).toEqual([]);
    expect(errandTerms(lex, 'power cut at my homestay, who do i call?')).toEqual([' power cut ']);
  });
});

describe('names the question gives', () => {
  it('leaves an entity’s name to the entity check (any alias will do)', () => {
    expect(understood('How many islands are in the Paracel islands?').parts[0]!.names).toEqual([]);
    expect(understood('Xã Hùng Chân mới được lập từ những xã cũ nào?').parts[0]!.names).toEqual(['hung']);
  });
});

describe('"which"/"what" with a noun is a question, not an assertion', () => {
  it.each(['Những hành vi nào bị cấm trong khu vực biên giới?', 'nhung hanh vi bi cam o vanh dai bien gioi', 'cần làm những việc gì khi vào khu vực biên giới'])('%s', (q) => {
    // a null type makes the claims step read the message as a claim (a rumour on a sensitive matter)
    expect(answerTypeOf(lex, q)?.type).toBe('what_is');
  });
  it('leaves a statement without a question word untyped', () => {
    expect(answerTypeOf(lex, 'biên giới bị đóng cửa rồi')).toBeNull();
  });
});

describe('"ở đâu" is answered by a place beyond the question\'s own names', () => {
  const notNames = new Set(lex.data.questionWords.named_places.stop);
  const asked = 'le hoi hang bua to chuc o dau';
  it('rejects a sentence whose only names are the question\'s and a month', () => {
    expect(namesPlaceBeyond('Lễ hội Hang Bua năm 2025 khai hội ngày 18/2/2025 (21 tháng Giêng âm lịch).', asked, notNames)).toBe(false);
    expect(namesPlaceBeyond('The Hang Bua festival opens in February.', 'where is the hang bua festival', notNames)).toBe(false);
  });
  it('accepts a new place name or a locative phrase', () => {
    expect(namesPlaceBeyond('Lễ hội diễn ra ở đền Chiêng Ngam, xã Châu Tiến.', asked, notNames)).toBe(true);
    expect(namesPlaceBeyond('Lễ hội Hang Bua tổ chức tại bãi hội trước cửa hang.', asked, notNames)).toBe(true);
  });
});

describe('multi-part messages: context is not a question, and a part answered by another is not unknown', () => {
  it('leaves out a statement that no "?" closes', () => {
    expect(splitParts(lex, 'hi! how far is Bua cave from Vinh city? planning a day trip 🚐')).toEqual(['hi! how far is Bua cave from Vinh city']);
    expect(splitParts(lex, 'Bọn mình đi xe máy\nHang Bua cách Vinh bao xa?')).toEqual(['Hang Bua cách Vinh bao xa']);
  });
  it('keeps questions closed by "?" and greetings with their question', () => {
    expect(splitParts(lex, 'Hoàng Sa thuộc đâu? còn Trường Sa?')).toHaveLength(2);
    expect(splitParts(lex, 'hang bua mo cua may h, gia ve')).toHaveLength(2);
    expect(splitParts(lex, 'ad ơi, cho mình hỏi Hang Bua ở đâu')).toHaveLength(1);
  });
  it('counts a part as answered when another part\'s answer holds its value and words', () => {
    const part = (text: string) => ({ text, type: answerTypeOf(lex, text), entities: [] });
    const answer = 'Luật Biển Việt Nam được Quốc hội thông qua ngày 21/6/2012, với 495/496 đại biểu tán thành (khoảng 99,8%).';
    expect(answersPart(lex, part('bn % dbqh tan thanh'), answer)).toBe(true);
    expect(answersPart(lex, part('có hiệu lực từ bao giờ'), answer.replace('21/6/2012', 'kỳ họp thứ 3'))).toBe(false);
  });
});

describe('the counted noun, spelled out and a few words from its number', () => {
  it('counts what chat shorthand stands for', () => {
    const noun = countedNoun(lex, 'luat bien phong co bn dbqh tan thanh')!;
    expect(countsNounNear('Luật được thông qua với 456 đại biểu tán thành.', noun)).toBe(true);
  });
  it('finds the number up to three words before the noun', () => {
    expect(countsNounNear('64 cán bộ, chiến sĩ Hải quân hy sinh.', countedNoun(lex, 'tran gac ma bn chien si hy sinh')!)).toBe(true);
    expect(countsNounNear('Năm 1988 có nhiều cán bộ và chiến sĩ hy sinh.', countedNoun(lex, 'bn chien si hy sinh')!)).toBe(false);
  });
});
