// Tri thức (/admin/knowledge): documents with source, updated date, review status and the staff-only
// editor note, searchable and paged; upload (.md/.docx/.pdf) with title, topic and source so citizens
// are never cited a file name; after an upload the new document is highlighted with "Thử hỏi về tài
// liệu này"; staff documents can be opened, replaced and removed; offices whose contact details
// are still missing (offices.yml `needs_input`) are listed as "cần bổ sung". Editors act; viewers read.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDateTime, formatYmd, html, type SafeHtml } from '../html.js';
import { KIND_LABEL, label, TOPIC_LABEL, TOPICS } from '../labels.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import type { KnowledgeDocumentSummary, ReviewItem } from '../sources.js';
import { foldNormalized } from '../../text/normalize.js';
import { createReindexJob, type ReindexStatus } from '../reindex-job.js';
import { can, flashFromQuery, sendPage, unavailable, vnToday } from './common.js';

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
  if (s.running) return s.total ? `Đang cập nhật: ${s.done}/${s.total} tệp` : 'Đang chuẩn bị…';
  if (s.error) return s.error;
  if (s.summary) {
    const x = s.summary;
    return `Xong: thêm ${x.added}, cập nhật ${x.updated}, giữ nguyên ${x.unchanged}, gỡ ${x.removed}, lỗi ${x.failed.length}.`;
  }
  return 'Chưa chạy lần nào kể từ khi máy chủ khởi động.';
}

const FIELD_LABEL: Record<string, string> = { address: 'địa chỉ', phone: 'số điện thoại', hours: 'giờ làm việc', source: 'nguồn', source_url: 'đường dẫn nguồn', name: 'tên' };

/** Offices in knowledge/_assistant/offices.yml whose details staff still have to fill in; [] when the file is absent. */
export function officesNeedingInput(knowledgeDir: string): Array<{ name: string; fields: string[] }> {
  const file = path.join(knowledgeDir, '_assistant', 'offices.yml');
  if (!fs.existsSync(file)) return [];
  try {
    const data = YAML.parse(fs.readFileSync(file, 'utf8')) as { offices?: Array<{ name?: unknown; needs_input?: unknown }> } | null;
    return (data?.offices ?? [])
      .filter((o) => Array.isArray(o.needs_input) && o.needs_input.length > 0)
      .map((o) => ({ name: String(o.name ?? ''), fields: (o.needs_input as unknown[]).map((f) => FIELD_LABEL[String(f)] ?? String(f)) }));
  } catch {
    return [];
  }
}

const PAGE = 50;
const ListQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  kind: z.enum(['doc', 'faq', 'misconception']).optional().catch(undefined),
  topic: z.string().max(40).optional().catch(undefined),
  show: z.enum(['unreviewed', 'stale', 'staff']).optional().catch(undefined),
  doc: z.string().regex(/^[\w.-]{1,120}$/).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
const UploadFields = z.object({
  title: z.string().trim().min(1, 'Hãy nhập tiêu đề: người dân sẽ thấy tiêu đề này trong dòng "Nguồn".').max(200),
  topic: z.enum(TOPICS as [string, ...string[]], { message: 'Hãy chọn chủ đề.' }),
  source: z.string().trim().min(1, 'Hãy ghi nguồn (cơ quan ban hành, số văn bản): người dân cần kiểm tra được.').max(300),
  source_url: z.union([z.literal(''), z.string().trim().url('Đường dẫn nguồn phải bắt đầu bằng http:// hoặc https://').max(500)]).optional(),
  replace: z.string().regex(/^[\w.-]{1,120}$/).optional(),
});

/** The value of a multipart text field (attachFieldsToBody puts `{ value }` objects in the body). */
function fieldValue(body: unknown, name: string): string | undefined {
  const f = (body as Record<string, unknown> | undefined)?.[name] as { type?: string; value?: unknown } | undefined;
  return f && f.type === 'field' && typeof f.value === 'string' ? f.value : undefined;
}

