// Câu hỏi (/admin/questions): the question log with date presets, search, filters, paging and
// CSV/XLSX export. Question and answer text is what citizens typed (redacted): always escaped by
// `html`. Each row is one <tr class="q-row"> with its actions in `.row-actions`, so more per-row
// actions (a staff reply) can be added there. Below 760 px the table becomes one card per question.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDateTime, formatNumber, html, type SafeHtml } from '../html.js';
import { confidenceLabel, LANG_LABEL, label, OUTCOME_LABEL, TOPIC_LABEL } from '../labels.js';
import { page } from '../layout.js';
import { compareText, PRESETS, resolvePeriod, type Period } from '../periods.js';
import type { PageDeps } from '../plugin.js';
import type { QuestionFilter, QuestionRow } from '../sources.js';
import { can, sendPage, unavailable, vnToday } from './common.js';
import { questionsXlsx } from '../export.js';

export const PAGE_SIZE = 50;

const str = (max: number) => z.string().trim().max(max).optional().catch(undefined);
const QuerySchema = z.object({
  q: str(200),
  range: z.enum(['today', '7d', '30d', 'month']).optional().catch(undefined),
  from: str(10),
  to: str(10),
  topic: str(40),
  outcome: z.enum(['answered', 'misconception', 'out_of_scope', 'smalltalk']).optional().catch(undefined),
  lang: z.enum(['vi', 'en']).optional().catch(undefined),
  misconception: z.string().regex(/^[\w.:-]{1,100}$/).optional().catch(undefined),
  id: z.string().regex(/^\d{1,18}$/).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type QuestionQuery = z.infer<typeof QuerySchema>;

export function parseQuestionQuery(query: unknown): QuestionQuery {
  return QuerySchema.parse(query ?? {});
}

/** The period a question query covers, or null for "all time" (no preset and no dates). */
export function questionPeriod(q: QuestionQuery, now = new Date()): Period | null {
  return resolvePeriod(q, now, 'all');
}

/** The InsightsAdmin filter for a page query; `to` is inclusive of its whole day. */
export function toFilter(q: QuestionQuery, now = new Date()): QuestionFilter {
  const period = questionPeriod(q, now);
  return {
    q: q.q || undefined,
    from: period?.from,
    to: period?.to,
    topic: q.topic || undefined,
    outcome: q.outcome,
    lang: q.lang,
    misconceptionId: q.misconception,
    id: q.id,
    page: q.page,
    pageSize: PAGE_SIZE,
  };
}

/** Query string for the same filters (paging and export links); empty values are left out. */
export function filterQueryString(q: QuestionQuery, overrides: Partial<QuestionQuery> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, ...overrides })) if (v !== undefined && v !== '' && !(k === 'page' && v === 1)) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function options(map: Record<string, string>, selected: string | undefined) {
  return Object.entries(map).map(([value, text]) => html`<option value="${value}"${selected === value ? html` selected` : ''}>${text}</option>`);
}

/** The preset links (Hôm nay, 7 ngày, …) keeping the other filters. */
export function presetLinks(path: string, q: Record<string, unknown>, active: string | undefined): SafeHtml {
  const keep = (over: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...q, from: undefined, to: undefined, range: undefined, page: undefined, ...over })) if (v !== undefined && v !== '') p.set(k, String(v));
    const s = p.toString();
    return s ? `${path}?${s}` : path;
  };
  return html`<nav class="presets" aria-label="Khoảng thời gian">
  ${PRESETS.map((p) => html`<a href="${keep({ range: p.key })}"${active === p.key ? html` aria-current="true"` : ''}>${p.label}</a>`)}
  <a href="${keep({})}"${!active ? html` aria-current="true"` : ''}>Tất cả</a>
</nav>`;
}

/** One question as a table row (a card on phones). Actions go in `.row-actions`. */
export function questionRowHtml(req: FastifyRequest, r: QuestionRow): SafeHtml {
  const level = confidenceLabel(r.outcome, r.confidence);
  const unanswered = r.outcome === 'out_of_scope' || (r.outcome === 'answered' && level === 'thấp');
  return html`<tr class="q-row" id="q-${r.id}" data-question-id="${r.id}">
    <td class="main"><span class="citizen">${r.question ?? '(đã xóa theo thời hạn lưu trữ)'}</span>
      ${r.answer ? html`<details><summary>Câu trả lời</summary><pre class="zalo">${r.answer}</pre>${r.sources.length ? html`<p class="muted">Nguồn: ${r.sources.map((s) => s.title).join('; ')}</p>` : ''}</details>` : ''}
      <div class="row-actions">${unanswered && r.question && can(req, 'editor') ? html`<a class="button" href="/admin/faq/new?question=${r.id}">Soạn câu hỏi thường gặp</a>` : ''}${r.channel === 'zalo' && can(req, 'editor') ? html`<a class="button" href="/admin/questions/${r.id}/reply">Trả lời người hỏi</a>` : ''}</div>
    </td>
    <td class="nowrap inline-sm" data-label="Lúc">${formatDateTime(r.askedAt)}</td>
    <td class="inline-sm" data-label="Kết quả"><span class="badge badge-${r.outcome}">${label(OUTCOME_LABEL, r.outcome)}</span></td>
    <td class="inline-sm" data-label="Chủ đề">${label(TOPIC_LABEL, r.topic)}</td>
    <td class="inline-sm" data-label="Ngôn ngữ">${label(LANG_LABEL, r.lang)}</td>
    <td class="inline-sm level" data-label="Độ tin cậy">${level ?? '—'}</td>
  </tr>`;
}

