// Chủ đề mới nổi (/admin/emerging): groups of questions the bot could not answer well, asked by at
// least three people in the period shown (the same grouping and period `npm run report` uses).
// Editors turn a group into an FAQ or a correction with the form editor, mark it "Đã có câu trả lời"
// or "Bỏ qua" (hidden until reopened), merge two groups that mean the same, or move a question that
// does not belong out of its group. Each example links to its question.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatDateTime, html } from '../html.js';
import { csrfField, page } from '../layout.js';
import { PRESETS, resolvePeriod } from '../periods.js';
import type { PageDeps } from '../plugin.js';
import type { EmergingState } from '../sources.js';
import { can, flashFromQuery, sendPage, unavailable } from './common.js';

const Query = z.object({
  range: z.enum(['today', '7d', '30d', 'month']).optional().catch(undefined),
  show: z.enum(['open', 'answered', 'ignored']).default('open').catch('open'),
});
const Id = z.string().regex(/^[\w-]{1,40}$/);
const StateBody = z.object({ state: z.enum(['open', 'answered', 'ignored']), label: z.string().max(500).default(''), back: z.string().max(200).optional() });
const MergeBody = z.object({ into: Id, label: z.string().max(500).default(''), back: z.string().max(200).optional() });
const SplitBody = z.object({ question: z.string().regex(/^\d{1,18}$/), back: z.string().max(200).optional() });

const SHOW_LABEL: Record<string, string> = { open: 'Cần xử lý', answered: 'Đã có câu trả lời', ignored: 'Đã bỏ qua' };
const safeBack = (b: string | undefined) => (b && /^\/admin\/emerging(\?[\w=&-]*)?$/.test(b) ? b : '/admin/emerging');

