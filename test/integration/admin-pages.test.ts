// The dashboard pages against in-test data sources, on both databases: citizens' text is
// escaped everywhere it is shown, filters reach the data source, CSV export, uploads with an
// extension check, re-index progress, "try the bot", emerging-topic drafts, delivery retries.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config.js';
import { createAdminGuards, registerDashboard } from '../../src/admin/index.js';
import { hashPassword } from '../../src/admin/passwords.js';
import { staffStore } from '../../src/admin/staff-store.js';
import { AdminClient } from '../e2e/admin-client.js';
import { fakeDelivery, fakeInsights, fakeKnowledge, fakePipeline, flagView, questionRow } from '../e2e/admin-fakes.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const PASSWORD = 'Mat-khau-rat-dai-2026';
const XSS = '<img src=x onerror="window.__xss=1">Hang Bua ở đâu?';

describe.each(DB_KINDS)('dashboard pages (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let editor: AdminClient;
  let token: string;
  const insights = fakeInsights(
    [
      questionRow({ question: XSS, answer: '</pre><script>window.__xss=2</script>', askedAt: new Date('2026-11-20T03:00:00Z') }),
      questionRow({ question: 'bien gioi viet lao dai bao nhieu km', topic: 'border', askedAt: new Date('2026-11-25T03:00:00Z') }),
      questionRow({ question: 'Where is Hang Bua?', lang: 'en', outcome: 'out_of_scope', askedAt: new Date('2026-11-26T03:00:00Z') }),
    ],
    [flagView({ id: '3', claim: '<b>Hoàng Sa</b> thuộc Quảng Nam', examples: ['<script>alert(1)</script>'] })],
    [{ id: 'g1', label: 'giá vé "Hang Bua" bao nhiêu', distinctUsers: 4, examples: ['gia ve hang bua', 'vé vào hang bua <bao nhiêu>'], lastAskedAt: new Date() }],
  );
  const knowledge = fakeKnowledge([
    { id: 'faq-hang-bua-vi-tri', title: 'Hang Bua ở đâu?', kind: 'faq', topic: 'tourism', lang: 'vi', source: 'Báo Nghệ An', updated: '2026-11-27', reviewedBy: null, path: 'faq/tourism/hang-bua.md', chunks: 1, indexedAt: new Date(), origin: 'bundled', editorNote: 'Kiểm tra giá vé mỗi năm', reviewBy: null },
  ]);
  const delivery = fakeDelivery([{ id: '41', createdAt: new Date(), purpose: 'reply', attempts: 8, status: 'dead', lastError: 'Zalo -230: <user not follower>' }], [
    { id: '9', receivedAt: new Date(), eventName: 'user_send_text', attempts: 8, lastError: 'boom' },
  ]);
  const pipeline = fakePipeline();

  beforeAll(async () => {
    t = await createTestDb(kind);
    await staffStore(t.db).createUser('editor1', await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 }), 'editor');
    const config = testConfig();
    app = Fastify({ logger: false });
    await registerDashboard(app, { config, auth: createAdminGuards({ db: t.db, config }), insights: insights.admin, knowledge: knowledge.admin, delivery: delivery.admin, pipeline, uploadBytes: 64 * 1024 });
    await app.ready();
    editor = new AdminClient(app);
    expect((await editor.login('editor1', PASSWORD)).statusCode).toBe(303);
    token = await editor.sessionCsrf();
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('shows what citizens typed as text, never as markup', async () => {
    const page = await editor.get('/admin/questions');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;Hang Bua ở đâu?');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;/pre&gt;&lt;script&gt;');
    expect(page.body).not.toContain('<script>window.__xss');
    // The overview lists questions asked at least twice (the fake groups identical wordings).
    insights.questions.push(questionRow({ question: XSS, askedAt: new Date() }), questionRow({ question: XSS, askedAt: new Date() }));
    const overview = await editor.get('/admin');
    insights.questions.splice(-2, 2);
    expect(overview.body).not.toContain('<img src=x');
    expect(overview.body).toContain('&lt;img src=x');
    const flags = await editor.get('/admin/flags');
    expect(flags.body).toContain('&lt;b&gt;Hoàng Sa&lt;/b&gt;');
    expect(flags.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const del = await editor.get('/admin/delivery');
    expect(del.body).toContain('&lt;user not follower&gt;');
  });

  it('draws the overview chart from a JSON block that cannot close its script element', async () => {
    const page = await editor.get('/admin');
    expect(page.body).toMatch(/<canvas id="chart-daily"/);
    const block = /<script type="application\/json" id="chart-daily-data">([^<]*)<\/script>/.exec(page.body);
    expect(block).not.toBeNull();
    const data = JSON.parse(block![1]!) as { labels: string[]; series: { answered: number[] } };
    expect(data.labels).toHaveLength(7); // the default period: 7 days
    const month = JSON.parse(/<script type="application\/json" id="chart-daily-data">([^<]*)<\/script>/.exec((await editor.get('/admin?range=30d')).body)![1]!) as { labels: string[] };
    expect(month.labels).toHaveLength(30);
    expect(page.body).toContain('/admin/static/chart.umd.js');
  });

  it('passes search, filters and paging to the question log and keeps them in the CSV link', async () => {
    const page = await editor.get('/admin/questions?q=hang+bua&lang=en&outcome=out_of_scope&from=2026-11-26&to=2026-11-26');
    expect(page.body).toContain('Where is Hang Bua?');
    expect(page.body).not.toContain('bien gioi viet lao');
    expect(page.body).toContain('1 câu hỏi');
    expect(page.body).toMatch(/href="\/admin\/questions\.csv\?q=hang\+bua&amp;from=2026-11-26&amp;to=2026-11-26&amp;outcome=out_of_scope&amp;lang=en"/);
    const border = await editor.get('/admin/questions?topic=border');
    expect(border.body).toContain('bien gioi viet lao');
    expect(border.body).not.toContain('Where is Hang Bua?');
    // The "to" day is inclusive: 2026-11-25 10:00 (UTC+7) is inside to=2026-11-25.
    expect((await editor.get('/admin/questions?to=2026-11-25')).body).toContain('bien gioi viet lao');
    expect((await editor.get('/admin/questions?from=2026-11-26')).body).not.toContain('bien gioi viet lao');
    // Nonsense in the query is ignored, not an error.
    expect((await editor.get('/admin/questions?page=-4&outcome=%3Cx%3E&from=yesterday')).statusCode).toBe(200);
  });

  it('exports the filtered questions as CSV and audits the export', async () => {
    const res = await editor.get('/admin/questions.csv?topic=border');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="cau-hoi-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(res.body).toContain('bien gioi viet lao');
    const audit = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE action = 'questions.export'");
    expect(audit.rowCount).toBe(1);
  });

  it('refuses a stranger’s upload before reading its body', async () => {
    const stranger = new AdminClient(app);
    // larger than the upload limit: parsing it first would answer 413, checking the session first refuses
    const r = await stranger.postMultipart('/admin/knowledge/upload', { _csrf: 'x' }, { field: 'file', name: 'big.pdf', content: Buffer.alloc(200 * 1024, 1) });
    expect([303, 401, 403]).toContain(r.statusCode);
    expect(knowledge.uploads).toHaveLength(0);
  });

  it('uploads .md, .docx and .pdf only, and audits the upload', async () => {
    const bad = await editor.postMultipart('/admin/knowledge/upload', { _csrf: token }, { field: 'file', name: 'virus.exe', content: Buffer.from('MZ') });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Chỉ nhận tệp .md, .docx hoặc .pdf.');
    const noToken = await editor.postMultipart('/admin/knowledge/upload', {}, { field: 'file', name: 'a.md', content: Buffer.from('# x') });
    expect(noToken.statusCode).toBe(403);
    const tooBig = await editor.postMultipart('/admin/knowledge/upload', { _csrf: token }, { field: 'file', name: 'big.pdf', content: Buffer.alloc(80 * 1024, 1) });
    expect(tooBig.statusCode).toBe(413);
    expect(knowledge.uploads).toHaveLength(0);
    // Title, topic and source are required, all reported at once.
    const bare = await editor.postMultipart('/admin/knowledge/upload', { _csrf: token }, { field: 'file', name: 'a.md', content: Buffer.from('# x') });
    expect(bare.statusCode).toBe(400);
    expect(bare.body).toContain('Hãy nhập tiêu đề');
    expect(bare.body).toContain('Hãy ghi nguồn');
    expect(knowledge.uploads).toHaveLength(0);
    const meta = { _csrf: token, title: 'Kế hoạch năm 2026', topic: 'plan', source: 'UBND xã Châu Tiến, kế hoạch số 5/KH-UBND' };
    const ok = await editor.postMultipart('/admin/knowledge/upload', meta, { field: 'file', name: '../Kế hoạch 2026.MD', content: Buffer.from('---\nid: x\n---\nNội dung') });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin/knowledge?ok=uploaded&doc=Ke-hoach-2026#doc-Ke-hoach-2026');
    expect(knowledge.uploads.map((u) => u.fileName)).toEqual(['Ke-hoach-2026.md']);
    expect(knowledge.uploads[0]).toMatchObject({ meta: { title: 'Kế hoạch năm 2026', topic: 'plan', source: 'UBND xã Châu Tiến, kế hoạch số 5/KH-UBND', sourceUrl: null }, actor: 'editor1' });
    // The page highlights the new document and offers to try the bot on it.
    const after = await editor.get('/admin/knowledge?ok=uploaded&doc=Ke-hoach-2026');
    expect(after.body).toMatch(/<tr id="doc-Ke-hoach-2026" class="highlight">/);
    expect(after.body).toContain('Thử hỏi về tài liệu này');
    const audit = await t.db.query<{ target: string }>("SELECT target FROM audit_log WHERE action = 'knowledge.upload'");
    expect(audit.rows.map((r) => r.target)).toEqual(['Ke-hoach-2026']);
  });

  it('re-indexes in the background and reports progress until it is done', async () => {
    knowledge.hold(true);
    const start = await editor.post('/admin/knowledge/reindex', {}, { 'x-csrf-token': token, accept: 'application/json' });
    expect(start.statusCode).toBe(202);
    const running = JSON.parse((await editor.get('/admin/knowledge/reindex/status')).body) as { running: boolean; done: number; total: number };
    expect(running).toMatchObject({ running: true, done: 1, total: 2 });
    expect((await editor.post('/admin/knowledge/reindex', {}, { 'x-csrf-token': token, accept: 'application/json' })).statusCode).toBe(409);
    knowledge.finish();
    knowledge.hold(false);
    let status = { running: true, text: '' };
    while (status.running) status = JSON.parse((await editor.get('/admin/knowledge/reindex/status')).body) as typeof status;
    expect(status.text).toContain('cập nhật 1');
    expect(knowledge.runs()).toBe(1);
  });

  it('marks a document as reviewed by the staff member', async () => {
    const res = await editor.post('/admin/knowledge/faq-hang-bua-vi-tri/review', { _csrf: token });
    expect(res.statusCode).toBe(303);
    expect(knowledge.docs[0]!.reviewedBy).toBe('editor1');
  });

  it('shows the bot answer exactly as Zalo would, with outcome, sources and confidence', async () => {
    const res = await editor.post('/admin/try', { _csrf: token, question: 'hang bua o dau <b>?</b>' });
    expect(res.statusCode).toBe(200);
    expect(pipeline.asked.at(-1)).toBe('hang bua o dau <b>?</b>');
    expect(res.body).toContain('<pre class="zalo" id="try-answer">Hang Bua nằm trong dãy núi đá vôi Phà Én, xã Châu Tiến.\nNguồn: Báo Nghệ An (2024)</pre>');
    expect(res.body).toContain('data-outcome="answered"');
    expect(res.body).toContain('0.87');
    expect(res.body).toContain('Hang Bua ở đâu?');
    expect(res.body).toContain('hang bua o dau &lt;b&gt;?&lt;/b&gt;');
  });

  it('turns an emerging group into an FAQ with a form: pre-filled wordings, every problem at once, then saved and the group closed', async () => {
    const form = await editor.get('/admin/faq/new?group=g1');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="vé vào hang bua &lt;bao nhiêu&gt;" checked');
    expect(form.body).toContain('<option value="tourism">Du lịch</option>');
    const fields = { _csrf: token, kind: 'faq', group: 'g1', title: 'Giá vé Hang Bua bao nhiêu?', checked: ['gia ve hang bua', 'vé vào hang bua <bao nhiêu>'], wording: ['gia ve hang bua', 'vé vào hang bua <bao nhiêu>'], updated: '2026-11-27' };
    const refused = await editor.post('/admin/faq/save', { ...fields, action: 'save' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Còn 3 chỗ cần sửa');
    const preview = await editor.post('/admin/faq/save', { ...fields, answer: 'Vé vào hang là 20.000 đồng.', source: 'Ban quản lý Hang Bua', action: 'preview' });
    expect(preview.body).toContain('<pre class="zalo" id="preview-bubble">Vé vào hang là 20.000 đồng.\nNguồn: Ban quản lý Hang Bua</pre>');
    const saved = await editor.post('/admin/faq/save', { ...fields, topic: 'tourism', answer: 'Vé vào hang là 20.000 đồng.', source: 'Ban quản lý Hang Bua', action: 'save' });
    expect(saved.statusCode).toBe(303);
    const up = knowledge.uploads.at(-1)!;
    expect(up.fileName).toBe('faq-gia-ve-hang-bua-bao-nhieu.md');
    expect(up.meta).toMatchObject({ title: 'Giá vé Hang Bua bao nhiêu?', topic: 'tourism', source: 'Ban quản lý Hang Bua' });
    const md = up.content.toString('utf8');
    expect(md).toContain('topic: tourism');
    expect(md).toContain('vé vào hang bua <bao nhiêu>');
    expect(md.trim().endsWith('Vé vào hang là 20.000 đồng.')).toBe(true);
    // The group is now answered: gone from the open list, shown under "Đã có câu trả lời".
    expect((await editor.get('/admin/emerging')).body).not.toContain('id="group-g1"');
    expect((await editor.get('/admin/emerging?show=answered')).body).toContain('id="group-g1"');
  });

  it('puts a failed reply back in the queue and audits it', async () => {
    const res = await editor.post('/admin/delivery/retry', { _csrf: token, kind: 'outbox', id: '41' });
    expect(res.statusCode).toBe(303);
    expect(delivery.retried).toEqual([{ kind: 'outbox', id: '41' }]);
    const bad = await editor.post('/admin/delivery/retry', { _csrf: token, kind: 'nope', id: '41' });
    expect(bad.statusCode).toBe(400);
  });
});
