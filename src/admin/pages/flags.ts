// Nhận định sai (/admin/flags): recurring-misconception flags with a small trend chart and
// example questions; editors confirm, dismiss, resolve or annotate them (audited).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatDateTime, html, jsonBlock } from '../html.js';
import { FLAG_STATUS_LABEL, label } from '../labels.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import type { FlagStatus } from '../sources.js';
import { can, flashFromQuery, sendPage, unavailable } from './common.js';

const STATUSES = ['new', 'confirmed', 'dismissed', 'resolved'] as const;
const ACTIONS: Array<{ status: FlagStatus; text: string; ok: string }> = [
  { status: 'confirmed', text: 'Xác nhận', ok: 'flag-confirmed' },
  { status: 'dismissed', text: 'Bỏ qua', ok: 'flag-dismissed' },
  { status: 'resolved', text: 'Đã xử lý', ok: 'flag-resolved' },
];

const ParamsSchema = z.object({ id: z.string().regex(/^[\w.:-]{1,100}$/) });
const StatusBody = z.object({ status: z.enum(['confirmed', 'dismissed', 'resolved']) });
const NoteBody = z.object({ note: z.string().trim().max(2000) });

export function flagRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth } = deps;

  admin.get<{ Querystring: { status?: string; ok?: string } }>('/flags', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return sendPage(reply, page(req, { title: 'Nhận định sai', active: 'flags', body: unavailable('Nhận định sai') }));
    const status = STATUSES.find((s) => s === req.query.status);
    const flags = await deps.insights.listFlags(status ? { status } : undefined);
    const editor = can(req, 'editor');
    const trends = Object.fromEntries(flags.map((f) => [f.id, { labels: f.daily.map((d) => d.day.slice(8, 10) + '/' + d.day.slice(5, 7)), users: f.daily.map((d) => d.users) }]));
    const body = html`
<nav class="tabs" aria-label="Lọc theo trạng thái">
  <a href="/admin/flags"${!status ? html` aria-current="page"` : ''}>Tất cả</a>
  ${STATUSES.map((s) => html`<a href="/admin/flags?status=${s}"${status === s ? html` aria-current="page"` : ''}>${FLAG_STATUS_LABEL[s]}</a>`)}
</nav>
${flags.length ? '' : html`<p class="muted">Chưa có cờ nào. Cờ được bật khi nhiều người khác nhau cùng hỏi một nhận định sai trong thời gian ngắn.</p>`}
${flags.map(
  (f) => html`<article class="panel flag" id="flag-${f.id}">
  <header class="flag-head">
    <h2>${f.claim}</h2>
    <span class="badge badge-flag-${f.status}">${label(FLAG_STATUS_LABEL, f.status)}</span>
  </header>
  <p class="muted">Mã: ${f.misconceptionId} · bật lúc ${formatDateTime(f.raisedAt)} · ${f.distinctUsers24h} người trong 24 giờ, ${f.distinctUsers7d} người trong 7 ngày</p>
  <div class="chart-box small"><canvas data-chart="trend" data-source="flag-trends" data-key="${f.id}" role="img" aria-label="Số người hỏi mỗi ngày trong 30 ngày qua"></canvas></div>
  ${f.examples.length ? html`<h3>Ví dụ câu hỏi</h3><ul class="examples">${f.examples.map((e) => html`<li class="citizen">${e}</li>`)}</ul>` : ''}
  ${f.note ? html`<p><strong>Ghi chú:</strong> <span class="note">${f.note}</span></p>` : ''}
  ${editor
    ? html`<div class="flag-actions">
    ${ACTIONS.filter((a) => a.status !== f.status).map(
      (a) => html`<form method="post" action="/admin/flags/${f.id}/status" class="inline">${csrfField(req)}<input type="hidden" name="status" value="${a.status}"><button type="submit" data-action="${a.status}">${a.text}</button></form>`,
    )}
    <form method="post" action="/admin/flags/${f.id}/note" class="note-form">
      ${csrfField(req)}
      <label for="note-${f.id}">Ghi chú</label>
      <textarea id="note-${f.id}" name="note" rows="2" maxlength="2000">${f.note ?? ''}</textarea>
      <button type="submit">Lưu ghi chú</button>
    </form>
  </div>`
    : ''}
</article>`,
)}
${jsonBlock('flag-trends', trends)}`;
    return sendPage(reply, page(req, { title: 'Nhận định sai', active: 'flags', body, flash: flashFromQuery(req.query), scripts: ['chart.umd.js', 'charts.js'] }));
  });

  admin.post('/flags/:id/status', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const { id } = ParamsSchema.parse(req.params);
    const { status } = StatusBody.parse(req.body);
    await deps.insights.updateFlag(id, { status }, req.staff!.username);
    await auth.audit(req, `flag.${status}`, id);
    return reply.redirect(`/admin/flags?ok=${ACTIONS.find((a) => a.status === status)!.ok}#flag-${encodeURIComponent(id)}`, 303);
  });

  admin.post('/flags/:id/note', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const { id } = ParamsSchema.parse(req.params);
    const { note } = NoteBody.parse(req.body);
    await deps.insights.updateFlag(id, { note }, req.staff!.username);
    await auth.audit(req, 'flag.note', id, { length: note.length });
    return reply.redirect(`/admin/flags?ok=flag-note#flag-${encodeURIComponent(id)}`, 303);
  });
}
