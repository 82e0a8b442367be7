// Thông tin sai lệch (/admin/flags): recurring false claims, the biggest first (distinct people in
// 7 days) with a rising/falling marker against the 7 days before; each has its own page
// (/admin/flags/:id) with the correction the bot sends now, every matching question, and the
// history of who confirmed, dismissed or noted it and which alerts went out. Editors act in one
// form (status + note) and the result appears beside the button (audited).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDateTime, html, jsonBlock, type SafeHtml } from '../html.js';
import { FLAG_STATUS_LABEL, label } from '../labels.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import type { FlagStatus, FlagView } from '../sources.js';
import { can, OK_MESSAGES, sendPage, toldText, unavailable } from './common.js';
import { questionTable } from './questions.js';

const STATUSES = ['new', 'confirmed', 'dismissed', 'resolved'] as const;
const ACTIONS: Array<{ status: FlagStatus; text: string; ok: string; hint: string }> = [
  { status: 'confirmed', text: 'Xác nhận', ok: 'flag-confirmed', hint: 'Đây đúng là thông tin sai đang lan truyền; tiếp tục theo dõi.' },
  { status: 'resolved', text: 'Đánh dấu đã xử lý', ok: 'flag-resolved', hint: 'Đã đính chính xong; cảnh báo mới sẽ bật nếu lại có nhiều người hỏi.' },
  { status: 'dismissed', text: 'Bỏ qua', ok: 'flag-dismissed', hint: 'Không cần xử lý; cảnh báo mới chỉ bật khi lại có nhiều người hỏi.' },
];

const ParamsSchema = z.object({ id: z.string().regex(/^\d{1,18}$/) });
const ActionBody = z.object({
  status: z.enum(['confirmed', 'dismissed', 'resolved', 'note']).default('note'),
  note: z.string().trim().max(2000).optional(),
  // "Báo cho người đã hỏi" (a checkbox, absent when unticked): used when confirming.
  notify: z.literal('1').optional(),
});

/** "↑ tăng" / "↓ giảm" / "= như tuần trước", comparing the last 7 days with the 7 before. */
export function trendMarker(f: Pick<FlagView, 'distinctUsers7d' | 'distinctUsersPrev7d'>): SafeHtml {
  if (f.distinctUsers7d > f.distinctUsersPrev7d) return html`<span class="trend-up" title="Tuần trước: ${f.distinctUsersPrev7d} người">↑ tăng</span>`;
  if (f.distinctUsers7d < f.distinctUsersPrev7d) return html`<span class="trend-down" title="Tuần trước: ${f.distinctUsersPrev7d} người">↓ giảm</span>`;
  return html`<span class="trend-flat">= như tuần trước</span>`;
}

function actionForm(req: FastifyRequest, f: FlagView, okCode: string | undefined, told = ''): SafeHtml {
  const feedback = okCode && OK_MESSAGES[okCode] ? html`<span class="feedback ok" role="status">✓ ${OK_MESSAGES[okCode]}${told ? ` ${told}` : ''}</span>` : html`<span class="feedback" role="status"></span>`;
  return html`<form method="post" action="/admin/flags/${f.id}/action" class="note-form" id="act-${f.id}">
  ${csrfField(req)}
  <label for="note-${f.id}">Ghi chú (không bắt buộc)</label>
  <textarea id="note-${f.id}" name="note" rows="2" maxlength="2000" placeholder="vd. đã báo Ban Tuyên giáo, đã đăng đính chính trên trang xã">${f.note ?? ''}</textarea>
  ${f.status !== 'confirmed'
    ? html`<label class="check" for="notify-${f.id}"><input type="checkbox" id="notify-${f.id}" name="notify" value="1" checked> Báo cho người đã hỏi</label>
  <p class="hint">Khi xác nhận, mỗi người đã hỏi thông tin này trong 7 ngày qua nhận lời đính chính và nguồn qua Zalo (mỗi người một lần).</p>`
    : ''}
  <div class="actions">
    ${ACTIONS.filter((a) => a.status !== f.status).map((a) => html`<button type="submit" name="status" value="${a.status}" data-action="${a.status}" title="${a.hint}"${a.status === 'confirmed' ? html` class="primary"` : ''}>${a.text}</button>`)}
    <button type="submit" name="status" value="note" data-action="note">Chỉ lưu ghi chú</button>
    ${feedback}
  </div>
</form>`;
}

