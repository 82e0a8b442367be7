// InsightsAdmin (src/admin/sources.ts): what the staff dashboard and its JSON API read and change
// in the insights data. Questions are searched by their folded text, so "hoang sa" finds "Hoàng Sa".
import type { EmergingQuery, EmergingState, EmergingTopic, FlagDetail, FlagStatus, FlagView, InsightsAdmin, QuestionFilter, QuestionRow } from '../admin/sources.js';
import type { Db } from '../db/types.js';
import { errorCode, PG_ERROR } from '../db/types.js';
import { foldNormalized } from '../text/normalize.js';
import { questionsCsvText } from '../admin/export.js';
import { addDays, DAY_MS, localDay, SQL_LOCAL_DAY, type Clock } from './clock.js';
import { centralMember, groupQuestions, loadEmergingQuestions, topicsFrom, type EmergingQuestion } from './emerging.js';
import { countRows, overview } from './trends.js';
import { buildReport, formatReportVi } from './report.js';

export class FlagNotFoundError extends Error {
  readonly statusCode = 404;
  constructor(id: string) {
    super(`Không tìm thấy cảnh báo ${id}.`);
  }
}

export class FlagConflictError extends Error {
  readonly statusCode = 409;
  constructor() {
    super('Thông tin sai này đã có một cảnh báo đang mở; hãy xử lý cảnh báo đó.');
  }
}

export const FLAG_STATUSES: readonly FlagStatus[] = ['new', 'confirmed', 'dismissed', 'resolved'];
const CSV_MAX_ROWS = 100_000;
/** A text search counts at most this many matches (the dashboard shows "10.000+"). */
export const SEARCH_COUNT_CAP = 10_000;
/** The period emerging topics cover by default, in the dashboard and in `npm run report` alike. */
export const EMERGING_DAYS = 7;

export interface InsightsAdminDeps {
  db: Db;
  clock: Clock;
  lowConfidence: number;
}

interface LogRow {
  id: string;
  asked_at: Date;
  channel: string;
  lang: string;
  outcome: string;
  topic: string | null;
  question_text: string | null;
  answer_text: string | null;
  misconception_id: string | null;
  confidence: number;
  sources: Array<{ id: string; title: string }>;
}

