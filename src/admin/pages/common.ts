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
  'flag-confirmed': 'Đã xác nhận thông tin sai lệch.',
  'flag-dismissed': 'Đã bỏ qua cảnh báo này.',
  'flag-resolved': 'Đã đánh dấu là đã xử lý.',
  'setup-done': 'Đã tạo tài khoản quản trị. Hãy thêm tài khoản cho đồng nghiệp bằng lệnh npm run staff -- add.',
  'flag-note': 'Đã lưu ghi chú.',
  uploaded: 'Đã tải lên tài liệu; trợ lý dùng được ngay.',
  reviewed: 'Đã đánh dấu tài liệu là đã duyệt.',
  'reviewed-many': 'Đã đánh dấu {n} tài liệu là đã duyệt.',
  removed: 'Đã gỡ tài liệu; trợ lý không dùng nó nữa.',
  'emerging-answered': 'Đã đánh dấu nhóm là đã có câu trả lời.',
  'emerging-ignored': 'Đã bỏ qua nhóm này.',
  'emerging-open': 'Đã mở lại nhóm này.',
  'emerging-merged': 'Đã gộp hai nhóm.',
  'emerging-split': 'Đã tách câu hỏi khỏi nhóm.',
  'reindex-started': 'Đã bắt đầu cập nhật dữ liệu cho trợ lý.',
  'reindex-running': 'Việc cập nhật dữ liệu cho trợ lý đang chạy.',
  'draft-saved': 'Đã lưu câu hỏi thường gặp; trợ lý dùng được ngay.',
  retried: 'Đã đưa lại vào hàng đợi gửi.',
  'reply-queued': 'Đã gửi trả lời vào hàng đợi; trợ lý tạm dừng với người này.',
  'reply-not-possible': 'Không gửi được: đã quá thời hạn trả lời của Zalo.',
  resumed: 'Đã trả cuộc trò chuyện lại cho trợ lý.',
};

export function flashFromQuery(query: unknown): { kind: 'ok'; text: string } | null {
  const code = (query as { ok?: unknown } | undefined)?.ok;
  if (typeof code !== 'string' || !OK_MESSAGES[code]) return null;
  // {n}: a count carried as digits only (?n=), like the code itself never free text.
  const n = (query as { n?: unknown }).n;
  const base = OK_MESSAGES[code].replace('{n}', typeof n === 'string' && /^\d{1,6}$/.test(n) ? String(Number(n)) : 'các');
  const told = toldText(query);
  return { kind: 'ok', text: told ? `${base} ${told}` : base };
}

/**
 * After publishing an answer: how many earlier askers were sent it (`?told=N`, a number only, so
 * a crafted link cannot put words on the page). Empty when nobody was to be told.
 */
export function toldText(query: unknown): string {
  const told = (query as { told?: unknown } | undefined)?.told;
  if (typeof told !== 'string' || !/^\d{1,6}$/.test(told)) return '';
  const n = Number(told);
  return n > 0 ? `Đã báo cho ${n} người đã hỏi.` : 'Đã báo cho 0 người đã hỏi (không có ai hỏi trong 7 ngày qua mà chưa được báo).';
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