export function emergingRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth } = deps;

  admin.get('/emerging', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return sendPage(reply, page(req, { title: 'Chủ đề mới nổi', active: 'emerging', body: unavailable('Chủ đề mới nổi') }));
    const q = Query.parse(req.query ?? {});
    const period = resolvePeriod(q, new Date(), '7d')!;
    const all = await deps.insights.listEmerging({ from: period.from, to: period.to, includeClosed: q.show !== 'open' });
    const groups = all.filter((g) => (g.state ?? 'open') === q.show);
    const editor = can(req, 'editor');
    const back = `/admin/emerging?${new URLSearchParams({ ...(q.range ? { range: q.range } : {}), show: q.show }).toString()}`;
    const body = html`
<p class="muted">Những nhóm câu hỏi trợ lý chưa trả lời được (hoặc trả lời với độ tin cậy thấp), do từ 3 người khác nhau trở lên hỏi. Cùng cách gộp nhóm với báo cáo tuần.</p>
<nav class="presets" aria-label="Khoảng thời gian">
  ${PRESETS.filter((p) => p.key !== 'today').map((p) => html`<a href="/admin/emerging?range=${p.key}&show=${q.show}"${period.key === p.key ? html` aria-current="true"` : ''}>${p.label}</a>`)}
</nav>
<nav class="tabs" aria-label="Trạng thái">
  ${(['open', 'answered', 'ignored'] as const).map((s) => html`<a href="/admin/emerging?${q.range ? `range=${q.range}&` : ''}show=${s}"${q.show === s ? html` aria-current="page"` : ''}>${SHOW_LABEL[s]}</a>`)}
</nav>
<p class="period">Câu hỏi từ ${period.text} · ${groups.length} nhóm</p>
${groups.length ? '' : html`<p class="muted">${q.show === 'open' ? 'Không có nhóm nào cần xử lý trong khoảng thời gian này.' : `Không có nhóm nào ở trạng thái "${SHOW_LABEL[q.show]}".`}</p>`}
${groups.map(
  (g) => html`<article class="panel" id="group-${g.id}">
  <h2 class="citizen">${g.label}</h2>
  <p class="muted">${g.distinctUsers} người hỏi · lần cuối ${formatDateTime(g.lastAskedAt)}${g.stateBy && g.state !== 'open' ? html` · ${SHOW_LABEL[g.state!]!.toLowerCase()} (${g.stateBy})` : ''}</p>
  <ul class="examples">${(g.questions ?? g.examples.map((text) => ({ id: '', text, askedAt: g.lastAskedAt }))).slice(0, 8).map(
    (x) => html`<li>${x.id ? html`<a class="citizen" href="/admin/questions?id=${x.id}">${x.text}</a>` : html`<span class="citizen">${x.text}</span>`}
      ${editor && x.id && deps.loop ? html`<a class="button small" href="/admin/questions/${x.id}/reply">Trả lời người hỏi</a>` : ''}
      ${editor && x.id && (g.questions?.length ?? 0) > 1 ? html`<form method="post" action="/admin/emerging/split" class="inline">${csrfField(req)}<input type="hidden" name="question" value="${x.id}"><input type="hidden" name="back" value="${back}"><button type="submit" class="small" title="Câu này không cùng ý với nhóm">Tách ra</button></form>` : ''}</li>`,
  )}</ul>
  ${(g.questions?.length ?? 0) > 8 ? html`<p class="muted small">và ${g.questions!.length - 8} câu khác.</p>` : ''}
  ${editor
    ? html`<div class="row-actions">
    ${g.state === 'open' || !g.state
      ? html`<a class="button primary" href="/admin/faq/new?group=${g.id}">Soạn câu hỏi thường gặp</a>
    <a class="button" href="/admin/misconception/new?group=${g.id}">Soạn đính chính</a>
    <form method="post" action="/admin/emerging/${g.id}/state">${csrfField(req)}<input type="hidden" name="label" value="${g.label}"><input type="hidden" name="back" value="${back}"><button type="submit" name="state" value="answered">Đã có câu trả lời</button></form>
    <form method="post" action="/admin/emerging/${g.id}/state">${csrfField(req)}<input type="hidden" name="label" value="${g.label}"><input type="hidden" name="back" value="${back}"><button type="submit" name="state" value="ignored" title="Không thuộc việc của xã (vd. giá vàng, xổ số)">Bỏ qua</button></form>`
      : html`<form method="post" action="/admin/emerging/${g.id}/state">${csrfField(req)}<input type="hidden" name="label" value="${g.label}"><input type="hidden" name="back" value="${back}"><button type="submit" name="state" value="open">Mở lại</button></form>`}
    ${groups.length > 1
      ? html`<form method="post" action="/admin/emerging/${g.id}/merge" class="inline">${csrfField(req)}<input type="hidden" name="label" value="${g.label}"><input type="hidden" name="back" value="${back}">
      <label for="merge-${g.id}" class="small">Gộp vào nhóm</label>
      <select id="merge-${g.id}" name="into">${groups.filter((o) => o.id !== g.id).map((o) => html`<option value="${o.id}">${o.label.slice(0, 60)}</option>`)}</select>
      <button type="submit">Gộp</button></form>`
      : ''}
  </div>`
    : ''}
</article>`,
)}`;
    return sendPage(reply, page(req, { title: 'Chủ đề mới nổi', active: 'emerging', body, flash: flashFromQuery(req.query) }));
  });

  admin.post<{ Params: { id: string } }>('/emerging/:id/state', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const id = Id.parse(req.params.id);
    const { state, label, back } = StateBody.parse(req.body);
    await deps.insights.setEmergingState(id, state as EmergingState, label, req.staff!.username);
    await auth.audit(req, 'emerging.state', id, { state });
    const to = safeBack(back);
    return reply.redirect(`${to}${to.includes('?') ? '&' : '?'}ok=emerging-${state}`, 303);
  });

  admin.post<{ Params: { id: string } }>('/emerging/:id/merge', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const id = Id.parse(req.params.id);
    const { into, label, back } = MergeBody.parse(req.body);
    await deps.insights.mergeEmerging(id, into, label, req.staff!.username);
    await auth.audit(req, 'emerging.merge', id, { into });
    const to = safeBack(back);
    return reply.redirect(`${to}${to.includes('?') ? '&' : '?'}ok=emerging-merged#group-${into}`, 303);
  });

  admin.post('/emerging/split', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const { question, back } = SplitBody.parse(req.body);
    await deps.insights.splitEmergingQuestion(question, req.staff!.username);
    await auth.audit(req, 'emerging.split', question);
    const to = safeBack(back);
    return reply.redirect(`${to}${to.includes('?') ? '&' : '?'}ok=emerging-split`, 303);
  });
}
