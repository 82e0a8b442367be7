// The dashboard's first run and the pages added for the phone-first pass, against in-test data
// sources: the one-time setup link (only in the log, one hour, one use, CSRF, hashed, audited), `/`
// and the favicon, flags biggest first with their own page and one action form, no raw codes on
// the delivery and audit pages, confidence in words, the weekly report with its .docx, and the
// Excel exports (Vietnamese headers, local dates, BOM, formula escaping).
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config.js';
import { createAdminGuards, registerDashboard } from '../../src/admin/index.js';
import { hashPassword, verifyPassword } from '../../src/admin/passwords.js';
import { staffStore } from '../../src/admin/staff-store.js';
import { AdminClient } from '../e2e/admin-client.js';
import { fakeDelivery, fakeInsights, fakeKnowledge, fakePipeline, flagView, questionRow } from '../e2e/admin-fakes.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const PASSWORD = 'Mat-khau-rat-dai-2026';

describe.each(DB_KINDS)('first run (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await createTestDb(kind);
    const config = testConfig();
    const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    app = Fastify({ logger: { level: 'info', stream } });
    await registerDashboard(app, { config, auth: createAdminGuards({ db: t.db, config }) });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('prints a one-time setup link in the log, creates the first admin in the browser, then the link is gone', async () => {
    // onListen hooks run just after listen() resolves.
    for (let i = 0; i < 100 && !lines.some((l) => l.includes('/admin/setup?token=')); i++) await new Promise((r) => setTimeout(r, 20));
    const line = lines.find((l) => l.includes('/admin/setup?token='));
    expect(line).toBeDefined();
    const token = /\/admin\/setup\?token=([\w-]+)/.exec(line!)![1]!;
    const c = new AdminClient(app);
    expect((await c.get('/admin/setup?token=wrong')).statusCode).toBe(404);
    const form = await c.get(`/admin/setup?token=${token}`);
    expect(form.statusCode).toBe(200);
    const csrf = AdminClient.csrf(form.body);
    // No CSRF token: refused. Mismatched passwords: refused, nothing created.
    expect((await c.post('/admin/setup', { token, username: 'chuyenvien', password: PASSWORD, password2: PASSWORD })).statusCode).toBe(403);
    expect((await c.post('/admin/setup', { _csrf: csrf, token, username: 'chuyenvien', password: PASSWORD, password2: PASSWORD + 'x' })).statusCode).toBe(400);
    expect((await c.post('/admin/setup', { _csrf: csrf, token, username: 'chuyenvien', password: 'short', password2: 'short' })).statusCode).toBe(400);
    expect(await staffStore(t.db).listUsers()).toHaveLength(0);
    const ok = await c.post('/admin/setup', { _csrf: csrf, token, username: 'chuyenvien', password: PASSWORD, password2: PASSWORD });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin?ok=setup-done');
    const [user] = await staffStore(t.db).listUsers();
    expect(user).toMatchObject({ username: 'chuyenvien', role: 'admin' });
    expect(user!.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, user!.passwordHash)).toBe(true);
    // Signed in at once, and audited.
    expect((await c.get('/admin')).statusCode).toBe(200);
    const audit = await t.db.query<{ action: string; staff_username: string }>("SELECT action, staff_username FROM audit_log WHERE action = 'staff.setup'");
    expect(audit.rows).toEqual([{ action: 'staff.setup', staff_username: 'chuyenvien' }]);
    // The link works once.
    expect((await new AdminClient(app).get(`/admin/setup?token=${token}`)).statusCode).toBe(404);
  });

  it('sends / to /admin and serves a favicon', async () => {
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/admin');
    const fav = await app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(fav.headers.location).toBe('/admin/static/favicon.svg');
    const svg = await app.inject({ method: 'GET', url: '/admin/static/favicon.svg' });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
  });
});

