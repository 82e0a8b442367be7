// People in the loop, as staff use it, in a real browser (Debian's Chromium driven by
// playwright-core) on the whole service (buildApp) with a fake Zalo, on PGlite and (with
// TEST_DATABASE_URL) on PostgreSQL:
//  - a staff reply: "Câu hỏi" → "Trả lời người hỏi" → "Nội dung trả lời" → "Gửi trả lời" reaches
//    the citizen through the outbox, and the bot then leaves that citizen to staff;
//  - publishing an FAQ from an unanswered question with "Báo cho người đã hỏi" ticked tells the
//    asker once and the dashboard says how many were told; unticked, nobody is told.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../../src/app.js';
import { hashPassword } from '../../src/admin/passwords.js';
import { staffStore } from '../../src/admin/staff-store.js';
import { testConfig } from '../../src/config.js';
import { fakeZaloEnv, startFakeZalo, type FakeZalo } from '../fakes/fake-zalo.js';
import { postEvent, textEvent, userId, waitFor } from '../fakes/zalo-events.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, '../../test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_BROWSER = fs.existsSync(CHROMIUM);
if (!HAVE_BROWSER && process.env.REQUIRE_BROWSER_TESTS) throw new Error(`REQUIRE_BROWSER_TESTS is set but no Chromium at ${CHROMIUM}`);
const PASSWORD = 'Mat-khau-rat-dai-2026';

