// Staff authentication for /admin: sessions in the database behind an HttpOnly cookie, a
// CSRF token per session, roles checked on the server, and an audit log. Implements the
// AdminGuards contract (sources.ts) that other modules' routes under /admin use too.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Config } from '../config.js';
import type { Queryable } from '../db/types.js';
import type { AdminGuards, StaffRole } from './sources.js';
import { createLoginLockout, type LoginLockout } from './login-lockout.js';
import { staffStore, type SessionWithStaff, type StaffStore } from './staff-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The CSRF token of the staff session, for forms rendered in this request. */
    staffCsrfToken?: string;
  }
}

export const SESSION_COOKIE = 'ct_staff';
/** Pre-session cookie that protects the login form itself against login CSRF. */
export const LOGIN_COOKIE = 'ct_login';
export const COOKIE_PATH = '/admin';
export const ADMIN_PREFIX = '/admin';

const ROLE_RANK: Record<StaffRole, number> = { viewer: 1, editor: 2, admin: 3 };
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** last_seen_at is written at most this often per session (it is informational). */
const TOUCH_EVERY_MS = 60_000;

export const hasRole = (have: StaffRole, need: StaffRole): boolean => ROLE_RANK[have] >= ROLE_RANK[need];
export const isUnsafeMethod = (method: string): boolean => UNSAFE_METHODS.has(method.toUpperCase());

const sha256hex = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const randomToken = () => crypto.randomBytes(32).toString('base64url');

/** Constant-time string comparison (false on any length difference). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

/** Minimal Cookie header parser, so the guards work in any Fastify context (cookie plugin or not). */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[name] = part.slice(i + 1).trim();
    }
  }
  return out;
}

function cookieValue(req: FastifyRequest, name: string): string | undefined {
  const parsed = (req as { cookies?: Record<string, string | undefined> }).cookies;
  return parsed?.[name] ?? parseCookieHeader(req.headers.cookie)[name];
}

/** The CSRF token a request carries: header x-csrf-token, or form field _csrf (urlencoded, JSON or multipart). */
export function csrfTokenFromRequest(req: FastifyRequest): string | undefined {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string' && header) return header;
  const body = req.body as Record<string, unknown> | null | undefined;
  const field = body && typeof body === 'object' ? body._csrf : undefined;
  if (typeof field === 'string') return field;
  // @fastify/multipart with attachFieldsToBody gives { value } objects.
  if (field && typeof field === 'object' && 'value' in field && typeof (field as { value: unknown }).value === 'string') return (field as { value: string }).value;
  return undefined;
}

function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith(`${ADMIN_PREFIX}/api/`) || req.url === `${ADMIN_PREFIX}/api` || (req.headers.accept ?? '').startsWith('application/json');
}

export interface AuthOptions {
  db: Queryable;
  config: Pick<Config, 'SESSION_SECRET' | 'COOKIE_SECURE' | 'LOGIN_MAX_FAILURES' | 'LOGIN_LOCKOUT_MINUTES' | 'SESSION_TTL_HOURS'>;
  /** Renders the page shown for 403 (HTML requests). */
  renderForbidden?: (req: FastifyRequest, message: string) => string;
}

