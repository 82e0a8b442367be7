import { describe, expect, it } from 'vitest';
import { containsPii, PLACEHOLDER, redactPii } from '../../src/insights/redact.js';

const P = PLACEHOLDER.phone;
const ID = PLACEHOLDER.id;
const E = PLACEHOLDER.email;

describe('redactPii: phone numbers', () => {
  it.each([
    ['sđt 0912345678 nhé', `sđt ${P} nhé`],
    ['gọi 0912 345 678', `gọi ${P}`],
    ['gọi 091.234.5678 giúp', `gọi ${P} giúp`],
    ['gọi 091-234-5678', `gọi ${P}`],
    ['số +84 912 345 678', `số ${P}`],
    ['số +84912345678', `số ${P}`],
    ['số 84912345678', `số ${P}`],
    ['số (+84) 912.345.678', `số ${P}`],
    ['Zalo: 0387654321.', `Zalo: ${P}.`],
    ['sdt:0912345678', `sdt:${P}`],
    ['0912345678', P],
    ['máy bàn 0238 3844 123', `máy bàn ${P}`],
    ['máy bàn 02383844123', `máy bàn ${P}`],
    ['(024) 3825 1234', P],
    ['+84 238 3844 123', P],
    ['gọi 0912345678 năm 2025', `gọi ${P} năm 2025`],
    ['hai số 0912345678, 0987654321', `hai số ${P}, ${P}`],
    // Lists glued by a comma, dash or dot: each neighbour is itself a full number, not a longer one.
    ['hai số 0912345678,0987654321', `hai số ${P},${P}`],
    ['sđt 0912345678-0987654321 nhé', `sđt ${P}-${P} nhé`],
    ['0912345678.02383844123', `${P}.${P}`],
  ])('%s', (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });
});

describe('redactPii: citizen id numbers', () => {
  it.each([
    ['CCCD 040203004567', `CCCD ${ID}`],
    ['cccd: 040 203 004 567', `cccd: ${ID}`],
    ['CCCD 0402.0300.4567', `CCCD ${ID}`],
    ['cmnd 186123456', `cmnd ${ID}`],
    ['CMND 186 123 456', `CMND ${ID}`],
    ['số 186123456 của tôi', `số ${ID} của tôi`],
    ['căn cước 001099012345.', `căn cước ${ID}.`],
    ['hai CCCD 040203004567,040203004568', `hai CCCD ${ID},${ID}`],
  ])('%s', (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });
});

describe('redactPii: e-mail addresses', () => {
  it.each([
    ['email nguyenvana@example.com.', `email ${E}.`],
    ['gửi về Nguyen.Van-A+hoi@ubnd.nghean.gov.vn nhé', `gửi về ${E} nhé`],
    ['mail:abc_1@gmail.com', `mail:${E}`],
  ])('%s', (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });
});

describe('redactPii: leaves everything else alone', () => {
  it.each([
    'Hang Bua được xếp hạng năm 1998',
    'Lễ hội ngày 15/02/2025 hay 15-02-2025 hay 15.02.2025?',
    'Ngày 02.09.1945 là ngày gì',
    'Luật Biên giới quốc gia số 06/2003/QH11',
    'Nghị định 13/2023/NĐ-CP',
    'biên giới Việt Lào dài 2.337 km',
    'đường biên dài 2337 km',
    'vé 1.500.000 đồng',
    'vé 150000000 đồng',
    'dân số 123.456.789 người',
    'kinh phí 1,500,000,000 VND',
    'số thập phân 1234567890,5 và 1,0912345678',
    'tọa độ 19.6543, 104.9876',
    'mã hồ sơ 12345',
    'năm 2025 có 12 tháng',
    'giờ mở cửa 7:30 - 17:00',
    'quốc lộ 48 và km 48+500',
    'Hotline 1900 6868',
    'Hoàng Sa thuộc Đà Nẵng',
    '',
  ])('%s', (input) => {
    expect(redactPii(input)).toBe(input);
    expect(containsPii(input)).toBe(false);
  });
});

describe('redactPii: the acceptance sentence', () => {
  it('removes the phone, the id number and the e-mail but keeps the question', () => {
    const s = redactPii('Tôi tên Nguyễn Văn A, sđt 0912345678, CCCD 040203004567, email nguyenvana@example.com. Lễ hội Hang Bua tổ chức khi nào?');
    expect(s).toBe(`Tôi tên Nguyễn Văn A, sđt ${P}, CCCD ${ID}, email ${E}. Lễ hội Hang Bua tổ chức khi nào?`);
    expect(s).not.toMatch(/0912345678|040203004567|nguyenvana@example\.com/);
  });

  it('is idempotent', () => {
    const once = redactPii('0912 345 678 / 040203004567 / a@b.vn');
    expect(redactPii(once)).toBe(once);
  });
});

// The ways people actually type their numbers (issue 16, M4): every one must leave no run of the
// number's digits in the stored text, whatever separators, invisible characters or digit forms.
// `digitsOf` joins digits across the separators a reader would skip, as the acceptance check does.
const digitsOf = (s: string) => s.normalize('NFKC').replace(/\p{Cf}/gu, '').replace(/(\d)[\s.\-–—()]+(?=\d)/g, '$1');
const ZW = '\u200b';

