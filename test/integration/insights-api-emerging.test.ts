// Emerging topics as staff use them, on both databases: one grouping shared by the dashboard and the
// weekly report (bus times and power cuts stay apart, even though both name Châu Tiến), groups staff
// mark answered or ignored leave both lists, a merge joins two groups, a split moves a question out,
// and questions repeated by meaning are counted together (only counts of 2 or more).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInsightsAdmin } from '../../src/insights/admin.js';
import { createPseudonymizer } from '../../src/insights/pseudonym.js';
import { createQuestionRecorder } from '../../src/insights/question-log.js';
import { buildReport } from '../../src/insights/report.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';
import { DAY, result, testClock } from './insights-fixtures.js';

const BUS = ['tu vinh len chau tien di xe gi', 'nhà xe Vinh đi Quỳ Châu mấy giờ', 'xe khach vinh quy chau', 'đi xe gì từ Vinh lên Châu Tiến'];
const POWER = ['lich cat dien chau tien ngay mai', 'cắt điện đến mấy giờ vậy ad', 'mai co cat dien khong', 'lịch cắt điện tuần này'];
const VACCINE = ['lich tiem chung thang 12', 'Lịch tiêm chủng tháng 12 ở trạm y tế', 'tiem chung cho tre o dau'];

describe.each(DB_KINDS)('emerging topics (%s)', (kind) => {
  let t: TestDb;
  const clock = testClock('2026-12-01T03:00:00Z');
  const admin = () => createInsightsAdmin({ db: t.db, clock, lowConfidence: 0.5 });

  beforeAll(async () => {
    t = await createTestDb(kind);
    const rec = createQuestionRecorder({ pseudonyms: createPseudonymizer({}), clock });
    let n = 0;
    for (const q of [...BUS, ...POWER, ...VACCINE]) {
      clock.advance(-DAY / 4);
      await t.db.tx((tx) => rec.record(tx, { channel: 'zalo', userId: `u${n++}`, result: result({ question: q, outcome: 'out_of_scope', topic: null, sources: [], confidence: 0.2 }) }));
    }
    await t.db.tx((tx) => rec.record(tx, { channel: 'zalo', userId: 'u99', result: result({ question: 'Hang Bua ở đâu?' }) }));
    await t.db.tx((tx) => rec.record(tx, { channel: 'zalo', userId: 'u98', result: result({ question: 'hang bua o dau' }) }));
    clock.set(Date.parse('2026-12-01T03:00:00Z'));
  });
  afterAll(async () => {
    await t?.drop();
  });

  const labelsOf = (groups: Array<{ examples: string[] }>) => groups.map((g) => [...g.examples].sort());

  it('keeps bus times apart from power cuts, and the dashboard and the report agree', async () => {
    const groups = await admin().listEmerging();
    expect(labelsOf(groups)).toEqual(expect.arrayContaining([[...BUS].sort(), [...POWER].sort(), [...VACCINE].sort()]));
    expect(groups).toHaveLength(3);
    expect(groups[0]!.questions).toHaveLength(4);
    const report = await buildReport(t.db, { since: new Date(clock.ms - 7 * DAY), clock, lowConfidence: 0.5 });
    expect(report.emerging.map((e) => e.label).sort()).toEqual(groups.map((g) => g.label).sort());
  });

  it('drops answered and ignored groups from both lists, and can reopen them', async () => {
    const [first, second] = await admin().listEmerging();
    await admin().setEmergingState(first!.id, 'answered', first!.label, 'bientap', 'faq-x');
    await admin().setEmergingState(second!.id, 'ignored', second!.label, 'bientap');
    const open = await admin().listEmerging();
    expect(open.map((g) => g.id)).not.toContain(first!.id);
    expect(open.map((g) => g.id)).not.toContain(second!.id);
    const closed = await admin().listEmerging({ includeClosed: true });
    expect(closed.find((g) => g.id === first!.id)).toMatchObject({ state: 'answered', stateBy: 'bientap' });
    const report = await buildReport(t.db, { since: new Date(clock.ms - 7 * DAY), clock, lowConfidence: 0.5 });
    expect(report.emerging).toHaveLength(1);
    await admin().setEmergingState(first!.id, 'open', '', 'bientap');
    await admin().setEmergingState(second!.id, 'open', '', 'bientap');
    expect(await admin().listEmerging()).toHaveLength(3);
  });

  it('merges two groups into one and moves a question out of its group', async () => {
    const groups = await admin().listEmerging();
    const bus = groups.find((g) => g.examples.includes(BUS[0]!))!;
    const power = groups.find((g) => g.examples.includes(POWER[0]!))!;
    await admin().mergeEmerging(power.id, bus.id, power.label, 'bientap');
    const merged = await admin().listEmerging();
    expect(merged).toHaveLength(2);
    expect(merged.find((g) => g.id === bus.id)!.distinctUsers).toBe(8);
    const vaccine = merged.find((g) => g.examples.includes(VACCINE[0]!))!;
    await admin().splitEmergingQuestion(vaccine.questions![0]!.id, 'bientap');
    // Two people left: below the three a group needs.
    expect((await admin().listEmerging()).find((g) => g.id === vaccine.id)).toBeUndefined();
  });

  it('counts questions repeated by meaning, only from two', async () => {
    const repeated = await admin().repeatedQuestions({ from: new Date(clock.ms - 30 * DAY), to: new Date(clock.ms + DAY) });
    const hangBua = repeated.find((r) => /hang bua/i.test(r.label));
    expect(hangBua).toMatchObject({ count: 2, people: 2 });
    expect(repeated.every((r) => r.count >= 2)).toBe(true);
  });
});
