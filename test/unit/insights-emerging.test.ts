import { describe, expect, it } from 'vitest';
import { features, groupQuestions, similarity, topicsFrom, type EmergingQuestion } from '../../src/insights/emerging.js';
import { foldNormalized } from '../../src/text/normalize.js';

let seq = 0;
function q(text: string, user: string | null, minutesAgo = 0): EmergingQuestion {
  return { id: String(++seq), askedAt: new Date(Date.parse('2025-06-01T12:00:00Z') - minutesAgo * 60_000), user, text, folded: foldNormalized(text) };
}

const marriage = [
  q('Thủ tục đăng ký kết hôn ở xã cần giấy tờ gì?', 'a', 1),
  q('dang ky ket hon can giay to gi ad', 'b', 2),
  q('đăng kí kết hôn ở đâu vậy', 'c', 3),
  q('lam thu tuc dang ky ket hon mat bao lau', 'd', 4),
];
const electricity = [
  q('Tiền điện tháng này sao tăng vậy?', 'e', 5),
  q('tien dien thang 6 tang a', 'f', 6),
  q('giá tiền điện tháng này tăng bao nhiêu', 'g', 7),
];
const noise = [
  q('Xe khách đi Vinh mấy giờ?', 'h', 8),
  q('Có wifi ở trạm y tế không', 'i', 9),
  q('what is the weather tomorrow', 'j', 10),
  q('bán đất ở đâu', 'k', 11),
];

describe('similarity', () => {
  it('is high for paraphrases with and without diacritics, low for different questions', () => {
    const f = (s: string) => features(foldNormalized(s));
    expect(similarity(f('đăng ký kết hôn cần gì'), f('dang ky ket hon can giay to gi'))).toBeGreaterThanOrEqual(0.5);
    expect(similarity(f('đăng ký kết hôn cần gì'), f('tiền điện tháng này tăng'))).toBeLessThan(0.3);
    expect(similarity(f('Có wifi ở trạm y tế không'), f('Xe khách đi Vinh mấy giờ?'))).toBeLessThan(0.3);
  });
});

describe('emerging topics', () => {
  it('groups paraphrases and leaves unrelated questions alone', () => {
    const groups = groupQuestions([...marriage, ...electricity, ...noise], 0.5);
    const sizes = groups.map((g) => g.members.length).sort((a, b) => b - a);
    expect(sizes.slice(0, 2)).toEqual([4, 3]);
    expect(sizes.slice(2).every((s) => s === 1)).toBe(true);
  });

  it('surfaces groups asked by at least 3 distinct users, with a central label and examples', () => {
    const repeatUser = [q('tien dien thang nay tang', 'x', 1), q('tiền điện tháng này tăng à', 'x', 2), q('tien dien thang nay tang vay', 'x', 3)];
    const topics = topicsFrom([...marriage, ...electricity, ...noise, ...repeatUser.map((r) => ({ ...r, folded: r.folded + ' lan nay' }))], { minUsers: 3 });
    expect(topics.map((t) => t.distinctUsers)).toEqual([4, 4]);
    const m = topics.find((t) => t.examples.some((e) => /kết hôn|ket hon/.test(e)))!;
    expect(m.label).toMatch(/ket hon|kết hôn/i);
    expect(m.examples.length).toBe(4);
    expect(m.id).toMatch(/^[0-9a-f]{12}$/);
  });

  it('does not surface a group one person keeps asking', () => {
    const one = [q('giờ mở cửa bưu điện xã', 'z', 1), q('gio mo cua buu dien xa', 'z', 2), q('bưu điện xã mở cửa mấy giờ', 'z', 3), q('buu dien xa mo cua luc may gio', null, 4)];
    expect(topicsFrom(one, { minUsers: 3 })).toEqual([]);
    expect(topicsFrom(one, { minUsers: 1 })).toHaveLength(1);
  });
});