export interface StaffAuth extends AdminGuards {
  store: StaffStore;
  /** Login lock-out per (account, client address), account-wide lock, admin unlock. */
  lockout: LoginLockout;
  /** The live session of a request (cached per request), or null. */
  session(req: FastifyRequest): Promise<SessionWithStaff | null>;
  /** Start a session for a verified staff member: sets the cookie. */
  startSession(req: FastifyRequest, reply: FastifyReply, staffId: string): Promise<void>;
  endSession(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** A login-form token bound to the pre-session cookie (set here when missing). */
  loginToken(req: FastifyRequest, reply: FastifyReply): Promise<string>;
  checkLoginToken(req: FastifyRequest): Promise<boolean>;
  cookieSecure(req: FastifyRequest): boolean;
}

export function createStaffAuth(opts: AuthOptions): StaffAuth {
  const { db, config } = opts;
  const store = staffStore(db);
  const lockout = createLoginLockout(db, config);
  const cache = new WeakMap<FastifyRequest, Promise<SessionWithStaff | null>>();

  // The key behind login-form tokens: SESSION_SECRET, or one generated once and kept in the database.
  let keyPromise: Promise<Buffer> | undefined;
  const sessionKey = (): Promise<Buffer> => {
    keyPromise ??= (async () => {
      if (config.SESSION_SECRET) return Buffer.from(config.SESSION_SECRET);
      await db.query(`INSERT INTO app_setting (key, value) VALUES ('staff_session_key', $1) ON CONFLICT (key) DO NOTHING`, [
        crypto.randomBytes(32).toString('base64'),
      ]);
      const r = await db.query<{ value: string }>(`SELECT value FROM app_setting WHERE key = 'staff_session_key'`);
      return Buffer.from(r.rows[0]!.value, 'base64');
    })();
    keyPromise.catch(() => (keyPromise = undefined));
    return keyPromise;
  };
  const loginTokenFor = async (cookie: string) => crypto.createHmac('sha256', await sessionKey()).update('login:' + cookie).digest('base64url');

  const cookieSecure = (req: FastifyRequest) => config.COOKIE_SECURE === 'true' || (config.COOKIE_SECURE === 'auto' && req.protocol === 'https');
  const cookieOptions = (req: FastifyRequest, maxAgeSeconds?: number) => ({
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: cookieSecure(req),
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  });

  function session(req: FastifyRequest): Promise<SessionWithStaff | null> {
    let p = cache.get(req);
    if (!p) {
      p = (async () => {
        const raw = cookieValue(req, SESSION_COOKIE);
        if (!raw || raw.length > 200) return null;
        const idHash = sha256hex(raw);
        const s = await store.findSession(idHash);
        if (s && Date.now() - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) await store.touchSession(idHash);
        return s;
      })();
      cache.set(req, p);
    }
    return p;
  }

  function forbidden(req: FastifyRequest, reply: FastifyReply, message: string) {
    if (wantsJson(req) || !opts.renderForbidden) return reply.code(403).send({ error: 'forbidden', message });
    return reply.code(403).type('text/html; charset=utf-8').send(opts.renderForbidden(req, message));
  }

  const requireRole = (role: StaffRole): preHandlerHookHandler =>
    async function requireStaffRole(req, reply) {
      const s = await session(req);
      if (!s) {
        if (wantsJson(req)) return reply.code(401).send({ error: 'unauthorized', message: 'Cần đăng nhập.' });
        const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
        return reply.redirect(`${ADMIN_PREFIX}/login${next}`, 303);
      }
      req.staff = { id: s.staffId, username: s.username, role: s.role };
      req.staffCsrfToken = s.csrfToken;
      if (!hasRole(s.role, role)) return forbidden(req, reply, 'Tài khoản của bạn không có quyền thực hiện việc này.');
    };

  // Fastify awaits async hooks; the contract types it as the (void) preHandler hook handler.
  const verifyCsrf = async function verifyStaffCsrf(req: FastifyRequest, reply: FastifyReply) {
    if (!isUnsafeMethod(req.method)) return;
    const s = await session(req);
    const sent = csrfTokenFromRequest(req);
    if (!s || !sent || !safeEqual(sent, s.csrfToken)) {
      return forbidden(req, reply, 'Yêu cầu bị từ chối: thiếu hoặc sai mã bảo vệ (CSRF). Hãy tải lại trang rồi thử lại.');
    }
  };

  return {
    store,
    lockout,
    session,
    requireRole,
    verifyCsrf: verifyCsrf as preHandlerHookHandler,
    cookieSecure,

    async audit(req, action, target, detail = {}) {
      const s = req.staff ?? (await session(req).then((x) => (x ? { id: x.staffId, username: x.username } : null)));
      await store.addAudit(s?.id ?? null, s?.username ?? '(không rõ)', action, target, detail);
    },

    async startSession(req, reply, staffId) {
      const raw = randomToken();
      const ttlMinutes = config.SESSION_TTL_HOURS * 60;
      await store.deleteExpiredSessions();
      await store.createSession(sha256hex(raw), staffId, randomToken(), ttlMinutes);
      reply.setCookie(SESSION_COOKIE, raw, cookieOptions(req, ttlMinutes * 60));
      reply.clearCookie(LOGIN_COOKIE, cookieOptions(req));
      cache.delete(req);
    },

    async endSession(req, reply) {
      const raw = cookieValue(req, SESSION_COOKIE);
      if (raw) await store.deleteSession(sha256hex(raw));
      reply.clearCookie(SESSION_COOKIE, cookieOptions(req));
      cache.delete(req);
    },

    async loginToken(req, reply) {
      let pre = cookieValue(req, LOGIN_COOKIE);
      if (!pre || !/^[\w-]{20,100}$/.test(pre)) {
        pre = randomToken();
        reply.setCookie(LOGIN_COOKIE, pre, cookieOptions(req, 2 * 60 * 60));
      }
      return loginTokenFor(pre);
    },

    async checkLoginToken(req) {
      const pre = cookieValue(req, LOGIN_COOKIE);
      const sent = csrfTokenFromRequest(req);
      if (!pre || !sent) return false;
      return safeEqual(sent, await loginTokenFor(pre));
    },
  };
}

/**
 * The dashboard's security headers for the JSON/CSV API under /admin/api/*, which sits on the root
 * instance (outside the dashboard plugin and its helmet): these responses hold citizens' questions.
 * An API answer is never a page, so its CSP forbids everything; it is never framed, sniffed, cached
 * or sent on as a referrer. HSTS only where the request itself is HTTPS (as helmet would on /admin).
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-permitted-cross-domain-policies': 'none',
  'cache-control': 'no-store',
};

export function apiSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    if (!req.url.startsWith(`${ADMIN_PREFIX}/api/`) && req.url !== `${ADMIN_PREFIX}/api`) return;
    for (const [k, v] of Object.entries(API_SECURITY_HEADERS)) if (!reply.hasHeader(k) || k === 'cache-control') reply.header(k, v);
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=15552000; includeSubDomains');
  });
}
