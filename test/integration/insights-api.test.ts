// The dashboard's insights JSON API over real HTTP (Fastify inject), against the real InsightsAdmin
// on both databases. AdminGuards is a small header-based stand-in built here: the real one
// (src/admin/auth) has its own tests; these check that every route asks for the right guard.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminGuards, StaffRole } from '../../src/admin/sources.js';
import { createInsightsAdmin } from '../../src/insights/admin.js';
import { insightsApiRoutes } from '../../src/insights/api.js';
import { createFlagEvaluator, DEFAULT_BASELINE } from '../../src/insights/flags.js';
import { createPseudonymizer } from '../../src/insights/pseudonym.js';
import { createQuestionRecorder } from '../../src/insights/question-log.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';
import { misconceptionResult, result, testClock } from './insights-fixtures.js';

const RANK: Record<StaffRole, number> = { viewer: 1, editor: 2, admin: 3 };

function headerGuards(audit: Array<{ action: string; target: string; by: string }>): AdminGuards {
  return {
    requireRole: (role) => async (req, reply) => {
      const have = req.headers['x-test-role'] as StaffRole | undefined;
      if (!have || !RANK[have]) return reply.code(401).send({ error: 'unauthorized' });
      if (RANK[have] < RANK[role]) return reply.code(403).send({ error: 'forbidden' });
      req.staff = { id: '1', username: `staff-${have}`, role: have };
    },
    verifyCsrf(req, reply, done) {
      if (req.headers['x-csrf-token'] !== 'good-token') return void reply.code(403).send({ error: 'csrf' });
      done();
    },
    async audit(req: FastifyRequest, action: string, target: string) {
      audit.push({ action, target, by: req.staff?.username ?? '?' });
    },
  };
}

