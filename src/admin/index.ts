// The dashboard's public face for buildApp: create the guards (auth) and register the pages.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Queryable } from '../db/types.js';
import { createStaffAuth, type StaffAuth } from './auth.js';
import { html } from './html.js';
import { barePage, page } from './layout.js';

export { registerDashboard, type DashboardDeps } from './plugin.js';
export type { StaffAuth } from './auth.js';

function forbiddenPage(req: FastifyRequest, message: string): string {
  const body = html`<p class="flash flash-error" role="alert">${message}</p><p><a href="/admin">Về trang tổng quan</a></p>`;
  return req.staff ? page(req, { title: 'Không có quyền', body }) : barePage('Không có quyền', body);
}

/** The AdminGuards (and session handling) for /admin, backed by the staff tables. */
export function createAdminGuards(deps: { db: Queryable; config: Config }): StaffAuth {
  return createStaffAuth({ db: deps.db, config: deps.config, renderForbidden: forbiddenPage });
}
