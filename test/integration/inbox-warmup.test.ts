// The inbox worker's warm-up (src/channel/inbox-worker.ts): one answer through the pipeline and
// a reply's statements in a transaction that is rolled back; nothing is left in any table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboxWorker } from '../../src/channel/inbox-worker.js';
import { testConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { stubPipeline, testRecorder } from '../fakes/stub-answers.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const TABLES = ['inbound_event', 'outbox_message', 'channel_user_state', 'conversation_state', 'question_log'];

describe.each(DB_KINDS)('inbox worker warm-up (%s)', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => t.drop());

  const counts = async () => {
    const out: Record<string, string> = {};
    for (const table of TABLES) out[table] = (await t.db.query<{ c: string }>(`SELECT count(*) AS c FROM ${table}`)).rows[0]!.c;
    return out;
  };

  it('answers once, runs a reply’s statements and leaves no row behind', async () => {
    await t.db.query(`INSERT INTO inbound_event (event_key, event_name, status, payload) VALUES ('real:1', 'user_send_text', 'pending', '{"kind":"text"}')`);
    const before = await counts();
    const pipeline = stubPipeline();
    const recorder = testRecorder();
    const config = testConfig();
    const worker = createInboxWorker({
      db: t.db,
      log: createLogger(config),
      metrics: createMetrics(),
      pipeline: () => pipeline,
      recorder: () => recorder,
      userKey: (id) => `k:${id}`,
      concurrency: 2,
      pollMs: 50,
      maxAttempts: 3,
      ratePerMinute: 12,
    });
    await worker.warmUp();
    expect(pipeline.calls).toHaveLength(1);
    expect(recorder.records).toHaveLength(1); // it ran, inside the rolled-back transaction
    expect(await counts()).toEqual(before);
    // the real pending event is untouched (its claim was rolled back)
    const row = (await t.db.query<{ attempts: number; claimed_until: Date | null }>(`SELECT attempts, claimed_until FROM inbound_event WHERE event_key = 'real:1'`)).rows[0]!;
    expect(row).toEqual({ attempts: 0, claimed_until: null });
  });

  it('never throws, even when answering fails', async () => {
    const config = testConfig();
    const worker = createInboxWorker({
      db: t.db,
      log: createLogger(config),
      metrics: createMetrics(),
      pipeline: () => stubPipeline({ failFor: '' }),
      recorder: () => testRecorder(),
      userKey: (id) => `k:${id}`,
      concurrency: 2,
      pollMs: 50,
      maxAttempts: 3,
      ratePerMinute: 12,
    });
    await expect(worker.warmUp()).resolves.toBeUndefined();
  });
});
