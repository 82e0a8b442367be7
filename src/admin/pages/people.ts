// People in the loop, for staff: reply to a citizen's question (/admin/questions/:id/reply), the
// conversations a person has taken over (/admin/conversations), reactions to the bot's answers
// (/admin/feedback) and data-subject requests (/admin/privacy: find, export, delete one person's
// data by Zalo user id). Every action is audited; the rules live in src/loop/people-loop.ts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FREE_REPLY_HOURS, type PeopleLoop } from '../../loop/people-loop.js';
import { formatDateTime, html, type SafeHtml } from '../html.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import { can, flashFromQuery, sendPage, unavailable } from './common.js';

const IdParam = z.object({ id: z.coerce.number().int().positive() });
const ReplyBody = z.object({ text: z.string().trim().min(1, 'Hãy viết nội dung trả lời.').max(2000) });
const ResumeBody = z.object({ key: z.string().regex(/^[\w:.-]{1,200}$/) });
const PersonBody = z.object({ zalo_user_id: z.string().trim().regex(/^\d{5,25}$/, 'Mã người dùng Zalo là một dãy số.'), action: z.enum(['find', 'export', 'delete']), confirm: z.string().optional() });

const TABLE_LABELS: Record<string, string> = {
  questions: 'câu hỏi',
  undelivered_messages: 'tin chưa gửi',
  takeover: 'cuộc trò chuyện do cán bộ tiếp nhận',
  conversation: 'phiên trò chuyện',
  reply_address: 'địa chỉ trả lời',
  pending: 'yêu cầu chờ xác nhận',
  channel_state: 'trạng thái kênh',
  flag_examples: 'ví dụ trong cờ',
  notices: 'lần được báo có câu trả lời',
};

function hoursLeft(until: Date, now: Date): string {
  const h = Math.max(0, Math.round((until.getTime() - now.getTime()) / 3_600_000));
  return h >= 48 ? `${Math.floor(h / 24)} ngày` : `${h} giờ`;
}

function counts(rows: Record<string, number>): SafeHtml {
  const entries = Object.entries(rows).filter(([, n]) => n > 0);
  if (entries.length === 0) return html`<p class="muted">Không có dữ liệu nào gắn với người này.</p>`;
  return html`<ul>${entries.map(([k, n]) => html`<li>${n} ${TABLE_LABELS[k] ?? k}</li>`)}</ul>`;
}

