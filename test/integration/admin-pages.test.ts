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
    { id: 'faq-hang-bua-vi-tri', title: 'Hang Bua ở đâu?', kind: 'faq', topic: 'tourism', lang: 'vi', source: 'Báo Nghệ An', updated: '2026-11-27', reviewedBy: null, path: 'faq/tourism/hang-bua.md', chunks: 1, indexedAt: new Date(), origin: 'bundled', editorNote: null, reviewBy: null },
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
    const overview = await editor.get('/admin');
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
    expect(data.labels).toHaveLength(30);
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
    const ok = await editor.postMultipart('/admin/knowledge/upload', { _csrf: token }, { field: 'file', name: '../Kế hoạch 2026.MD', content: Buffer.from('---\nid: x\n---\nNội dung') });
    expect(ok.statusCode).toBe(303);
    expect(knowledge.uploads.map((u) => u.fileName)).toEqual(['Ke-hoach-2026.md']);
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

  it('turns an emerging group into a knowledge draft, refusing to save it until it is filled in', async () => {
    const draft = await editor.post('/admin/emerging/g1/draft', { _csrf: token, kind: 'faq' });
    expect(draft.statusCode).toBe(200);
    const md = /<textarea id="markdown"[^>]*>([\s\S]*?)<\/textarea>/.exec(draft.body)![1]!
      .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    expect(md).toContain('kind: faq');
    expect(md).toContain('vé vào hang bua <bao nhiêu>');
    const refused = await editor.post('/admin/drafts/save', { _csrf: token, markdown: md });
    expect(refused.statusCode).toBe(400);
    const filled = md.replace('source: ""', 'source: Ban quản lý Hang Bua').replace('topic: commune', 'topic: tourism').replace(/\(VIẾT NỘI DUNG Ở ĐÂY\)/, 'Vé vào hang là 20.000 đồng.');
    const saved = await editor.post('/admin/drafts/save', { _csrf: token, markdown: filled });
    expect(saved.statusCode).toBe(303);
    expect(knowledge.uploads.at(-1)!.fileName).toBe('faq-gia-ve-hang-bua-bao-nhieu.md');
    const download = await editor.post('/admin/drafts/download', { _csrf: token, markdown: filled });
    expect(download.headers['content-disposition']).toBe('attachment; filename="faq-gia-ve-hang-bua-bao-nhieu.md"');
  });

  it('puts a failed reply back in the queue and audits it', async () => {
    const res = await editor.post('/admin/delivery/retry', { _csrf: token, kind: 'outbox', id: '41' });
    expect(res.statusCode).toBe(303);
    expect(delivery.retried).toEqual([{ kind: 'outbox', id: '41' }]);
    const bad = await editor.post('/admin/delivery/retry', { _csrf: token, kind: 'nope', id: '41' });
    expect(bad.statusCode).toBe(400);
  });
});
