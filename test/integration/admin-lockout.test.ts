// Login lock-out per (account, client address), the account-wide lock, the admin unlock, and the
// security headers on /admin/api/* (issue 16, L12 and L7), on both databases.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config.js';
import { apiSecurityHeaders } from '../../src/admin/auth.js';
import { createAdminGuards, registerDashboard } from '../../src/admin/index.js';
import { ACCOUNT_FACTOR } from '../../src/admin/login-lockout.js';
import { hashPassword } from '../../src/admin/passwords.js';
import { staffStore } from '../../src/admin/staff-store.js';
import { insightsApiRoutes } from '../../src/insights/api.js';
import { fakeDelivery, fakeInsights, fakeKnowledge, fakePipeline } from '../e2e/admin-fakes.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSWORD = 'Mat-khau-rat-dai-2026';

/** Logs in from a given client address through the real form (pre-session cookie + CSRF token). */
async function login(app: FastifyInstance, ip: string, username: string, password: string): Promise<number> {
  const page = await app.inject({ method: 'GET', url: '/admin/login', remoteAddress: ip });
  const cookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const res = await app.inject({
    method: 'POST',
    url: '/admin/login',
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    payload: new URLSearchParams({ _csrf: token, username, password }).toString(),
  });
  return res.statusCode;
}

describe.each(DB_KINDS)('login lock-out per account and address (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  const config = testConfig({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_MINUTES: '10' });
  const guardsRef: { g?: ReturnType<typeof createAdminGuards> } = {};

  beforeAll(async () => {
    t = await createTestDb(kind);
    const store = staffStore(t.db);
    for (const u of ['known', 'target']) await store.createUser(u, await hashPassword(PASSWORD, FAST), 'viewer');
    app = Fastify({ logger: false });
    guardsRef.g = createAdminGuards({ db: t.db, config });
    await registerDashboard(app, {
      config,
      auth: guardsRef.g,
      insights: fakeInsights().admin,
      knowledge: fakeKnowledge().admin,
      delivery: fakeDelivery().admin,
      pipeline: fakePipeline(),
      loginPerMinute: 10_000,
    });
    insightsApiRoutes(app, { insights: fakeInsights().admin, guards: guardsRef.g });
    apiSecurityHeaders(app);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('a stranger who guesses wrong locks the account only for their own address', async () => {
    for (let i = 0; i < 3; i++) expect(await login(app, '203.0.113.9', 'known', `wrong-${i}`)).toBe(401);
    // the stranger is locked out, even with the right password
    expect(await login(app, '203.0.113.9', 'known', PASSWORD)).toBe(401);
    // the staff member, from their own address, is not
    expect(await login(app, '198.51.100.7', 'known', PASSWORD)).toBe(303);
    // and doing it again does not lock them out either
    for (let i = 0; i < 6; i++) await login(app, '203.0.113.9', 'known', `wrong-again-${i}`);
    expect(await login(app, '198.51.100.7', 'known', PASSWORD)).toBe(303);
    // the table keeps no readable address
    const rows = await t.db.query<{ source: string }>('SELECT source FROM staff_login_failure');
    expect(rows.rows.every((r) => !r.source.includes('203.0.113.9'))).toBe(true);
  });

  it('locks the account everywhere after many failures from many addresses, until an admin unlocks it', async () => {
    const total = 3 * ACCOUNT_FACTOR;
    for (let i = 0; i < total; i++) await login(app, `192.0.2.${(i % 250) + 1}`, 'target', `wrong-${i}`);
    expect(await login(app, '198.51.100.8', 'target', PASSWORD)).toBe(401);
    // `npm run staff -- unlock target` does exactly this
    expect(await guardsRef.g!.lockout.unlock('target')).toBe(true);
    expect(await guardsRef.g!.lockout.unlock('nobody-here')).toBe(false);
    expect(await login(app, '198.51.100.8', 'target', PASSWORD)).toBe(303);
    expect(await login(app, '192.0.2.1', 'target', PASSWORD)).toBe(303);
  });

  it('sends the dashboard security headers on /admin/api/* (JSON and errors alike)', async () => {
    for (const url of ['/admin/api/questions', '/admin/api/questions.csv', '/admin/api/trends/overview']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(401);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});
