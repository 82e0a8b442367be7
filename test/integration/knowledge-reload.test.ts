// Live reload through the answer worker pool: a knowledge change made through one service is
// answered by it at once and by another service on the same database within seconds (the version
// poll; on PostgreSQL also LISTEN/NOTIFY), without a restart; answers keep coming during a reload.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerPool } from '../../src/answer/pool.js';
import { createAnswerService, type AnswerService } from '../../src/answer/service.js';
import { loadKnowledgeSnapshot } from '../../src/knowledge/store.js';
import { testConfig } from '../../src/config.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const FAQ = `---
id: faq-hang-bua-vi-tri
kind: faq
title: Hang Bua ở đâu?
topic: tourism
lang: vi
source: Báo Nghệ An (2024)
questions:
  - Hang Bua ở đâu?
  - hang bua o dau
---
Hang Bua nằm trong dãy núi đá vôi Phà Én, xã Châu Tiến, tỉnh Nghệ An.
`;

const NEW_FAQ = `---
id: faq-lich-tiep-dan
kind: faq
title: Lịch tiếp công dân của UBND xã
topic: commune
lang: vi
source: Thông báo của UBND xã
questions:
  - UBND xã tiếp công dân vào ngày nào?
  - lich tiep cong dan cua xa
---
UBND xã tiếp công dân vào sáng thứ Năm hằng tuần (mã kiểm tra QX-4821).
`;

const Q = 'UBND xã tiếp công dân vào ngày nào?';
const log = pino({ level: 'silent' });

async function until(check: () => Promise<boolean>, ms: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await check()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within ${ms} ms`);
}

describe.each(DB_KINDS)('knowledge reload with the answer worker pool (%s)', (kind) => {
  let t: TestDb;
  let dir: string;
  let a: AnswerService;
  let b: AnswerService;

  beforeAll(async () => {
    t = await createTestDb(kind);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-reload-'));
    fs.mkdirSync(path.join(dir, 'knowledge'));
    fs.writeFileSync(path.join(dir, 'knowledge', 'hang-bua.md'), FAQ);
    const config = testConfig({ KNOWLEDGE_POLL_MS: '200' });
    const roots = { knowledgeDir: path.join(dir, 'knowledge') };
    a = createAnswerService({ db: t.db, config, log, roots, threads: 1 });
    b = createAnswerService({ db: t.db, config, log, roots, threads: 1 });
    await a.prepare();
    await b.prepare();
    await b.watcher.start();
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await t?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers from a worker thread', async () => {
    const r = await a.pipeline.answer('Hang Bua ở đâu?');
    expect(r.outcome).toBe('answered');
    expect(r.answer).toContain('Phà Én');
    expect(() => a.index()).toThrow(/worker/);
  });

  it('a staff document added through one service is answered by it at once and by the other within 5 s; removal reaches both', async () => {
    expect((await a.pipeline.answer(Q)).answer).not.toContain('QX-4821');
    const before = b.stats().version!;
    // answers keep coming while the other service reloads
    const during = Promise.all(Array.from({ length: 5 }, () => b.pipeline.answer('Hang Bua ở đâu?')));
    const { id } = await a.knowledge.addUpload('lich-tiep-dan.md', Buffer.from(NEW_FAQ), { title: '', topic: '', source: '' }, 'can-bo');
    expect((await a.pipeline.answer(Q)).answer).toContain('QX-4821');
    await until(async () => (await b.pipeline.answer(Q)).answer.includes('QX-4821'), 5000);
    expect(b.stats().version!).toBeGreaterThan(before);
    for (const r of await during) expect(r.outcome).toBe('answered');

    expect(await a.knowledge.removeDocument(id, 'can-bo')).toBe(true);
    expect((await a.pipeline.answer(Q)).answer).not.toContain('QX-4821');
    await until(async () => !(await b.pipeline.answer(Q)).answer.includes('QX-4821'), 5000);
  }, 30_000);

  it('a snapshot the workers cannot build is refused, and the engine they have keeps answering', async () => {
    const pool = createAnswerPool({ config: testConfig(), log, threads: 1, source: () => loadKnowledgeSnapshot(t.db) });
    try {
      const snap = await loadKnowledgeSnapshot(t.db);
      await pool.load(snap);
      await expect(pool.load({ ...snap, version: snap.version + 1000, assistant: { not: 'valid' } })).rejects.toThrow(/could not build/);
      expect(pool.version).toBe(snap.version);
      expect((await pool.answer('Hang Bua ở đâu?')).answer).toContain('Phà Én');
    } finally {
      await pool.close();
    }
  }, 180_000);

  it('a review mark is a knowledge change too', async () => {
    const v = a.stats().version!;
    await a.knowledge.markReviewed('faq-hang-bua-vi-tri', 'can-bo');
    expect(a.stats().version!).toBeGreaterThan(v);
    await until(async () => b.stats().version === a.stats().version, 5000);
  });
});
