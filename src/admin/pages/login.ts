// /admin/login and /admin/logout. One generic message for every failed login (unknown user,
// wrong password, locked or disabled account), so the form reveals nothing about accounts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../html.js';
import { barePage } from '../layout.js';
import { dummyPasswordHash, verifyPassword } from '../passwords.js';
import type { StaffAuth } from '../auth.js';
import type { StaffUser } from '../staff-store.js';
import type { PageDeps } from '../plugin.js';
import type { Config } from '../../config.js';

const GENERIC_FAILURE = 'Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị tạm khóa. Hãy thử lại sau ít phút.';

/** Only local dashboard paths are followed after login (no open redirect). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/admin') || next.startsWith('/admin/login') || /[\\\r\n]/.test(next)) return '/admin';
  return next;
}

export type LoginResult = { ok: true; user: StaffUser } | { ok: false; reason: 'unknown' | 'disabled' | 'locked' | 'password' };

/**
 * Checks a username and password against the store, counting failures and locking the
 * account after `LOGIN_MAX_FAILURES`. The password is always run through scrypt, even for
 * unknown or locked accounts, so response time does not tell them apart.
 */
export async function authenticate(
  auth: StaffAuth,
  config: Pick<Config, 'LOGIN_MAX_FAILURES' | 'LOGIN_LOCKOUT_MINUTES'>,
  username: string,
  password: string,
  /** The client address: the lock-out counts per (account, address) (issue 16). */
  ip?: string,
): Promise<LoginResult> {
  const user = username ? await auth.store.findUser(username) : null;
  const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user) return { ok: false, reason: 'unknown' };
  if (user.disabled) return { ok: false, reason: 'disabled' };
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) return { ok: false, reason: 'locked' };
  if (await auth.lockout.isLocked(user.id, ip)) return { ok: false, reason: 'locked' };
  if (!matches) {
    await auth.lockout.recordFailure(user.id, ip);
    return { ok: false, reason: 'password' };
  }
  await auth.lockout.recordSuccess(user.id, ip);
  await auth.store.recordSuccessfulLogin(user.id);
  return { ok: true, user };
}

async function renderLogin(req: FastifyRequest, reply: FastifyReply, auth: StaffAuth, opts: { error?: string; username?: string; next?: string; status?: number }) {
  const token = await auth.loginToken(req, reply);
  const body = html`<section class="login-box">
  <h1>Đăng nhập</h1>
  <p class="muted">Trang quản trị Trợ lý Zalo xã Châu Tiến, dành cho cán bộ.</p>
  ${opts.error ? html`<p class="flash flash-error" role="alert">${opts.error}</p>` : ''}
  <form method="post" action="/admin/login" class="stack">
    <input type="hidden" name="_csrf" value="${token}">
    <input type="hidden" name="next" value="${safeNext(opts.next)}">
    <label for="username">Tên đăng nhập</label>
    <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="${opts.username ?? ''}">
    <label for="password">Mật khẩu</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
    <button type="submit" class="primary">Đăng nhập</button>
  </form>
</section>`;
  return reply.code(opts.status ?? 200).type('text/html; charset=utf-8').send(barePage('Đăng nhập', body));
}

export function loginRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth } = deps;

  admin.get<{ Querystring: { next?: string } }>('/login', async (req, reply) => {
    if (await auth.session(req)) return reply.redirect(safeNext(req.query.next), 303);
    return renderLogin(req, reply, auth, { next: req.query.next });
  });

  admin.post<{ Body: Record<string, unknown> }>(
    '/login',
    { config: { rateLimit: { max: deps.loginPerMinute ?? 20, timeWindow: 60_000 } } },
    async (req, reply) => {
      const body = req.body ?? {};
      const username = typeof body.username === 'string' ? body.username.trim().toLowerCase().slice(0, 64) : '';
      const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
      const next = typeof body.next === 'string' ? body.next : undefined;
      if (!(await auth.checkLoginToken(req))) {
        return renderLogin(req, reply, auth, { error: 'Phiên đăng nhập đã hết hạn. Hãy nhập lại.', username, next, status: 403 });
      }
      const result = await authenticate(auth, deps.config, username, password, req.ip);
      if (!result.ok) {
        // Log the account id only for known accounts; the typed username may be a mistyped password.
        if (result.reason !== 'unknown') req.log.warn({ reason: result.reason }, 'staff login refused');
        return renderLogin(req, reply, auth, { error: GENERIC_FAILURE, username, next, status: 401 });
      }
      await auth.startSession(req, reply, result.user.id);
      req.staff = { id: result.user.id, username: result.user.username, role: result.user.role };
      await auth.audit(req, 'login', result.user.username);
      return reply.redirect(safeNext(next), 303);
    },
  );

  admin.post('/logout', async (req, reply) => {
    const s = await auth.session(req);
    if (s) {
      req.staff = { id: s.staffId, username: s.username, role: s.role };
      await auth.audit(req, 'logout', s.username);
    }
    await auth.endSession(req, reply);
    return reply.redirect('/admin/login', 303);
  });
}