export function peopleRoutes(admin: FastifyInstance, deps: PageDeps & { loop?: PeopleLoop }): void {
  const { auth, loop } = deps;

  // --- staff reply to one question ---
  admin.get('/questions/:id/reply', { preHandler: auth.requireRole('editor') }, async (req, reply) => {
    if (!loop) return sendPage(reply, page(req, { title: 'Trả lời người hỏi', active: 'questions', body: unavailable('Trả lời người hỏi') }));
    const { id } = IdParam.parse(req.params);
    const q = await loop.questionSummary(id);
    if (!q) return reply.callNotFound();
    const w = await loop.replyWindow(id);
    const now = new Date();
    const state = !w.available
      ? html`<p class="flash flash-error" role="status">Không thể trả lời qua Zalo: đã quá 7 ngày kể từ tin nhắn cuối của người hỏi (Zalo chỉ cho phép trả lời trong 7 ngày), hoặc người hỏi đã xóa dữ liệu.</p>`
      : html`<p>Còn <strong>${hoursLeft(w.closesAt!, now)}</strong> để trả lời qua Zalo (tin cuối của người hỏi: ${formatDateTime(w.lastUserMessageAt)}).</p>
        ${w.billed ? html`<p class="flash flash-error" role="status">Đã quá ${FREE_REPLY_HOURS} giờ: Zalo có thể tính phí tin trả lời này.</p>` : ''}`;
    const body = html`
<section class="panel">
  <h2>Câu hỏi</h2>
  <blockquote class="question-text">${q.question ?? '(đã xóa theo thời hạn lưu trữ)'}</blockquote>
  <p class="muted">Hỏi lúc ${formatDateTime(q.askedAt)}${q.heldForStaff ? ' · cán bộ đang trả lời' : ''}</p>
  ${q.answer ? html`<details><summary>Trợ lý đã trả lời</summary><p class="pre">${q.answer}</p></details>` : ''}
</section>
<section class="panel">
  <h2>Trả lời người hỏi</h2>
  ${state}
  ${w.available
    ? html`<form method="post" action="/admin/questions/${id}/reply">${csrfField(req)}
      <label for="reply-text">Nội dung trả lời</label>
      <textarea id="reply-text" name="text" rows="6" maxlength="2000" required></textarea>
      <p class="muted small">Tin được gửi qua Zalo của xã. Sau khi gửi, trợ lý tạm dừng trả lời người này để cán bộ tiếp tục.</p>
      <button type="submit">Gửi trả lời</button>
    </form>`
    : ''}
</section>`;
    return sendPage(reply, page(req, { title: 'Trả lời người hỏi', active: 'questions', body, flash: flashFromQuery(req.query) }));
  });

  admin.post('/questions/:id/reply', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!loop) return reply.code(503).send('unavailable');
    const { id } = IdParam.parse(req.params);
    const { text } = ReplyBody.parse(req.body);
    const r = await loop.staffReply({ questionId: id, text, staff: req.staff!.username });
    await auth.audit(req, 'loop.staff_reply', `question:${id}`, { queued: r.queued, billed: r.billed, reason: r.reason ?? null });
    return reply.redirect(`/admin/questions/${id}/reply?ok=${r.queued ? 'reply-queued' : 'reply-not-possible'}`, 303);
  });

  // --- conversations a person has taken over ---
  admin.get('/conversations', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!loop) return sendPage(reply, page(req, { title: 'Cán bộ đang trả lời', active: 'conversations', body: unavailable('Cán bộ đang trả lời') }));
    const paused = await loop.listPaused();
    const now = new Date();
    const editor = can(req, 'editor');
    const body = html`
<section class="panel">
  <h2>Cán bộ đang trả lời (${paused.length})</h2>
  <p class="muted">Khi cán bộ trả lời trực tiếp (trên Zalo OA hoặc từ trang này), trợ lý tạm dừng với người đó. Câu hỏi mới vẫn được ghi lại.</p>
  ${paused.length
    ? html`<ul class="cards">${paused.map((p) => html`<li class="card">
        <p><strong>${p.reason === 'staff_reply' ? `Cán bộ ${p.startedBy ?? ''} trả lời từ trang quản trị` : 'Cán bộ trả lời trên Zalo OA'}</strong></p>
        <p>Từ ${formatDateTime(p.startedAt)} · trợ lý tạm dừng thêm ${hoursLeft(p.pausedUntil, now)} · ${p.questionsHeld} tin mới đang chờ cán bộ</p>
        ${editor ? html`<form method="post" action="/admin/conversations/resume" class="inline">${csrfField(req)}<input type="hidden" name="key" value="${p.userKey}"><button type="submit">Trả lại cho trợ lý</button></form>` : ''}
      </li>`)}</ul>`
    : html`<p class="muted">Không có cuộc trò chuyện nào do cán bộ tiếp nhận.</p>`}
</section>`;
    return sendPage(reply, page(req, { title: 'Cán bộ đang trả lời', active: 'conversations', body, flash: flashFromQuery(req.query) }));
  });

  admin.post('/conversations/resume', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!loop) return reply.code(503).send('unavailable');
    const { key } = ResumeBody.parse(req.body);
    const resumed = await loop.resume(key);
    await auth.audit(req, 'loop.resume', 'conversation', { resumed });
    return reply.redirect('/admin/conversations?ok=resumed', 303);
  });

  // --- reactions as feedback ---
  admin.get('/feedback', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!loop) return sendPage(reply, page(req, { title: 'Phản hồi', active: 'feedback', body: unavailable('Phản hồi') }));
    const since = new Date(Date.now() - 30 * 86_400_000);
    const fb = await loop.feedback(since);
    const share = (n: number, total: number) => (total ? `${Math.round((100 * n) / total)}%` : '—');
    const table = (rows: typeof fb.byTopic, head: string) =>
      rows.length
        ? html`<ul class="cards">${rows.map((r) => html`<li class="card"><strong>${r.key || '(không rõ)'}</strong> · ${r.total} lượt · hữu ích ${share(r.helpful, r.total)} · chưa hữu ích ${share(r.unhelpful, r.total)}</li>`)}</ul>`
        : html`<p class="muted">Chưa có lượt thả cảm xúc nào theo ${head}.</p>`;
    const body = html`
<section class="panel"><h2>Theo chủ đề (30 ngày)</h2>${table(fb.byTopic, 'chủ đề')}</section>
<section class="panel"><h2>Theo tài liệu (30 ngày)</h2>${table(fb.byDocument, 'tài liệu')}</section>
<section class="panel"><h2>Câu trả lời bị đánh giá chưa hữu ích</h2>
  ${fb.negative.length
    ? html`<ul class="cards">${fb.negative.map((n) => html`<li class="card"><p class="question-text">${n.question ?? '(đã xóa)'}</p><details><summary>Trợ lý đã trả lời</summary><p class="pre">${n.answer ?? ''}</p></details><p class="muted small">${formatDateTime(n.reactedAt)}</p></li>`)}</ul>`
    : html`<p class="muted">Chưa có.</p>`}
</section>`;
    return sendPage(reply, page(req, { title: 'Phản hồi của người dân', active: 'feedback', body }));
  });

  // --- data-subject requests ---
  admin.get('/privacy', { preHandler: auth.requireRole('admin') }, async (req, reply) => {
    if (!loop) return sendPage(reply, page(req, { title: 'Dữ liệu cá nhân', active: 'privacy', body: unavailable('Dữ liệu cá nhân') }));
    const requests = await loop.dataRequests();
    const body = html`${privacyForm(req)}${requestLog(requests)}`;
    return sendPage(reply, page(req, { title: 'Dữ liệu cá nhân', active: 'privacy', body, flash: flashFromQuery(req.query) }));
  });

  admin.post('/privacy', { preHandler: [auth.requireRole('admin'), auth.verifyCsrf] }, async (req, reply) => {
    if (!loop) return reply.code(503).send('unavailable');
    const p = PersonBody.parse(req.body);
    const actor = req.staff!.username;
    if (p.action === 'export') {
      const data = await loop.exportPerson(p.zalo_user_id, actor);
      await auth.audit(req, 'privacy.export', 'person');
      return reply
        .header('content-disposition', 'attachment; filename="du-lieu-ca-nhan.json"')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(data, null, 2));
    }
    let result: SafeHtml;
    if (p.action === 'delete') {
      if (p.confirm !== 'yes') return reply.code(400).type('text/html; charset=utf-8').send(page(req, { title: 'Dữ liệu cá nhân', active: 'privacy', body: html`<p class="flash flash-error" role="alert">Hãy đánh dấu ô xác nhận trước khi xóa.</p>${privacyForm(req)}` }));
      const rows = await loop.deletePerson(p.zalo_user_id, actor);
      await auth.audit(req, 'privacy.delete', 'person', { rows });
      result = html`<p class="flash flash-ok" role="status">Đã xóa:</p>${counts(rows)}`;
    } else {
      const rows = await loop.findPerson(p.zalo_user_id);
      await auth.audit(req, 'privacy.find', 'person');
      result = html`<p role="status">Đang lưu về người này:</p>${counts(rows)}`;
    }
    const requests = await loop.dataRequests();
    return sendPage(reply, page(req, { title: 'Dữ liệu cá nhân', active: 'privacy', body: html`<section class="panel">${result}</section>${privacyForm(req)}${requestLog(requests)}` }));
  });
}