export function questionTable(req: FastifyRequest, rows: QuestionRow[], empty: string): SafeHtml {
  return html`<div class="table-wrap">
<table class="questions cards-sm">
  <thead><tr><th scope="col">Câu hỏi</th><th scope="col">Lúc</th><th scope="col">Kết quả</th><th scope="col">Chủ đề</th><th scope="col">Ngôn ngữ</th><th scope="col">Độ tin cậy</th></tr></thead>
  <tbody>
  ${rows.length ? rows.map((r) => questionRowHtml(req, r)) : html`<tr><td colspan="6" class="muted">${empty}</td></tr>`}
  </tbody>
</table>
</div>`;
}

export function questionRoutes(admin: FastifyInstance, deps: PageDeps): void {
  admin.get('/questions', { preHandler: deps.auth.requireRole('viewer') }, async (req, reply) => {
    const q = parseQuestionQuery(req.query);
    if (!deps.insights) return sendPage(reply, page(req, { title: 'Câu hỏi', active: 'questions', body: unavailable('Câu hỏi') }));
    const now = new Date();
    const period = questionPeriod(q, now);
    const filter = toFilter(q, now);
    const [{ rows, total }, before] = await Promise.all([
      deps.insights.listQuestions(filter),
      period ? deps.insights.listQuestions({ ...filter, from: period.prev.from, to: period.prev.to, page: 1, pageSize: 1 }) : null,
    ]);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const exportQs = filterQueryString(q, { page: 1 });
    const body = html`
${presetLinks('/admin/questions', { q: q.q, topic: q.topic, outcome: q.outcome, lang: q.lang, misconception: q.misconception }, q.range)}
<form method="get" action="/admin/questions" class="filters" role="search" aria-label="Lọc câu hỏi">
  <div><label for="f-q">Tìm</label><input id="f-q" name="q" type="search" value="${q.q ?? ''}" placeholder="vd. hang bua"></div>
  <div><label for="f-from">Từ ngày</label><input id="f-from" name="from" type="date" value="${period?.key === 'custom' ? period.fromDay : (q.from ?? '')}" max="${vnToday()}"></div>
  <div><label for="f-to">Đến ngày</label><input id="f-to" name="to" type="date" value="${period?.key === 'custom' ? period.toDay : (q.to ?? '')}"></div>
  <div><label for="f-topic">Chủ đề</label><select id="f-topic" name="topic"><option value="">Tất cả</option>${options(TOPIC_LABEL, q.topic)}</select></div>
  <div><label for="f-outcome">Kết quả</label><select id="f-outcome" name="outcome"><option value="">Tất cả</option>${options(OUTCOME_LABEL, q.outcome)}</select></div>
  <div><label for="f-lang">Ngôn ngữ</label><select id="f-lang" name="lang"><option value="">Tất cả</option>${options(LANG_LABEL, q.lang)}</select></div>
  ${q.misconception ? html`<input type="hidden" name="misconception" value="${q.misconception}">` : ''}
  <div class="actions"><button type="submit" class="primary">Lọc</button> <a href="/admin/questions">Xóa lọc</a></div>
</form>
${period ? html`<p class="period">Từ ${period.text}${before ? html` · ${compareText(total, before.total)}` : ''}</p>` : ''}
<p class="toolbar"><span id="q-total">${formatNumber(total)} câu hỏi</span>
  ${total ? html` · <a href="/admin/questions.xlsx${exportQs}" download id="export-xlsx">Tải Excel (.xlsx)</a> · <a href="/admin/questions.csv${exportQs}" download id="export-csv">Tải CSV</a>` : ''}</p>
${questionTable(req, rows, total === 0 && !q.q && !period && !q.topic && !q.outcome && !q.lang ? 'Chưa có câu hỏi nào. Khi người dân nhắn cho OA Zalo, câu hỏi sẽ hiện ở đây; có thể thử trước ở trang "Thử trợ lý".' : 'Không có câu hỏi nào khớp bộ lọc.')}
<nav class="pager" aria-label="Phân trang">
  ${q.page > 1 ? html`<a href="/admin/questions${filterQueryString(q, { page: q.page - 1 })}" rel="prev">← Trang trước</a>` : ''}
  <span>Trang ${q.page} / ${pages}</span>
  ${q.page < pages ? html`<a href="/admin/questions${filterQueryString(q, { page: q.page + 1 })}" rel="next">Trang sau →</a>` : ''}
</nav>`;
    return sendPage(reply, page(req, { title: 'Câu hỏi', active: 'questions', body }));
  });

  const exportName = (ext: string) => `cau-hoi-${vnToday()}.${ext}`;

  admin.get('/questions.csv', { preHandler: deps.auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const { page: _page, pageSize: _size, ...filter } = toFilter(parseQuestionQuery(req.query));
    const csv = await deps.insights.questionsCsv(filter);
    await deps.auth.audit(req, 'questions.export', 'question_log', { format: 'csv', filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() } });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${exportName('csv')}"`).send(csv);
  });

  admin.get('/questions.xlsx', { preHandler: deps.auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const { page: _page, pageSize: _size, ...filter } = toFilter(parseQuestionQuery(req.query));
    const { rows, claims } = await deps.insights.exportQuestions(filter);
    await deps.auth.audit(req, 'questions.export', 'question_log', { format: 'xlsx', filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() } });
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${exportName('xlsx')}"`)
      .send(await questionsXlsx(rows, claims));
  });
}
