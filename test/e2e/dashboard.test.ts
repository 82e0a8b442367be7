// The staff dashboard in a real browser (Debian's Chromium driven by playwright-core), on the
// whole service built by buildApp, on PGlite and (with TEST_DATABASE_URL) on PostgreSQL:
// login, the overview chart drawn, filtering questions, confirming a flag, uploading a
// document, trying the bot, a citizen's HTML shown as text and never run, CSRF and role
// refusals, and a stranger who sees only the login. Screenshots go to test-artifacts/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../../src/app.js';
import { hashPassword } from '../../src/admin/passwords.js';
import { staffStore } from '../../src/admin/staff-store.js';
import type { AnswerResult } from '../../src/answer/types.js';
import { testConfig } from '../../src/config.js';
import { createInsights } from '../../src/insights/index.js';
import { createLogger } from '../../src/log.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, '../../test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_BROWSER = fs.existsSync(CHROMIUM);
if (!HAVE_BROWSER && process.env.REQUIRE_BROWSER_TESTS) throw new Error(`REQUIRE_BROWSER_TESTS is set but no Chromium at ${CHROMIUM}`);

const PASSWORD = 'Mat-khau-rat-dai-2026';
const XSS = '<img src=x onerror="window.__xss=1;alert(1)">Hang Bua ở đâu?<script>window.__xss=2</script>';

function result(question: string, over: Partial<AnswerResult> = {}): AnswerResult {
  return {
    question, answer: 'Hang Bua nằm trong dãy núi đá vôi Phà Én.\nNguồn: Báo Nghệ An (2024)', outcome: 'answered', lang: 'vi',
    sources: [{ id: 'faq-hang-bua-vi-tri', title: 'Hang Bua ở đâu?' }], misconception: null, confidence: 0.9, topic: 'tourism',
    retrieved: [], latencyMs: 5, ...over,
  };
}

