// Tin chưa gửi được (/admin/delivery): replies Zalo did not accept, explained in Vietnamese with what
// staff can do; inbound messages the assistant could not process after several tries. Editors put them
// back in the queue (audited), but "Gửi lại" is offered only where a retry can work (not for a user
// whose 7-day window is closed). Below 760 px each row is a card.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatDateTime, html } from '../html.js';
import { DELIVERY_STATUS_LABEL, explainDeliveryError, label, PURPOSE_LABEL } from '../labels.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import { can, flashFromQuery, sendPage, unavailable } from './common.js';

const RetryBody = z.object({ kind: z.enum(['outbox', 'event']), id: z.string().regex(/^[\w.:-]{1,100}$/) });
const TITLE = 'Tin chưa gửi được';

export function deliveryRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth, delivery } = deps;

  admin.get('/delivery', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!delivery) return sendPage(reply, page(req, { title: TITLE, active: 'delivery', body: unavailable(TITLE) }));
    const [failures, parked] = await Promise.all([delivery.listFailures(200), delivery.listParkedEvents(200)]);
    const editor = can(req, 'editor');
    const retry = (kind: 'outbox' | 'event', id: string) =>
      editor
        ? html`<form method="post" action="/admin/delivery/retry" class="inline">${csrfField(req)}<input type="hidden" name="kind" value="${kind}"><input type="hidden" name="id" value="${id}"><button type="submit">Gửi lại</button></form>`
        : '';
    const body = html`
<section class="panel">
  <h2>Tin trả lời chưa gửi được (${failures.length})</h2>
  ${failures.length
    ? html`<div class="table-wrap"><table class="cards-sm">
    <thead><tr><th scope="col">Vì sao và nên làm gì</th><th scope="col">Lúc</th><th scope="col">Loại tin</th><th scope="col">Tình trạng</th><th scope="col">Số lần thử</th><th scope="col">Thao tác</th></tr></thead>
    <tbody>${failures.map((f) => {
      const why = explainDeliveryError(f.lastError, f.status);
      return html`<tr>
      <td class="main">${why.text}${f.lastError ? html`<details class="ids"><summary>Chi tiết</summary><code>${f.lastError}</code></details>` : ''}</td>
      <td class="nowrap inline-sm" data-label="Lúc">${formatDateTime(f.createdAt)}</td>
      <td class="inline-sm" data-label="Loại tin">${PURPOSE_LABEL[f.purpose] ?? 'Tin khác'}</td>
      <td class="inline-sm" data-label="Tình trạng">${label(DELIVERY_STATUS_LABEL, f.status) === f.status ? 'Khác' : label(DELIVERY_STATUS_LABEL, f.status)}</td>
      <td class="inline-sm" data-label="Số lần thử">${f.attempts}</td>
      <td data-label="Thao tác">${why.retryable && f.status !== 'retrying' ? retry('outbox', f.id) : html`<span class="muted small">${f.status === 'retrying' ? 'Đang tự gửi lại' : 'Không gửi lại được'}</span>`}</td>
    </tr>`;
    })}</tbody>
  </table></div>`
    : html`<p class="muted">Mọi tin trả lời đều đã gửi được.</p>`}
</section>
<section class="panel">
  <h2>Tin nhắn đến chưa xử lý được (${parked.length})</h2>
  <p class="muted small">Tin người dân gửi mà trợ lý đã thử xử lý nhiều lần vẫn lỗi. Bấm "Gửi lại" để trợ lý thử lại.</p>
  ${parked.length
    ? html`<div class="table-wrap"><table class="cards-sm">
    <thead><tr><th scope="col">Lý do</th><th scope="col">Nhận lúc</th><th scope="col">Số lần thử</th><th scope="col">Thao tác</th></tr></thead>
    <tbody>${parked.map((e) => html`<tr>
      <td class="main">${e.eventName === 'user_send_text' ? 'Tin nhắn chữ' : 'Tin nhắn'} chưa xử lý được.${e.lastError ? html`<details class="ids"><summary>Chi tiết</summary><code>${e.eventName}: ${e.lastError}</code></details>` : ''}</td>
      <td class="nowrap inline-sm" data-label="Nhận lúc">${formatDateTime(e.receivedAt)}</td>
      <td class="inline-sm" data-label="Số lần thử">${e.attempts}</td>
      <td data-label="Thao tác">${retry('event', e.id)}</td>
    </tr>`)}</tbody>
  </table></div>`
    : html`<p class="muted">Không có tin nhắn nào bị kẹt.</p>`}
</section>`;
    return sendPage(reply, page(req, { title: TITLE, active: 'delivery', body, flash: flashFromQuery(req.query) }));
  });

  admin.post('/delivery/retry', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!delivery) return reply.code(503).send('unavailable');
    const { kind, id } = RetryBody.parse(req.body);
    await delivery.retry(kind, id);
    await auth.audit(req, 'delivery.retry', `${kind}:${id}`);
    return reply.redirect('/admin/delivery?ok=retried', 303);
  });
}
