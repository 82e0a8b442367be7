// First run (/admin/setup): while no staff account exists, the server prints a one-time link with a
// random token (valid one hour, kept only as a hash in this process and shown only in the server
// log) where the first admin is created in the browser. The CLI (`npm run staff`) stays for scripts.
// Once any account exists the page is gone (404), whatever token is sent.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../auth.js';
import { html } from '../html.js';
import { barePage } from '../layout.js';
import { hashPassword, passwordProblem } from '../passwords.js';
import { UsernameTakenError } from '../staff-store.js';
import type { PageDeps } from '../plugin.js';

export const SETUP_TTL_MS = 60 * 60_000;
const USERNAME = /^[a-z0-9._-]{2,64}$/;

export interface SetupLink {
  /** A fresh token (replacing any earlier one); returns the raw token, to be shown once in the log. */
  issue(now?: number): string;
  /** True when `token` is the live one and has not expired. */
  check(token: unknown, now?: number): boolean;
  /** Forget the token (after the first admin is made). */
  burn(): void;
}

export function createSetupLink(): SetupLink {
  let current: { hash: string; expires: number } | null = null;
  const digest = (t: string) => crypto.createHash('sha256').update(t).digest('hex');
  return {
    issue(now = Date.now()) {
      const token = crypto.randomBytes(24).toString('base64url');
      current = { hash: digest(token), expires: now + SETUP_TTL_MS };
      return token;
    },
    check(token, now = Date.now()) {
      if (!current || typeof token !== 'string' || token.length > 100 || now > current.expires) return false;
      return safeEqual(digest(token), current.hash);
    },
    burn() {
      current = null;
    },
  };
}

async function noStaffYet(deps: PageDeps): Promise<boolean> {
  return (await deps.auth.store.listUsers()).length === 0;
}

async function renderSetup(req: FastifyRequest, reply: FastifyReply, deps: PageDeps, token: string, opts: { error?: string; username?: string; status?: number } = {}) {
  const csrf = await deps.auth.loginToken(req, reply);
  const body = html`<section class="login-box">
  <h1>Tạo tài khoản quản trị đầu tiên</h1>
  <p class="muted">Chưa có tài khoản cán bộ nào. Tài khoản tạo ở đây có quyền Quản trị: sau đó có thể thêm tài khoản cho đồng nghiệp. Đường dẫn này chỉ dùng được một lần, trong một giờ.</p>
  ${opts.error ? html`<p class="flash flash-error" role="alert">${opts.error}</p>` : ''}
  <form method="post" action="/admin/setup" class="stack">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="token" value="${token}">
    <label for="username">Tên đăng nhập</label>
    <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" pattern="[a-z0-9._\\-]{2,64}" value="${opts.username ?? ''}" aria-describedby="username-hint">
    <p id="username-hint" class="muted small">Chữ thường không dấu, số, dấu chấm, gạch ngang; ví dụ: chuyenvien.</p>
    <label for="password">Mật khẩu (ít nhất 10 ký tự)</label>
    <input id="password" name="password" type="password" autocomplete="new-password" required minlength="10" maxlength="200">
    <label for="password2">Nhập lại mật khẩu</label>
    <input id="password2" name="password2" type="password" autocomplete="new-password" required minlength="10" maxlength="200">
    <button type="submit" class="primary">Tạo tài khoản và đăng nhập</button>
  </form>
</section>`;
  return reply.code(opts.status ?? 200).type('text/html; charset=utf-8').send(barePage('Thiết lập lần đầu', body));
}

const gone = (reply: FastifyReply) =>
  reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(barePage('Không tìm thấy', html`<p class="flash flash-error" role="alert">Đường dẫn thiết lập không còn dùng được (đã có tài khoản, đã dùng hoặc đã quá một giờ). Hãy khởi động lại máy chủ để nhận đường dẫn mới, hoặc dùng lệnh <code>npm run staff -- add</code>.</p><p><a href="/admin/login">Đăng nhập</a></p>`));

/**
 * On the root instance: once the server listens (so the link carries the real address), and only when
 * no account exists, a fresh token is issued and the link written to the server log, nowhere else.
 */
export function announceSetup(app: FastifyInstance, deps: PageDeps & { setup: SetupLink }): void {
  app.addHook('onListen', async function () {
    try {
      if (!(await noStaffYet(deps))) return;
    } catch (err) {
      app.log.error({ err }, 'could not check for staff accounts; no setup link');
      return;
    }
    const token = deps.setup.issue();
    const addr = app.server.address();
    const origin = addr && typeof addr === 'object' ? `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : '';
    app.log.warn(
      { setup: true },
      `Chưa có tài khoản cán bộ nào. Mở đường dẫn này (dùng một lần, trong 1 giờ) để tạo tài khoản quản trị đầu tiên: ${origin}/admin/setup?token=${token}`,
    );
  });
}

export function setupRoutes(admin: FastifyInstance, deps: PageDeps & { setup: SetupLink }): void {
  const { auth, setup } = deps;

  admin.get<{ Querystring: { token?: string } }>('/setup', async (req, reply) => {
    if (!setup.check(req.query.token) || !(await noStaffYet(deps))) return gone(reply);
    return renderSetup(req, reply, deps, req.query.token!);
  });

  admin.post<{ Body: Record<string, unknown> }>('/setup', { config: { rateLimit: { max: 20, timeWindow: 60_000 } } }, async (req, reply) => {
    const body = req.body ?? {};
    const token = typeof body.token === 'string' ? body.token : '';
    if (!setup.check(token) || !(await noStaffYet(deps))) return gone(reply);
    const username = typeof body.username === 'string' ? body.username.trim().toLowerCase().slice(0, 64) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
    const again = typeof body.password2 === 'string' ? body.password2.slice(0, 200) : '';
    if (!(await auth.checkLoginToken(req))) return renderSetup(req, reply, deps, token, { error: 'Phiên đã hết hạn. Hãy nhập lại.', username, status: 403 });
    if (!USERNAME.test(username)) return renderSetup(req, reply, deps, token, { error: 'Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm hoặc gạch ngang (2–64 ký tự).', username, status: 400 });
    const problem = passwordProblem(password);
    if (problem) return renderSetup(req, reply, deps, token, { error: problem, username, status: 400 });
    if (password !== again) return renderSetup(req, reply, deps, token, { error: 'Hai lần nhập mật khẩu không khớp.', username, status: 400 });
    // Burnt before the first await of the insert: two racing submissions cannot both make an admin.
    if (!setup.check(token)) return gone(reply);
    setup.burn();
    let user;
    try {
      user = await auth.store.createUser(username, await hashPassword(password), 'admin');
    } catch (err) {
      if (err instanceof UsernameTakenError) return gone(reply);
      throw err;
    }
    await auth.startSession(req, reply, user.id);
    req.staff = { id: user.id, username: user.username, role: user.role };
    await auth.audit(req, 'staff.setup', user.username, { role: 'admin' });
    return reply.redirect('/admin?ok=setup-done', 303);
  });
}