describe.each(DB_KINDS)('dashboard pages for staff (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let editor: AdminClient;
  let token: string;
  const now = Date.now();
  const insights = fakeInsights(
    [
      questionRow({ id: '11', question: 'giá vàng hôm nay', outcome: 'out_of_scope', topic: null, confidence: 0.91, answer: 'Xin lỗi…', askedAt: new Date(now - 3600_000) }),
      questionRow({ id: '12', question: '=HYPERLINK("http://x")', outcome: 'answered', confidence: 0.8, askedAt: new Date('2026-11-30T17:30:00Z') }),
      questionRow({ id: '13', question: 'Hoàng Sa thuộc Quảng Nam à', outcome: 'misconception', misconceptionId: 'mis-hoang-sa-quang-nam', confidence: 0.95, answer: 'Không đúng. Hoàng Sa thuộc Đà Nẵng.', askedAt: new Date(now - 7200_000) }),
    ],
    [
      flagView({ id: '1', misconceptionId: 'mis-ban-gioc', claim: 'Việt Nam đã mất thác Bản Giốc', distinctUsers7d: 7, distinctUsersPrev7d: 9, raisedAt: new Date(now) }),
      flagView({ id: '2', claim: 'Quần đảo Hoàng Sa thuộc tỉnh Quảng Nam', distinctUsers7d: 16, distinctUsersPrev7d: 2, raisedAt: new Date(now - 86_400_000) }),
    ],
  );
  // The fake keeps flags in the order given; the real one sorts (see insights tests). Sort like it does.
  insights.flags.sort((a, b) => b.distinctUsers7d - a.distinctUsers7d);
  const knowledge = fakeKnowledge();
  const delivery = fakeDelivery([
    { id: '41', createdAt: new Date(), purpose: 'reply', attempts: 1, status: 'dead', lastError: 'zalo error -230: User has not interacted with the OA in the past 7 days' },
    { id: '42', createdAt: new Date(), purpose: 'reply', attempts: 5, status: 'dead', lastError: 'zalo error -32: Exceeded rate limit' },
  ]);

  beforeAll(async () => {
    t = await createTestDb(kind);
    await staffStore(t.db).createUser('bientap', await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 }), 'admin');
    const config = testConfig();
    app = Fastify({ logger: false });
    await registerDashboard(app, { config, auth: createAdminGuards({ db: t.db, config }), insights: insights.admin, knowledge: knowledge.admin, delivery: delivery.admin, pipeline: fakePipeline() });
    await app.ready();
    editor = new AdminClient(app);
    expect((await editor.login('bientap', PASSWORD)).statusCode).toBe(303);
    token = await editor.sessionCsrf();
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('lists the biggest false claim first with a trend marker, and links each to its own page', async () => {
    const body = (await editor.get('/admin/flags')).body;
    expect(body.indexOf('Hoàng Sa')).toBeLessThan(body.indexOf('Bản Giốc'));
    expect(body).toContain('↑ tăng');
    expect(body).toContain('↓ giảm');
    expect(body).toContain('href="/admin/flags/2"');
    expect(body).not.toContain('Mã: mis-');
    const detail = await editor.get('/admin/flags/2');
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('Câu trả lời đính chính trợ lý đang gửi');
    expect(detail.body).toContain('Không đúng. Hoàng Sa thuộc Đà Nẵng.');
    expect(detail.body).toContain('Hoàng Sa thuộc Quảng Nam à');
    expect((await editor.get('/admin/flags/999')).statusCode).toBe(404);
  });

  it('confirms a flag with a note in one submit, shows the result beside the button and who did it', async () => {
    const res = await editor.post('/admin/flags/2/action', { _csrf: token, status: 'confirmed', note: 'Đã báo Ban Tuyên giáo' }, { referer: 'http://x/admin/flags/2' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/flags/2?ok=flag-confirmed#act-2');
    expect(insights.updates.at(-1)).toEqual({ id: '2', change: { status: 'confirmed', note: 'Đã báo Ban Tuyên giáo' }, by: 'bientap' });
    const page = await editor.get('/admin/flags/2?ok=flag-confirmed');
    expect(page.body).toMatch(/<span class="feedback ok" role="status">✓ Đã xác nhận thông tin sai lệch\.<\/span>/);
    expect(page.body).toMatch(/<strong>bientap<\/strong> chuyển sang "Đã xác nhận": <span class="note">Đã báo Ban Tuyên giáo<\/span>/);
    const audit = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE target = '2' ORDER BY id");
    expect(audit.rows.map((r) => r.action)).toEqual(['flag.confirmed', 'flag.note']);
  });

  it('shows confidence in words and never on a refusal, and offers an FAQ for an unanswered question', async () => {
    const body = (await editor.get('/admin/questions')).body;
    const refusal = /<tr class="q-row" id="q-11"[\s\S]*?<\/tr>/.exec(body)![0];
    expect(refusal).toContain('Chưa trả lời được');
    expect(refusal).not.toMatch(/0[.,]91|cao|trung bình/);
    expect(refusal).toContain('href="/admin/faq/new?question=11"');
    const answered = /<tr class="q-row" id="q-12"[\s\S]*?<\/tr>/.exec(body)![0];
    expect(answered).toContain('>cao<');
    expect(answered).toContain('01/12/2026 00:30');
    expect(body).toContain('Tiếng Việt');
    const faq = await editor.get('/admin/faq/new?question=11');
    expect(faq.body).toContain('value="Giá vàng hôm nay?"');
    expect(faq.body).toContain('value="giá vàng hôm nay" checked');
  });

  it('explains Zalo errors in Vietnamese, hides "Gửi lại" where it cannot work, and shows no raw status', async () => {
    const body = (await editor.get('/admin/delivery')).body;
    const text = body.replace(/<details[\s\S]*?<\/details>/g, '').replace(/<[^>]+>/g, ' ');
    expect(text).not.toMatch(/\bdead\b|\breply\b|-230/);
    expect(text).toContain('chưa nhắn cho OA trong 7 ngày');
    expect(text).toContain('Không gửi lại được');
    expect(body.match(/>Gửi lại<\/button>/g)).toHaveLength(1);
  });

  it('translates audit actions and keeps the codes behind "Chi tiết"', async () => {
    const body = (await editor.get('/admin/audit')).body;
    expect(body).toContain('Đăng nhập');
    expect(body).toContain('Xác nhận thông tin sai lệch');
    expect(body.replace(/<details[\s\S]*?<\/details>/g, '')).not.toContain('flag.confirmed');
  });

  it('exports questions for Excel: Vietnamese headers and labels, local time, BOM, formulas neutralised; and as .xlsx', async () => {
    const csv = await editor.get('/admin/questions.csv');
    expect(csv.body.startsWith('\uFEFF"Thời gian","Kênh","Ngôn ngữ","Kết quả"')).toBe(true);
    expect(csv.body).toContain('"01/12/2026 00:30","Zalo","Tiếng Việt","Đã trả lời"');
    expect(csv.body).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv.body).not.toMatch(/out_of_scope|T\d\d:\d\d:\d\d/);
    const xlsx = await app.inject({ method: 'GET', url: '/admin/questions.xlsx?range=7d', headers: { cookie: [...editor.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ') } });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Câu hỏi')!;
    expect(ws.getRow(1).getCell(1).value).toBe('Thời gian');
    const cells = ws.getColumn(8).values.filter(Boolean);
    expect(cells).toContain('=HYPERLINK("http://x")');
    expect(ws.getRow(2).getCell(8).formula).toBeUndefined();
  });

  it('shows the weekly report with a Word download', async () => {
    const page = await editor.get('/admin/report');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('BÁO CÁO CÂU HỎI GỬI TRỢ LÝ ZALO');
    expect(page.body).toContain('href="/admin/report.docx?range=7d"');
    const docx = await editor.get('/admin/report.docx?range=7d');
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});
