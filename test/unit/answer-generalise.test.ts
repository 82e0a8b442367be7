// Mechanisms that make the answer engine generalise beyond the questions it was tuned on: smalltalk
// found by its longest phrase, rumours told by a source and a verb, scams found by a sum of money or
// a link, refusals routed by the words that name an office, and "how many"/"which" questions that
// must be answered about the thing they ask for.
import { describe, expect, it } from 'vitest';
import { routeFor, officeNamedBy } from '../../src/answer/refusal.js';
import { detectSmalltalk } from '../../src/answer/smalltalk.js';
import { asksForMoney, heardFrom } from '../../src/answer/steps/claims.js';
import { answerTypeOf, countedNoun, countsNoun, literalsIn, namedPlaces, whichNoun } from '../../src/answer/understand.js';
import { holdsValue } from '../../src/answer/values.js';
import { fold, normalize } from '../../src/text/normalize.js';
import { defaultLexicon } from '../../src/text/lexicon.js';

const lex = defaultLexicon();
const padded = (q: string) => ` ${fold(normalize(q))} `;

describe('smalltalk by the longest phrase', () => {
  it.each([
    ['bot ngu vl', 'insult'],
    ['tra loi nhu cc', 'insult'],
    ['đồ vô dụng', 'insult'],
    ['are you a real person? 🤖', 'identity'],
    ['bạn là người hay là máy vậy', 'identity'],
    ['thanks a lot 👍', 'thanks'],
    ['alooo ad oiii', 'greeting'],
    ['okkk', 'ack'],
    ['bot vô dụng, trả lời chậm như rùa', 'insult'],
  ])('%s → %s', (q, kind) => {
    expect(detectSmalltalk(q, lex)).toBe(kind);
  });
  it('still leaves questions alone', () => {
    expect(detectSmalltalk('bot ơi hang bua ở đâu', lex)).toBeNull();
    expect(detectSmalltalk('ngu vl, lễ hội ngày nào', lex)).toBeNull();
  });
});

describe('rumours told by a source and a verb', () => {
  it.each(['fb đồn từ tháng sau cấm vào khu vực biên giới', 'trên mạng người ta bảo Hoàng Sa đã mất', 'dan mang chia se la le hoi bi huy', 'my friend said the festival is cancelled'])('%s', (q) => {
    expect(heardFrom(padded(q), lex)).toBe(true);
  });
  it.each(['fb bao nhiêu người theo dõi', 'mang bảo hiểm y tế khi đi khám', 'zalo của xã là gì', 'Luật Biên phòng có hiệu lực từ khi nào', 'e vua bi lua mat 5 trieu qua zalo roi, gio bao cho ai ad', 'bị lừa trên fb rồi báo công an ở đâu'])('not: %s', (q) => {
    expect(heardFrom(padded(q), lex)).toBe(false);
  });
});

describe('scams: money, codes and links', () => {
  it.each([
    'co nguoi goi bao chuyen 500k phi cap nhat can cuoc',
    'bưu tá bảo chuyển khoản trước 35 nghìn lệ phí',
    'nhan lam cccd 1tr8 dat coc truoc',
    'Someone says I must pay a 200k fee and sent me a link',
    'bấm vào link để nộp phạt nguội',
    'xin ma OTP de xac minh',
  ])('%s', (q) => {
    expect(asksForMoney(padded(q), q, lex)).toBe(true);
  });
  it.each(['vé vào Hang Bua bao nhiêu tiền', 'thổ cẩm Hoa Tiến giá 200k có đắt không', 'Hang Bua cách Vinh 170 km', 'người nước ngoài bị phạt 500 nghìn à'])('not: %s', (q) => {
    expect(asksForMoney(padded(q), q, lex)).toBe(false);
  });
});

describe('refusals routed by the office a question names', () => {
  it.each([
    ['đồn biên phòng gần nhất số điện thoại bao nhiêu', 'don-bien-phong'],
    ['dang ky tam tru o dau', 'cong-an-xa'],
    ['power cut at my homestay, who do i call?', 'dien-luc'],
    ['con em sốt cao giữa đêm đưa đi đâu', 'tram-y-te'],
    ['cháy nhà gọi ai', 'khan-cap'],
    ['Where do I get a permit to visit villages on the Laos border?', 'don-bien-phong'],
  ])('%s → %s', (q, office) => {
    expect(officeNamedBy(lex, q)).toBe(office);
    expect(routeFor(lex, null, 'tourism', q).officeId).toBe(office);
  });
  it('compares accented questions with their marks', () => {
    // "thuộc" (belongs to) is not "thuốc" (medicine); "Thẩm Ồm" is a cave, not "ốm"
    expect(officeNamedBy(lex, 'Hoàng Sa thuộc thành phố nào')).toBeNull();
    expect(officeNamedBy(lex, 'hang Thẩm Ồm ở đâu')).toBeNull();
  });
  it('falls back to the knowledge topic without such words', () => {
    expect(routeFor(lex, null, 'tourism', 'Hang Bua sâu bao nhiêu mét').officeId).toBe('phong-van-hoa-xa-hoi');
  });
});

