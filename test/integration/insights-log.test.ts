// The question log: pseudonymous, redacted rows in the caller's transaction; a stable pseudonym key;
// the daily rollup; retention; and the privacy rule checked on every stored row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerResult } from '../../src/answer/types.js';
import type { Db } from '../../src/db/types.js';
import { createPseudonymizer, pseudonymOf } from '../../src/insights/pseudonym.js';
import { createQuestionRecorder } from '../../src/insights/question-log.js';
import { applyRetention } from '../../src/insights/retention.js';
import { questionCounts } from '../../src/insights/trends.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';
import { result, silentLog } from './insights-fixtures.js';

const RAW_ID = '5000000000000007999';
const PII = { phone: '0912345678', id: '040203004567', email: 'nguyenvana@example.com' };

/** Every row of every table in the public schema, as text (what the acceptance dump does). */
async function dumpAll(db: Db): Promise<string[]> {
  const t = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema = 'public'`);
  const out: string[] = [];
  for (const { table_name } of t.rows) {
    const r = await db.query<{ r: string }>(`SELECT t::text AS r FROM "${table_name}" t`);
    for (const row of r.rows) out.push(`${table_name}\t${row.r}`);
  }
  return out;
}

describe.each(DB_KINDS)('question log on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('stores one redacted, pseudonymous row per question and nothing personal anywhere', async () => {
    const recorder = createQuestionRecorder({ pseudonyms: createPseudonymizer({}) });
    const question = `Tôi tên Nguyễn Văn A, sđt ${PII.phone}, CCCD ${PII.id}, email ${PII.email}. Lễ hội Hang Bua tổ chức khi nào?`;
    await t.db.tx((q) => recorder.record(q, {
      channel: 'zalo', userId: RAW_ID,
      result: result({ question, answer: `Chào bạn (${PII.phone}), lễ hội Hang Bua diễn ra vào tháng Giêng.` }),
    }));
    const r = await t.db.query<{ user_pseudonym: string; question_text: string; question_folded: string; answer_text: string; sources: unknown }>(
      'SELECT user_pseudonym, question_text, question_folded, answer_text, sources FROM question_log');
    expect(r.rows).toHaveLength(1);
    const row = r.rows[0];
    expect(row.question_text).toContain('[số điện thoại]');
    expect(row.question_text).toContain('[số giấy tờ]');
    expect(row.question_text).toContain('[email]');
    expect(row.question_text).toContain('Lễ hội Hang Bua tổ chức khi nào?');
    expect(row.question_folded).toContain('le hoi hang bua');
    expect(row.answer_text).not.toContain(PII.phone);
    expect(row.user_pseudonym).toMatch(/^[0-9a-f]{32}$/);
    expect(row.sources).toEqual([{ id: 'hang-bua', title: 'Hang Bua' }]);

    const rows = await dumpAll(t.db);
    for (const line of rows) {
      expect(line).not.toContain(PII.phone);
      expect(line).not.toContain(PII.id);
      expect(line).not.toContain(PII.email);
      expect(line).not.toContain(RAW_ID);
    }
  });

  it('gives the same pseudonym across recorder instances (generated key kept in app_setting)', async () => {
    const a = createQuestionRecorder({ pseudonyms: createPseudonymizer({}) });
    const b = createQuestionRecorder({ pseudonyms: createPseudonymizer({}) });
    await t.db.tx((q) => a.record(q, { channel: 'zalo', userId: 'u-1', result: result() }));
    await t.db.tx((q) => b.record(q, { channel: 'zalo', userId: 'u-1', result: result() }));
    await t.db.tx((q) => b.record(q, { channel: 'zalo', userId: 'u-2', result: result() }));
    const r = await t.db.query<{ user_pseudonym: string }>('SELECT user_pseudonym FROM question_log ORDER BY id DESC LIMIT 3');
    const [u2, u1b, u1a] = r.rows.map((x) => x.user_pseudonym);
    expect(u1a).toBe(u1b);
    expect(u2).not.toBe(u1a);
    const key = await t.db.query<{ value: string }>(`SELECT value FROM app_setting WHERE key = 'insights.pseudonym_key'`);
    expect(key.rows).toHaveLength(1);
    expect(pseudonymOf(key.rows[0].value, 'u-1')).toBe(u1a);
  });

  it('uses PSEUDONYM_SECRET when configured', async () => {
    const rec = createQuestionRecorder({ pseudonyms: createPseudonymizer({ secret: 'configured-secret' }) });
    await t.db.tx((q) => rec.record(q, { channel: 'zalo', userId: 'u-9', result: result() }));
    const r = await t.db.query<{ user_pseudonym: string }>('SELECT user_pseudonym FROM question_log ORDER BY id DESC LIMIT 1');
    expect(r.rows[0].user_pseudonym).toBe(pseudonymOf('configured-secret', 'u-9'));
  });

  it('writes nothing when the caller rolls back', async () => {
    const rec = createQuestionRecorder({ pseudonyms: createPseudonymizer({}) });
    const before = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM question_log');
    await expect(t.db.tx(async (q) => {
      await rec.record(q, { channel: 'zalo', userId: 'u-3', result: result() });
      throw new Error('reply could not be stored');
    })).rejects.toThrow('reply could not be stored');
    const after = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM question_log');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('keeps counts in the rollup and exact counts over partial days; retention keeps counts', async () => {
    const t2 = await createTestDb(kind);
    try {
      const rec = createQuestionRecorder({ pseudonyms: createPseudonymizer({ secret: 's' }) });
      const base = Date.parse('2025-03-10T05:00:00Z'); // 12:00 in Vietnam
      const plan: Array<[number, Partial<AnswerResult>]> = [
        [-3 * 86_400_000, { outcome: 'answered', topic: 'tourism' }],
        [-2 * 86_400_000, { outcome: 'out_of_scope', topic: null, sources: [] }],
        [-2 * 86_400_000 + 3_600_000, { outcome: 'misconception', topic: 'sea', misconception: { id: 'mis-x', claim: 'X' } }],
        [-1 * 86_400_000, { outcome: 'smalltalk', topic: null, lang: 'en' }],
        [0, { outcome: 'answered', topic: 'border' }],
      ];
      for (const [dt, over] of plan) {
        await t2.db.tx((q) => rec.record(q, { channel: 'zalo', userId: `u${dt}`, result: result(over), askedAt: new Date(base + dt) }));
      }
      const all = await questionCounts(t2.db, new Date(base - 10 * 86_400_000), new Date(base + 1));
      expect(all.total).toBe(5);
      expect(all.byOutcome).toEqual({ answered: 2, misconception: 1, out_of_scope: 1, smalltalk: 1 });
      expect(all.byLang).toEqual({ vi: 4, en: 1 });
      expect(all.byTopic).toMatchObject({ tourism: 1, sea: 1, border: 1 });
      expect(all.answeredShare).toBe(0.75);
      // A range that starts and ends mid-day counts only what falls inside.
      const mid = await questionCounts(t2.db, new Date(base - 2 * 86_400_000 + 1800_000), new Date(base - 1));
      expect(mid.total).toBe(2);
      expect(mid.byOutcome.misconception).toBe(1);
      expect(mid.byOutcome.smalltalk).toBe(1);

      const cleared = await applyRetention({ db: t2.db, days: 1, log: silentLog, clock: { now: () => new Date(base + 60_000) } });
      expect(cleared).toBe(4);
      const texts = await t2.db.query<{ n: string }>('SELECT count(*) AS n FROM question_log WHERE question_text IS NOT NULL');
      expect(texts.rows[0].n).toBe('1');
      const again = await questionCounts(t2.db, new Date(base - 10 * 86_400_000), new Date(base + 1));
      expect(again.total).toBe(5);
    } finally {
      await t2.drop();
    }
  });
});
