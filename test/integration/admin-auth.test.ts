// Staff authentication and authorisation on the dashboard, on both databases: login and its
// CSRF token, generic failures, lock-out, session expiry, logout, roles, CSRF on every POST,
// cookie flags, security headers, and the audit log.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, type Config } from '../../src/config.js';
import { createAdminGuards, registerDashboard } from '../../src/admin/index.js';
import { hashPassword } from '../../src/admin/passwords.js';
import { staffStore } from '../../src/admin/staff-store.js';
import { AdminClient } from '../e2e/admin-client.js';
import { fakeDelivery, fakeInsights, fakeKnowledge, fakePipeline, flagView } from '../e2e/admin-fakes.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

// Cheap scrypt parameters for test accounts (verify reads them from the stored hash).
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSWORD = 'Mat-khau-rat-dai-2026';

describe.each(DB_KINDS)('dashboard auth (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let config: Config;
  const insights = fakeInsights([], [flagView({ id: '7' })]);

  async function buildDashboard(cfg: Config) {
    const a = Fastify({ logger: false });
    a.get('/healthz', async () => ({ status: 'ok' }));
    await registerDashboard(a, {
      config: cfg,
      auth: createAdminGuards({ db: t.db, config: cfg }),
      insights: insights.admin,
      knowledge: fakeKnowledge().admin,
      delivery: fakeDelivery().admin,
      pipeline: fakePipeline(),
      loginPerMinute: 1000,
    });
    await a.ready();
    return a;
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    const store = staffStore(t.db);
    for (const [u, role] of [['chief', 'admin'], ['editor1', 'editor'], ['viewer1', 'viewer'], ['locky', 'viewer'], ['gone', 'editor']] as const) {
      await store.createUser(u, await hashPassword(PASSWORD, FAST), role);
    }
    config = testConfig({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_MINUTES: '10' });
    app = await buildDashboard(config);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('shows a stranger only the login form', async () => {
    const c = new AdminClient(app);
    for (const url of ['/admin', '/admin/questions', '/admin/flags', '/admin/audit', '/admin/knowledge']) {
      const res = await c.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/admin\/login/);
    }
    const login = await c.get('/admin/login');
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('type="password"');
    expect(login.body).toContain('name="username"');
    expect((await c.get('/admin/knowledge/reindex/status', { accept: 'application/json' })).statusCode).toBe(401);
  });

  it('logs in with the right password and sets an HttpOnly, SameSite=Lax cookie (not Secure over plain http)', async () => {
    const c = new AdminClient(app);
    const res = await c.login('chief', PASSWORD);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((x) => x.startsWith('ct_staff='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect(cookie).toMatch(/Path=\/admin/);
    const home = await c.get('/admin');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<canvas');
    // The session id is stored hashed, never as the cookie value.
    const raw = c.cookies.get('ct_staff')!;
    const rows = await t.db.query<{ id_hash: string }>('SELECT id_hash FROM staff_session');
    expect(rows.rows.some((r) => r.id_hash === raw)).toBe(false);
  });

  it('marks the cookie Secure when COOKIE_SECURE=true', async () => {
    const secureApp = await buildDashboard(testConfig({ COOKIE_SECURE: 'true' }));
    try {
      const c = new AdminClient(secureApp);
      const res = await c.login('chief', PASSWORD);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((x) => x.startsWith('ct_staff='))!;
      expect(cookie).toMatch(/; Secure/i);
    } finally {
      await secureApp.close();
    }
  });

  it('refuses a wrong password and an unknown user with the same generic message', async () => {
    const c = new AdminClient(app);
    const wrong = await c.login('editor1', 'not-the-password');
    const unknown = await c.login('nobody-here', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const msg = (body: string) => /role="alert">([^<]*)</.exec(body)?.[1];
    expect(msg(wrong.body)).toBeTruthy();
    expect(msg(wrong.body)).toBe(msg(unknown.body));
    expect(wrong.body).toContain('type="password"');
    expect(c.cookies.has('ct_staff')).toBe(false);
  });

  it('refuses a login POST without the login form token (login CSRF)', async () => {
    const c = new AdminClient(app);
    const res = await c.post('/admin/login', { username: 'chief', password: PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(c.cookies.has('ct_staff')).toBe(false);
    // A token from another browser's form does not fit this browser's pre-session cookie.
    const other = new AdminClient(app);
    const token = AdminClient.csrf((await other.get('/admin/login')).body);
    await c.get('/admin/login');
    expect((await c.post('/admin/login', { _csrf: token, username: 'chief', password: PASSWORD })).statusCode).toBe(403);
  });

  it('locks an account after LOGIN_MAX_FAILURES failures, even against the right password, until the lock ends', async () => {
    const c = new AdminClient(app);
    for (let i = 0; i < 3; i++) expect((await c.login('locky', 'wrong-password-' + i)).statusCode).toBe(401);
    const locked = await c.login('locky', PASSWORD);
    expect(locked.statusCode).toBe(401);
    // The lock is per (account, address) since issue 16: see admin-lockout.test.ts.
    const row = await t.db.query<{ locked_until: Date | null }>(
      "SELECT f.locked_until FROM staff_login_failure f JOIN staff_user u ON u.id = f.staff_id WHERE u.username = 'locky'",
    );
    expect(row.rows[0]!.locked_until!.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
    // When the lock has run out, the right password works again.
    await t.db.query("UPDATE staff_login_failure SET locked_until = now() - interval '1 second'");
    expect((await c.login('locky', PASSWORD)).statusCode).toBe(303);
  });

  it('ends a session when it expires', async () => {
    const c = new AdminClient(app);
    await c.login('viewer1', PASSWORD);
    expect((await c.get('/admin')).statusCode).toBe(200);
    await t.db.query("UPDATE staff_session SET expires_at = now() - interval '1 second' WHERE staff_id = (SELECT id FROM staff_user WHERE username = 'viewer1')");
    const res = await c.get('/admin');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/admin\/login/);
  });

  it('ends the sessions of a disabled account', async () => {
    const c = new AdminClient(app);
    await c.login('gone', PASSWORD);
    expect((await c.get('/admin')).statusCode).toBe(200);
    await staffStore(t.db).disableUser('gone');
    expect((await c.get('/admin')).statusCode).toBe(303);
    expect((await c.login('gone', PASSWORD)).statusCode).toBe(401);
  });

  it('refuses a state-changing request without a valid CSRF token (403) and accepts it with one', async () => {
    const c = new AdminClient(app);
    await c.login('editor1', PASSWORD);
    const token = await c.sessionCsrf();
    expect((await c.post('/admin/flags/7/status', { status: 'confirmed' })).statusCode).toBe(403);
    expect((await c.post('/admin/flags/7/status', { status: 'confirmed', _csrf: token + 'x' })).statusCode).toBe(403);
    expect((await c.post('/admin/knowledge/reindex', {})).statusCode).toBe(403);
    expect((await c.post('/admin/logout', {})).statusCode).toBe(403);
    expect(insights.flags[0]!.status).toBe('new');
    const ok = await c.post('/admin/flags/7/status', { status: 'confirmed', _csrf: token });
    expect(ok.statusCode).toBe(303);
    expect(insights.flags[0]!.status).toBe('confirmed');
    expect(insights.updates.at(-1)).toMatchObject({ id: '7', by: 'editor1' });
    // The header form works too (used by page scripts and the JSON API).
    const note = await c.post('/admin/flags/7/action', { status: 'note', note: 'Đã báo Ban Tuyên giáo' }, { 'x-csrf-token': token });
    expect(note.statusCode).toBe(303);
    expect(insights.flags[0]!.note).toBe('Đã báo Ban Tuyên giáo');
  });

  it('refuses a POST from a stranger', async () => {
    const c = new AdminClient(app);
    expect((await c.post('/admin/flags/7/status', { status: 'dismissed' })).statusCode).toBe(403);
    expect(insights.flags[0]!.status).not.toBe('dismissed');
  });

  it('lets a viewer read but not act, and only an admin read the audit log', async () => {
    const viewer = new AdminClient(app);
    await viewer.login('viewer1', PASSWORD);
    const token = await viewer.sessionCsrf();
    expect((await viewer.get('/admin/flags')).statusCode).toBe(200);
    expect((await viewer.get('/admin/flags')).body).not.toContain('/admin/flags/7/status');
    expect((await viewer.post('/admin/flags/7/status', { status: 'dismissed', _csrf: token })).statusCode).toBe(403);
    expect((await viewer.post('/admin/delivery/retry', { kind: 'outbox', id: '1', _csrf: token })).statusCode).toBe(403);
    expect((await viewer.post('/admin/knowledge/reindex', { _csrf: token })).statusCode).toBe(403);
    expect(insights.flags[0]!.status).not.toBe('dismissed');
    expect((await viewer.get('/admin/audit')).statusCode).toBe(403);
    expect((await viewer.get('/admin')).body).not.toContain('href="/admin/audit"');

    const editor = new AdminClient(app);
    await editor.login('editor1', PASSWORD);
    expect((await editor.get('/admin/audit')).statusCode).toBe(403);

    const admin = new AdminClient(app);
    await admin.login('chief', PASSWORD);
    const audit = await admin.get('/admin/audit');
    expect(audit.statusCode).toBe(200);
    expect(audit.body).toContain('flag.confirmed');
    expect(audit.body).toContain('editor1');
  });

  it('logs out with a POST carrying the CSRF token', async () => {
    const c = new AdminClient(app);
    await c.login('chief', PASSWORD);
    const token = await c.sessionCsrf();
    const out = await c.post('/admin/logout', { _csrf: token });
    expect(out.statusCode).toBe(303);
    expect((await c.get('/admin')).statusCode).toBe(303);
  });

  it('rate-limits the login route per client', async () => {
    const limited = Fastify({ logger: false });
    await registerDashboard(limited, { config, auth: createAdminGuards({ db: t.db, config }), loginPerMinute: 2 });
    try {
      const c = new AdminClient(limited);
      expect((await c.login('nobody-here', 'x')).statusCode).toBe(401);
      expect((await c.login('nobody-here', 'x')).statusCode).toBe(401);
      const third = await c.login('chief', PASSWORD);
      expect(third.statusCode).toBe(429);
      expect(c.cookies.has('ct_staff')).toBe(false);
      // Only the login POST is limited: pages still load.
      expect((await c.get('/admin/login')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('sends a strict CSP and other security headers on dashboard pages only', async () => {
    const c = new AdminClient(app);
    const res = await c.get('/admin/login');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    // No inline script or style anywhere in the page.
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)(?![^>]*application\/json)[^>]*>/);
    expect(res.body).not.toMatch(/\sstyle=/);
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.headers['content-security-policy']).toBeUndefined();
  });

  it('serves Chart.js and the dashboard scripts from the app itself', async () => {
    const c = new AdminClient(app);
    const chart = await c.get('/admin/static/chart.umd.js');
    expect(chart.statusCode).toBe(200);
    expect(chart.headers['content-type']).toMatch(/javascript/);
    expect(chart.body.length).toBeGreaterThan(100_000);
    expect((await c.get('/admin/static/charts.js')).statusCode).toBe(200);
    expect((await c.get('/admin/static/..%2Fauth.ts')).statusCode).toBe(404);
  });
});
