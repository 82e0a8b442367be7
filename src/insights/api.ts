// JSON API for the staff dashboard under /admin/api/: trends, questions (filters, paging, CSV),
// misconception flags (with status and note changes) and emerging topics. Every route is behind
// staff authentication (AdminGuards from src/admin/auth); changes need the editor role and a
// CSRF token, and are written to the audit log. Registered by the dashboard section of buildApp.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AdminGuards, InsightsAdmin, QuestionFilter } from '../admin/sources.js';
import { DAY_MS, LOCAL_OFFSET_MS } from './clock.js';

const MAX_OVERVIEW_DAYS = 3 * 366;
import { FLAG_STATUSES } from './admin.js';

/** A date (YYYY-MM-DD, Vietnam time) or an ISO date-time. `end` makes a bare date cover its whole day. */
function dateParam(end: boolean) {
  return z
    .string()
    .trim()
    .refine((s) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(s) && !Number.isNaN(Date.parse(s)), { message: 'phải là ngày dạng YYYY-MM-DD' })
    .transform((s) => {
      if (s.length > 10) return new Date(s);
      const start = Date.parse(`${s}T00:00:00Z`) - LOCAL_OFFSET_MS;
      return new Date(end ? start + DAY_MS : start);
    });
}

const text = (max: number) => z.string().trim().max(max).optional().transform((s) => (s ? s : undefined));

const questionFilterSchema = z.object({
  q: text(200),
  from: dateParam(false).optional(),
  to: dateParam(true).optional(),
  topic: text(50),
  outcome: z.enum(['answered', 'misconception', 'out_of_scope', 'smalltalk']).optional().or(z.literal('').transform(() => undefined)),
  lang: z.enum(['vi', 'en']).optional().or(z.literal('').transform(() => undefined)),
});

const pagingSchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

const overviewSchema = z.object({ from: dateParam(false).optional(), to: dateParam(true).optional() });
const flagListSchema = z.object({ status: z.enum(FLAG_STATUSES as [string, ...string[]]).optional() });
const flagParamsSchema = z.object({ id: z.string().regex(/^\d{1,18}$/, 'mã cảnh báo không hợp lệ') });
const flagChangeSchema = z
  .object({
    status: z.enum(FLAG_STATUSES as ['new', 'confirmed', 'dismissed', 'resolved']).optional(),
    note: z.string().max(2000).optional(),
  })
  .refine((c) => c.status !== undefined || c.note !== undefined, { message: 'cần status hoặc note' });

function parse<T>(schema: z.ZodType<T>, value: unknown, reply: FastifyReply): T | undefined {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const msg = r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  void reply.code(400).send({ error: 'bad_request', message: msg });
  return undefined;
}

export function insightsApiRoutes(app: FastifyInstance, deps: { insights: InsightsAdmin; guards: AdminGuards }): void {
  const { insights, guards } = deps;
  // These routes sit on the root instance, outside the dashboard plugin's no-store hook, and
  // return citizens' questions: never cached by the browser or a proxy either.
  const noStore = async (_req: FastifyRequest, reply: FastifyReply) => {
    void reply.header('cache-control', 'no-store');
  };
  const viewer = { onRequest: noStore, preHandler: [guards.requireRole('viewer')] };
  const editor = { onRequest: noStore, preHandler: [guards.requireRole('editor'), guards.verifyCsrf] };

  app.get('/admin/api/trends/overview', viewer, async (req, reply) => {
    const p = parse(overviewSchema, req.query, reply);
    if (!p) return reply;
    const to = p.to ?? new Date();
    const from = p.from ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) return reply.code(400).send({ error: 'bad_request', message: 'from phải trước to' });
    // The overview builds one point per day: cap the range so one request cannot ask for millennia.
    if (to.getTime() - from.getTime() > MAX_OVERVIEW_DAYS * DAY_MS) {
      return reply.code(400).send({ error: 'bad_request', message: `Khoảng thời gian tối đa là ${MAX_OVERVIEW_DAYS} ngày` });
    }
    return insights.overview({ from, to });
  });

  app.get('/admin/api/questions', viewer, async (req, reply) => {
    const f = parse(questionFilterSchema.extend(pagingSchema.shape), req.query, reply);
    if (!f) return reply;
    return insights.listQuestions(f as QuestionFilter);
  });

  app.get('/admin/api/questions.csv', viewer, async (req, reply) => {
    const f = parse(questionFilterSchema, req.query, reply);
    if (!f) return reply;
    const csv = await insights.questionsCsv(f);
    // Same audit entry as the dashboard's own export (/admin/questions.csv).
    await guards.audit(req, 'questions.export', 'question_log', { filter: { ...f, from: f.from?.toISOString(), to: f.to?.toISOString() } });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="cau-hoi.csv"')
      .send(csv);
  });

  app.get('/admin/api/flags', viewer, async (req, reply) => {
    const p = parse(flagListSchema, req.query, reply);
    if (!p) return reply;
    return { flags: await insights.listFlags(p.status ? { status: p.status as never } : undefined) };
  });

  app.post('/admin/api/flags/:id', editor, async (req, reply) => {
    const params = parse(flagParamsSchema, req.params, reply);
    if (!params) return reply;
    const change = parse(flagChangeSchema, req.body, reply);
    if (!change) return reply;
    try {
      await insights.updateFlag(params.id, change, req.staff?.username ?? 'unknown');
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code === 404 || code === 409) return reply.code(code).send({ error: code === 404 ? 'not_found' : 'conflict', message: (err as Error).message });
      throw err;
    }
    await guards.audit(req, 'flag.update', params.id, { status: change.status, noteChanged: change.note !== undefined });
    const flags = await insights.listFlags();
    return { ok: true, flag: flags.find((f) => f.id === params.id) ?? null };
  });

  app.get('/admin/api/emerging', viewer, async () => ({ topics: await insights.listEmerging() }));
}
