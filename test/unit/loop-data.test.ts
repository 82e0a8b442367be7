// The people-loop vocabulary file: valid, whole-message matching, property names as plain words,
// and reactions mapped (unknown icons stay "unknown"); pseudonym periods rotate and stay findable.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pseudonymOf, periodKey, periodOf } from '../../src/insights/pseudonym.js';
import { createPseudonymizer } from '../../src/insights/pseudonym.js';
import { loadLoopData } from '../../src/loop/loop-data.js';
import type { Queryable } from '../../src/db/types.js';

const data = await loadLoopData(path.resolve('knowledge'));

describe('people-loop data', () => {
  it.each(['xóa dữ liệu', 'Xoá dữ liệu!', 'xoa du lieu', 'XÓA DỮ LIỆU CỦA TÔI', 'delete my data', 'Delete my data.'])('%s asks for deletion', (m) => {
    expect(data.isDeleteRequest(m)).toBe(true);
  });
  it.each(['xóa dữ liệu trên điện thoại thế nào?', 'dữ liệu', 'Hang Bua ở đâu', 'constructor', '__proto__', 'toString'])('%s is not a deletion request', (m) => {
    expect(data.isDeleteRequest(m)).toBe(false);
  });
  it.each(['đồng ý', 'Đồng ý!', 'dong y', 'yes'])('%s confirms', (m) => expect(data.isConfirmation(m)).toBe(true));
  it.each(['không', 'hasOwnProperty', 'valueOf', 'để sau'])('%s does not confirm', (m) => expect(data.isConfirmation(m)).toBe(false));
  it('maps documented reactions and keeps unknown icons unknown', () => {
    expect(data.sentimentOf('/-heart')).toBe('helpful');
    expect(data.sentimentOf(':-h')).toBe('unhelpful');
    expect(data.sentimentOf('constructor')).toBe('unknown');
    expect(data.sentimentOf('/-something-new')).toBe('unknown');
  });
  it('names the retention period and deletion in both languages', () => {
    expect(data.disclosure.vi).toMatch(/\{days\}/);
    expect(data.disclosure.vi).toMatch(/xóa dữ liệu/);
    expect(data.disclosure.en).toMatch(/delete my data/);
  });
});

describe('pseudonym rotation', () => {
  const q = {} as Queryable; // a configured secret never touches the database
  it('changes the pseudonym from one period to the next and finds both', async () => {
    const p = createPseudonymizer({ secret: 's', rotationDays: 30 });
    const jan = new Date('2026-01-05T00:00:00Z');
    const mar = new Date('2026-03-05T00:00:00Z');
    const a = await p.pseudonym(q, 'u1', jan);
    const b = await p.pseudonym(q, 'u1', mar);
    expect(a).not.toBe(b);
    expect(a).toBe(pseudonymOf(periodKey('s', periodOf(jan, 30)), 'u1'));
    expect(await p.pseudonymsWithin(q, 'u1', 90, mar)).toEqual(expect.arrayContaining([a, b, pseudonymOf('s', 'u1')]));
  });
  it('without rotation keeps one pseudonym', async () => {
    const p = createPseudonymizer({ secret: 's' });
    expect(await p.pseudonym(q, 'u1', new Date(0))).toBe(await p.pseudonym(q, 'u1', new Date()));
  });
});
