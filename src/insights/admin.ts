// InsightsAdmin (src/admin/sources.ts): what the staff dashboard and its JSON API read and change
// in the insights data. Questions are searched by their folded text, so "hoang sa" finds "Hoàng Sa".
import type { EmergingTopic, FlagStatus, FlagView, InsightsAdmin, QuestionFilter, QuestionRow } from '../admin/sources.js';
import type { Db } from '../db/types.js';
import { errorCode, PG_ERROR } from '../db/types.js';
import { foldNormalized } from '../text/normalize.js';
import { addDays, DAY_MS, localDay, SQL_LOCAL_DAY, type Clock } from './clock.js';
import { emergingTopics } from './emerging.js';
import { countRows, overview } from './trends.js';

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
const EMERGING_DAYS = 30;

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

/** One CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet never runs a citizen's text as a formula. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

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
    }>(
      `SELECT id, misconception_id, claim, status, raised_at, note, examples FROM misconception_flag ${where}
        ORDER BY (status IN ('new', 'confirmed')) DESC, raised_at DESC, id DESC LIMIT 200`,
      params,
    );
    if (flags.rows.length === 0) return [];
    const ids = [...new Set(flags.rows.map((f) => f.misconception_id))];
    const firstDay = addDays(localDay(now), -29);
    const counts = await db.query<{ misconception_id: string; u24: string; u7: string }>(
      `SELECT misconception_id,
              count(DISTINCT user_pseudonym) FILTER (WHERE asked_at > $2) AS u24,
              count(DISTINCT user_pseudonym) AS u7
         FROM question_log WHERE misconception_id = ANY($1::text[]) AND asked_at > $3 AND asked_at <= $4
        GROUP BY misconception_id`,
      [ids, new Date(now.getTime() - DAY_MS), new Date(now.getTime() - 7 * DAY_MS), now],
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
    return flags.rows.map((f) => {
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
        note: f.note,
        examples: f.examples ?? [],
        daily: days,
      };
    });
  }

  /**
   * The total for a question list. Without a text search it comes from the daily rollup (exact, and
   * cheap however large the log is); a text search counts matching rows, up to SEARCH_COUNT_CAP.
   */
  async function countQuestions(filter: QuestionFilter, sql: string, params: unknown[]): Promise<{ total: number; totalCapped: boolean }> {
    if (!filter.q || !foldNormalized(filter.q)) {
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
      const { sql, params } = questionWhere(filter);
      const r = await db.query<LogRow>(`${SELECT_ROW} ${sql} ORDER BY asked_at DESC, id DESC LIMIT ${CSV_MAX_ROWS}`, params);
      const header = ['thoi_gian', 'kenh', 'ngon_ngu', 'ket_qua', 'chu_de', 'thong_tin_sai', 'do_tin_cay', 'cau_hoi', 'tra_loi', 'nguon'];
      const lines = [header.map(csvCell).join(',')];
      for (const row of r.rows) {
        lines.push(
          [
            row.asked_at, row.channel, row.lang, row.outcome, row.topic, row.misconception_id, Number(row.confidence).toFixed(2),
            row.question_text, row.answer_text, (row.sources ?? []).map((s) => s.id).join(' '),
          ].map(csvCell).join(','),
        );
      }
      return '\uFEFF' + lines.join('\r\n') + '\r\n';
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
      } catch (err) {
        // Reopening a closed flag while a newer episode of the same claim is open.
        if (errorCode(err) === PG_ERROR.uniqueViolation) throw new FlagConflictError();
        throw err;
      }
    },

    async listEmerging(): Promise<EmergingTopic[]> {
      const now = clock.now();
      return emergingTopics(db, { since: new Date(now.getTime() - EMERGING_DAYS * DAY_MS), until: now, lowConfidence: deps.lowConfidence });
    },
  };
}
