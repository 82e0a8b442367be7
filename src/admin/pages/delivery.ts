// Gửi lỗi (/admin/delivery): replies Zalo did not accept and why, inbound events parked after
// too many failed attempts; editors put them back in the queue (audited).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatDateTime, html } from '../html.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import { can, flashFromQuery, sendPage, unavailable } from './common.js';

const RetryBody = z.object({ kind: z.enum(['outbox', 'event']), id: z.string().regex(/^[\w.:-]{1,100}$/) });

export function deliveryRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth, delivery } = deps;

  admin.get('/delivery', { preHandler: auth.requireRole('viewer') }, async (req, reply) => {
    if (!delivery) return sendPage(reply, page(req, { title: 'Gửi lỗi', active: 'delivery', body: unavailable('Gửi lỗi') }));
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
    ? html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">Lúc</th><th scope="col">Loại</th><th scope="col">Trạng thái</th><th scope="col" class="r">Số lần thử</th><th scope="col">Lý do</th><th scope="col"></th></tr></thead>
    <tbody>${failures.map((f) => html`<tr><td class="nowrap">${formatDateTime(f.createdAt)}</td><td>${f.purpose}</td><td>${f.status}</td><td class="r">${f.attempts}</td><td class="small">${f.lastError ?? '—'}</td><td>${retry('outbox', f.id)}</td></tr>`)}</tbody>
  </table></div>`
    : html`<p class="muted">Không có tin nào bị lỗi.</p>`}
</section>
<section class="panel">
  <h2>Sự kiện bị tạm gác (${parked.length})</h2>
  ${parked.length
    ? html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">Nhận lúc</th><th scope="col">Sự kiện</th><th scope="col" class="r">Số lần thử</th><th scope="col">Lý do</th><th scope="col"></th></tr></thead>
    <tbody>${parked.map((e) => html`<tr><td class="nowrap">${formatDateTime(e.receivedAt)}</td><td>${e.eventName}</td><td class="r">${e.attempts}</td><td class="small">${e.lastError ?? '—'}</td><td>${retry('event', e.id)}</td></tr>`)}</tbody>
  </table></div>`
    : html`<p class="muted">Không có sự kiện nào bị tạm gác.</p>`}
</section>`;
    return sendPage(reply, page(req, { title: 'Gửi lỗi', active: 'delivery', body, flash: flashFromQuery(req.query) }));
  });

  admin.post('/delivery/retry', { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
    if (!delivery) return reply.code(503).send('unavailable');
    const { kind, id } = RetryBody.parse(req.body);
    await delivery.retry(kind, id);
    await auth.audit(req, 'delivery.retry', `${kind}:${id}`);
    return reply.redirect('/admin/delivery?ok=retried', 303);
  });
}