describe.each(DB_KINDS)('insights API on %s', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  const audit: Array<{ action: string; target: string; by: string }> = [];
  const clock = testClock(Date.now());

  beforeAll(async () => {
    t = await createTestDb(kind);
    const flags = createFlagEvaluator({ db: t.db, clock, rules: { minUsers24h: 2, minUsers7d: 15, baselineFactor: 3, ...DEFAULT_BASELINE }, sinks: [] });
    const rec = createQuestionRecorder({ pseudonyms: createPseudonymizer({ secret: 's' }), flags, clock });
    const ask = async (userId: string, r: ReturnType<typeof result>) => {
      const q = { channel: 'zalo' as const, userId, result: r };
      await t.db.tx((x) => rec.record(x, q));
      await rec.afterCommit!(q);
    };
    await ask('a', misconceptionResult('Hoàng Sa thuộc Quảng Nam à ad'));
    await ask('b', misconceptionResult('hoang sa la cua quang nam dung k'));
    await ask('c', result({ question: '=HYPERLINK("http://evil")', topic: null, outcome: 'out_of_scope', confidence: 0.1 }));
    for (let i = 0; i < 3; i++) await ask(`d${i}`, result({ question: `Giờ mở cửa bưu điện xã lần ${i}`, topic: null, outcome: 'out_of_scope', confidence: 0.1 }));
    for (let i = 0; i < 5; i++) await ask(`e${i}`, result({ question: `Hang Bua ở đâu ${i}`, lang: i === 0 ? 'en' : 'vi' }));
    app = Fastify();
    insightsApiRoutes(app, { insights: createInsightsAdmin({ db: t.db, clock, lowConfidence: 0.5 }), guards: headerGuards(audit) });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const get = (url: string, role: string | null = 'viewer') => app.inject({ method: 'GET', url, headers: role ? { 'x-test-role': role } : {} });

  it('requires a staff session on every route', async () => {
    for (const url of ['/admin/api/trends/overview', '/admin/api/questions', '/admin/api/questions.csv', '/admin/api/flags', '/admin/api/emerging']) {
      expect((await get(url, null)).statusCode).toBe(401);
    }
    expect((await app.inject({ method: 'POST', url: '/admin/api/flags/1', payload: { status: 'confirmed' } })).statusCode).toBe(401);
  });

  it('serves the trends overview', async () => {
    const r = await get('/admin/api/trends/overview');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.total).toBe(11);
    expect(body.byOutcome).toEqual({ answered: 5, misconception: 2, out_of_scope: 4, smalltalk: 0 });
    expect(body.byLang).toEqual({ vi: 10, en: 1 });
    expect(body.byDay.length).toBeGreaterThanOrEqual(30);
    expect(body.topTopics[0]).toEqual({ topic: 'tourism', count: 5 });
    expect((await get('/admin/api/trends/overview?from=2025-02-30x')).statusCode).toBe(400);
    expect((await get('/admin/api/trends/overview?from=2025-06-02&to=2025-06-01')).statusCode).toBe(400);
    // one point per day is built: a range of centuries is refused, three years is fine
    expect((await get('/admin/api/trends/overview?from=1000-01-01&to=2025-06-01')).statusCode).toBe(400);
    expect((await get('/admin/api/trends/overview?from=2023-01-01&to=2025-06-01')).statusCode).toBe(200);
  });

  it('lists questions with folded search, filters and paging', async () => {
    const res = await get('/admin/api/questions?q=hoang%20sa');
    expect(res.headers['cache-control']).toBe('no-store');
    const found = res.json();
    expect(found.total).toBe(2);
    expect(found.rows.map((r: { question: string }) => r.question).sort()).toEqual(['Hoàng Sa thuộc Quảng Nam à ad', 'hoang sa la cua quang nam dung k']);
    expect((await get('/admin/api/questions?q=HO%C3%80NG%20S%C3%81')).json().total).toBe(2);
    expect((await get('/admin/api/questions?q=100%25')).json().total).toBe(0);
    const oos = (await get('/admin/api/questions?outcome=out_of_scope&pageSize=2&page=2')).json();
    expect(oos.total).toBe(4);
    expect(oos.rows).toHaveLength(2);
    expect((await get('/admin/api/questions?lang=en')).json().total).toBe(1);
    expect((await get('/admin/api/questions?pageSize=0')).statusCode).toBe(400);
    expect((await get('/admin/api/questions?outcome=nonsense')).statusCode).toBe(400);
    const bad = await get('/admin/api/questions?page=abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('page');
  });

  it('exports CSV with a BOM and no live formulas', async () => {
    const r = await get('/admin/api/questions.csv?outcome=out_of_scope');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    expect(r.headers['content-disposition']).toContain('attachment');
    expect(r.body.startsWith('\uFEFF')).toBe(true);
    const lines = r.body.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(r.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    // Personal data: not cacheable, and the export is in the audit log like the dashboard's own.
    expect(r.headers['cache-control']).toBe('no-store');
    expect(audit.splice(0)).toEqual([{ action: 'questions.export', target: 'question_log', by: 'staff-viewer' }]);
  });

  it('lists flags and lets an editor change one, with CSRF and an audit entry', async () => {
    const list = (await get('/admin/api/flags')).json();
    expect(list.flags).toHaveLength(1);
    const flag = list.flags[0];
    expect(flag).toMatchObject({ misconceptionId: 'mis-hoang-sa-quang-nam', status: 'new', distinctUsers24h: 2 });
    const url = `/admin/api/flags/${flag.id}`;
    const payload = { status: 'confirmed', note: 'Đã báo Ban Tuyên giáo' };
    expect((await app.inject({ method: 'POST', url, payload, headers: { 'x-test-role': 'viewer', 'x-csrf-token': 'good-token' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url, payload, headers: { 'x-test-role': 'editor' } })).statusCode).toBe(403);
    const ok = await app.inject({ method: 'POST', url, payload, headers: { 'x-test-role': 'editor', 'x-csrf-token': 'good-token' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().flag).toMatchObject({ status: 'confirmed', note: 'Đã báo Ban Tuyên giáo' });
    expect(audit).toEqual([{ action: 'flag.update', target: flag.id, by: 'staff-editor' }]);
    expect((await get('/admin/api/flags?status=confirmed')).json().flags).toHaveLength(1);
    expect((await get('/admin/api/flags?status=new')).json().flags).toHaveLength(0);
    expect((await get('/admin/api/flags?status=bogus')).statusCode).toBe(400);

    const h = { 'x-test-role': 'editor', 'x-csrf-token': 'good-token' };
    expect((await app.inject({ method: 'POST', url, payload: { status: 'maybe' }, headers: h })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url, payload: {}, headers: h })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/admin/api/flags/abc', payload, headers: h })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/admin/api/flags/987654', payload, headers: h })).statusCode).toBe(404);
  });

  it('lists emerging topics', async () => {
    const r = (await get('/admin/api/emerging')).json();
    expect(r.topics).toHaveLength(1);
    expect(r.topics[0].distinctUsers).toBe(3);
    expect(r.topics[0].label).toContain('bưu điện');
  });
});
