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
