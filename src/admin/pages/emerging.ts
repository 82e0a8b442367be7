// Chủ đề mới nổi (/admin/emerging): groups of unanswered questions asked by several people.
// An editor turns a group into an FAQ or misconception draft (knowledge format), then
// downloads it or saves it as a knowledge upload once it is filled in.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { buildDraft, checkDraft, type DraftKind } from '../drafts.js';
import { formatDateTime, html } from '../html.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import { can, flashFromQuery, sendPage, unavailable, vnToday } from './common.js';

const DraftBody = z.object({ kind: z.enum(['faq', 'misconception']) });
const MarkdownBody = z.object({ markdown: z.string().max(200_000) });

function draftPage(req: FastifyRequest, reply: FastifyReply, markdown: string, error: string | null, status = 200) {
  const body = html`
<p>Sửa bản nháp bên dưới: chọn chủ đề, ghi nguồn, viết câu trả lời hoặc lời đính chính. Sau đó tải về hoặc lưu thành tài liệu tri thức (sẽ được lập chỉ mục ngay).</p>
<form method="post" class="stack draft-form">
  ${csrfField(req)}
  <label for="markdown">Bản nháp (Markdown)</label>
  <textarea id="markdown" name="markdown" rows="24" spellcheck="false">${markdown}</textarea>
  <div class="actions">
    <button type="submit" formaction="/admin/drafts/download">Tải về (.md)</button>
    <button type="submit" formaction="/admin/drafts/save" class="primary">Lưu thành tài liệu</button>
  </div>
</form>`;
  return sendPage(reply, page(req, { title: 'Bản nháp tri thức', active: 'emerging', body, flash: error ? { kind: 'error', text: error } : null }), status);
}

export function emergingRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth } = deps;

  admin.get('/emerging', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return sendPage(reply, page(req, { title: 'Chủ đề mới nổi', active: 'emerging', body: unavailable('Chủ đề mới nổi') }));
    const groups = await deps.insights.listEmerging();
    const editor = can(req, 'editor');
    const body = html`
<p class="muted">Những nhóm câu hỏi trợ lý chưa trả lời được, do nhiều người khác nhau hỏi. Có thể biến một nhóm thành câu hỏi thường gặp hoặc nhận định sai mới.</p>
${groups.length ? '' : html`<p class="muted">Chưa có nhóm nào.</p>`}
${groups.map(
  (g) => html`<article class="panel" id="group-${g.id}">
  <h2 class="citizen">${g.label}</h2>
  <p class="muted">${g.distinctUsers} người hỏi · lần cuối ${formatDateTime(g.lastAskedAt)}</p>
  <ul class="examples">${g.examples.map((e) => html`<li class="citizen">${e}</li>`)}</ul>
  ${editor
    ? html`<div class="flag-actions">
    <form method="post" action="/admin/emerging/${g.id}/draft" class="inline">${csrfField(req)}<input type="hidden" name="kind" value="faq"><button type="submit">Soạn câu hỏi thường gặp</button></form>
    <form method="post" action="/admin/emerging/${g.id}/draft" class="inline">${csrfField(req)}<input type="hidden" name="kind" value="misconception"><button type="submit">Soạn nhận định sai</button></form>
  </div>`
    : ''}
</article>`,
)}`;
    return sendPage(reply, page(req, { title: 'Chủ đề mới nổi', active: 'emerging', body, flash: flashFromQuery(req.query) }));
  });

  admin.post<{ Params: { id: string } }>('/emerging/:id/draft', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const { kind } = DraftBody.parse(req.body);
    const group = (await deps.insights.listEmerging()).find((g) => g.id === req.params.id);
    if (!group) return reply.redirect('/admin/emerging', 303);
    await auth.audit(req, 'emerging.draft', group.id, { kind });
    return draftPage(req, reply, buildDraft(group, kind as DraftKind, vnToday()), null);
  });

  admin.post('/drafts/download', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    const { markdown } = MarkdownBody.parse(req.body);
    const id = /^id:\s*([a-z0-9-]{1,80})\s*$/m.exec(markdown)?.[1] ?? 'ban-nhap';
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="${id}.md"`)
      .send(markdown);
  });

  admin.post('/drafts/save', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    const { markdown } = MarkdownBody.parse(req.body);
    if (!deps.knowledge) return draftPage(req, reply, markdown, 'Chức năng tri thức chưa sẵn sàng.', 503);
    let checked;
    try {
      checked = checkDraft(markdown);
    } catch (err) {
      return draftPage(req, reply, markdown, (err as Error).message, 400);
    }
    await deps.knowledge.addUpload(checked.fileName, Buffer.from(markdown, 'utf8'), { title: '', topic: '', source: '' }, req.staff!.username);
    await auth.audit(req, 'knowledge.draft_saved', checked.id);
    return reply.redirect('/admin/knowledge?ok=draft-saved', 303);
  });
}
