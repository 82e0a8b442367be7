// Thử trợ lý (/admin/try): ask the same pipeline the Zalo worker uses and see the answer
// exactly as Zalo would show it, with outcome, sources and confidence. Nothing is logged to
// question_log: staff trials would distort the statistics.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AnswerResult } from '../../answer/types.js';
import { html } from '../html.js';
import { LANG_LABEL, label, OUTCOME_LABEL, TOPIC_LABEL } from '../labels.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import { sendPage, unavailable } from './common.js';

const AskBody = z.object({ question: z.string().trim().min(1).max(2000) });

function render(req: FastifyRequest, reply: FastifyReply, question: string, result: AnswerResult | null, error?: string) {
  const body = html`
<form method="post" action="/admin/try" class="stack">
  ${csrfField(req)}
  <label for="question">Câu hỏi (như người dân gõ trên Zalo)</label>
  <textarea id="question" name="question" rows="3" maxlength="2000" required>${question}</textarea>
  <button type="submit" class="primary">Hỏi trợ lý</button>
</form>
${result
  ? html`<section class="panel try-result" aria-label="Câu trả lời">
  <h2>Trợ lý trả lời</h2>
  <div class="zalo-bubble"><pre class="zalo" id="try-answer">${result.answer}</pre></div>
  <dl class="facts">
    <dt>Kết quả</dt><dd><span class="badge badge-${result.outcome}" id="try-outcome" data-outcome="${result.outcome}">${label(OUTCOME_LABEL, result.outcome)}</span></dd>
    <dt>Độ tin cậy</dt><dd id="try-confidence">${result.confidence.toFixed(2)}</dd>
    <dt>Ngôn ngữ</dt><dd>${label(LANG_LABEL, result.lang)}</dd>
    <dt>Chủ đề</dt><dd>${label(TOPIC_LABEL, result.topic)}</dd>
    <dt>Nguồn</dt><dd>${result.sources.length ? html`<ul class="plain">${result.sources.map((s) => html`<li>${s.title} <span class="muted">(${s.id})</span></li>`)}</ul>` : '—'}</dd>
    ${result.misconception ? html`<dt>Nhận định sai</dt><dd>${result.misconception.claim} <span class="muted">(${result.misconception.id})</span></dd>` : ''}
    <dt>Thời gian</dt><dd>${Math.round(result.latencyMs)} ms</dd>
  </dl>
  ${result.trace?.length
    ? html`<details open><summary>Các bước trợ lý đã làm (trace)</summary><ol class="small" id="try-trace">${result.trace.map((t) => html`<li><strong>${t.step}</strong> <span class="badge">${t.decision === 'final' ? 'quyết định' : 'tiếp tục'}</span> ${t.note ?? ''}</li>`)}</ol></details>`
    : ''}
  ${result.rumour ? html`<p class="muted" id="try-rumour">Tin đồn chưa có bài đính chính (rumour): ${result.misconception?.id ?? ''}</p>` : ''}
  ${result.retrieved.length
    ? html`<details><summary>Các đoạn tìm được</summary><ol>${result.retrieved.slice(0, 5).map((c) => html`<li><strong>${c.title}</strong> <span class="muted">(${c.score.toFixed(3)})</span><p class="small">${c.text.slice(0, 400)}</p></li>`)}</ol></details>`
    : ''}
</section>`
  : ''}`;
  return sendPage(reply, page(req, { title: 'Thử trợ lý', active: 'try', body, flash: error ? { kind: 'error', text: error } : null }), error ? 400 : 200);
}

export function tryRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth, pipeline } = deps;
  admin.get('/try', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!pipeline) return sendPage(reply, page(req, { title: 'Thử trợ lý', active: 'try', body: unavailable('Thử trợ lý') }));
    // ?q= pre-fills the question (links such as "Thử hỏi về tài liệu này" on the knowledge page).
    const q = (req.query as { q?: unknown } | undefined)?.q;
    return render(req, reply, typeof q === 'string' ? q.slice(0, 2000) : '', null);
  });

  admin.post('/try', { preHandler: [auth.requireRole('viewer'), auth.verifyCsrf] }, async (req, reply) => {
    if (!pipeline) return reply.code(503).send('unavailable');
    const parsed = AskBody.safeParse(req.body);
    if (!parsed.success) return render(req, reply, '', null, 'Hãy nhập một câu hỏi (tối đa 2.000 ký tự).');
    const result = await pipeline.answer(parsed.data.question);
    return render(req, reply, parsed.data.question, result);
  });
}
