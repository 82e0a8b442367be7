// The report: its exact JSON shape from buildReport on both databases, and the CLI end to end on an
// embedded data directory (one JSON object; a clear refusal while a server owns the directory).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { openDb } from '../../src/db/open.js';
import type { Db } from '../../src/db/types.js';
import { createFlagEvaluator, DEFAULT_BASELINE } from '../../src/insights/flags.js';
import { createPseudonymizer } from '../../src/insights/pseudonym.js';
import { createQuestionRecorder } from '../../src/insights/question-log.js';
import { buildReport, formatReportVi, parseSince } from '../../src/insights/report.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';
import { DAY, HOUR, misconceptionResult, result, testClock } from './insights-fixtures.js';

const CLAIMS = [
  'hoang sa thuoc quang nam phai ko', 'Hoàng Sa là huyện của tỉnh Quảng Nam đúng không?', 'nghe noi quan dao hoang sa thuoc tinh quang nam',
  'Hoàng Sa thuộc Quảng Nam à ad', 'hoang sa la cua quang nam dung k', 'Có phải Hoàng Sa trực thuộc tỉnh Quảng Nam?',
  'ad oi hoang sa thuoc quang nam a', 'hoàng sa thuộc quảng nam ko', 'Quần đảo Hoàng Sa có thuộc Quảng Nam không?',
  'hoang sa o quang nam phai hong', 'Hoàng Sa của Quảng Nam đúng ko', 'minh nghe hoang sa thuoc quang nam',
];
const UNANSWERED = ['Thủ tục đăng ký kết hôn ở xã cần giấy tờ gì?', 'dang ky ket hon can giay to gi ad', 'đăng kí kết hôn ở đâu vậy'];

/** Twelve users with the false claim, three with an unanswered question, one smalltalk; an old question outside the period. */
async function seed(db: Db, clock: ReturnType<typeof testClock>) {
  const flags = createFlagEvaluator({ db, clock, rules: { minUsers24h: 5, minUsers7d: 15, baselineFactor: 3, ...DEFAULT_BASELINE }, sinks: [] });
  const rec = createQuestionRecorder({ pseudonyms: createPseudonymizer({}), flags, clock });
  const log = async (userId: string, r: ReturnType<typeof result>) => {
    const q = { channel: 'zalo' as const, userId, result: r };
    await db.tx((t) => rec.record(t, q));
    await rec.afterCommit!(q);
    clock.advance(60_000);
  };
  const start = clock.ms;
  clock.advance(-20 * DAY);
  await log('old', result());
  clock.set(start);
  for (let i = 0; i < CLAIMS.length; i++) await log(`claim-${i}`, misconceptionResult(CLAIMS[i]));
  for (let i = 0; i < UNANSWERED.length; i++) {
    await log(`oos-${i}`, result({ question: UNANSWERED[i], outcome: 'out_of_scope', topic: null, sources: [], confidence: 0.1, answer: 'Xin lỗi, tôi chưa có thông tin.' }));
  }
  await log('hello', result({ question: 'hello', outcome: 'smalltalk', lang: 'en', topic: null, sources: [] }));
}

describe.each(DB_KINDS)('report on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('has exactly the shape the issue asks for, with the flag and the emerging topic', async () => {
    const clock = testClock('2025-06-10T03:00:00Z');
    await seed(t.db, clock);
    clock.advance(HOUR);
    const since = new Date(clock.ms - 7 * DAY);
    const r = await buildReport(t.db, { since, clock, lowConfidence: 0.5 });
    expect(Object.keys(r).sort()).toEqual(['emerging', 'flags', 'generated_at', 'questions', 'since']);
    expect(Object.keys(r.questions).sort()).toEqual(['answered_share', 'by_lang', 'by_outcome', 'by_topic', 'total']);
    expect(r.since).toBe(since.toISOString());
    expect(r.generated_at).toBe(clock.now().toISOString());
    expect(r.questions.total).toBe(16);
    expect(r.questions.by_outcome).toEqual({ answered: 0, misconception: 12, out_of_scope: 3, smalltalk: 1 });
    expect(r.questions.by_lang).toEqual({ vi: 15, en: 1 });
    expect(r.questions.by_topic.sea).toBe(12);
    expect(r.questions.answered_share).toBe(0.8);
    expect(r.flags).toHaveLength(1);
    expect(Object.keys(r.flags[0]).sort()).toEqual(['claim', 'distinct_users_24h', 'distinct_users_7d', 'misconception_id', 'raised_at', 'status']);
    expect(r.flags[0]).toMatchObject({ misconception_id: 'mis-hoang-sa-quang-nam', claim: 'Hoàng Sa thuộc tỉnh Quảng Nam', distinct_users_24h: 12, distinct_users_7d: 12, status: 'new' });
    expect(r.emerging).toHaveLength(1);
    expect(Object.keys(r.emerging[0]).sort()).toEqual(['distinct_users', 'examples', 'label']);
    expect(r.emerging[0].distinct_users).toBe(3);

    // Two days later the same flag shows what is true now: nobody asked in the last 24 hours.
    clock.advance(2 * DAY);
    const later = await buildReport(t.db, { since, clock, lowConfidence: 0.5 });
    expect(later.flags[0]).toMatchObject({ distinct_users_24h: 0, distinct_users_7d: 12 });

    const text = formatReportVi(r);
    expect(text).toContain('Tổng số câu hỏi: 16');
    expect(text).toContain('Hoàng Sa thuộc tỉnh Quảng Nam');
    expect(text).toContain('12 người hỏi trong 24 giờ');
  });
});

describe('parseSince', () => {
  it('reads a date as Vietnam midnight and rejects anything else', () => {
    expect(parseSince('2025-06-01')?.toISOString()).toBe('2025-05-31T17:00:00.000Z');
    expect(parseSince('2025-06-01T08:00:00Z')?.toISOString()).toBe('2025-06-01T08:00:00.000Z');
    expect(parseSince('last week')).toBeNull();
    expect(parseSince('2025-13-45')).toBeNull();
  });
});

describe('report CLI on an embedded data directory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'insights-report-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: '', NODE_ENV: 'test', LOG_LEVEL: 'silent' };
  const run = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/report.ts', ...args], { env, encoding: 'utf8', timeout: 120_000 });

  it('prints one JSON object, and refuses while another process owns the directory', async () => {
    const config = loadConfig({ DATA_DIR: dir });
    const db = await openDb(config);
    try {
      await migrate(db);
      await seed(db, testClock(Date.now() - 2 * HOUR));
      const busy = run(['--json']);
      expect(busy.status).not.toBe(0);
      expect(busy.stderr).toContain('in use by another process');
    } finally {
      await db.close();
    }
    const r = run(['--json', '--since', new Date(Date.now() - 3 * HOUR).toISOString()]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const rep = JSON.parse(lines[0]);
    expect(rep.questions.total).toBe(16);
    expect(rep.flags[0].distinct_users_24h).toBe(12);
    const bad = run(['--since', 'yesterday']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--since');
  }, 300_000); // three CLI processes (tsx start-up each): minutes on a busy CI machine
});