describe('what a "how many" or "which" question asks for', () => {
  it('finds the counted thing, with its synonyms', () => {
    expect(countedNoun(lex, 'Dân số trên quần đảo Trường Sa là bao nhiêu người?')).toContain('dan');
    expect(countedNoun(lex, 'how many islands does the Paracel group have')).toContain('dao');
    // units are the value check's business, not a counted thing
    expect(countedNoun(lex, 'Hang Bua cách Vinh bao nhiêu km')).toBeNull();
    expect(countedNoun(lex, 'Hang Bua cách Vinh bao nhiêu cây số')).toBeNull();
  });
  it('matches a sentence that counts it, not one that counts something else', () => {
    const people = countedNoun(lex, 'bao nhiêu người')!;
    expect(countsNoun('Xã có 5.482 người', people)).toBe(true);
    expect(countsNoun('Quần đảo có khoảng 138 đảo, đá', people)).toBe(false);
  });
  it('knows the kind of place a "which" question wants', () => {
    expect(whichNoun(lex, 'hang bua o xa nao')).toContain('xa');
    expect(whichNoun(lex, 'Quần đảo Hoàng Sa thuộc thành phố nào?')).toContain('tinh');
    expect(whichNoun(lex, 'Which province do the Spratly Islands belong to?')).toContain('tinh');
  });
  it('finds the places a question names, and not verbs after a head word', () => {
    expect(namedPlaces(lex, 'Xã Hùng Chân mới được lập từ những xã cũ nào?')).toEqual(['hung']);
    expect(namedPlaces(lex, 'When was Hung Chan commune formed?')).toEqual(['hung']);
    expect(namedPlaces(lex, 'cửa khẩu Thanh Thủy ở đâu')).toEqual(['thanh']);
    // lower case after the head in a marked question is not a name; "xa" unmarked is too ambiguous
    expect(namedPlaces(lex, 'Kế hoạch của xã triển khai quyết định nào')).toEqual([]);
    expect(namedPlaces(lex, 'ke hoach cua xa trien khai quyet dinh nao')).toEqual([]);
    expect(namedPlaces(lex, 'Lễ hội Hang Bua thường diễn ra vào tháng mấy')).toEqual(['bua']);
  });
  it('reads "báo ai", "who do I call" as asking for an office, not a person', () => {
    expect(answerTypeOf(lex, 'bi lua dao mat tien thi bao ai')).toMatchObject({ type: 'who', values: 'place' });
    expect(answerTypeOf(lex, 'who do i call about a power cut')).toMatchObject({ type: 'who', values: 'place' });
    expect(answerTypeOf(lex, 'chủ tịch xã là ai')).toMatchObject({ type: 'who', values: 'person' });
  });
});

describe('a price wants a sum of money or "free", not any number', () => {
  it('reads price questions as asking for money', () => {
    expect(answerTypeOf(lex, 'vé bao nhiêu')).toMatchObject({ values: 'money' });
    expect(answerTypeOf(lex, "what's the entrance fee for hang bua")).toMatchObject({ values: 'money' });
    expect(answerTypeOf(lex, 'biên giới Việt Lào dài bao nhiêu')).not.toMatchObject({ values: 'money' });
  });
  it.each([
    ['Vé vào cửa 20.000 đồng một người.', true],
    ['Tham quan Hang Bua không mất vé vào cửa.', true],
    ['There is no entrance fee.', true],
    ['Hang Bua cách TP Vinh khoảng 170 km.', false],
    ['Mở cửa từ 7 giờ đến 18 giờ.', false],
  ])('%s → %s', (text, ok) => {
    expect(holdsValue('money', text)).toBe(ok);
  });
});

describe('years and document numbers the question names', () => {
  it.each([
    ['le hoi hang bua nam 2012 to chuc ngay nao', [], ['2012']],
    ['NĐ 34/2014/NĐ-CP về khu vực biên giới có hiệu lực từ ngày nào', ['34 2014'], []],
    ['luật 06/2003 còn hiệu lực ko', [], ['2003']],
    ['Luật số 06/2003/QH11 thông qua ngày nào', ['06 2003'], []],
    ['UNCLOS mở ký ngày 10/12/1982 đúng không', [], ['1982']],
    ['tháng 12/1982 có sự kiện gì', [], ['1982']],
    ['hang bua o dau', [], []],
    ['tỷ lệ 1/50.000 là gì', [], []],
  ])('%s', (q, documents, years) => {
    expect(literalsIn(q)).toEqual({ documents, years });
  });
});
