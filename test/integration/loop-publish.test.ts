// Publishing closes the loop, on the whole service (buildApp) over the real webhook and a fake
// Zalo, on both databases: an FAQ saved from an emerging group or from one unanswered question,
// and a correction confirmed on a flag, reach each earlier asker inside 7 days exactly once
// through the outbox; askers outside the window, an unticked "Báo cho người đã hỏi" and a second
// publication send nothing. Also the review gate: the stale warning, and several documents
// marked reviewed at once (CSRF-protected, audited).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../../src/app.js';
import { hashPassword } from '../../src/admin/passwords.js';
import { staffStore } from '../../src/admin/staff-store.js';
import { testConfig } from '../../src/config.js';
import { AdminClient } from '../e2e/admin-client.js';
import { fakeZaloEnv, startFakeZalo, type FakeZalo } from '../fakes/fake-zalo.js';
import { postEvent, textEvent, userId, waitFor } from '../fakes/zalo-events.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PASSWORD = 'Mat-khau-rat-dai-2026';

describe.each(DB_KINDS)('publishing tells earlier askers (%s)', (kind) => {
  let t: TestDb;
  let zalo: FakeZalo;
  let built: BuiltApp;
  let base: string;
  let dataDir: string;
  let editor: AdminClient;
  let csrf: string;

  const sends = (uid: string) => zalo.sendsTo(uid);
  /** A citizen's message through the webhook; resolves once the bot's reply reached the fake Zalo. */
  async function say(uid: string, text: string) {
    const before = sends(uid).length;
    expect(await postEvent(base, textEvent(uid, text))).toBe(200);
    await waitFor(() => sends(uid).length > before, 20_000, `reply to ${uid}`);
  }
  async function questionId(marker: string): Promise<number> {
    const r = await t.db.query<{ id: string }>(`SELECT id FROM question_log WHERE question_text LIKE $1 ORDER BY id DESC LIMIT 1`, [`%${marker}%`]);
    expect(r.rows.length).toBe(1);
    return Number(r.rows[0]!.id);
  }
  /** Move one asker's question back in time (the service only ever logs "now"). */
  async function backdate(marker: string, days: number) {
    await t.db.query(`UPDATE question_log SET asked_at = asked_at - make_interval(days => $2) WHERE question_text LIKE $1`, [`%${marker}%`, days]);
  }
  /** Give the sender time to deliver anything that was wrongly queued. */
  const settle = () => new Promise((r) => setTimeout(r, 1500));
  const saveFaq = (form: Record<string, string | string[]>) =>
    editor.post('/admin/faq/save', {
      _csrf: csrf, kind: 'faq', topic: 'commune', source: 'UBND xã Châu Tiến, thông báo ngày 25/11/2026', updated: '2026-11-25', action: 'save', ...form,
    });
  const told = (location: string | undefined) => /[?&]told=(\d+)/.exec(String(location))?.[1];

  beforeAll(async () => {
    zalo = await startFakeZalo();
    t = await createTestDb(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loop-publish-'));
    const config = testConfig({ ...fakeZaloEnv(zalo.url), DATA_DIR: dataDir, KNOWLEDGE_DIR: path.join(HERE, '../e2e/fixtures/knowledge'), WORKER_POLL_MS: '50', ZALO_HTTP_TIMEOUT_MS: '2000' });
    await staffStore(t.db).createUser('bientap', await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 }), 'editor');
    built = await buildApp({ config, db: t.db, logger: false });
    await built.start();
    base = await built.app.listen({ port: 0, host: '127.0.0.1' });
    editor = new AdminClient(built.app);
    expect((await editor.login('bientap', PASSWORD)).statusCode).toBe(303);
    csrf = await editor.sessionCsrf();
  });
  afterAll(async () => {
    await built?.app.close();
    await built?.stop();
    await zalo?.close();
    await t?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an FAQ saved from an emerging group reaches each asker once, and saving it again reaches nobody', async () => {
    const [g1, g2, g3] = [userId(7101), userId(7102), userId(7103)];
    for (const uid of [g1, g2, g3]) await say(uid, 'Xe buýt từ xã đi Vinh chạy lúc mấy giờ?');
    await say(g3, 'Xe buýt từ xã đi Vinh chạy lúc mấy giờ?'); // the same person twice is still one person
    const emerging = await editor.get('/admin/emerging');
    const group = /href="\/admin\/faq\/new\?group=([\w-]+)"/.exec(emerging.body)?.[1];
    expect(group, 'the three askers form an emerging group').toBeTruthy();
    expect(emerging.body, 'each example can be answered by hand').toMatch(/href="\/admin\/questions\/\d+\/reply">Trả lời người hỏi/);
    const form = await editor.get(`/admin/faq/new?group=${group}`);
    expect(form.body).toMatch(/<input type="checkbox" id="e-notify" name="notify" value="1" checked> Báo cho người đã hỏi/);
    const before = new Map([g1, g2, g3].map((u) => [u, sends(u).length]));

    const res = await saveFaq({ group: group!, title: 'Xe buýt đi Vinh chạy lúc mấy giờ?', answer: 'Xe buýt đi Vinh chạy lúc 6 giờ và 13 giờ hằng ngày (mã XB4471).', notify: '1' });
    expect(res.statusCode).toBe(303);
    expect(told(res.headers.location)).toBe('3');
    const page = await editor.get(String(res.headers.location).replace(/#.*$/, ''));
    expect(page.body).toContain('Đã báo cho 3 người đã hỏi.');
    for (const uid of [g1, g2, g3]) await waitFor(() => sends(uid).length > before.get(uid)!, 20_000, `notice to ${uid}`);
    await settle();
    for (const uid of [g1, g2, g3]) {
      const fresh = sends(uid).slice(before.get(uid)!);
      expect(fresh.length, `exactly one message to ${uid}`).toBe(1);
      expect(fresh[0]!.text).toContain('XB4471');
      expect(fresh[0]!.text).toContain('Nguồn: UBND xã Châu Tiến, thông báo ngày 25/11/2026');
      expect(fresh[0]!.text).toContain('Xe buýt từ xã đi Vinh');
    }

    // Republished (the same document saved again, ticked): nobody hears twice.
    const docId = /[?&]doc=([\w-]+)/.exec(String(res.headers.location))![1]!;
    const again = await saveFaq({ id: docId, group: group!, title: 'Xe buýt đi Vinh chạy lúc mấy giờ?', answer: 'Xe buýt đi Vinh chạy lúc 6 giờ và 13 giờ (mã XB4472).', notify: '1' });
    expect(told(again.headers.location)).toBe('0');
    await settle();
    for (const uid of [g1, g2, g3]) expect(sends(uid).length).toBe(before.get(uid)! + 1);
  });

  it('unticking "Báo cho người đã hỏi" tells nobody', async () => {
    const u = userId(7201);
    await say(u, 'Lịch thu gom rác ở xóm 3 thế nào, mã RC2201?');
    const id = await questionId('RC2201');
    const form = await editor.get(`/admin/faq/new?question=${id}`);
    expect(form.body).toContain('Báo cho người đã hỏi');
    expect(form.body).toContain(`name="question" value="${id}"`);
    const before = sends(u).length;
    const res = await saveFaq({ question: String(id), title: 'Lịch thu gom rác ở xóm 3?', answer: 'Rác được thu vào thứ Ba và thứ Sáu (mã RC2202).' });
    expect(res.statusCode).toBe(303);
    expect(told(res.headers.location)).toBeUndefined();
    await settle();
    expect(sends(u).length).toBe(before);
  });

  it('an FAQ saved from one unanswered question reaches its asker inside 7 days, not one who asked earlier', async () => {
    const inside = userId(7301);
    const outside = userId(7302);
    await say(inside, 'Xã có lớp học bơi cho trẻ em không, mã BO3301?');
    await say(outside, 'Xã có lớp học bơi cho trẻ em không, mã BO3302?');
    await backdate('BO3302', 8);
    await say(outside, 'Cho hỏi giờ làm việc của xã?'); // still within Zalo's reply window, so only the 7-day rule keeps them out
    const [bi, bo] = [sends(inside).length, sends(outside).length];

    const early = await saveFaq({ question: String(await questionId('BO3302')), title: 'Lớp học bơi cho trẻ em?', answer: 'Có, lớp học bơi mở vào tháng 6 (mã BO3303).', notify: '1' });
    expect(told(early.headers.location)).toBe('0');
    const recent = await saveFaq({ question: String(await questionId('BO3301')), title: 'Xã có lớp học bơi không?', answer: 'Có, lớp học bơi mở vào tháng 6 (mã BO3304).', notify: '1' });
    expect(told(recent.headers.location)).toBe('1');
    await waitFor(() => sends(inside).length > bi, 20_000, 'notice inside the window');
    await settle();
    expect(sends(inside).slice(bi).map((s) => s.text)).toEqual([expect.stringContaining('BO3304')]);
    expect(sends(outside).length).toBe(bo);
  });

  it('confirming a flag sends its correction to each asker of the claim inside 7 days, once', async () => {
    const [f1, f2, old] = [userId(7401), userId(7402), userId(7403)];
    await say(f1, 'hoang sa thuoc quang nam phai ko');
    await say(f2, 'nghe noi hoang sa la cua quang nam');
    await say(f2, 'Hoàng Sa thuộc Quảng Nam');
    await say(old, 'Hoàng Sa thuộc Quảng Nam phải không ạ, mã HS7403');
    await t.db.query(`UPDATE question_log SET asked_at = asked_at - interval '9 days' WHERE user_pseudonym = (SELECT user_pseudonym FROM question_log WHERE question_text LIKE '%HS7403%')`);
    await say(old, 'Cho hỏi giờ làm việc của xã?');
    const mis = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM question_log WHERE misconception_id = 'mis-hoang-sa-quang-nam'`);
    expect(mis.rows[0]!.n, 'the claim was recognised').toBe(4);
    const flag = await t.db.query<{ id: string }>(
      `INSERT INTO misconception_flag (misconception_id, claim, status, reason, raised_at, users_24h, users_7d, examples)
       VALUES ('mis-hoang-sa-quang-nam', 'Quần đảo Hoàng Sa thuộc tỉnh Quảng Nam', 'new', 'users_24h', now(), 2, 2, '[]'::jsonb) RETURNING id`,
    );
    const id = flag.rows[0]!.id;
    const detail = await editor.get(`/admin/flags/${id}`);
    expect(detail.body).toMatch(/name="notify" value="1" checked> Báo cho người đã hỏi/);
    const before = new Map([f1, f2, old].map((u) => [u, sends(u).length]));

    const res = await editor.post(`/admin/flags/${id}/action`, { _csrf: csrf, status: 'confirmed', notify: '1' }, { referer: `${base}/admin/flags/${id}` });
    expect(res.statusCode).toBe(303);
    expect(told(res.headers.location)).toBe('2');
    expect((await editor.get(String(res.headers.location).replace(/#.*$/, ''))).body).toContain('Đã báo cho 2 người đã hỏi.');
    for (const uid of [f1, f2]) await waitFor(() => sends(uid).length > before.get(uid)!, 20_000, `correction to ${uid}`);
    await settle();
    for (const uid of [f1, f2]) {
      const fresh = sends(uid).slice(before.get(uid)!);
      expect(fresh.length, `exactly one correction to ${uid}`).toBe(1);
      expect(fresh[0]!.text).toContain('Đà Nẵng');
      expect(fresh[0]!.text).toContain('Nguồn: Nghị quyết sắp xếp đơn vị hành chính năm 2025');
    }
    expect(sends(old).length).toBe(before.get(old));

    // Reopened and confirmed again: the same correction, so nobody is told twice.
    await editor.post(`/admin/flags/${id}/action`, { _csrf: csrf, status: 'new' });
    const again = await editor.post(`/admin/flags/${id}/action`, { _csrf: csrf, status: 'confirmed', notify: '1' });
    expect(told(again.headers.location)).toBe('0');
    await settle();
    for (const uid of [f1, f2]) expect(sends(uid).length).toBe(before.get(uid)! + 1);
    const audited = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'loop.notify_askers'`);
    expect(audited.rows[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it('the review gate lists unreviewed and stale documents, warns on the overview, and reviews several at once', async () => {
    await t.db.query(`UPDATE knowledge_document SET review_by = '2026-01-31' WHERE id = 'faq-hang-bua-vi-tri'`);
    const overview = await editor.get('/admin');
    expect(overview.body).toMatch(/id="stale-warning"><strong>1 tài liệu đã quá hạn xem lại<\/strong>/);
    expect(overview.body).toContain('href="/admin/knowledge?show=stale"');
    const page = await editor.get('/admin/knowledge');
    expect(page.body).toContain('value="faq-hang-bua-vi-tri" id="rv-faq-hang-bua-vi-tri"');
    expect(page.body).toContain('value="mis-hoang-sa-quang-nam" id="rv-mis-hoang-sa-quang-nam"');
    expect(page.body).toContain('Đánh dấu đã duyệt các tài liệu đã chọn');
    const stale = await editor.get('/admin/knowledge?show=stale');
    expect(stale.body).toContain('id="doc-faq-hang-bua-vi-tri"');
    expect(stale.body).not.toContain('id="doc-mis-hoang-sa-quang-nam"');

    const forged = await editor.post('/admin/knowledge/review', { ids: ['faq-hang-bua-vi-tri'] });
    expect(forged.statusCode).toBe(403);
    const res = await editor.post('/admin/knowledge/review', { _csrf: csrf, ids: ['faq-hang-bua-vi-tri', 'mis-hoang-sa-quang-nam', 'no-such-doc'] });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toContain('n=2');
    const rows = await t.db.query<{ id: string; reviewed_by: string }>(`SELECT id, reviewed_by FROM knowledge_document WHERE id IN ('faq-hang-bua-vi-tri', 'mis-hoang-sa-quang-nam') ORDER BY id`);
    expect(rows.rows.map((r) => r.reviewed_by)).toEqual(['bientap', 'bientap']);
    const audit = await t.db.query<{ target: string }>(`SELECT target FROM audit_log WHERE action = 'knowledge.review' ORDER BY target`);
    expect(audit.rows.map((r) => r.target)).toEqual(['faq-hang-bua-vi-tri', 'mis-hoang-sa-quang-nam']);
    expect((await editor.get('/admin')).body).not.toContain('id="stale-warning"');
    const after = await editor.get(String(res.headers.location).replace(/#.*$/, ''));
    expect(after.body).not.toContain('id="rv-faq-hang-bua-vi-tri"');
    expect(after.body).toContain('Đã đánh dấu 2 tài liệu là đã duyệt.');
  });
});
