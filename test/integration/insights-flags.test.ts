// Recurring-misconception flags on synthetic timelines with a controlled clock: the 24-hour and
// 7-day thresholds, the jump over baseline, one flag per episode, a new episode after resolution,
// and exactly one staff alert queued per flag.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInsightsAdmin } from '../../src/insights/admin.js';
import { createFlagEvaluator, DEFAULT_BASELINE, type FlagRules } from '../../src/insights/flags.js';
import { createPseudonymizer } from '../../src/insights/pseudonym.js';
import { createQuestionRecorder } from '../../src/insights/question-log.js';
import type { QuestionRecorder } from '../../src/insights/types.js';
import { webhookAlertSink } from '../../src/insights/webhook-alerts.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';
import { DAY, HOUR, misconceptionResult, testClock } from './insights-fixtures.js';

const RULES: FlagRules = { minUsers24h: 5, minUsers7d: 15, baselineFactor: 3, ...DEFAULT_BASELINE };

describe.each(DB_KINDS)('misconception flags on %s', (kind) => {
  let t: TestDb;
  let clock: ReturnType<typeof testClock>;
  let recorder: QuestionRecorder;
  let setup: (rules?: FlagRules) => void;
  let admin: ReturnType<typeof createInsightsAdmin>;

  let mid: string;
  let n = 0;
  // One database for the file; each test works on its own misconception id, so tests never see each other's rows.
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.drop();
  });
  beforeEach(() => {
    mid = `mis-test-${++n}`;
    clock = testClock('2025-06-01T00:00:00Z');
    setup = (rules = RULES) => {
      const flags = createFlagEvaluator({ db: t.db, clock, rules, sinks: [webhookAlertSink()] });
      recorder = createQuestionRecorder({ pseudonyms: createPseudonymizer({ secret: 'k' }), flags, clock });
    };
    setup();
    admin = createInsightsAdmin({ db: t.db, clock, lowConfidence: 0.5 });
  });

  /** One question by `user` at the clock's current time, committed, then afterCommit (as the worker does). */
  async function ask(user: string, text = 'hoang sa thuoc quang nam phai ko') {
    const rec = { channel: 'zalo' as const, userId: user, result: misconceptionResult(text, mid) };
    await t.db.tx((q) => recorder.record(q, rec));
    await recorder.afterCommit!(rec);
  }
  const flagRows = () => t.db.query<{ id: string; reason: string; users_24h: number; status: string; claim: string; examples: string[] }>(
    'SELECT id, reason, users_24h, status, claim, examples FROM misconception_flag WHERE misconception_id = $1 ORDER BY id', [mid]);
  const alertRows = () => t.db.query<{ dedupe_key: string; payload: Record<string, unknown> }>(
    `SELECT dedupe_key, payload FROM staff_alert_webhook WHERE payload->>'misconception_id' = $1 ORDER BY id`, [mid]);

  it('raises one flag when distinct users in 24 hours reach the threshold, and queues one alert', async () => {
    for (let i = 1; i <= 4; i++) {
      await ask(`u${i}`);
      await ask(`u${i}`, 'Hoàng Sa thuộc Quảng Nam à ad'); // the same person again is not another user
      clock.advance(HOUR);
    }
    expect((await flagRows()).rows).toHaveLength(0);
    await ask('u5', 'Có phải Hoàng Sa trực thuộc tỉnh Quảng Nam? gọi tôi 0912345678');
    const flags = (await flagRows()).rows;
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ reason: 'users_24h', users_24h: 5, status: 'new', claim: 'Hoàng Sa thuộc tỉnh Quảng Nam' });
    expect(flags[0].examples.length).toBeGreaterThan(1);
    expect(flags[0].examples.join(' ')).not.toContain('0912345678');

    // Seven more users in the same episode: no second flag, no second alert.
    for (let i = 6; i <= 12; i++) {
      clock.advance(HOUR);
      await ask(`u${i}`);
    }
    expect((await flagRows()).rows).toHaveLength(1);
    const alerts = (await alertRows()).rows;
    expect(alerts).toHaveLength(1);
    expect(alerts[0].dedupe_key).toBe(`flag:${flags[0].id}`);
    expect(alerts[0].payload).toMatchObject({ type: 'misconception_flag', misconception_id: mid, distinct_users_24h: 5 });
    expect(String(alerts[0].payload.text)).toContain('Hoàng Sa thuộc tỉnh Quảng Nam');

    const view = (await admin.listFlags()).filter((f) => f.misconceptionId === mid);
    expect(view).toHaveLength(1);
    expect(view[0].distinctUsers24h).toBe(12);
    expect(view[0].daily).toHaveLength(30);
    expect(view[0].daily.reduce((s, d) => s + d.users, 0)).toBeGreaterThanOrEqual(12);
  });

  it('does not count users outside the 24-hour window', async () => {
    for (let i = 1; i <= 4; i++) await ask(`u${i}`);
    clock.advance(25 * HOUR);
    await ask('u5');
    expect((await flagRows()).rows).toHaveLength(0);
  });

  it('raises a flag when distinct users in 7 days reach the threshold', async () => {
    // 15 users over 6 days, at most 3 a day: never 5 in 24 hours, and no jump over the baseline.
    let n = 0;
    for (let day = 0; day < 5 && n < 15; day++) {
      for (let k = 0; k < 3; k++) {
        n++;
        await ask(`w${n}`);
        if (n < 15) expect((await flagRows()).rows).toHaveLength(0);
        clock.advance(HOUR);
      }
      clock.advance(DAY - 3 * HOUR);
    }
    const flags = (await flagRows()).rows;
    expect(flags).toHaveLength(1);
    expect(flags[0].reason).toBe('users_7d');
  });

  it('raises a flag on a jump well above the claim\'s own baseline', async () => {
    setup({ ...RULES, minUsers24h: 1000, minUsers7d: 10_000 });
    // Baseline: 2 distinct users a day for 14 days.
    for (let d = 0; d < 14; d++) {
      await ask(`b${d}a`);
      await ask(`b${d}b`);
      clock.advance(DAY);
    }
    expect((await flagRows()).rows).toHaveLength(0);
    // 6 users in a day is 3 x baseline: not above it.
    for (let i = 0; i < 6; i++) await ask(`s${i}`);
    expect((await flagRows()).rows).toHaveLength(0);
    await ask('s6');
    const flags = (await flagRows()).rows;
    expect(flags).toHaveLength(1);
    expect(flags[0].reason).toBe('baseline_jump');
  });

  it('does not treat 0 -> 2 users as a jump', async () => {
    setup({ ...RULES, minUsers24h: 1000, minUsers7d: 10_000 });
    await ask('a');
    await ask('b');
    expect((await flagRows()).rows).toHaveLength(0);
  });

  it('starts a new episode only after a flag is resolved, counting users after that moment', async () => {
    for (let i = 1; i <= 5; i++) await ask(`u${i}`);
    const [first] = (await flagRows()).rows;
    expect(first).toBeDefined();

    clock.advance(HOUR);
    await admin.updateFlag(first.id, { status: 'resolved', note: 'Đã đăng bài đính chính' }, 'editor1');
    // The same five users again, right after: they asked before the resolution too, but they count
    // anew only from now on; one short of the threshold is still no flag.
    clock.advance(HOUR);
    for (let i = 1; i <= 4; i++) await ask(`u${i}`);
    expect((await flagRows()).rows).toHaveLength(1);
    await ask('u5');
    const flags = (await flagRows()).rows;
    expect(flags).toHaveLength(2);
    expect(flags[0].status).toBe('resolved');
    expect(flags[1].status).toBe('new');
    expect((await alertRows()).rows.map((a) => a.dedupe_key)).toEqual([`flag:${first.id}`, `flag:${flags[1].id}`]);

    // Reopening the old flag while the new episode is open is refused.
    await expect(admin.updateFlag(first.id, { status: 'confirmed' }, 'editor1')).rejects.toThrow(/đang mở/);
    await expect(admin.updateFlag('999999', { status: 'confirmed' }, 'editor1')).rejects.toThrow(/Không tìm thấy/);
  });

  it('keeps one flag per episode when evaluators race', async () => {
    setup({ ...RULES, minUsers24h: 3 });
    const flags = createFlagEvaluator({ db: t.db, clock, rules: { ...RULES, minUsers24h: 3 }, sinks: [webhookAlertSink()] });
    for (let i = 0; i < 3; i++) {
      const rec = { channel: 'zalo' as const, userId: `r${i}`, result: misconceptionResult('hoang sa la cua quang nam dung k', mid) };
      await t.db.tx((q) => recorder.record(q, rec));
    }
    const raised = await Promise.all(Array.from({ length: 6 }, () => flags.evaluate(mid)));
    expect(raised.filter(Boolean)).toHaveLength(1);
    expect((await flagRows()).rows).toHaveLength(1);
    expect((await alertRows()).rows).toHaveLength(1);
    // The sweep finds nothing more to raise, and names the claim from the log.
    expect((await flags.sweep()).filter((f) => f.misconceptionId === mid)).toEqual([]);
    expect((await flagRows()).rows[0].claim).toBe('Hoàng Sa thuộc tỉnh Quảng Nam');
  });
});
