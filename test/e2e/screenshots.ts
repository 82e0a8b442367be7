// Before/after screenshots of every dashboard page at 1366×768 and 390×844, on a seeded demo
// (questions from many pseudonymous users over two weeks, two flags of different sizes, a failed
// reply). Run: `npx tsx test/e2e/screenshots.ts <prefix>`; files go to test-artifacts/<prefix>-*.png.
// Not a test: the assertions live in dashboard.test.ts; this is for reviewing the pages by eye.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.js';
import { hashPassword } from '../../src/admin/passwords.js';
import { staffStore } from '../../src/admin/staff-store.js';
import type { AnswerResult } from '../../src/answer/types.js';
import { testConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { pgliteDb } from '../../src/db/pglite.js';
import { createInsights } from '../../src/insights/index.js';
import { createLogger } from '../../src/log.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, '../../test-artifacts');
const prefix = process.argv[2] ?? 'after';
const extra = (process.argv[3] ?? '').split(',').filter(Boolean);
const PASSWORD = 'Mat-khau-rat-dai-2026';

function result(question: string, over: Partial<AnswerResult> = {}): AnswerResult {
  return {
    question, answer: 'Hang Bua nằm trong dãy núi đá vôi Phà Én.\nNguồn: Báo Nghệ An (2024)', outcome: 'answered', lang: 'vi',
    sources: [{ id: 'faq-hang-bua-vi-tri', title: 'Hang Bua ở đâu?' }], misconception: null, confidence: 0.9, topic: 'tourism',
    retrieved: [], latencyMs: 5, ...over,
  };
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const db = await pgliteDb('memory://');
  await migrate(db);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-shots-'));
  const config = testConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR: path.join(HERE, 'fixtures/knowledge') });
  await staffStore(db).createUser('chuyenvien', await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 }), 'admin');
  const seeding = createInsights({ config, db, log: createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }) });
  await seeding.prepare();
  const now = Date.now();
  const mis = { id: 'mis-hoang-sa-quang-nam', claim: 'Quần đảo Hoàng Sa thuộc tỉnh Quảng Nam' };
  const mis2 = { id: 'mis-ban-gioc', claim: 'Việt Nam đã mất thác Bản Giốc' };
  const asked: Array<[string, Partial<AnswerResult>, number]> = [];
  for (let i = 0; i < 16; i++) asked.push([i % 2 ? 'hoang sa thuoc quang nam phai ko' : 'Hoàng Sa thuộc Quảng Nam à ad', { outcome: 'misconception', misconception: mis as never, topic: 'sea', confidence: 0.95 }, i % 3]);
  for (let i = 0; i < 7; i++) asked.push(['thac ban gioc da mat vao tay trung quoc dung ko', { outcome: 'misconception', misconception: mis2 as never, topic: 'border', confidence: 0.9 }, 2 + (i % 4)]);
  for (let i = 0; i < 5; i++) asked.push([['lich tiem chung thang 12', 'Lịch tiêm chủng tháng 12 ở trạm y tế', 'khi nao tiem vac xin soi', 'tiem chung cho tre o dau', 'lịch tiêm vắc xin tháng này'][i]!, { outcome: 'out_of_scope', topic: null, sources: [], confidence: 0.3 }, i]);
  for (let i = 0; i < 4; i++) asked.push([['lich cat dien chau tien ngay mai', 'cắt điện đến mấy giờ vậy ad', 'mai co cat dien khong', 'lịch cắt điện tuần này'][i]!, { outcome: 'out_of_scope', topic: null, sources: [], confidence: 0.2 }, i]);
  for (let i = 0; i < 4; i++) asked.push([['tu vinh len chau tien di xe gi', 'nhà xe Vinh đi Quỳ Châu mấy giờ', 'xe khach vinh quy chau', 'đi xe gì từ Vinh lên Châu Tiến'][i]!, { outcome: 'out_of_scope', topic: null, sources: [], confidence: 0.25 }, i + 3]);
  asked.push(['Cho em hỏi biên giới Việt Nam với Lào dài bao nhiêu km và đi qua những tỉnh nào của nước mình ạ, em cảm ơn ad nhiều', { topic: 'border', confidence: 0.83 }, 0]);
  asked.push(['<script>alert(1)</script>', { outcome: 'out_of_scope', topic: null, sources: [], confidence: 0.91 }, 1]);
  asked.push(['=HYPERLINK("http://x")', { outcome: 'out_of_scope', topic: null, sources: [], confidence: 0.1 }, 1]);
  for (let i = 0; i < 12; i++) asked.push([['Hang Bua ở đâu?', 'hang bua o dau', 'Where is Hang Bua cave?', 'le hoi hang bua ngay nao'][i % 4]!, i % 4 === 2 ? { lang: 'en', answer: 'Hang Bua cave is in the Phà Én range.' } : {}, i % 10]);
  let n = 0;
  for (const [q, over, daysAgo] of asked) {
    await db.tx((tx) => seeding.recorder.record(tx, { channel: 'zalo', userId: `user-${n++}`, askedAt: new Date(now - daysAgo * 86_400_000 - n * 60_000), result: result(q, over) }));
  }
  // The smaller claim raised first, so "biggest first" differs from "first raised".
  await db.query(
    `INSERT INTO misconception_flag (misconception_id, claim, status, reason, raised_at, users_24h, users_7d, examples)
     VALUES ('mis-ban-gioc', 'Việt Nam đã mất thác Bản Giốc', 'new', 'users_7d', now(), 3, 7, $1::jsonb),
            ('mis-hoang-sa-quang-nam', 'Quần đảo Hoàng Sa thuộc tỉnh Quảng Nam', 'new', 'users_24h', now() - interval '2 hours', 6, 16, $2::jsonb)`,
    [JSON.stringify(['thac ban gioc da mat vao tay trung quoc dung ko']), JSON.stringify(['hoang sa thuoc quang nam phai ko', 'Hoàng Sa thuộc Quảng Nam à ad'])],
  );
  await db.query(
    `INSERT INTO outbox_message (purpose, group_key, recipient_id, text, status, attempts, last_error)
     VALUES ('reply', 'g1', 'zalo-1', 'Hang Bua nằm …', 'dead', 1, 'zalo error -230: User has not interacted with the OA in the past 7 days'),
            ('reply', 'g2', 'zalo-2', 'Lễ hội …', 'dead', 5, 'zalo error -32: Exceeded rate limit')`,
  );

  const built = await buildApp({ config, db, logger: false });
  await built.start();
  const base = await built.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const pages = ['/admin', '/admin/questions', '/admin/flags', '/admin/emerging', '/admin/knowledge', '/admin/try', '/admin/delivery', '/admin/audit', ...extra];
  const flagId = (await db.query<{ id: string }>(`SELECT id FROM misconception_flag WHERE misconception_id = 'mis-hoang-sa-quang-nam'`)).rows[0]!.id;
  for (const [size, viewport] of [['desktop', { width: 1366, height: 768 }], ['phone', { width: 390, height: 844 }]] as const) {
    const context = await browser.newContext({ viewport, ...(size === 'phone' ? { isMobile: true, hasTouch: true, deviceScaleFactor: 1 } : {}) });
    const page: Page = await context.newPage();
    await page.goto(base + '/admin/login');
    await page.screenshot({ path: path.join(ARTIFACTS, `${prefix}-login-${size}.png`) });
    await page.fill('input[name=username]', 'chuyenvien');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(base + '/admin'), page.locator('input[name=password]').press('Enter')]);
    for (const p of pages) {
      const url = p.replace(':flag', flagId);
      await page.goto(base + url, { waitUntil: 'load' });
      await page.waitForTimeout(300);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const name = url === '/admin' ? 'overview' : url.replace('/admin/', '').replace(/[^\w-]+/g, '-').replace(/-+$/, '');
      await page.screenshot({ path: path.join(ARTIFACTS, `${prefix}-${name}-${size}.png`), fullPage: false });
      console.log(`${prefix}-${name}-${size}.png${over > 2 ? `  (scrolls sideways +${over}px)` : ''}`);
    }
    await context.close();
  }
  await browser.close();
  await built.app.close();
  await built.stop();
  await db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

await main();
