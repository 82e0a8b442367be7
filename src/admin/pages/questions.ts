// Câu hỏi (/admin/questions): the question log with search, filters, paging and CSV export.
// Question and answer text is what citizens typed (redacted): always escaped by `html`.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatDateTime, html } from '../html.js';
import { LANG_LABEL, label, OUTCOME_LABEL, TOPIC_LABEL } from '../labels.js';
import { page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import type { QuestionFilter } from '../sources.js';
import { can, sendPage, unavailable, vnDayStart, vnToday } from './common.js';

export const PAGE_SIZE = 50;

const str = (max: number) => z.string().trim().max(max).optional().catch(undefined);
const QuerySchema = z.object({
  q: str(200),
  from: str(10),
  to: str(10),
  topic: str(40),
  outcome: z.enum(['answered', 'misconception', 'out_of_scope', 'smalltalk']).optional().catch(undefined),
  lang: z.enum(['vi', 'en']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type QuestionQuery = z.infer<typeof QuerySchema>;

export function parseQuestionQuery(query: unknown): QuestionQuery {
  return QuerySchema.parse(query ?? {});
}

/** The InsightsAdmin filter for a page query; `to` is inclusive of its whole day. */
export function toFilter(q: QuestionQuery): QuestionFilter {
  const to = q.to ? vnDayStart(q.to) : undefined;
  return {
    q: q.q || undefined,
    from: q.from ? vnDayStart(q.from) : undefined,
    to: to ? new Date(to.getTime() + 86_400_000) : undefined,
    topic: q.topic || undefined,
    outcome: q.outcome,
    lang: q.lang,
    page: q.page,
    pageSize: PAGE_SIZE,
  };
}

/** Query string for the same filters (paging and CSV links); empty values are left out. */
export function filterQueryString(q: QuestionQuery, overrides: Partial<QuestionQuery> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, ...overrides })) if (v !== undefined && v !== '' && !(k === 'page' && v === 1)) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function options(map: Record<string, string>, selected: string | undefined) {
  return Object.entries(map).map(([value, text]) => html`<option value="${value}"${selected === value ? html` selected` : ''}>${text}</option>`);
}

export function questionRoutes(admin: FastifyInstance, deps: PageDeps): void {
  admin.get('/questions', { preHandler: deps.auth.requireRole('viewer') }, async (req, reply) => {
    const q = parseQuestionQuery(req.query);
    if (!deps.insights) return sendPage(reply, page(req, { title: 'Câu hỏi', active: 'questions', body: unavailable('Câu hỏi') }));
    const { rows, total } = await deps.insights.listQuestions(toFilter(q));
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const body = html`
<form method="get" action="/admin/questions" class="filters" role="search" aria-label="Lọc câu hỏi">
  <div><label for="f-q">Tìm</label><input id="f-q" name="q" type="search" value="${q.q ?? ''}" placeholder="vd. hang bua"></div>
  <div><label for="f-from">Từ ngày</label><input id="f-from" name="from" type="date" value="${q.from ?? ''}" max="${vnToday()}"></div>
  <div><label for="f-to">Đến ngày</label><input id="f-to" name="to" type="date" value="${q.to ?? ''}"></div>
  <div><label for="f-topic">Chủ đề</label><select id="f-topic" name="topic"><option value="">Tất cả</option>${options(TOPIC_LABEL, q.topic)}</select></div>
  <div><label for="f-outcome">Kết quả</label><select id="f-outcome" name="outcome"><option value="">Tất cả</option>${options(OUTCOME_LABEL, q.outcome)}</select></div>
  <div><label for="f-lang">Ngôn ngữ</label><select id="f-lang" name="lang"><option value="">Tất cả</option>${options(LANG_LABEL, q.lang)}</select></div>
  <div class="actions"><button type="submit" class="primary">Lọc</button> <a href="/admin/questions">Xóa lọc</a></div>
</form>
<p class="toolbar"><span id="q-total">${total} câu hỏi</span> · <a href="/admin/questions.csv${filterQueryString(q, { page: 1 })}" download>Tải CSV</a></p>
<div class="table-wrap">
<table class="questions">
  <thead><tr><th scope="col">Thời gian</th><th scope="col">Câu hỏi</th><th scope="col">Kết quả</th><th scope="col">Chủ đề</th><th scope="col">Ngôn ngữ</th><th scope="col" class="r">Độ tin cậy</th></tr></thead>
  <tbody>
  ${rows.length
    ? rows.map(
        (r) => html`<tr>
    <td class="nowrap">${formatDateTime(r.askedAt)}</td>
    <td><span class="citizen">${r.question ?? '(đã xóa theo thời hạn lưu trữ)'}</span>
      ${r.answer ? html`<details><summary>Câu trả lời</summary><pre class="zalo">${r.answer}</pre>${r.sources.length ? html`<p class="muted">Nguồn: ${r.sources.map((s) => s.title).join('; ')}</p>` : ''}</details>` : ''}
      ${r.channel === 'zalo' && can(req, 'editor') ? html`<a class="button-link" href="/admin/questions/${r.id}/reply">Trả lời người hỏi</a>` : ''}</td>
    <td><span class="badge badge-${r.outcome}">${label(OUTCOME_LABEL, r.outcome)}</span></td>
    <td>${label(TOPIC_LABEL, r.topic)}</td>
    <td>${r.lang}</td>
    <td class="r">${r.confidence.toFixed(2)}</td>
  </tr>`,
      )
    : html`<tr><td colspan="6" class="muted">Không có câu hỏi nào khớp bộ lọc.</td></tr>`}
  </tbody>
</table>
</div>
<nav class="pager" aria-label="Phân trang">
  ${q.page > 1 ? html`<a href="/admin/questions${filterQueryString(q, { page: q.page - 1 })}" rel="prev">← Trang trước</a>` : ''}
  <span>Trang ${q.page} / ${pages}</span>
  ${q.page < pages ? html`<a href="/admin/questions${filterQueryString(q, { page: q.page + 1 })}" rel="next">Trang sau →</a>` : ''}
</nav>`;
    return sendPage(reply, page(req, { title: 'Câu hỏi', active: 'questions', body }));
  });

  admin.get('/questions.csv', { preHandler: deps.auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const { page: _page, pageSize: _size, ...filter } = toFilter(parseQuestionQuery(req.query));
    const csv = await deps.insights.questionsCsv(filter);
    await deps.auth.audit(req, 'questions.export', 'question_log', { filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() } });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="cau-hoi-${vnToday()}.csv"`)
      .send(csv);
  });
}