/** WHERE clause and parameters for a question filter (parameters start at $1). */
export function questionWhere(f: Omit<QuestionFilter, 'page' | 'pageSize'>): { sql: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    conds.push(sql.replace('?', `$${params.length}`));
  };
  const needle = f.q ? foldNormalized(f.q) : '';
  if (needle) add(`question_folded LIKE ? ESCAPE '\\'`, `%${needle.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
  if (f.id && /^\d{1,18}$/.test(f.id)) add('id = ?', f.id);
  if (f.misconceptionId) add('misconception_id = ?', f.misconceptionId);
  if (f.from) add('asked_at >= ?', f.from);
  if (f.to) add('asked_at < ?', f.to);
  if (f.topic) add('topic = ?', f.topic);
  if (f.outcome) add('outcome = ?', f.outcome);
  if (f.lang) add('lang = ?', f.lang);
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

function toQuestionRow(r: LogRow): QuestionRow {
  return {
    id: r.id,
    askedAt: r.asked_at,
    channel: r.channel,
    lang: r.lang,
    outcome: r.outcome,
    topic: r.topic,
    question: r.question_text,
    answer: r.answer_text,
    misconceptionId: r.misconception_id,
    confidence: Number(r.confidence),
    sources: r.sources ?? [],
  };
}

const SELECT_ROW = `SELECT id, asked_at, channel, lang, outcome, topic, question_text, answer_text, misconception_id, confidence, sources FROM question_log`;

export { csvCell } from '../admin/export.js';

export function createInsightsAdmin(deps: InsightsAdminDeps): InsightsAdmin & {
  flag(id: string): Promise<FlagView | null>;
  listQuestions(filter: QuestionFilter): Promise<{ rows: QuestionRow[]; total: number; totalCapped: boolean }>;
} {
  const { db, clock } = deps;

  async function listFlags(opts: { status?: FlagStatus; ids?: string[] } = {}): Promise<FlagView[]> {
    const now = clock.now();
    const params: unknown[] = [];
    let where = '';
    if (opts.status) {
      params.push(opts.status);
      where = `WHERE status = $1`;
    } else if (opts.ids) {
      params.push(opts.ids);
      where = `WHERE id = ANY($1::bigint[])`;
    }
    const flags = await db.query<{
      id: string; misconception_id: string; claim: string; status: FlagStatus; raised_at: Date; note: string | null; examples: string[];
      status_changed_by: string | null; status_changed_at: Date | null;
    }>(
      `SELECT id, misconception_id, claim, status, raised_at, note, examples, status_changed_by, status_changed_at FROM misconception_flag ${where}
        ORDER BY (status IN ('new', 'confirmed')) DESC, raised_at DESC, id DESC LIMIT 200`,
      params,
    );
    if (flags.rows.length === 0) return [];
    const ids = [...new Set(flags.rows.map((f) => f.misconception_id))];
    const firstDay = addDays(localDay(now), -29);
    const counts = await db.query<{ misconception_id: string; u24: string; u7: string; prev7: string }>(
      `SELECT misconception_id,
              count(DISTINCT user_pseudonym) FILTER (WHERE asked_at > $2) AS u24,
              count(DISTINCT user_pseudonym) FILTER (WHERE asked_at > $3) AS u7,
              count(DISTINCT user_pseudonym) FILTER (WHERE asked_at <= $3) AS prev7
         FROM question_log WHERE misconception_id = ANY($1::text[]) AND asked_at > $5 AND asked_at <= $4
        GROUP BY misconception_id`,
      [ids, new Date(now.getTime() - DAY_MS), new Date(now.getTime() - 7 * DAY_MS), now, new Date(now.getTime() - 14 * DAY_MS)],
    );
    const daily = await db.query<{ misconception_id: string; day: string; users: string }>(
      `SELECT misconception_id, ${SQL_LOCAL_DAY('asked_at')}::text AS day, count(DISTINCT user_pseudonym) AS users
         FROM question_log WHERE misconception_id = ANY($1::text[]) AND ${SQL_LOCAL_DAY('asked_at')} >= $2::date AND asked_at <= $3
        GROUP BY 1, 2`,
      [ids, firstDay, now],
    );
    const byId = new Map(counts.rows.map((c) => [c.misconception_id, c]));
    const series = new Map<string, Map<string, number>>();
    for (const d of daily.rows) {
      const m = series.get(d.misconception_id) ?? new Map<string, number>();
      m.set(d.day, Number(d.users));
      series.set(d.misconception_id, m);
    }
    const views = flags.rows.map((f): FlagView => {
      const days: FlagView['daily'] = [];
      for (let i = 0; i < 30; i++) {
        const day = addDays(firstDay, i);
        days.push({ day, users: series.get(f.misconception_id)?.get(day) ?? 0 });
      }
      return {
        id: f.id,
        misconceptionId: f.misconception_id,
        claim: f.claim,
        status: f.status,
        raisedAt: f.raised_at,
        distinctUsers24h: Number(byId.get(f.misconception_id)?.u24 ?? 0),
        distinctUsers7d: Number(byId.get(f.misconception_id)?.u7 ?? 0),
        distinctUsersPrev7d: Number(byId.get(f.misconception_id)?.prev7 ?? 0),
        statusChangedBy: f.status_changed_by,
        statusChangedAt: f.status_changed_at,
        note: f.note,
        examples: f.examples ?? [],
        daily: days,
      };
    });
    // Open flags first, then the biggest claim (distinct people in 7 days), then the newest.
    const open = (f: FlagView) => (f.status === 'new' || f.status === 'confirmed' ? 0 : 1);
    return views.sort((a, b) => open(a) - open(b) || b.distinctUsers7d - a.distinctUsers7d || b.raisedAt.getTime() - a.raisedAt.getTime());
  }

  /**
   * The total for a question list. Without a text search it comes from the daily rollup (exact, and
   * cheap however large the log is); a text search counts matching rows, up to SEARCH_COUNT_CAP.
   */
  async function countQuestions(filter: QuestionFilter, sql: string, params: unknown[]): Promise<{ total: number; totalCapped: boolean }> {
    if ((!filter.q || !foldNormalized(filter.q)) && !filter.id && !filter.misconceptionId) {
      const rows = await countRows(db, filter.from ?? new Date(0), filter.to ?? new Date(clock.now().getTime() + DAY_MS));
      const total = rows
        .filter((r) => (!filter.topic || r.topic === filter.topic) && (!filter.outcome || r.outcome === filter.outcome) && (!filter.lang || r.lang === filter.lang))
        .reduce((n, r) => n + r.questions, 0);
      return { total, totalCapped: false };
    }
    const r = await db.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM question_log ${sql} LIMIT ${SEARCH_COUNT_CAP + 1}) t`, params);
    const n = Number(r.rows[0]?.n ?? 0);
    return { total: Math.min(n, SEARCH_COUNT_CAP), totalCapped: n > SEARCH_COUNT_CAP };
  }

  /** Rows for an export (capped), with the claim text of each false claim they carried. */
  async function exportRows(filter: Omit<QuestionFilter, 'page' | 'pageSize'>): Promise<[QuestionRow[], Map<string, string>]> {
    const { sql, params } = questionWhere(filter);
    const r = await db.query<LogRow>(`${SELECT_ROW} ${sql} ORDER BY asked_at DESC, id DESC LIMIT ${CSV_MAX_ROWS}`, params);
    const ids = [...new Set(r.rows.map((x) => x.misconception_id).filter((x): x is string => !!x))];
    const claims = ids.length
      ? new Map((await db.query<{ misconception_id: string; claim: string }>('SELECT misconception_id, claim FROM misconception_claim WHERE misconception_id = ANY($1::text[])', [ids])).rows.map((c) => [c.misconception_id, c.claim]))
      : new Map<string, string>();
    return [r.rows.map(toQuestionRow), claims];
  }

  return {
    overview: (range) => overview(db, range),

    async listQuestions(filter) {
      const { sql, params } = questionWhere(filter);
      const pageSize = Math.min(500, Math.max(1, Math.floor(filter.pageSize) || 50));
      const page = Math.max(1, Math.floor(filter.page) || 1);
      const rows = await db.query<LogRow>(
        `${SELECT_ROW} ${sql} ORDER BY asked_at DESC, id DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      );
      return { rows: rows.rows.map(toQuestionRow), ...(await countQuestions(filter, sql, params)) };
    },

    async questionsCsv(filter) {
      return questionsCsvText(...(await exportRows(filter)));
    },

    async exportQuestions(filter) {
      const [rows, claims] = await exportRows(filter);
      return { rows, claims };
    },

    listFlags: (opts) => listFlags(opts ?? {}),

    async flag(id) {
      if (!/^\d{1,18}$/.test(id)) return null;
      return (await listFlags({ ids: [id] }))[0] ?? null;
    },

    async updateFlag(id, change, staffUsername) {
      if (!/^\d{1,18}$/.test(id)) throw new FlagNotFoundError(id);
      if (change.status && !FLAG_STATUSES.includes(change.status)) throw new Error(`unknown flag status ${change.status}`);
      const now = clock.now();
      try {
        const r = await db.query(
          `UPDATE misconception_flag SET
              note = CASE WHEN $3::boolean THEN $4 ELSE note END,
              status_changed_at = CASE WHEN $2::text IS NOT NULL AND $2::text <> status THEN $5 ELSE status_changed_at END,
              status_changed_by = CASE WHEN $2::text IS NOT NULL AND $2::text <> status THEN $6 ELSE status_changed_by END,
              closed_at = CASE
                WHEN $2::text IN ('dismissed', 'resolved') AND status IN ('new', 'confirmed') THEN $5
                WHEN $2::text IN ('new', 'confirmed') THEN NULL
                ELSE closed_at END,
              status = coalesce($2::text, status)
            WHERE id = $1`,
          [id, change.status ?? null, change.note !== undefined, change.note ?? null, now, staffUsername],
        );
        if (r.rowCount === 0) throw new FlagNotFoundError(id);
        await db.query(`INSERT INTO misconception_flag_event (flag_id, at, staff_username, status, note) VALUES ($1, $2, $3, $4, $5)`, [
          id, now, staffUsername, change.status ?? null, change.note ?? null,
        ]);
      } catch (err) {
        // Reopening a closed flag while a newer episode of the same claim is open.
        if (errorCode(err) === PG_ERROR.uniqueViolation) throw new FlagConflictError();
        throw err;
      }
    },

    async flagDetail(id): Promise<FlagDetail | null> {
      if (!/^\d{1,18}$/.test(id)) return null;
      const flag = (await listFlags({ ids: [id] }))[0];
      if (!flag) return null;
      const history = await db.query<{ at: Date; staff_username: string; status: FlagStatus | null; note: string | null }>(
        `SELECT at, staff_username, status, note FROM misconception_flag_event WHERE flag_id = $1 ORDER BY at DESC, id DESC LIMIT 200`,
        [id],
      );
      // Alerts queued with the flag: the webhook (ours) and the Zalo messages to staff, which the
      // channel's sink queues in its outbox under `alert:flag:<id>:<recipient>` (only counts are read).
      const hook = await db.query<{ n: string; sent: string; failed: string; last: Date | null }>(
        `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'dead') AS failed, max(sent_at) AS last
           FROM staff_alert_webhook WHERE dedupe_key = $1`,
        [`flag:${id}`],
      );
      const zalo = await db.query<{ n: string; sent: string; failed: string; last: Date | null }>(
        `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'dead') AS failed, max(sent_at) AS last
           FROM outbox_message WHERE purpose = 'alert' AND dedupe_key LIKE $1`,
        [`alert:flag:${id}:%`],
      );
      const alerts: FlagDetail['alerts'] = [];
      const z = zalo.rows[0];
      if (z && Number(z.n)) alerts.push({ channel: 'zalo', recipients: Number(z.n), sent: Number(z.sent), failed: Number(z.failed), lastSentAt: z.last });
      const h = hook.rows[0];
      if (h && Number(h.n)) alerts.push({ channel: 'webhook', recipients: 1, sent: Number(h.sent), failed: Number(h.failed), lastSentAt: h.last });
      return {
        ...flag,
        history: history.rows.map((r) => ({ at: r.at, staffUsername: r.staff_username, status: r.status, note: r.note })),
        alerts,
      };
    },

    async listEmerging(q: EmergingQuery = {}): Promise<EmergingTopic[]> {
      const now = clock.now();
      const until = q.to && q.to < now ? q.to : now;
      const since = q.from ?? new Date(until.getTime() - EMERGING_DAYS * DAY_MS);
      const split = new Set((await db.query<{ question_id: string }>('SELECT question_id FROM emerging_question_split')).rows.map((r) => String(r.question_id)));
      const questions = (await loadEmergingQuestions(db, { since, until, lowConfidence: deps.lowConfidence })).filter((x) => !split.has(x.id));
      const states = new Map(
        (await db.query<{ group_id: string; state: string; merged_into: string | null; changed_by: string }>('SELECT group_id, state, merged_into, changed_by FROM emerging_topic_state')).rows.map((r) => [r.group_id, r]),
      );
      // Groups are found without the minimum-people rule first, so a merge can lift two small groups over it.
      const all = topicsFrom(questions, { minUsers: 1, maxExamples: 5, withMembers: true });
      const byId = new Map(all.map((t) => [t.id, t]));
      for (const t of all) {
        const st = states.get(t.id);
        const target = st?.state === 'merged' && st.merged_into ? byId.get(st.merged_into) : undefined;
        if (!target || target === t) continue;
        target.members!.push(...t.members!);
        byId.delete(t.id);
      }
      const out: EmergingTopic[] = [];
      for (const t of byId.values()) {
        const members = t.members!.sort((a, b) => b.askedAt.getTime() - a.askedAt.getTime());
        const users = new Set(members.map((m) => m.user).filter((u): u is string => !!u));
        if (users.size < 3) continue;
        const st = states.get(t.id);
        const state: EmergingState = st?.state === 'answered' || st?.state === 'ignored' ? st.state : 'open';
        if (state !== 'open' && !q.includeClosed) continue;
        const examples: string[] = [];
        const seen = new Set<string>();
        for (const m of members) {
          if (seen.has(m.folded)) continue;
          seen.add(m.folded);
          examples.push(m.text);
          if (examples.length >= 5) break;
        }
        out.push({
          id: t.id,
          label: t.label,
          distinctUsers: users.size,
          examples,
          lastAskedAt: members[0]!.askedAt,
          state,
          stateBy: st?.changed_by ?? null,
          questions: members.slice(0, 50).map((m) => ({ id: m.id, text: m.text, askedAt: m.askedAt })),
        });
      }
      return out.sort((a, b) => b.distinctUsers - a.distinctUsers || b.lastAskedAt.getTime() - a.lastAskedAt.getTime());
    },

    async setEmergingState(id, state, label, staffUsername, faqId = null) {
      if (state === 'open') {
        await db.query('DELETE FROM emerging_topic_state WHERE group_id = $1', [id]);
        return;
      }
      await db.query(
        `INSERT INTO emerging_topic_state (group_id, state, label, faq_id, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (group_id) DO UPDATE SET state = EXCLUDED.state, merged_into = NULL, label = EXCLUDED.label, faq_id = EXCLUDED.faq_id,
           changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at`,
        [id, state, label.slice(0, 500), faqId, staffUsername, clock.now()],
      );
    },

    async mergeEmerging(id, into, label, staffUsername) {
      if (id === into) return;
      await db.query(
        `INSERT INTO emerging_topic_state (group_id, state, merged_into, label, changed_by, changed_at) VALUES ($1, 'merged', $2, $3, $4, $5)
         ON CONFLICT (group_id) DO UPDATE SET state = 'merged', merged_into = EXCLUDED.merged_into, label = EXCLUDED.label,
           changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at`,
        [id, into, label.slice(0, 500), staffUsername, clock.now()],
      );
    },

    async splitEmergingQuestion(questionId, staffUsername) {
      if (!/^\d{1,18}$/.test(questionId)) return;
      await db.query(
        `INSERT INTO emerging_question_split (question_id, changed_by, changed_at) VALUES ($1, $2, $3) ON CONFLICT (question_id) DO NOTHING`,
        [questionId, staffUsername, clock.now()],
      );
    },

    async weeklyReport(range) {
      const r = await buildReport(db as Db, { since: range.from, until: range.to, clock, lowConfidence: deps.lowConfidence });
      return { text: formatReportVi(r) };
    },

    async repeatedQuestions(range, limit = 10) {
      const r = await db.query<{ id: string; asked_at: Date; user_pseudonym: string | null; question_text: string; question_folded: string }>(
        `SELECT id, asked_at, user_pseudonym, question_text, question_folded FROM question_log
          WHERE asked_at >= $1 AND asked_at < $2 AND outcome <> 'smalltalk' AND question_text IS NOT NULL AND question_folded <> ''
          ORDER BY asked_at DESC LIMIT 3000`,
        [range.from, range.to],
      );
      const qs: EmergingQuestion[] = r.rows.map((x) => ({ id: x.id, askedAt: x.asked_at, user: x.user_pseudonym, text: x.question_text, folded: x.question_folded }));
      return groupQuestions(qs, 0.5)
        .filter((g) => g.members.length >= 2)
        .map((g) => {
          const texts = [...new Map(g.members.map((m) => [m.folded, m.text])).values()];
          return { label: centralMember(g.members).text, count: g.members.length, people: g.users.size, examples: texts.slice(0, 3) };
        })
        .sort((a, b) => b.count - a.count || b.people - a.people)
        .slice(0, limit);
    },
  };
}