describe.skipIf(!HAVE_BROWSER).each(DB_KINDS)('dashboard in Chromium (%s)', (kind) => {
  let t: TestDb;
  let built: BuiltApp;
  let base: string;
  let browser: Browser;
  let dataDir: string;
  const dialogs: string[] = [];

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${kind}-${name}.png`), fullPage: true });

  async function loggedIn(username: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss().catch(() => {});
    });
    await page.goto(base + '/admin');
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(base + '/admin'), page.locator('input[name=password]').press('Enter')]);
    return { context, page };
  }

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestDb(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-e2e-'));
    const config = testConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR: path.join(HERE, 'fixtures/knowledge') });
    const store = staffStore(t.db);
    const fast = { N: 2 ** 10, r: 8, p: 1 };
    await store.createUser('chief', await hashPassword(PASSWORD, fast), 'admin');
    await store.createUser('bientap', await hashPassword(PASSWORD, fast), 'editor');
    await store.createUser('xem', await hashPassword(PASSWORD, fast), 'viewer');

    // Questions as the Zalo worker would log them (through the real recorder), and one flag.
    const seeding = createInsights({ config, db: t.db, log: createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }) });
    await seeding.prepare();
    const asked: Array<[string, Partial<AnswerResult>]> = [
      [XSS, {}],
      ['bien gioi viet lao dai bao nhieu km', { topic: 'border', sources: [] }],
      ['Where is Hang Bua cave?', { lang: 'en', answer: 'Hang Bua cave is in the Phà Én range.' }],
      ['giá vàng hôm nay', { outcome: 'out_of_scope', topic: null, sources: [], confidence: 0.1 }],
    ];
    let n = 0;
    for (const [q, over] of asked) {
      await t.db.tx((tx) => seeding.recorder.record(tx, { channel: 'zalo', userId: `user-${n++}`, result: result(q, over) }));
    }
    await t.db.query(
      `INSERT INTO misconception_flag (misconception_id, claim, status, reason, raised_at, users_24h, users_7d, examples)
       VALUES ('mis-hoang-sa-quang-nam', 'Quần đảo Hoàng Sa thuộc tỉnh Quảng Nam', 'new', 'users_24h', now(), 6, 12, $1::jsonb)`,
      [JSON.stringify(['hoang sa thuoc quang nam a', '<b>hoàng sa</b> của quảng nam?'])],
    );

    built = await buildApp({ config, db: t.db, logger: false });
    await built.start();
    base = await built.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--no-first-run', '--disable-component-update'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await built?.app.close();
    await built?.stop();
    await t?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a stranger only the login form', async () => {
    const page = await browser.newPage();
    await page.goto(base + '/admin/questions');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await page.locator('input[type=password]').count()).toBe(1);
    expect(await page.locator('nav a').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('bien gioi');
    await shot(page, 'login');
    await page.close();
  });

  it('keeps the login form after a wrong password', async () => {
    const page = await browser.newPage();
    await page.goto(base + '/admin');
    await page.fill('input[name=username]', 'chief');
    await page.fill('input[name=password]', 'wrong-password');
    await Promise.all([page.waitForLoadState('load'), page.locator('input[name=password]').press('Enter')]);
    await page.waitForSelector('[role=alert]');
    expect(await page.locator('input[type=password]').count()).toBe(1);
    await page.close();
  });

  it('logs in and draws the questions-per-day chart', async () => {
    const { context, page } = await loggedIn('chief');
    await page.waitForSelector('canvas#chart-daily[data-drawn="1"]');
    const box = await page.locator('canvas#chart-daily').boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    expect(box!.height).toBeGreaterThan(100);
    // Chart.js painted something: the canvas is not blank.
    const painted = await page.evaluate(() => {
      const c = document.getElementById('chart-daily') as HTMLCanvasElement;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
      return false;
    });
    expect(painted).toBe(true);
    await shot(page, 'overview');
    await context.close();
  });

  it('shows a question containing HTML and script as text and runs none of it', async () => {
    const { context, page } = await loggedIn('chief');
    await Promise.all([page.waitForURL(/\/admin\/questions/), page.locator('a', { hasText: 'Câu hỏi' }).first().click()]);
    const text = await page.locator('table.questions').innerText();
    expect(text).toContain('<img src=x onerror="window.__xss=1;alert(1)">Hang Bua ở đâu?<script>window.__xss=2</script>');
    expect(text).toContain('bien gioi viet lao dai bao nhieu km');
    expect(await page.locator('table.questions img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await shot(page, 'questions');
    await context.close();
  });

  it('filters the questions by language and by search text', async () => {
    const { context, page } = await loggedIn('xem');
    await page.goto(base + '/admin/questions');
    await page.selectOption('#f-lang', 'en');
    await Promise.all([page.waitForURL(/lang=en/), page.getByRole('button', { name: 'Lọc' }).click()]);
    let text = await page.locator('table.questions').innerText();
    expect(text).toContain('Where is Hang Bua cave?');
    expect(text).not.toContain('bien gioi');
    await page.goto(base + '/admin/questions');
    await page.fill('#f-q', 'bien gioi');
    await Promise.all([page.waitForURL(/q=bien/), page.locator('#f-q').press('Enter')]);
    text = await page.locator('table.questions').innerText();
    expect(text).toContain('bien gioi viet lao');
    expect(text).not.toContain('Where is Hang Bua');
    await context.close();
  });

  it('lets an editor confirm a misconception flag (and audits it)', async () => {
    const { context, page } = await loggedIn('bientap');
    await page.goto(base + '/admin/flags');
    await page.waitForSelector('canvas[data-chart="trend"][data-drawn="1"]');
    expect(await page.locator('.examples').innerText()).toContain('<b>hoàng sa</b> của quảng nam?');
    await Promise.all([page.waitForURL(/ok=flag-confirmed/), page.locator('button[data-action="confirmed"]').first().click()]);
    expect(await page.locator('.badge-flag-confirmed').count()).toBe(1);
    // The result shows beside the button, on screen.
    const feedback = page.locator('.feedback.ok');
    expect(await feedback.innerText()).toContain('Đã xác nhận');
    expect(await feedback.isVisible()).toBe(true);
    const row = await t.db.query<{ status: string; status_changed_by: string }>('SELECT status, status_changed_by FROM misconception_flag');
    expect(row.rows[0]).toMatchObject({ status: 'confirmed', status_changed_by: 'bientap' });
    const audit = await t.db.query("SELECT 1 FROM audit_log WHERE action = 'flag.confirmed' AND staff_username = 'bientap'");
    expect(audit.rowCount).toBe(1);
    await shot(page, 'flags');
    await context.close();
  });

  it('lets an editor upload a document that the bot then answers from', async () => {
    const { context, page } = await loggedIn('bientap');
    await page.goto(base + '/admin/knowledge');
    const file = path.join(dataDir, 'le-hoi-hang-bua.md');
    fs.writeFileSync(
      file,
      '---\nid: doc-le-hoi-hang-bua-e2e\ntitle: Lễ hội Hang Bua\ntopic: events\nlang: vi\nsource: UBND xã Châu Tiến\nupdated: 2026-11-27\nreviewed_by: ""\n---\nLễ hội Hang Bua diễn ra vào ngày 12 và 13 tháng Giêng âm lịch hằng năm tại xã Châu Tiến.\n',
    );
    await page.setInputFiles('#file', file);
    await page.fill('#u-title', 'Lễ hội Hang Bua');
    await page.selectOption('#u-topic', 'events');
    await page.fill('#u-source', 'UBND xã Châu Tiến');
    await Promise.all([page.waitForURL(/ok=uploaded/), page.getByRole('button', { name: 'Tải lên', exact: true }).click()]);
    // The new document is highlighted, with a way to try the bot on it.
    const row = page.locator('tr.highlight');
    expect(await row.innerText()).toContain('Lễ hội Hang Bua');
    expect(await row.locator('a', { hasText: 'Thử hỏi về tài liệu này' }).count()).toBe(1);
    await shot(page, 'knowledge');
    // The upload is indexed: "try the bot" now answers from it.
    await page.goto(base + '/admin/try');
    await page.fill('#question', 'Lễ hội Hang Bua diễn ra vào ngày nào?');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Hỏi trợ lý' }).click()]);
    expect(await page.locator('.try-result').innerText()).toContain('Lễ hội Hang Bua');
    await context.close();
  });

  it('tries the bot and shows the answer as Zalo would, with outcome, sources and confidence', async () => {
    const { context, page } = await loggedIn('xem');
    await page.goto(base + '/admin/try');
    await page.fill('#question', 'hang bua o dau');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Hỏi trợ lý' }).click()]);
    await page.waitForSelector('#try-answer');
    expect(await page.locator('#try-answer').innerText()).toContain('Phà Én');
    expect(await page.locator('#try-outcome').getAttribute('data-outcome')).toBe('answered');
    expect(await page.locator('.try-result').innerText()).toContain('Hang Bua ở đâu?');
    expect((await page.locator('#try-confidence').innerText()).length).toBeGreaterThan(0);
    await shot(page, 'try');
    await context.close();
  });

  it('refuses a POST without a CSRF token (403), from a logged-in browser', async () => {
    const { context, page } = await loggedIn('chief');
    const res = await page.request.post(base + '/admin/flags/1/status', { form: { status: 'dismissed' }, maxRedirects: 0 });
    expect(res.status()).toBe(403);
    const row = await t.db.query<{ status: string }>('SELECT status FROM misconception_flag');
    expect(row.rows[0]!.status).not.toBe('dismissed');
    await context.close();
  });

  it('does not let a viewer act, even with a valid CSRF token', async () => {
    const { context, page } = await loggedIn('xem');
    await page.goto(base + '/admin/flags');
    expect(await page.locator('button[data-action]').count()).toBe(0);
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const res = await page.request.post(base + '/admin/flags/1/status', { form: { status: 'dismissed', _csrf: token! }, maxRedirects: 0 });
    expect(res.status()).toBe(403);
    expect((await page.request.get(base + '/admin/audit', { maxRedirects: 0 })).status()).toBe(403);
    await context.close();
  });

  it('renders every page for an admin without a script error or a CSP violation', async () => {
    const { context, page } = await loggedIn('chief');
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    for (const [url, heading] of [
      ['/admin', 'Tổng quan'],
      ['/admin/questions', 'Câu hỏi'],
      ['/admin/flags', 'Thông tin sai lệch'],
      ['/admin/emerging', 'Chủ đề mới nổi'],
      ['/admin/knowledge', 'Tri thức'],
      ['/admin/try', 'Thử trợ lý'],
      ['/admin/delivery', 'Tin chưa gửi được'],
      ['/admin/report', 'Báo cáo tuần'],
      ['/admin/faq/new', 'Soạn câu hỏi thường gặp'],
      ['/admin/audit', 'Nhật ký thao tác'],
    ] as const) {
      const res = await page.goto(base + url);
      expect(res!.status(), url).toBe(200);
      expect(await page.locator('h1').innerText(), url).toBe(heading);
    }
    expect(await page.locator('table').innerText()).toContain('Đăng nhập');
    expect(problems).toEqual([]);
    // The insights JSON API shares the session (the guards read the cookie themselves).
    expect((await page.request.get(base + '/admin/api/flags')).status()).toBe(200);
    const stranger = await browser.newContext();
    expect((await stranger.request.get(base + '/admin/api/flags')).status()).toBe(401);
    await stranger.close();
    await context.close();
  });

  it('confirms the biggest flag with a note in 3 clicks, from the overview, at both sizes', async () => {
    for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
      await t.db.query(`UPDATE misconception_flag SET status = 'new', note = NULL`);
      const { context, page } = await loggedIn('bientap', viewport);
      // 1: the flag on the overview; 2: the note field; 3: "Xác nhận".
      await Promise.all([page.waitForURL(/\/admin\/flags\/\d+$/), page.locator('a[href^="/admin/flags/"]').first().click()]);
      await page.locator('textarea[name=note]').click();
      await page.keyboard.type('Đã báo Ban Tuyên giáo');
      await Promise.all([page.waitForURL(/ok=flag-confirmed/), page.locator('button[data-action="confirmed"]').click()]);
      expect(await page.locator('.feedback.ok').isVisible()).toBe(true);
      const row = await t.db.query<{ status: string; note: string }>('SELECT status, note FROM misconception_flag');
      expect(row.rows[0]).toEqual({ status: 'confirmed', note: 'Đã báo Ban Tuyên giáo' });
      expect(await page.locator('.history').innerText()).toContain('bientap');
      await shot(page, `flag-page-${viewport.width}`);
      await context.close();
    }
  });

  it('turns an unanswered question into an FAQ typing only the answer and source, with a preview and a try on the draft', async () => {
    for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
      const { context, page } = await loggedIn('bientap', viewport);
      await page.goto(base + '/admin/questions?outcome=out_of_scope');
      await Promise.all([page.waitForURL(/\/admin\/faq\/new/), page.locator('a', { hasText: 'Soạn câu hỏi thường gặp' }).first().click()]);
      expect(await page.inputValue('#e-title')).toBe('Giá vàng hôm nay?');
      await page.fill('#e-answer', 'Xã không công bố giá vàng; hãy xem giá tại các cửa hàng vàng được cấp phép.');
      await page.fill('#e-source', 'UBND xã Châu Tiến');
      // The Zalo bubble follows what is typed.
      expect(await page.locator('#preview-bubble').innerText()).toContain('Nguồn: UBND xã Châu Tiến');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Thử ngay' }).click()]);
      expect(await page.locator('#try-results').innerText()).toContain('được trả lời từ bản nháp này');
      await page.selectOption('#e-topic', 'commune');
      await shot(page, `faq-form-${viewport.width}`);
      await Promise.all([page.waitForURL(/ok=draft-saved/), page.getByRole('button', { name: 'Lưu' }).click()]);
      expect(await page.locator('tr.highlight').innerText()).toContain('Giá vàng hôm nay?');
      await context.close();
    }
    // Saved into the knowledge and answered from it.
    const { context, page } = await loggedIn('xem');
    await page.goto(base + '/admin/try');
    await page.fill('#question', 'giá vàng hôm nay');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Hỏi trợ lý' }).click()]);
    expect(await page.locator('#try-answer').innerText()).toContain('cửa hàng vàng');
    await context.close();
  });

  it('exports a week of questions in 2 clicks, and shows the weekly report with a Word download', async () => {
    const { context, page } = await loggedIn('xem');
    await page.goto(base + '/admin/questions');
    await Promise.all([page.waitForURL(/range=7d/), page.locator('.presets a', { hasText: '7 ngày' }).click()]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^cau-hoi-\d{4}-\d{2}-\d{2}\.xlsx$/);
    await page.goto(base + '/admin/report');
    expect(await page.locator('#report-text').innerText()).toContain('BÁO CÁO CÂU HỎI GỬI TRỢ LÝ ZALO');
    const [docx] = await Promise.all([page.waitForEvent('download'), page.locator('#report-docx').click()]);
    expect(docx.suggestedFilename()).toMatch(/\.docx$/);
    await shot(page, 'report');
    await context.close();
  });

  it('on a phone nothing scrolls sideways and each question gets a wide box', async () => {
    const { context, page } = await loggedIn('chief', { width: 390, height: 844 });
    for (const url of ['/admin', '/admin/questions', '/admin/flags', '/admin/emerging', '/admin/knowledge', '/admin/try', '/admin/delivery', '/admin/audit', '/admin/report', '/admin/faq/new']) {
      await page.goto(base + url);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(over, url).toBeLessThanOrEqual(2);
    }
    await page.goto(base + '/admin/questions');
    const width = await page.locator('tr.q-row td.main').first().evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeGreaterThanOrEqual(300);
    await shot(page, 'questions-phone');
    await context.close();
  });

  it('works on a phone: the menu folds behind a button', async () => {
    const { context, page } = await loggedIn('chief', { width: 390, height: 844 });
    const link = page.locator('#nav a', { hasText: 'Câu hỏi' });
    expect(await link.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    expect(await link.isVisible()).toBe(true);
    await shot(page, 'phone');
    await context.close();
  });
});
