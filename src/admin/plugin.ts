// The staff dashboard as one encapsulated Fastify plugin under /admin. Cookies, form and
// multipart parsing, helmet's CSP and the login rate limit are registered here only, so the
// Zalo webhook (its own raw-body parser, no cookies) is untouched by any of them.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import type { AnswerPipeline } from '../answer/types.js';
import type { PeopleLoop } from '../loop/people-loop.js';
import type { Config } from '../config.js';
import { ADMIN_PREFIX, isUnsafeMethod, type StaffAuth } from './auth.js';
import { html } from './html.js';
import { barePage, page } from './layout.js';
import { auditRoutes } from './pages/audit.js';
import { deliveryRoutes } from './pages/delivery.js';
import { editorRoutes } from './pages/editor.js';
import { emergingRoutes } from './pages/emerging.js';
import { flagRoutes } from './pages/flags.js';
import { knowledgeRoutes } from './pages/knowledge.js';
import { loginRoutes } from './pages/login.js';
import { overviewRoutes } from './pages/overview.js';
import { peopleRoutes } from './pages/people.js';
import { questionRoutes } from './pages/questions.js';
import { reportRoutes } from './pages/report.js';
import { tryRoutes } from './pages/try.js';
import { announceSetup, createSetupLink, setupRoutes, type SetupLink } from './pages/setup.js';
import type { ChannelStatus, DeliveryAdmin, InsightsAdmin, KnowledgeAdmin } from './sources.js';
import { staticRoutes } from './static-assets.js';

export interface DashboardDeps {
  config: Config;
  auth: StaffAuth;
  insights?: InsightsAdmin;
  knowledge?: KnowledgeAdmin;
  delivery?: DeliveryAdmin;
  pipeline?: AnswerPipeline;
  /** People in the loop: staff replies, takeovers, reactions, data-subject requests (src/loop). */
  loop?: PeopleLoop;
  /** The channel's breaker/alert state, shown as a banner when not 'ok' (wired in buildApp once the channel exposes it). */
  channelStatus?: () => Promise<ChannelStatus | null>;
  /** More routes inside the /admin context (the insights JSON API), registered with the same cookies and headers. */
  extraRoutes?: (admin: FastifyInstance) => void | Promise<void>;
  /** Login attempts per minute per client address (default 20). */
  loginPerMinute?: number;
  /** Largest upload in bytes (default 15 MiB). */
  uploadBytes?: number;
}

export type PageDeps = DashboardDeps;

/** Register the dashboard on `app` under /admin. */
export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const full = { ...deps, setup: createSetupLink() };
  announceSetup(app, full);
  // The bare domain leads to the dashboard, and browsers asking for /favicon.ico get the icon.
  app.get('/', async (_req, reply) => reply.redirect(ADMIN_PREFIX, 302));
  app.get('/favicon.ico', async (_req, reply) => reply.redirect(`${ADMIN_PREFIX}/static/favicon.svg`, 301));
  await app.register(async (admin) => dashboardPlugin(admin, full), { prefix: ADMIN_PREFIX });
}

async function dashboardPlugin(admin: FastifyInstance, deps: DashboardDeps & { setup: SetupLink }): Promise<void> {
  await admin.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Only behind HTTPS: on plain http (local use, the acceptance run) it would break every asset.
        ...(deps.config.COOKIE_SECURE === 'true' ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'same-origin' },
  });
  await admin.register(cookie);
  await admin.register(formbody, { bodyLimit: 64 * 1024 });
  await admin.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: deps.uploadBytes ?? 15 * 1024 * 1024, files: 1, fields: 10, fieldSize: 64 * 1024 },
  });
  await admin.register(rateLimit, { global: false });

  // Uploads are for editors: check the session before a multipart body (up to the upload limit)
  // is read at all, so a stranger cannot make the server parse megabytes.
  admin.addHook('onRequest', async (req, reply) => {
    if (!isUnsafeMethod(req.method) || !String(req.headers['content-type'] ?? '').startsWith('multipart/')) return;
    return deps.auth.requireRole('editor').call(admin, req, reply, () => {});
  });

  // Pages are personal data: never cached by the browser or a proxy.
  admin.addHook('onSend', async (req, reply) => {
    if (!req.url.startsWith(`${ADMIN_PREFIX}/static/`)) reply.header('cache-control', 'no-store');
  });

  // Defence in depth: every state-changing request in this context needs the session's CSRF
  // token, whether or not its route remembered to ask (the login form has its own token).
  admin.addHook('preHandler', async (req, reply) => {
    // The login and first-run forms carry their own pre-session token (there is no session yet).
    if (!isUnsafeMethod(req.method) || req.routeOptions.url === `${ADMIN_PREFIX}/login` || req.routeOptions.url === `${ADMIN_PREFIX}/setup`) return;
    return deps.auth.verifyCsrf.call(admin, req, reply, () => {});
  });

  // The channel's status for the banner, read once per page view (pages only, not assets or the API).
  if (deps.channelStatus) {
    const read = deps.channelStatus;
    admin.addHook('preHandler', async (req) => {
      if (req.method !== 'GET' || req.url.startsWith(`${ADMIN_PREFIX}/static/`) || req.url.startsWith(`${ADMIN_PREFIX}/api`)) return;
      try {
        req.channelStatus = await read();
      } catch (err) {
        req.log.warn({ err }, 'channel status unavailable');
      }
    });
  }

  admin.setErrorHandler((err: FastifyError, req, reply) => {
    // zod errors come from parsing a form or query a person (or a forged request) sent: a 400.
    const status = err instanceof ZodError ? 400 : err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'dashboard error');
    const message =
      status === 413
        ? 'Tệp quá lớn.'
        : status === 429
          ? 'Thử quá nhiều lần. Hãy đợi một phút rồi thử lại.'
          : status === 404 || status === 409
            ? err.message // our data sources' not-found / conflict errors carry a Vietnamese message for staff
            : status < 500
              ? 'Yêu cầu không hợp lệ.'
              : 'Đã có lỗi. Hãy thử lại sau.';
    if (req.url.startsWith(`${ADMIN_PREFIX}/api`)) return reply.code(status).send({ error: status < 500 ? err.code ?? 'bad_request' : 'internal', message });
    const body = html`<p class="flash flash-error" role="alert">${message}</p><p><a href="/admin">Về trang tổng quan</a></p>`;
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(req.staff ? page(req, { title: 'Có lỗi', body }) : barePage('Có lỗi', body));
  });

  staticRoutes(admin);
  loginRoutes(admin, deps);
  setupRoutes(admin, deps);
  overviewRoutes(admin, deps);
  questionRoutes(admin, deps);
  flagRoutes(admin, deps);
  emergingRoutes(admin, deps);
  editorRoutes(admin, deps);
  knowledgeRoutes(admin, deps);
  tryRoutes(admin, deps);
  reportRoutes(admin, deps);
  deliveryRoutes(admin, deps);
  peopleRoutes(admin, deps);
  auditRoutes(admin, deps);
  if (deps.extraRoutes) await deps.extraRoutes(admin);
}