function flagCard(req: FastifyRequest, f: FlagView, okFor: { id?: string; ok?: string; told?: string }): SafeHtml {
  return html`<article class="panel flag" id="flag-${f.id}">
  <header class="flag-head">
    <h2><a href="/admin/flags/${f.id}">${f.claim || 'Thông tin sai lệch'}</a></h2>
    <span class="badge badge-flag-${f.status}">${label(FLAG_STATUS_LABEL, f.status)}</span>
  </header>
  <p><strong>${f.distinctUsers7d} người</strong> trong 7 ngày ${trendMarker(f)} · ${f.distinctUsers24h} người trong 24 giờ · phát hiện lúc ${formatDateTime(f.raisedAt)}${f.statusChangedBy ? html` · ${label(FLAG_STATUS_LABEL, f.status).toLowerCase()} bởi ${f.statusChangedBy} lúc ${formatDateTime(f.statusChangedAt)}` : ''}</p>
  <div class="chart-box small"><canvas data-chart="trend" data-source="flag-trends" data-key="${f.id}" role="img" aria-label="Số người hỏi mỗi ngày trong 30 ngày qua"></canvas></div>
  ${f.examples.length ? html`<h3>Ví dụ câu hỏi</h3><ul class="examples">${f.examples.slice(0, 3).map((e) => html`<li class="citizen">${e}</li>`)}</ul>` : ''}
  ${f.note ? html`<p><strong>Ghi chú:</strong> <span class="note">${f.note}</span></p>` : ''}
  <p><a href="/admin/flags/${f.id}">Xem chi tiết, câu trả lời đính chính và lịch sử →</a></p>
  ${can(req, 'editor') ? actionForm(req, f, okFor.id === f.id ? okFor.ok : undefined, okFor.id === f.id ? toldText(okFor) : '') : ''}
</article>`;
}

const trendData = (flags: FlagView[]) =>
  Object.fromEntries(flags.map((f) => [f.id, { labels: f.daily.map((d) => d.day.slice(8, 10) + '/' + d.day.slice(5, 7)), users: f.daily.map((d) => d.users) }]));

/**
 * Confirming a flag publishes its correction to the people who asked: each person who asked this
 * false claim in the last 7 days gets the correction the knowledge holds, with its source, once
 * (keyed on the correction document, so the same correction saved from the editor or confirmed
 * again tells nobody twice). Null when there is no correction document to send.
 */
async function tellAskers(req: FastifyRequest, deps: PageDeps, flagId: string): Promise<number | null> {
  if (!deps.loop || !deps.insights || !deps.knowledge) return null;
  const f = await deps.insights.flagDetail(flagId);
  const doc = f ? await deps.knowledge.getDocument(f.misconceptionId) : null;
  if (!f || !doc || doc.kind !== 'misconception' || !doc.body.trim()) return null;
  const told = await deps.loop.notifyAskers({ publishedKey: `doc:${doc.id}`, kind: 'correction', misconceptionId: f.misconceptionId, answer: doc.body.trim(), source: doc.source });
  await deps.auth.audit(req, 'loop.notify_askers', doc.id, { told, flag: flagId });
  return told;
}

