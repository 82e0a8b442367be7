// Nhật ký (/admin/audit): what staff did, newest first. Admins only.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatDateTime, html } from '../html.js';
import { page } from '../layout.js';
import { auditLabel } from '../labels.js';
import type { PageDeps } from '../plugin.js';
import { sendPage } from './common.js';

const PAGE_SIZE = 50;
const Query = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });

export function auditRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth } = deps;
  admin.get('/audit', { preHandler: auth.requireRole('admin') }, async (req, reply) => {
    const { page: n } = Query.parse(req.query ?? {});
    const { rows, total } = await auth.store.listAudit(PAGE_SIZE, (n - 1) * PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const body = html`
<div class="table-wrap"><table class="cards-sm">
  <thead><tr><th scope="col">Việc</th><th scope="col">Lúc</th><th scope="col">Cán bộ</th><th scope="col">Chi tiết</th></tr></thead>
  <tbody>
  ${rows.length
    ? rows.map(
        (r) => html`<tr><td class="main">${auditLabel(r.action)}</td><td class="nowrap inline-sm" data-label="Lúc">${formatDateTime(r.at)}</td><td class="inline-sm" data-label="Cán bộ">${r.staffUsername}</td>
        <td class="small"><details class="ids"><summary>Chi tiết</summary><code>${r.action}</code>${r.target ? html` · <code>${r.target}</code>` : ''}${Object.keys(r.detail).length ? html` · <code>${JSON.stringify(r.detail)}</code>` : ''}</details></td></tr>`,
      )
    : html`<tr><td colspan="4" class="muted">Chưa có hoạt động nào.</td></tr>`}
  </tbody>
</table></div>
<nav class="pager" aria-label="Phân trang">
  ${n > 1 ? html`<a href="/admin/audit?page=${n - 1}" rel="prev">← Trang trước</a>` : ''}
  <span>Trang ${n} / ${pages}</span>
  ${n < pages ? html`<a href="/admin/audit?page=${n + 1}" rel="next">Trang sau →</a>` : ''}
</nav>`;
    return sendPage(reply, page(req, { title: 'Nhật ký thao tác', active: 'audit', body }));
  });
}