function privacyForm(req: import('fastify').FastifyRequest): SafeHtml {
  return html`
<section class="panel">
  <h2>Tìm, xuất hoặc xóa dữ liệu của một người</h2>
  <p class="muted">Theo Luật Bảo vệ dữ liệu cá nhân 2025 và Nghị định 356/2025/NĐ-CP, yêu cầu của người dân phải được phản hồi trong 2 ngày làm việc. Người dân cũng có thể tự nhắn "xóa dữ liệu" cho trợ lý.</p>
  <form method="post" action="/admin/privacy">${csrfField(req)}
    <label for="zalo-user-id">Mã người dùng Zalo (user id)</label>
    <input id="zalo-user-id" name="zalo_user_id" inputmode="numeric" autocomplete="off" required>
    <label class="check"><input type="checkbox" name="confirm" value="yes"> Tôi xác nhận muốn xóa (chỉ cần khi xóa)</label>
    <div class="actions">
      <button type="submit" name="action" value="find">Tìm</button>
      <button type="submit" name="action" value="export">Xuất JSON</button>
      <button type="submit" name="action" value="delete" class="danger">Xóa dữ liệu</button>
    </div>
  </form>
</section>`;
}

function requestLog(requests: Awaited<ReturnType<PeopleLoop['dataRequests']>>): SafeHtml {
  const kinds: Record<string, string> = { delete: 'Xóa', export: 'Xuất', find: 'Tìm' };
  const via: Record<string, string> = { zalo: 'người dân nhắn trên Zalo', dashboard: 'cán bộ trên trang quản trị' };
  return html`
<section class="panel">
  <h2>Các yêu cầu gần đây</h2>
  ${requests.length
    ? html`<ul class="cards">${requests.map((r) => html`<li class="card"><strong>${kinds[r.kind] ?? r.kind}</strong> · ${via[r.via] ?? r.via}${r.requestedBy ? ` (${r.requestedBy})` : ''} · nhận ${formatDateTime(r.requestedAt)} · ${r.status === 'done' ? `xong ${formatDateTime(r.completedAt)}` : 'chưa xong'}</li>`)}</ul>`
    : html`<p class="muted">Chưa có yêu cầu nào.</p>`}
</section>`;
}