function matches(d: KnowledgeDocumentSummary, q: z.infer<typeof ListQuery>, stale: Set<string>): boolean {
  if (q.kind && d.kind !== q.kind) return false;
  if (q.topic && d.topic !== q.topic) return false;
  if (q.show === 'unreviewed' && d.reviewedBy) return false;
  if (q.show === 'stale' && !stale.has(d.id)) return false;
  if (q.show === 'staff' && d.origin !== 'staff') return false;
  if (q.q) {
    const needle = foldNormalized(q.q);
    if (needle && !foldNormalized(`${d.title} ${d.source} ${d.id} ${d.editorNote ?? ''}`).includes(needle)) return false;
  }
  return true;
}

// Several documents marked reviewed at once (the review gate): `ids` repeats, one per ticked box.
const ReviewManyBody = z.object({
  ids: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().regex(/^[\w.-]{1,120}$/)).max(1000)),
});
/** How many waiting documents the review panel lists with checkboxes (the rest are a filter away). */
const REVIEW_SHOWN = 100;

function reviewPanel(req: FastifyRequest, queue: ReviewItem[], editor: boolean): SafeHtml {
  const stale = queue.filter((d) => d.stale).length;
  const unreviewed = queue.filter((d) => d.unreviewed).length;
  const shown = queue.slice(0, REVIEW_SHOWN);
  const why = (d: ReviewItem) => html`${d.stale ? html`<span class="badge badge-misconception">Quá hạn xem lại (${d.reviewBy ? formatYmd(d.reviewBy) : ''})</span> ` : ''}${d.unreviewed ? html`<span class="badge badge-out_of_scope">Chưa duyệt</span>` : ''}`;
  const rows = shown.map((d) => html`<tr>
      ${editor ? html`<td><input type="checkbox" name="ids" value="${d.id}" id="rv-${d.id}" aria-label="Chọn ${d.title}"></td>` : ''}
      <td class="main">${editor ? html`<label for="rv-${d.id}">${d.title}</label>` : d.title} <a class="small" href="/admin/knowledge/doc/${d.id}">Mở</a></td>
      <td data-label="Loại">${label(KIND_LABEL, d.kind)}</td>
      <td data-label="Nguồn">${d.source || '—'}</td>
      <td data-label="Vì sao">${why(d)}</td>
    </tr>`);
  const table = html`<div class="table-wrap"><table class="cards-sm review-queue">
    <thead><tr>${editor ? html`<th scope="col"><input type="checkbox" id="rv-all" aria-label="Chọn tất cả" hidden></th>` : ''}<th scope="col">Tài liệu</th><th scope="col">Loại</th><th scope="col">Nguồn</th><th scope="col">Vì sao cần duyệt</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
  return html`<section class="panel" id="review">
  <h2>Cần duyệt (${queue.length})</h2>
  <p>${stale ? html`<strong>${stale} tài liệu đã quá hạn xem lại</strong> (ngày "xem lại trước" đã đến): phí, giờ mở cửa, lịch lễ hội có thể đã thay đổi. ` : ''}${unreviewed} tài liệu chưa có người duyệt.
    ${stale ? html`<a href="/admin/knowledge?show=stale">Xem các tài liệu quá hạn</a> · ` : ''}<a href="/admin/knowledge?show=unreviewed">Xem các tài liệu chưa duyệt</a></p>
  ${queue.length === 0
    ? html`<p class="muted">Mọi tài liệu đều đã được duyệt và còn hạn.</p>`
    : editor
      ? html`<form method="post" action="/admin/knowledge/review" id="review-form">${csrfField(req)}
    ${table}
    ${queue.length > shown.length ? html`<p class="muted small">Hiện ${shown.length} tài liệu đầu (quá hạn trước); duyệt xong sẽ hiện tiếp.</p>` : ''}
    <div class="actions"><button type="submit" class="primary">Đánh dấu đã duyệt các tài liệu đã chọn</button></div>
  </form>`
      : table}
</section>`;
}

const topicOptions = (selected?: string): SafeHtml[] => TOPICS.map((t) => html`<option value="${t}"${selected === t ? html` selected` : ''}>${TOPIC_LABEL[t]}</option>`);

export function knowledgeRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth, knowledge } = deps;
  const job = knowledge ? createReindexJob(knowledge, (err) => admin.log.error({ err }, 'reindex failed')) : null;
  // A re-index still running at shutdown finishes before the database is closed.
  if (job) admin.addHook('onClose', () => job.idle());

  const render = async (req: FastifyRequest, reply: FastifyReply, error?: string, status = 200, form: Record<string, string | undefined> = {}) => {
    if (!knowledge || !job) return sendPage(reply, page(req, { title: 'Tri thức', active: 'knowledge', body: unavailable('Tri thức') }));
    const q = ListQuery.parse(req.query ?? {});
    const [all, queue] = await Promise.all([knowledge.listDocuments(), knowledge.reviewQueue(vnToday())]);
    const staleIds = new Set(queue.filter((d) => d.stale).map((d) => d.id));
    const shown = all.filter((d) => matches(d, q, staleIds)).sort((a, b) => (a.id === q.doc ? -1 : b.id === q.doc ? 1 : 0) || b.indexedAt.getTime() - a.indexedAt.getTime());
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    const rows = shown.slice((q.page - 1) * PAGE, q.page * PAGE);
    const editor = can(req, 'editor');
    const st = job.status();
    const offices = officesNeedingInput(deps.config.knowledgeDir);
    const qs = (over: Record<string, string | number | undefined>) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries({ q: q.q, kind: q.kind, topic: q.topic, show: q.show, page: q.page, ...over })) if (v !== undefined && v !== '' && !(k === 'page' && v === 1)) p.set(k, String(v));
      const s = p.toString();
      return s ? `/admin/knowledge?${s}` : '/admin/knowledge';
    };
    const body = html`
${offices.length
  ? html`<section class="panel"><h2>Cơ quan cần bổ sung thông tin</h2><p class="muted small">Trợ lý chỉ người dân đến các cơ quan này nhưng còn thiếu thông tin. Hãy gửi thông tin đúng (có nguồn) cho người biên tập tri thức.</p>
  <ul class="plain">${offices.map((o) => html`<li><strong>${o.name}</strong>: <span class="badge badge-out_of_scope">cần bổ sung</span> ${o.fields.join(', ')}</li>`)}</ul></section>`
  : ''}
${editor
  ? html`<div class="two-col">
<section class="panel" id="upload">
  <h2>Tải tài liệu lên</h2>
  <form method="post" action="/admin/knowledge/upload" enctype="multipart/form-data" class="stack">
    ${csrfField(req)}
    <label for="file">Tệp .md, .docx hoặc .pdf</label>
    <input id="file" name="file" type="file" accept=".md,.docx,.pdf" required>
    <label for="u-title">Tiêu đề (người dân thấy trong dòng "Nguồn")</label>
    <input id="u-title" name="title" type="text" required maxlength="200" value="${form.title ?? ''}" placeholder="vd. Lịch tiêm chủng tháng 12/2026 của Trạm y tế xã">
    <label for="u-topic">Chủ đề</label>
    <select id="u-topic" name="topic" required><option value="">— Chọn chủ đề —</option>${topicOptions(form.topic)}</select>
    <label for="u-source">Nguồn (cơ quan ban hành, số văn bản, ngày)</label>
    <input id="u-source" name="source" type="text" required maxlength="300" value="${form.source ?? ''}" placeholder="vd. Trạm y tế xã Châu Tiến, thông báo ngày 25/11/2026">
    <label for="u-url">Đường dẫn nguồn (không bắt buộc)</label>
    <input id="u-url" name="source_url" type="text" inputmode="url" maxlength="500" value="${form.source_url ?? ''}" placeholder="https://…">
    <button type="submit" class="primary">Tải lên</button>
  </form>
  <p class="muted small">Hoặc <a href="/admin/faq/new">soạn một câu hỏi thường gặp</a> bằng biểu mẫu.</p>
</section>
<section class="panel">
  <h2>Cập nhật dữ liệu cho trợ lý</h2>
  <p class="muted small">Đọc lại toàn bộ tài liệu (cần khi bộ phận kỹ thuật vừa sửa tệp trong thư mục tri thức).</p>
  <form method="post" action="/admin/knowledge/reindex" id="reindex-form">
    ${csrfField(req)}
    <button type="submit"${st.running ? html` disabled` : ''}>Cập nhật dữ liệu cho trợ lý</button>
  </form>
  <progress id="reindex-progress" max="${st.total || 1}" value="${st.done}" aria-label="Tiến độ cập nhật"></progress>
  <p id="reindex-status" role="status" aria-live="polite" data-running="${st.running ? '1' : '0'}">${statusText(st)}</p>
</section>
</div>`
  : ''}
${reviewPanel(req, queue, editor)}
<section class="panel">
  <h2>Tài liệu (${shown.length}${shown.length !== all.length ? html` / ${all.length}` : ''})</h2>
  <form method="get" action="/admin/knowledge" class="filters" role="search" aria-label="Tìm tài liệu">
    <div><label for="k-q">Tìm</label><input id="k-q" name="q" type="search" value="${q.q ?? ''}" placeholder="vd. tiêm chủng"></div>
    <div><label for="k-kind">Loại</label><select id="k-kind" name="kind"><option value="">Tất cả</option>${Object.entries(KIND_LABEL).map(([k, v]) => html`<option value="${k}"${q.kind === k ? html` selected` : ''}>${v}</option>`)}</select></div>
    <div><label for="k-topic">Chủ đề</label><select id="k-topic" name="topic"><option value="">Tất cả</option>${topicOptions(q.topic)}</select></div>
    <div><label for="k-show">Hiện</label><select id="k-show" name="show"><option value="">Tất cả</option><option value="unreviewed"${q.show === 'unreviewed' ? html` selected` : ''}>Chưa duyệt</option><option value="stale"${q.show === 'stale' ? html` selected` : ''}>Quá hạn xem lại</option><option value="staff"${q.show === 'staff' ? html` selected` : ''}>Do cán bộ tải lên</option></select></div>
    <div class="actions"><button type="submit" class="primary">Tìm</button> <a href="/admin/knowledge">Xóa lọc</a></div>
  </form>
  <div class="table-wrap">
  <table class="cards-sm knowledge">
    <thead><tr><th scope="col">Tài liệu</th><th scope="col">Loại</th><th scope="col">Chủ đề</th><th scope="col">Nguồn</th><th scope="col">Cập nhật</th><th scope="col">Duyệt</th></tr></thead>
    <tbody>
    ${rows.length ? '' : html`<tr><td colspan="6" class="muted">Không có tài liệu nào khớp.</td></tr>`}
    ${rows.map(
      (d) => html`<tr id="doc-${d.id}"${d.id === q.doc ? html` class="highlight"` : ''}>
      <td class="main"><strong>${d.title}</strong>${d.id === q.doc ? html` <mark class="new">Mới tải lên</mark>` : ''}
        ${d.editorNote ? html`<p class="small"><strong>Ghi chú biên tập:</strong> ${d.editorNote}</p>` : ''}
        <div class="row-actions">
          <a href="/admin/knowledge/doc/${d.id}">Mở</a>
          <a href="/admin/try?q=${encodeURIComponent(d.title)}">Thử hỏi về tài liệu này</a>
          ${editor && d.kind === 'faq' ? html`<a href="/admin/faq/edit?id=${d.id}">Sửa</a>` : ''}
          ${editor && d.kind === 'misconception' ? html`<a href="/admin/misconception/edit?id=${d.id}">Sửa</a>` : ''}
        </div>
        <details class="ids"><summary>Chi tiết</summary><span class="small"><code>${d.id}</code> · <code>${d.path}</code> · ${d.chunks} đoạn · cập nhật vào trợ lý ${formatDateTime(d.indexedAt)}${d.origin === 'staff' ? ' · do cán bộ tải lên' : ''}</span></details></td>
      <td class="inline-sm" data-label="Loại">${label(KIND_LABEL, d.kind)}</td>
      <td class="inline-sm" data-label="Chủ đề">${label(TOPIC_LABEL, d.topic)}</td>
      <td data-label="Nguồn">${d.source || '—'}</td>
      <td class="nowrap inline-sm" data-label="Cập nhật">${d.updated ? formatYmd(d.updated) : '—'}</td>
      <td data-label="Duyệt">${staleIds.has(d.id) ? html`<span class="badge badge-misconception">Quá hạn xem lại</span> ` : ''}${d.reviewedBy
        ? html`<span class="badge badge-answered">Đã duyệt: ${d.reviewedBy}</span>`
        : editor
          ? html`<form method="post" action="/admin/knowledge/${d.id}/review" class="inline">${csrfField(req)}<button type="submit">Đánh dấu đã duyệt</button></form>`
          : html`<span class="badge badge-out_of_scope">Chưa duyệt</span>`}</td>
    </tr>`,
    )}
    </tbody>
  </table>
  </div>
  <nav class="pager" aria-label="Phân trang">
    ${q.page > 1 ? html`<a href="${qs({ page: q.page - 1 })}" rel="prev">← Trang trước</a>` : ''}
    <span>Trang ${q.page} / ${pages}</span>
    ${q.page < pages ? html`<a href="${qs({ page: q.page + 1 })}" rel="next">Trang sau →</a>` : ''}
  </nav>
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
    const b = req.body;
    const form = { title: fieldValue(b, 'title'), topic: fieldValue(b, 'topic'), source: fieldValue(b, 'source'), source_url: fieldValue(b, 'source_url') };
    const file = (b as { file?: MultipartFile } | undefined)?.file;
    if (!file || typeof file !== 'object' || file.type !== 'file') return render(req, reply, 'Hãy chọn một tệp.', 400, form);
    let name = safeUploadName(file.filename);
    if (!name) return render(req, reply, 'Chỉ nhận tệp .md, .docx hoặc .pdf.', 400, form);
    const fields = UploadFields.safeParse({ title: form.title ?? '', topic: form.topic ?? '', source: form.source ?? '', source_url: form.source_url ?? '', replace: fieldValue(b, 'replace') || undefined });
    if (!fields.success) return render(req, reply, [...new Set(fields.error.issues.map((i) => i.message))].join(' '), 400, form);
    const content = await file.toBuffer();
    if (!content.length) return render(req, reply, 'Tệp rỗng.', 400, form);
    const replacing = fields.data.replace ? await knowledge.getDocument(fields.data.replace) : null;
    if (fields.data.replace && (!replacing || replacing.origin !== 'staff')) return render(req, reply, 'Chỉ thay được tài liệu do cán bộ tải lên.', 400, form);
    // A replacement keeps the stored name's stem (so the id stays) with the new file's type.
    if (replacing) name = path.basename(replacing.path).replace(/\.\w+$/, '') + path.extname(name);
    const meta = { title: fields.data.title, topic: fields.data.topic, source: fields.data.source, sourceUrl: fields.data.source_url || null };
    let id: string;
    try {
      ({ id } = await knowledge.addUpload(name, content, meta, req.staff!.username));
    } catch (err) {
      req.log.warn({ err }, 'upload rejected');
      return render(req, reply, `Không đọc được tệp ${name}: ${err instanceof Error ? err.message : 'lỗi không rõ'}`, 400, form);
    }
    await auth.audit(req, 'knowledge.upload', id, { file: name, bytes: content.length, replaced: Boolean(replacing) });
    return reply.redirect(`/admin/knowledge?ok=uploaded&doc=${encodeURIComponent(id)}#doc-${encodeURIComponent(id)}`, 303);
  });

  admin.get<{ Params: { id: string } }>('/knowledge/doc/:id', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!knowledge) return reply.code(503).send('unavailable');
    const id = /^[\w.-]{1,120}$/.test(req.params.id) ? req.params.id : '';
    const d = id ? await knowledge.getDocument(id) : null;
    if (!d) throw Object.assign(new Error('Không tìm thấy tài liệu này.'), { statusCode: 404 });
    const editor = can(req, 'editor');
    const body = html`<p><a href="/admin/knowledge">← Tri thức</a></p>
<section class="panel">
  <dl class="facts">
    <dt>Loại</dt><dd>${label(KIND_LABEL, d.kind)}</dd>
    <dt>Chủ đề</dt><dd>${label(TOPIC_LABEL, d.topic)}</dd>
    <dt>Nguồn</dt><dd>${d.source || '—'}</dd>
    <dt>Cập nhật</dt><dd>${d.updated ? formatYmd(d.updated) : '—'}</dd>
    <dt>Duyệt</dt><dd>${d.reviewedBy ?? 'Chưa duyệt'}</dd>
    ${d.editorNote ? html`<dt>Ghi chú biên tập</dt><dd>${d.editorNote}</dd>` : ''}
  </dl>
  <h2>Nội dung</h2>
  <div class="zalo-bubble"><pre class="zalo">${d.body}</pre></div>
  <div class="row-actions"><a class="button" href="/admin/try?q=${encodeURIComponent(d.title)}">Thử hỏi về tài liệu này</a>
  ${editor && d.kind === 'faq' ? html`<a class="button" href="/admin/faq/edit?id=${d.id}">Sửa</a>` : ''}
  ${editor && d.kind === 'misconception' ? html`<a class="button" href="/admin/misconception/edit?id=${d.id}">Sửa</a>` : ''}</div>
</section>
${editor && d.origin === 'staff'
  ? html`<section class="panel"><h2>Thay tệp</h2>
  <form method="post" action="/admin/knowledge/upload" enctype="multipart/form-data" class="stack">
    ${csrfField(req)}<input type="hidden" name="replace" value="${d.id}">
    <label for="r-file">Tệp mới (.md, .docx hoặc .pdf)</label><input id="r-file" name="file" type="file" accept=".md,.docx,.pdf" required>
    <label for="r-title">Tiêu đề</label><input id="r-title" name="title" type="text" required maxlength="200" value="${d.title}">
    <label for="r-topic">Chủ đề</label><select id="r-topic" name="topic" required>${topicOptions(d.topic)}</select>
    <label for="r-source">Nguồn</label><input id="r-source" name="source" type="text" required maxlength="300" value="${d.source}">
    <button type="submit" class="primary">Thay tệp</button>
  </form></section>
  <section class="panel"><h2>Gỡ tài liệu</h2><p class="muted small">Trợ lý sẽ không dùng tài liệu này nữa.</p>
  <form method="post" action="/admin/knowledge/${d.id}/remove">${csrfField(req)}<button type="submit">Gỡ tài liệu này</button></form></section>`
  : ''}
<details class="ids"><summary>Chi tiết</summary><code>${d.id}</code> · <code>${d.path}</code></details>`;
    return sendPage(reply, page(req, { title: d.title, active: 'knowledge', body }));
  });

  admin.post<{ Params: { id: string } }>('/knowledge/:id/remove', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!knowledge) return reply.code(503).send('unavailable');
    const id = req.params.id;
    if (!/^[\w.-]{1,120}$/.test(id)) return reply.code(400).send('bad id');
    const removed = await knowledge.removeDocument(id, req.staff!.username);
    if (!removed) return render(req, reply, 'Chỉ gỡ được tài liệu do cán bộ tải lên.', 400);
    await auth.audit(req, 'knowledge.remove', id);
    return reply.redirect('/admin/knowledge?ok=removed', 303);
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

  // The review gate: several documents at once (one statement, one reload), each audited.
  admin.post('/knowledge/review', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!knowledge) return reply.code(503).send('unavailable');
    const { ids } = ReviewManyBody.parse(req.body ?? {});
    if (ids.length === 0) return render(req, reply, 'Hãy chọn ít nhất một tài liệu để đánh dấu đã duyệt.', 400);
    const done = await knowledge.markReviewedMany(ids, req.staff!.username);
    for (const id of done) await auth.audit(req, 'knowledge.review', id, { bulk: done.length });
    return reply.redirect(`/admin/knowledge?ok=reviewed-many&n=${done.length}#review`, 303);
  });

  admin.post<{ Params: { id: string } }>('/knowledge/:id/review', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!knowledge) return reply.code(503).send('unavailable');
    const id = req.params.id;
    if (!/^[\w.-]{1,120}$/.test(id)) return reply.code(400).send('bad id');
    if (!(await knowledge.listDocuments()).some((d) => d.id === id)) return reply.code(404).type('text/plain; charset=utf-8').send('Không có tài liệu này.'); // issue 16: not a 500
    await knowledge.markReviewed(id, req.staff!.username);
    await auth.audit(req, 'knowledge.review', id);
    return reply.redirect('/admin/knowledge?ok=reviewed', 303);
  });
}