export function flagRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth } = deps;
  const TITLE = 'Thông tin sai lệch';

  admin.get<{ Querystring: { status?: string; ok?: string; id?: string; told?: string } }>('/flags', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return sendPage(reply, page(req, { title: TITLE, active: 'flags', body: unavailable(TITLE) }));
    const status = STATUSES.find((s) => s === req.query.status);
    const flags = await deps.insights.listFlags(status ? { status } : undefined);
    const body = html`
<p class="muted">Những thông tin sai mà nhiều người khác nhau cùng hỏi trong thời gian ngắn. Xếp theo số người hỏi trong 7 ngày, nhiều nhất trước.</p>
<nav class="tabs" aria-label="Lọc theo trạng thái">
  <a href="/admin/flags"${!status ? html` aria-current="page"` : ''}>Tất cả</a>
  ${STATUSES.map((s) => html`<a href="/admin/flags?status=${s}"${status === s ? html` aria-current="page"` : ''}>${FLAG_STATUS_LABEL[s]}</a>`)}
</nav>
${flags.length
  ? ''
  : status
    ? html`<p class="muted">Không có cảnh báo nào ở trạng thái "${FLAG_STATUS_LABEL[status]}".</p>`
    : html`<p class="muted">Chưa có cảnh báo nào. Cảnh báo được bật khi nhiều người khác nhau cùng hỏi một thông tin sai trong thời gian ngắn.</p>`}
${flags.map((f) => flagCard(req, f, req.query))}
${jsonBlock('flag-trends', trendData(flags))}`;
    return sendPage(reply, page(req, { title: TITLE, active: 'flags', body, scripts: ['chart.umd.js', 'charts.js'] }));
  });

  admin.get<{ Params: { id: string }; Querystring: { ok?: string; told?: string } }>('/flags/:id', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return sendPage(reply, page(req, { title: TITLE, active: 'flags', body: unavailable(TITLE) }));
    const parsed = ParamsSchema.safeParse(req.params);
    const f = parsed.success ? await deps.insights.flagDetail(parsed.data.id) : null;
    if (!f) throw Object.assign(new Error('Không tìm thấy cảnh báo này.'), { statusCode: 404 });
    const { rows, total } = await deps.insights.listQuestions({ misconceptionId: f.misconceptionId, page: 1, pageSize: 50 });
    const correction = rows.find((r) => r.answer)?.answer ?? null;
    const editor = can(req, 'editor');
    const body = html`
<p><a href="/admin/flags">← Tất cả thông tin sai lệch</a></p>
<section class="panel">
  <header class="flag-head"><h2>${f.claim || 'Thông tin sai lệch'}</h2><span class="badge badge-flag-${f.status}">${label(FLAG_STATUS_LABEL, f.status)}</span></header>
  <p><strong>${f.distinctUsers7d} người</strong> trong 7 ngày ${trendMarker(f)} (7 ngày trước đó: ${f.distinctUsersPrev7d}) · ${f.distinctUsers24h} người trong 24 giờ · phát hiện lúc ${formatDateTime(f.raisedAt)}</p>
  <div class="chart-box small"><canvas data-chart="trend" data-source="flag-trends" data-key="${f.id}" role="img" aria-label="Số người hỏi mỗi ngày trong 30 ngày qua"></canvas></div>
  ${jsonBlock('flag-trends', trendData([f]))}
  ${editor ? actionForm(req, f, req.query.ok, toldText(req.query)) : ''}
</section>
<section class="panel">
  <h2>Câu trả lời đính chính trợ lý đang gửi</h2>
  ${correction
    ? html`<div class="zalo-bubble"><pre class="zalo">${correction}</pre></div>`
    : html`<p class="muted">Chưa có câu trả lời nào được ghi lại cho thông tin sai này.</p>`}
  ${editor ? html`<p><a class="button" href="/admin/misconception/edit?id=${f.misconceptionId}">Sửa lời đính chính</a></p>` : ''}
  <details class="ids"><summary>Chi tiết</summary><p>Mã thông tin sai: <code>${f.misconceptionId}</code> · mã cảnh báo: <code>${f.id}</code></p></details>
</section>
<section class="panel">
  <h2>Lịch sử</h2>
  <ul class="history">
    <li>${formatDateTime(f.raisedAt)}: trợ lý bật cảnh báo (${f.distinctUsers7d} người trong 7 ngày).</li>
    ${f.alerts.map((a) => html`<li>Cảnh báo gửi ${a.channel === 'zalo' ? html`qua Zalo tới ${a.recipients} cán bộ` : 'tới địa chỉ webhook của xã'}: ${a.sent} đã gửi${a.failed ? html`, ${a.failed} không gửi được` : ''}${a.lastSentAt ? html` (lần cuối ${formatDateTime(a.lastSentAt)})` : ''}.</li>`)}
    ${f.alerts.length ? '' : html`<li class="muted">Chưa gửi cảnh báo cho cán bộ nào (chưa cấu hình người nhận cảnh báo).</li>`}
    ${[...f.history].reverse().map((e) => html`<li>${formatDateTime(e.at)}: <strong>${e.staffUsername}</strong> ${e.status ? html`chuyển sang "${label(FLAG_STATUS_LABEL, e.status)}"` : 'ghi chú'}${e.note ? html`: <span class="note">${e.note}</span>` : ''}.</li>`)}
  </ul>
</section>
<section class="panel">
  <h2>Các câu hỏi khớp (${total})</h2>
  <p><a href="/admin/questions?misconception=${f.misconceptionId}">Xem tất cả trong "Câu hỏi" →</a></p>
  ${questionTable(req, rows, 'Chưa có câu hỏi nào.')}
</section>`;
    return sendPage(reply, page(req, { title: 'Chi tiết thông tin sai lệch', active: 'flags', body, scripts: ['chart.umd.js', 'charts.js'] }));
  });

  // One form: a status change and/or a note; back to the same place with the result beside the button.
  admin.post('/flags/:id/action', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const { id } = ParamsSchema.parse(req.params);
    const { status, note, notify } = ActionBody.parse(req.body);
    const change: { status?: FlagStatus; note?: string } = {};
    if (status !== 'note') change.status = status;
    if (note !== undefined && (note !== '' || status === 'note')) change.note = note;
    await deps.insights.updateFlag(id, change, req.staff!.username);
    if (change.status) await auth.audit(req, `flag.${change.status}`, id, change.note ? { note: true } : {});
    if (change.note !== undefined) await auth.audit(req, 'flag.note', id, { length: change.note.length });
    const told = status === 'confirmed' && notify === '1' ? await tellAskers(req, deps, id) : null;
    const ok = (status === 'note' ? 'flag-note' : ACTIONS.find((a) => a.status === status)!.ok) + (told === null ? '' : `&told=${told}`);
    const back = String(req.headers.referer ?? '').includes(`/admin/flags/${id}`) ? `/admin/flags/${id}?ok=${ok}#act-${id}` : `/admin/flags?ok=${ok}&id=${id}#act-${id}`;
    return reply.redirect(back, 303);
  });

  // Kept for links and scripts that post a status alone.
  admin.post('/flags/:id/status', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const { id } = ParamsSchema.parse(req.params);
    const { status } = z.object({ status: z.enum(['confirmed', 'dismissed', 'resolved']) }).parse(req.body);
    await deps.insights.updateFlag(id, { status }, req.staff!.username);
    await auth.audit(req, `flag.${status}`, id);
    return reply.redirect(`/admin/flags?ok=${ACTIONS.find((a) => a.status === status)!.ok}&id=${id}#act-${id}`, 303);
  });
}
