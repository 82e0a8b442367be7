// Small pieces shared by the dashboard pages.
import type { FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../html.js';
import { hasRole } from '../auth.js';
import type { StaffRole } from '../sources.js';

/** Shown where a data source is not wired in this build (e.g. a partial deployment). */
export function unavailable(what: string): SafeHtml {
  return html`<p class="flash flash-error" role="status">Chức năng "${what}" chưa sẵn sàng trên máy chủ này.</p>`;
}

export const can = (req: FastifyRequest, role: StaffRole): boolean => Boolean(req.staff && hasRole(req.staff.role, role));

/**
 * Success notices after POST-redirect-GET travel as a code in `?ok=`, never as free text, so
 * a crafted link cannot put words on the page.
 */
export const OK_MESSAGES: Record<string, string> = {
  'flag-confirmed': 'Đã xác nhận nhận định sai.',
  'flag-dismissed': 'Đã bỏ qua cờ này.',
  'flag-resolved': 'Đã đánh dấu là đã xử lý.',
  'flag-note': 'Đã lưu ghi chú.',
  uploaded: 'Đã tải lên và lập chỉ mục tài liệu.',
  reviewed: 'Đã đánh dấu tài liệu là đã duyệt.',
  'reindex-started': 'Đã bắt đầu lập chỉ mục lại.',
  'reindex-running': 'Việc lập chỉ mục lại đang chạy.',
  'draft-saved': 'Đã lưu bản nháp thành tài liệu tri thức.',
  retried: 'Đã đưa lại vào hàng đợi gửi.',
  'reply-queued': 'Đã gửi trả lời vào hàng đợi; trợ lý tạm dừng với người này.',
  'reply-not-possible': 'Không gửi được: đã quá thời hạn trả lời của Zalo.',
  resumed: 'Đã trả cuộc trò chuyện lại cho trợ lý.',
};

export function flashFromQuery(query: unknown): { kind: 'ok'; text: string } | null {
  const code = (query as { ok?: unknown } | undefined)?.ok;
  return typeof code === 'string' && OK_MESSAGES[code] ? { kind: 'ok', text: OK_MESSAGES[code] } : null;
}

export function sendPage(reply: import('fastify').FastifyReply, markup: string, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(markup);
}

/** Start of a calendar day in the commune's time zone (UTC+7, no daylight saving). */
export function vnDayStart(ymd: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd)) return undefined;
  const d = new Date(`${ymd}T00:00:00+07:00`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Today's date (YYYY-MM-DD) in the commune's time zone. */
export function vnToday(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}