describe('redactPii: typed variants (table)', () => {
  it.each([
    // [input, the digits that must not survive, expected placeholder]
    ['Số của tôi là 0912  345  678, Hang Bua ở đâu?', '0912345678', P],
    ['0913 - 456 - 789', '0913456789', P],
    ['0913 – 456 – 789', '0913456789', P],
    ['0913—456—789', '0913456789', P],
    [`0914${ZW}567890`, '0914567890', P],
    [`09${ZW}14${ZW}56${ZW}78${ZW}90`, '0914567890', P],
    ['0914\u2060567\ufeff890', '0914567890', P],
    ['0914\u00ad567890', '0914567890', P],
    ['sđt \u202e0914567890\u202c', '0914567890', P],
    ['０９１５６７８９０１', '0915678901', P],
    ['０９１５ ６７８ ９０１', '0915678901', P],
    ['𝟎𝟗𝟏𝟓𝟔𝟕𝟖𝟗𝟎𝟏', '0915678901', P],
    ['0 9 1 6 7 8 9 0 1 2', '0916789012', P],
    ['0.9.1.6.7.8.9.0.1.2', '0916789012', P],
    ['0-9-1-6-7-8-9-0-1-2', '0916789012', P],
    ['09 16 78 90 12', '0916789012', P],
    ['091 678 9012', '0916789012', P],
    ['0916.789.012', '0916789012', P],
    ['0916 . 789 . 012', '0916789012', P],
    ['(091) 678-9012', '0916789012', P],
    ['+84 916 789 012', '84916789012', P],
    ['+84-916-789-012', '84916789012', P],
    ['(+84)916789012', '84916789012', P],
    ['+84 0916 789 012', '840916789012', P],
    ['84.916.789.012', '84916789012', P],
    ['+８４ ９１６ ７８９ ０１２', '84916789012', P],
    ['sđt0916789012nhé', '0916789012', P],
    ['0238.3844.123', '02383844123', P],
    ['(0238) 3844 123', '02383844123', P],
    ['0238  3844  123', '02383844123', P],
    ['001203 456789', '001203456789', ID],
    ['CCCD 001203  456789', '001203456789', ID],
    ['0012 0345 6789', '001203456789', ID],
    ['001 203 456 789', '001203456789', ID],
    ['0 0 1 2 0 3 4 5 6 7 8 9', '001203456789', ID],
    [`001203${ZW}456789`, '001203456789', ID],
    ['００１２０３４５６７８９', '001203456789', ID],
    ['001203-456789', '001203456789', ID],
    ['CMND 187.654.321', '187654321', ID],
    ['số CMND: 187,654,321', '187654321', ID],
    ['chứng minh 187 654 321', '187654321', ID],
    ['cmnd 1 8 7 6 5 4 3 2 1', '187654321', ID],
    ['hộ chiếu C1234567', 'C1234567', ID],
    ['passport B7654321.', 'B7654321', ID],
  ])('%s', (input, secret, placeholder) => {
    const out = redactPii(input);
    expect(out).toContain(placeholder);
    expect(digitsOf(out)).not.toContain(secret);
  });

  it.each([
    ['email: nguyen.van.a@gmail.com', 'nguyen.van.a@gmail.com'],
    [`email: nguyen${ZW}van@gmail.com`, 'nguyenvan@gmail.com'],
    ['ＮＧＵＹＥＮ＠ＧＭＡＩＬ．ＣＯＭ', 'NGUYEN@GMAIL.COM'],
    ['thư về trần.thị.bình@ubnd.nghean.gov.vn.', 'trần.thị.bình@ubnd.nghean.gov.vn'],
    ['a@b.vn', 'a@b.vn'],
  ])('e-mail %s', (input, secret) => {
    const out = redactPii(input);
    expect(out).toContain(E);
    expect(out.normalize('NFKC')).not.toContain(secret);
  });

  it('redacts the numbers of the acceptance check, each inside a sentence', () => {
    for (const p of ['0912  345  678', '0913 - 456 - 789', `0914${ZW}567890`, '０９１５６７８９０１', '0 9 1 6 7 8 9 0 1 2', '001203 456789']) {
      const out = redactPii(`Số của tôi là ${p}, Hang Bua ở đâu?`);
      expect(digitsOf(out)).not.toContain(digitsOf(p).replace(/\D/g, ''));
      expect(out).toMatch(/^Số của tôi là \[số (điện thoại|giấy tờ)\], Hang Bua ở đâu\?$/);
    }
  });
});

describe('redactPii: number shapes kept on purpose (amounts, years, dates, law numbers)', () => {
  it.each([
    'Luật Biển Việt Nam số 18/2012/QH13',
    'biên giới dài 2.337 km',
    'năm 1999',
    'các năm 1998 1999 2000',
    'lãnh hải rộng 12 hải lý',
    'dân số 187.654.321 người',
    'giá 187.654.321',
    'tổng 1,500,000,000 đồng',
    'ngày 02 09 1945',
    'từ 1975 đến 2025',
    'km 1234 + 500',
    'mã bưu chính 460000',
    'gọi 113, 114 hoặc 115',
  ])('%s', (input) => {
    expect(redactPii(input)).toBe(input);
  });
});

describe('redactPii: returns the normalised text it matched on', () => {
  it('drops invisible characters and maps fullwidth forms, so the folded column cannot differ', () => {
    expect(redactPii(`Hang${ZW} Bua`)).toBe('Hang Bua');
    expect(redactPii('Ｈａｎｇ Ｂｕａ')).toBe('Hang Bua');
  });
});