describe.skipIf(!HAVE_BROWSER).each(DB_KINDS)('people in the loop, staff flows in Chromium (%s)', (kind) => {
  let t: TestDb;
  let zalo: FakeZalo;
  let built: BuiltApp;
  let base: string;
  let dataDir: string;
  let browser: Browser;
  let page: Page;

  const sends = (uid: string) => zalo.sendsTo(uid);
  async function say(uid: string, text: string) {
    const before = sends(uid).length;
    expect(await postEvent(base, textEvent(uid, text))).toBe(200);
    await waitFor(() => sends(uid).length > before, 20_000, `reply to ${uid}`);
  }
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `loop-${kind}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    zalo = await startFakeZalo();
    t = await createTestDb(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loop-e2e-'));
    const config = testConfig({ ...fakeZaloEnv(zalo.url), DATA_DIR: dataDir, KNOWLEDGE_DIR: path.join(HERE, 'fixtures/knowledge'), WORKER_POLL_MS: '50', ZALO_HTTP_TIMEOUT_MS: '2000' });
    await staffStore(t.db).createUser('bientap', await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 }), 'editor');
    built = await buildApp({ config, db: t.db, logger: false });
    await built.start();
    base = await built.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--no-first-run', '--disable-component-update'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(base + '/admin');
    await page.fill('input[name=username]', 'bientap');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(base + '/admin'), page.locator('input[name=password]').press('Enter')]);
  });
  afterAll(async () => {
    await browser?.close();
    await built?.app.close();
    await built?.stop();
    await zalo?.close();
    await t?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a staff reply written in the dashboard reaches the citizen, and the bot then stays quiet for them', async () => {
    const citizen = userId(8101);
    await say(citizen, 'Xin hỏi xã có hỗ trợ sửa nhà sau lũ không, mã QR3390');
    await page.getByRole('link', { name: 'Câu hỏi', exact: true }).first().click();
    await page.waitForLoadState('load');
    const row = page.locator('tr', { hasText: 'QR3390' });
    await row.getByRole('link', { name: 'Trả lời người hỏi' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('main').innerText()).toMatch(/Còn \d+ ngày để trả lời qua Zalo/);
    await page.getByLabel('Nội dung trả lời').fill('Cán bộ xã trả lời: xã có hỗ trợ, mời anh mang giấy tờ đến UBND xã (mã QR5521).');
    const before = sends(citizen).length;
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Gửi trả lời' }).click()]);
    expect(await page.getByRole('status').first().innerText()).toContain('Đã gửi trả lời vào hàng đợi');
    await shot('staff-reply');
    await waitFor(() => sends(citizen).length > before, 20_000, 'staff reply delivered');
    expect(sends(citizen).slice(before).map((s) => s.text)).toEqual(['Cán bộ xã trả lời: xã có hỗ trợ, mời anh mang giấy tờ đến UBND xã (mã QR5521).']);

    // The conversation is now the staff's: a new question is logged but not answered by the bot.
    expect(await postEvent(base, textEvent(citizen, 'Vậy cần mang giấy tờ gì ạ?'))).toBe(200);
    await waitFor(async () => (await t.db.query(`SELECT 1 FROM question_log WHERE held_for_staff AND question_text LIKE '%giấy tờ gì%'`)).rows.length > 0, 20_000, 'held question logged');
    await new Promise((r) => setTimeout(r, 1000));
    expect(sends(citizen).length).toBe(before + 1);
    await page.goto(base + '/admin/conversations');
    expect(await page.locator('main').innerText()).toContain('trả lời từ trang quản trị');
  });

  it('"Báo cho người đã hỏi" is ticked by default; publishing tells the asker once and shows how many', async () => {
    const asker = userId(8201);
    const other = userId(8202);
    await say(asker, 'Xã có tổ chức lớp dạy nghề may không, mã DN8201?');
    await say(other, 'Xã có tổ chức lớp dạy võ cho thiếu nhi không, mã VO8202?');
    const idOf = async (marker: string) => Number((await t.db.query<{ id: string }>(`SELECT id FROM question_log WHERE question_text LIKE $1`, [`%${marker}%`])).rows[0]!.id);

    // Ticked (the default): the asker hears back, once.
    await page.goto(`${base}/admin/faq/new?question=${await idOf('DN8201')}`);
    const box = page.getByLabel('Báo cho người đã hỏi');
    expect(await box.isChecked()).toBe(true);
    await page.getByLabel('Chủ đề').selectOption('commune');
    await page.getByLabel('Nguồn (bắt buộc)').fill('UBND xã Châu Tiến, thông báo ngày 20/11/2026');
    await page.locator('#e-answer').fill('Có. Lớp dạy nghề may mở từ 05/01/2027 tại nhà văn hóa xã (mã DN8203).');
    const before = sends(asker).length;
    await Promise.all([page.waitForURL(/\/admin\/knowledge/), page.getByRole('button', { name: 'Lưu', exact: true }).click()]);
    expect(await page.locator('.flash').first().innerText()).toContain('Đã báo cho 1 người đã hỏi.');
    await shot('published-told');
    await waitFor(() => sends(asker).length > before, 20_000, 'notice delivered');
    await new Promise((r) => setTimeout(r, 1000));
    const got = sends(asker).slice(before);
    expect(got.length).toBe(1);
    expect(got[0]!.text).toContain('DN8203');
    expect(got[0]!.text).toContain('Nguồn: UBND xã Châu Tiến, thông báo ngày 20/11/2026');

    // Unticked: nobody is told.
    await page.goto(`${base}/admin/faq/new?question=${await idOf('VO8202')}`);
    await page.getByLabel('Báo cho người đã hỏi').uncheck();
    await page.getByLabel('Chủ đề').selectOption('commune');
    await page.getByLabel('Nguồn (bắt buộc)').fill('UBND xã Châu Tiến');
    await page.locator('#e-answer').fill('Chưa có lớp dạy võ (mã VO8203).');
    const otherBefore = sends(other).length;
    await Promise.all([page.waitForURL(/\/admin\/knowledge/), page.getByRole('button', { name: 'Lưu', exact: true }).click()]);
    expect(await page.locator('.flash').first().innerText()).not.toContain('Đã báo cho');
    await new Promise((r) => setTimeout(r, 1500));
    expect(sends(other).length).toBe(otherBefore);
  });
});
