// The page frame shared by every dashboard page: head with CSP-friendly assets (one CSS file,
// scripts from /admin/static only), a responsive navigation bar, and the logout form.
import type { FastifyRequest } from 'fastify';
import { html, type SafeHtml } from './html.js';
import type { ChannelStatus, StaffRole } from './sources.js';
import { formatDateTime } from './html.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the dashboard's hook when the channel reports its status. */
    channelStatus?: ChannelStatus | null;
  }
}
import { hasRole } from './auth.js';

export const NAV: Array<{ href: string; label: string; key: string; role: StaffRole }> = [
  { key: 'overview', href: '/admin', label: 'Tổng quan', role: 'viewer' },
  { key: 'questions', href: '/admin/questions', label: 'Câu hỏi', role: 'viewer' },
  { key: 'flags', href: '/admin/flags', label: 'Thông tin sai lệch', role: 'viewer' },
  { key: 'emerging', href: '/admin/emerging', label: 'Chủ đề mới nổi', role: 'viewer' },
  { key: 'knowledge', href: '/admin/knowledge', label: 'Tri thức', role: 'viewer' },
  { key: 'try', href: '/admin/try', label: 'Thử trợ lý', role: 'viewer' },
  { key: 'report', href: '/admin/report', label: 'Báo cáo tuần', role: 'viewer' },
  { key: 'delivery', href: '/admin/delivery', label: 'Tin chưa gửi được', role: 'viewer' },
  { key: 'delivery', href: '/admin/delivery', label: 'Gửi lỗi', role: 'viewer' },
  { key: 'conversations', href: '/admin/conversations', label: 'Cán bộ đang trả lời', role: 'viewer' },
  { key: 'feedback', href: '/admin/feedback', label: 'Phản hồi', role: 'viewer' },
  { key: 'privacy', href: '/admin/privacy', label: 'Dữ liệu cá nhân', role: 'admin' },
  { key: 'audit', href: '/admin/audit', label: 'Nhật ký', role: 'admin' },
];

export const ROLE_LABEL: Record<StaffRole, string> = { viewer: 'Xem', editor: 'Biên tập', admin: 'Quản trị' };

export interface PageOptions {
  title: string;
  active?: string;
  body: SafeHtml;
  /** Extra scripts under /admin/static (file names). */
  scripts?: string[];
  /** A notice shown at the top (already decided by the route: success or error). */
  flash?: { kind: 'ok' | 'error'; text: string } | null;
  /** A banner above the title (the channel's status), already rendered. */
  banner?: SafeHtml | null;
}

function head(title: string, scripts: string[], csrf?: string): SafeHtml {
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${csrf ? html`<meta name="csrf-token" content="${csrf}">` : ''}
<title>${title} · Trợ lý Châu Tiến</title>
<link rel="icon" href="/admin/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/admin/static/admin.css">
<script src="/admin/static/admin.js" defer></script>
${scripts.map((s) => html`<script src="/admin/static/${s}" defer></script>`)}
</head>`;
}

/** A full page for a signed-in staff member. */
export function page(req: FastifyRequest, opts: PageOptions): string {
  const staff = req.staff;
  const links = NAV.filter((n) => staff && hasRole(staff.role, n.role));
  return html`${head(opts.title, opts.scripts ?? [], req.staffCsrfToken)}
<body>
<a class="skip" href="#main">Bỏ qua thanh điều hướng</a>
<header class="topbar">
  <a class="brand" href="/admin">Trợ lý Châu Tiến</a>
  <button type="button" class="nav-toggle" aria-controls="nav" aria-expanded="false">Menu</button>
  <nav id="nav" aria-label="Điều hướng chính">
    <ul>
      ${links.map((n) => html`<li><a href="${n.href}"${opts.active === n.key ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}
    </ul>
    ${staff
      ? html`<form method="post" action="/admin/logout" class="logout">
      <input type="hidden" name="_csrf" value="${req.staffCsrfToken}">
      <span class="who">${staff.username} (${ROLE_LABEL[staff.role]})</span>
      <button type="submit">Đăng xuất</button>
    </form>`
      : ''}
  </nav>
</header>
<main id="main">
${opts.banner ?? channelBanner(req.channelStatus)}
<h1>${opts.title}</h1>
${opts.flash ? html`<p class="flash flash-${opts.flash.kind}" role="${opts.flash.kind === 'error' ? 'alert' : 'status'}">${opts.flash.text}</p>` : ''}
${opts.body}
</main>
</body>
</html>`.value;
}

/** The channel banner: nothing while Zalo works; otherwise what is wrong and since when. */
export function channelBanner(s: ChannelStatus | null | undefined): SafeHtml | '' {
  if (!s || s.state === 'ok') return '';
  const text = s.message || (s.state === 'down' ? 'Tạm thời không gửi được tin trả lời qua Zalo; trợ lý sẽ tự gửi lại khi Zalo hoạt động trở lại.' : 'Gửi tin qua Zalo đang chậm hoặc lỗi một phần.');
  return html`<p class="banner" role="alert"><strong>Kênh Zalo:</strong> ${text}${s.since ? html` (từ ${formatDateTime(s.since)})` : ''} <a href="/admin/delivery">Xem tin chưa gửi được</a></p>`;
}

/** A page without navigation (login, errors for strangers). */
export function barePage(title: string, body: SafeHtml): string {
  return html`${head(title, [])}
<body class="bare">
<main id="main" class="narrow">
${body}
</main>
</body>
</html>`.value;
}

/** The hidden CSRF field every state-changing form carries. */
export function csrfField(req: FastifyRequest): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${req.staffCsrfToken ?? ''}">`;
}
