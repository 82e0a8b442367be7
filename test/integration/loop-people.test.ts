// People in the loop, on both databases: takeover by echo and by staff reply, the reply window,
// askers told once (and only inside 7 days), reactions counted against the reply they answer,
// the disclosure on a conversation's first reply only, and deletion of one person's rows.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage, sentByOutbox } from '../../src/channel/outbox-store.js';
import type { Db } from '../../src/db/types.js';
import { createPseudonymizer } from '../../src/insights/pseudonym.js';
import { createQuestionRecorder } from '../../src/insights/question-log.js';
import { addressSeal } from '../../src/loop/address-seal.js';
import { loadLoopData } from '../../src/loop/loop-data.js';
import { createPeopleLoop, type PeopleLoop } from '../../src/loop/people-loop.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';
import { DAY, HOUR, result, silentLog, testClock } from './insights-fixtures.js';

const KNOWLEDGE = path.resolve('knowledge');

async function dumpText(db: Db): Promise<string> {
  const tables = await db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
  let out = '';
  for (const t of tables.rows) {
    const r = await db.query(`SELECT * FROM ${t.tablename}`);
    out += JSON.stringify(r.rows) + '\n';
  }
  return out;
}

describe.each(DB_KINDS)('people in the loop (%s)', (kind) => {
  let t: TestDb;
  let loop: PeopleLoop;
  const clock = testClock('2026-06-01T03:00:00Z');
  const pseudonyms = createPseudonymizer({ secret: 'test-secret', rotationDays: 30 });
  const recorder = createQuestionRecorder({ pseudonyms, clock });
  const userKey = (id: string) => `k:${id}`;

  /** One question through the same steps the inbox worker takes. */
  async function ask(userId: string, text: string, over: Parameters<typeof result>[0] = {}) {
    const at = clock.now();
    return t.db.tx(async (q) => {
      const screened = await loop.screen(q, { userId, text, lang: 'vi', at });
      if (screened.kind === 'reply') return { screened, reply: screened.text };
      const r = result({ question: text, ...over });
      const recorded = await recorder.record(q, { channel: 'zalo', userId, result: r, askedAt: at, heldForStaff: screened.kind === 'held' });
      if (screened.kind === 'held') return { screened, reply: null, recorded };
      const reply = await loop.decorate(q, { userId, at, lang: 'vi', rephrased: false }, r.answer);
      const replyKey = `event:${userId}:${at.getTime()}`;
      await enqueueMessage(q, { purpose: 'reply', recipientId: userId, text: reply, dedupeKey: replyKey });
      await loop.remember(q, { userId, at, recorded, replyKey, result: r });
      return { screened, reply, recorded, replyKey };
    });
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    loop = createPeopleLoop({
      db: t.db, log: silentLog, data: await loadLoopData(KNOWLEDGE), seal: addressSeal('address-key'), pseudonyms, userKey,
      enqueue: (q, m) => enqueueMessage(q, m), sentByUs: sentByOutbox, pauseMinutes: 120, retentionDays: 180, clock: clock.now,
    });
  });
  afterAll(async () => t?.drop());

  it('discloses on the first reply of a conversation, not the next, and again after a day of silence', async () => {
    const first = await ask('u-disclose', 'Hang Bua ở đâu?');
    expect(first.reply).toMatch(/trợ lý tự động \(AI\)/);
    expect(first.reply).toMatch(/xóa dữ liệu/);
    clock.advance(5 * 60_000);
    const second = await ask('u-disclose', 'Lễ hội vào tháng mấy?');
    expect(second.reply).not.toMatch(/xóa dữ liệu/);
    clock.advance(25 * HOUR);
    const later = await ask('u-disclose', 'Còn gì nữa không?');
    expect(later.reply).toMatch(/xóa dữ liệu/);
  });

  it('an echo our outbox did not send pauses the bot for that citizen; our own echo does not', async () => {
    await ask('u-echo', 'Hang Bua ở đâu?');
    const ours = await t.db.query<{ text: string }>(`SELECT text FROM outbox_message WHERE recipient_id = 'u-echo'`);
    expect(await t.db.tx((q) => loop.onEcho(q, { recipientId: 'u-echo', msgId: 'm-ours', text: ours.rows[0]!.text, adminId: null, at: clock.now() }))).toBe(false);
    expect((await ask('u-echo', 'Còn lễ hội?')).screened.kind).toBe('answer');
    expect(await t.db.tx((q) => loop.onEcho(q, { recipientId: 'u-echo', msgId: 'm-officer', text: 'Cán bộ xã xin trả lời', adminId: '99', at: clock.now() }))).toBe(true);
    const held = await ask('u-echo', 'Vậy cách Vinh bao xa?');
    expect(held.screened.kind).toBe('held');
    const row = await t.db.query<{ held_for_staff: boolean; answer_text: string | null }>(`SELECT held_for_staff, answer_text FROM question_log WHERE id = $1`, [held.recorded!.id]);
    expect(row.rows[0]).toEqual({ held_for_staff: true, answer_text: null });
    expect((await loop.listPaused()).map((p) => p.userKey)).toContain('k:u-echo');
    clock.advance(121 * 60_000);
    expect((await ask('u-echo', 'Còn ai ở đó không?')).screened.kind).toBe('answer');
  });

  it('resume hands a paused conversation back at once', async () => {
    await ask('u-resume', 'Hang Bua ở đâu?');
    await t.db.tx((q) => loop.onEcho(q, { recipientId: 'u-resume', msgId: 'm-x', text: 'Dạ', adminId: '1', at: clock.now() }));
    expect((await ask('u-resume', 'a?')).screened.kind).toBe('held');
    expect(await loop.resume('k:u-resume')).toBe(true);
    expect((await ask('u-resume', 'b?')).screened.kind).toBe('answer');
  });

  it('a staff reply goes to the asker through the outbox, says when it is billed, and pauses the bot', async () => {
    const asked = await ask('u-staff', 'Xã có hỗ trợ sửa nhà không?');
    const qid = asked.recorded!.id;
    expect(await loop.replyWindow(qid)).toMatchObject({ available: true, billed: false });
    clock.advance(50 * HOUR);
    expect(await loop.replyWindow(qid)).toMatchObject({ available: true, billed: true });
    const sent = await loop.staffReply({ questionId: qid, text: 'Cán bộ xã trả lời: có hỗ trợ (QR5521).', staff: 'bientap' });
    expect(sent).toEqual({ queued: true, billed: true });
    const out = await t.db.query<{ recipient_id: string; purpose: string }>(`SELECT recipient_id, purpose FROM outbox_message WHERE text LIKE '%QR5521%'`);
    expect(out.rows).toEqual([{ recipient_id: 'u-staff', purpose: 'staff_reply' }]);
    expect((await ask('u-staff', 'Cần giấy tờ gì?')).screened.kind).toBe('held');
  });

  it('after the 7-day window the reply address is scrubbed and staff cannot reply', async () => {
    const asked = await ask('u-window', 'Câu hỏi cũ');
    clock.advance(7 * DAY + HOUR);
    expect(await loop.replyWindow(asked.recorded!.id)).toMatchObject({ available: false });
    expect((await loop.scrub()).addresses).toBeGreaterThan(0);
    const left = await t.db.query(`SELECT 1 FROM reply_address WHERE user_key = 'k:u-window'`);
    expect(left.rows).toHaveLength(0);
    expect(await loop.staffReply({ questionId: asked.recorded!.id, text: 'muộn', staff: 's' })).toMatchObject({ queued: false, reason: 'no_address' });
  });

  it('askers of a published answer inside 7 days are told exactly once; older askers are not', async () => {
    const old = await ask('u-old', 'Xe buýt lên Hang Bua mấy giờ?', { outcome: 'out_of_scope' });
    clock.advance(8 * DAY);
    const a = await ask('u-new-a', 'xe buyt len hang bua may gio', { outcome: 'out_of_scope' });
    const a2 = await ask('u-new-a', 'xe buýt Hang Bua chạy mấy giờ', { outcome: 'out_of_scope' });
    const b = await ask('u-new-b', 'Có xe khách lên Hang Bua không?', { outcome: 'out_of_scope' });
    const ids = [old, a, a2, b].map((x) => x.recorded!.id);
    const publish = () => loop.notifyAskers({ publishedKey: 'faq:xe-buyt-hang-bua', kind: 'faq', questionIds: ids, answer: 'Xe buýt chạy lúc 6 giờ.', source: 'UBND xã' });
    expect(await publish()).toBe(2);
    expect(await publish()).toBe(0);
    expect(await loop.noticesSent('faq:xe-buyt-hang-bua')).toBe(2);
    const notices = await t.db.query<{ recipient_id: string }>(`SELECT recipient_id FROM outbox_message WHERE purpose = 'asker_notice' ORDER BY recipient_id`);
    expect(notices.rows.map((r) => r.recipient_id)).toEqual(['u-new-a', 'u-new-b']);
  });

  it('a reaction counts against the reply it answers, by topic and document', async () => {
    const asked = await ask('u-react', 'Hang Bua ở đâu?');
    await t.db.query(`UPDATE outbox_message SET status = 'sent', zalo_message_id = 'zm-1' WHERE group_key = $1`, [asked.replyKey]);
    expect(await t.db.tx((q) => loop.onReaction(q, { msgId: 'zm-1', icon: '/-heart', at: clock.now() }))).toBe(true);
    expect(await t.db.tx((q) => loop.onReaction(q, { msgId: 'zm-1', icon: ':-h', at: clock.now() }))).toBe(true);
    expect(await t.db.tx((q) => loop.onReaction(q, { msgId: 'zm-1', icon: '/-new-icon', at: clock.now() }))).toBe(true);
    expect(await t.db.tx((q) => loop.onReaction(q, { msgId: 'zm-unknown', icon: '/-heart', at: clock.now() }))).toBe(false);
    const fb = await loop.feedback(new Date(clock.ms - DAY));
    expect(fb.byTopic.find((r) => r.key === 'tourism')).toMatchObject({ helpful: 1, unhelpful: 1, total: 3 });
    expect(fb.byDocument.find((r) => r.key === 'hang-bua')).toMatchObject({ helpful: 1, unhelpful: 1 });
    expect(fb.negative[0]).toMatchObject({ question: 'Hang Bua ở đâu?', icon: ':-h' });
  });

  it('"xóa dữ liệu" then "đồng ý" deletes every row tied to that person and nobody else\'s', async () => {
    await ask('u-del', 'Lễ hội có pháo hoa không, mã QZ7713');
    clock.advance(31 * DAY); // a new pseudonym period: both periods' rows must go
    await ask('u-del', 'Hỏi lại lần nữa, mã QZ7713');
    await ask('u-keep', 'Lễ hội có pháo hoa không, mã QZ7714');
    const ask1 = await ask('u-del', 'Xóa dữ liệu!');
    expect(ask1.screened.kind).toBe('reply');
    expect(ask1.reply).toMatch(/đồng ý/);
    const done = await ask('u-del', 'đồng ý');
    expect(done.reply).toMatch(/Đã xóa dữ liệu/);
    const dump = await dumpText(t.db);
    expect(dump).not.toContain('QZ7713');
    expect(dump).toContain('QZ7714');
    expect((await loop.dataRequests())[0]).toMatchObject({ kind: 'delete', via: 'zalo' });
  });

  it('another message cancels a pending deletion and is answered', async () => {
    await ask('u-cancel', 'xoa du lieu');
    const next = await ask('u-cancel', 'Hang Bua ở đâu?');
    expect(next.screened.kind).toBe('answer');
    expect((await ask('u-cancel', 'đồng ý')).screened.kind).toBe('answer');
  });

  it('staff can find, export and delete a person by Zalo id', async () => {
    await ask('u-admin', 'Câu hỏi QX1001');
    expect((await loop.findPerson('u-admin')).questions).toBe(1);
    const exported = await loop.exportPerson('u-admin', 'quantri');
    expect(JSON.stringify(exported)).toContain('QX1001');
    const rows = await loop.deletePerson('u-admin', 'quantri');
    expect(rows.questions).toBe(1);
    expect((await loop.findPerson('u-admin')).questions).toBe(0);
    const kinds = (await loop.dataRequests()).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['find', 'export', 'delete']));
  });
});
