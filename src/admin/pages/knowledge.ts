// Tri thức (/admin/knowledge): documents with source, updated date and review status; upload
// (.md/.docx/.pdf), re-index with progress, mark as reviewed. Editors act; viewers read.
import path from 'node:path';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDateTime, html } from '../html.js';
import { KIND_LABEL, label, TOPIC_LABEL } from '../labels.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import { createReindexJob, type ReindexStatus } from '../reindex-job.js';
import { can, flashFromQuery, sendPage, unavailable } from './common.js';

export const UPLOAD_EXTENSIONS = ['.md', '.docx', '.pdf'];

/** A safe stored file name: base name only, ASCII letters, digits, dot, dash, underscore. */
export function safeUploadName(fileName: string): string | null {
  const base = path.basename(fileName.replace(/\\/g, '/'));
  const ext = path.extname(base).toLowerCase();
  if (!UPLOAD_EXTENSIONS.includes(ext)) return null;
  const stem = base
    .slice(0, -ext.length)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return stem ? stem + ext : null;
}

function statusText(s: ReindexStatus): string {
  if (s.running) return s.total ? `Đang lập chỉ mục: ${s.done}/${s.total} ${s.file}` : 'Đang chuẩn bị…';
  if (s.error) return s.error;
  if (s.summary) {
    const x = s.summary;
    return `Xong: thêm ${x.added}, cập nhật ${x.updated}, giữ nguyên ${x.unchanged}, gỡ ${x.removed}, lỗi ${x.failed.length}.`;
  }
  return 'Chưa chạy lần nào kể từ khi máy chủ khởi động.';
}

export function knowledgeRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth, knowledge } = deps;
  const job = knowledge ? createReindexJob(knowledge, (err) => admin.log.error({ err }, 'reindex failed')) : null;
  // A re-index still running at shutdown finishes before the database is closed.
  if (job) admin.addHook('onClose', () => job.idle());

  const render = async (req: FastifyRequest, reply: FastifyReply, error?: string, status = 200) => {
    if (!knowledge || !job) return sendPage(reply, page(req, { title: 'Tri thức', active: 'knowledge', body: unavailable('Tri thức') }));
    const docs = await knowledge.listDocuments();
    const editor = can(req, 'editor');
    const st = job.status();
    const body = html`
${editor
  ? html`<div class="two-col">
<section class="panel">
  <h2>Tải tài liệu lên</h2>
  <form method="post" action="/admin/knowledge/upload" enctype="multipart/form-data" class="stack">
    ${csrfField(req)}
    <label for="file">Tệp .md, .docx hoặc .pdf</label>
    <input id="file" name="file" type="file" accept=".md,.docx,.pdf" required>
    <button type="submit" class="primary">Tải lên và lập chỉ mục</button>
  </form>
</section>
<section class="panel">
  <h2>Lập chỉ mục lại</h2>
  <form method="post" action="/admin/knowledge/reindex" id="reindex-form">
    ${csrfField(req)}
    <button type="submit"${st.running ? html` disabled` : ''}>Lập chỉ mục lại toàn bộ</button>
  </form>
  <progress id="reindex-progress" max="${st.total || 1}" value="${st.done}" aria-label="Tiến độ lập chỉ mục"></progress>
  <p id="reindex-status" role="status" aria-live="polite" data-running="${st.running ? '1' : '0'}">${statusText(st)}</p>
</section>
</div>`
  : ''}
<section class="panel">
  <h2>Tài liệu (${docs.length})</h2>
  <div class="table-wrap">
  <table>
    <thead><tr><th scope="col">Tài liệu</th><th scope="col">Loại</th><th scope="col">Chủ đề</th><th scope="col">Nguồn</th><th scope="col">Cập nhật</th><th scope="col">Duyệt</th></tr></thead>
    <tbody>
    ${docs.map(
      (d) => html`<tr>
      <td><strong>${d.title}</strong><br><span class="muted small">${d.id} · ${d.path} · ${d.chunks} đoạn · lập chỉ mục ${formatDateTime(d.indexedAt)}</span></td>
      <td>${label(KIND_LABEL, d.kind)}</td>
      <td>${label(TOPIC_LABEL, d.topic)}</td>
      <td>${d.source}</td>
      <td class="nowrap">${d.updated ?? '—'}</td>
      <td>${d.reviewedBy
        ? html`<span class="badge badge-answered">${d.reviewedBy}</span>`
        : editor
          ? html`<form method="post" action="/admin/knowledge/${d.id}/review" class="inline">${csrfField(req)}<button type="submit">Đánh dấu đã duyệt</button></form>`
          : html`<span class="badge badge-out_of_scope">Chưa duyệt</span>`}</td>
    </tr>`,
    )}
    </tbody>
  </table>
  </div>
</section>`;
    return sendPage(
      reply,
      page(req, { title: 'Tri thức', active: 'knowledge', body, flash: error ? { kind: 'error', text: error } : flashFromQuery(req.query), scripts: ['knowledge.js'] }),
      status,
    );
  };

  admin.get('/knowledge', { preHandler: auth.requireRole('viewer') }, (req, reply) => render(req, reply));

  admin.post('/knowledge/upload', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!knowledge) return reply.code(503).send('unavailable');
    const file = (req.body as { file?: MultipartFile } | undefined)?.file;
    if (!file || typeof file !== 'object' || file.type !== 'file') return render(req, reply, 'Hãy chọn một tệp.', 400);
    const name = safeUploadName(file.filename);
    if (!name) return render(req, reply, 'Chỉ nhận tệp .md, .docx hoặc .pdf.', 400);
    const content = await file.toBuffer();
    if (!content.length) return render(req, reply, 'Tệp rỗng.', 400);
    let id: string;
    try {
      ({ id } = await knowledge.addUpload(name, content));
    } catch (err) {
      req.log.warn({ err }, 'upload rejected');
      return render(req, reply, `Không lập chỉ mục được tệp ${name}: ${err instanceof Error ? err.message : 'lỗi không rõ'}`, 400);
    }
    await auth.audit(req, 'knowledge.upload', id, { file: name, bytes: content.length });
    return reply.redirect('/admin/knowledge?ok=uploaded', 303);
  });

  admin.post('/knowledge/reindex', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!job) return reply.code(503).send('unavailable');
    const started = job.start(req.staff!.username);
    if (started) await auth.audit(req, 'knowledge.reindex', 'knowledge');
    if ((req.headers.accept ?? '').includes('application/json')) return reply.code(started ? 202 : 409).send({ ...job.status(), text: statusText(job.status()) });
    return reply.redirect(`/admin/knowledge?ok=${started ? 'reindex-started' : 'reindex-running'}`, 303);
  });

  admin.get('/knowledge/reindex/status', { preHandler: auth.requireRole('viewer') }, async (_req, reply) => {
    if (!job) return reply.code(503).send({ error: 'unavailable' });
    const st = job.status();
    return { ...st, text: statusText(st) };
  });

  admin.post<{ Params: { id: string } }>('/knowledge/:id/review', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!knowledge) return reply.code(503).send('unavailable');
    const id = req.params.id;
    if (!/^[\w.-]{1,120}$/.test(id)) return reply.code(400).send('bad id');
    if (!(await knowledge.listDocuments()).some((d) => d.id === id)) return reply.code(404).type('text/plain; charset=utf-8').send('Không có tài liệu này.'); // issue 16: not a 500
    await knowledge.markReviewed(id, req.staff!.username);
    await auth.audit(req, 'knowledge.reviewed', id);
    return reply.redirect('/admin/knowledge?ok=reviewed', 303);
  });
}
