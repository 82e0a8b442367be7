// The weekly report (`npm run report`): one JSON object for machines, or a short Vietnamese summary
// for the communications team. Counts are exact for [since, now); flag user counts are the distinct
// users in the 24 hours and 7 days before now.
import type { Db } from '../db/types.js';
import { LOCAL_OFFSET_MS, type Clock } from './clock.js';
import { createInsightsAdmin } from './admin.js';
import { TOPIC_LABEL } from '../admin/labels.js';
import { NO_TOPIC, questionCounts } from './trends.js';

export interface ReportJson {
  generated_at: string;
  since: string;
  questions: {
    total: number;
    by_outcome: Record<string, number>;
    by_topic: Record<string, number>;
    by_lang: Record<string, number>;
    answered_share: number;
  };
  flags: Array<{ misconception_id: string; claim: string; distinct_users_24h: number; distinct_users_7d: number; status: string; raised_at: string }>;
  emerging: Array<{ label: string; distinct_users: number; examples: string[] }>;
}

export async function buildReport(db: Db, opts: { since: Date; until?: Date; clock: Clock; lowConfidence: number }): Promise<ReportJson> {
  // The end of the period: now, or an earlier instant for a past week shown on the dashboard.
  const now = opts.until && opts.until < opts.clock.now() ? opts.until : opts.clock.now();
  const counts = await questionCounts(db, opts.since, now);
  const admin = createInsightsAdmin({ db, clock: opts.clock, lowConfidence: opts.lowConfidence });
  // Flags raised in the period, and any still open from before it.
  const flags = (await admin.listFlags()).filter((f) => f.raisedAt >= opts.since || f.status === 'new' || f.status === 'confirmed');
  // The same grouping, period and staff decisions (answered, ignored, merged) as the dashboard's page.
  const emerging = await admin.listEmerging({ from: opts.since, to: now });
  return {
    generated_at: now.toISOString(),
    since: opts.since.toISOString(),
    questions: {
      total: counts.total,
      by_outcome: counts.byOutcome,
      by_topic: counts.byTopic,
      by_lang: counts.byLang,
      answered_share: counts.answeredShare,
    },
    flags: flags.map((f) => ({
      misconception_id: f.misconceptionId,
      claim: f.claim,
      distinct_users_24h: f.distinctUsers24h,
      distinct_users_7d: f.distinctUsers7d,
      status: f.status,
      raised_at: f.raisedAt.toISOString(),
    })),
    emerging: emerging.map((e) => ({ label: e.label, distinct_users: e.distinctUsers, examples: e.examples })),
  };
}

const OUTCOME_VI: Record<string, string> = {
  answered: 'Trả lời theo tài liệu',
  misconception: 'Đính chính thông tin sai',
  out_of_scope: 'Ngoài phạm vi (chưa trả lời được)',
  smalltalk: 'Chào hỏi, cảm ơn',
};
// Topic names are the dashboard's; the written report adds a label for questions with no topic.
export const TOPIC_VI: Record<string, string> = { ...TOPIC_LABEL, plan: 'Kế hoạch thông tin đối ngoại', [NO_TOPIC]: 'Không xác định' };
const LANG_VI: Record<string, string> = { vi: 'tiếng Việt', en: 'tiếng Anh' };
export const STATUS_VI: Record<string, string> = { new: 'mới', confirmed: 'đã xác nhận', dismissed: 'bỏ qua', resolved: 'đã xử lý' };

const num = (n: number) => n.toLocaleString('vi-VN');
/** dd/mm/yyyy hh:mm in Vietnam time. */
export function viDateTime(iso: string): string {
  const d = new Date(Date.parse(iso) + LOCAL_OFFSET_MS).toISOString();
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)} ${d.slice(11, 16)}`;
}

/** A readable Vietnamese summary of a report, for the weekly briefing. */
export function formatReportVi(r: ReportJson): string {
  const q = r.questions;
  const out: string[] = [];
  out.push('BÁO CÁO CÂU HỎI GỬI TRỢ LÝ ZALO – XÃ CHÂU TIẾN');
  out.push(`Từ ${viDateTime(r.since)} đến ${viDateTime(r.generated_at)}`);
  out.push('');
  out.push(`Tổng số câu hỏi: ${num(q.total)}. Tỷ lệ trả lời được: ${Math.round(q.answered_share * 100)}% (không tính chào hỏi).`);
  for (const [k, v] of Object.entries(q.by_outcome)) out.push(`  - ${OUTCOME_VI[k] ?? k}: ${num(v)}`);
  const langs = Object.entries(q.by_lang).map(([k, v]) => `${LANG_VI[k] ?? k} ${num(v)}`);
  if (langs.length) out.push(`Ngôn ngữ: ${langs.join(', ')}.`);
  const topics = Object.entries(q.by_topic).sort((a, b) => b[1] - a[1]);
  if (topics.length) {
    out.push('Chủ đề được hỏi nhiều:');
    for (const [k, v] of topics.slice(0, 7)) out.push(`  - ${TOPIC_VI[k] ?? k}: ${num(v)}`);
  }
  out.push('');
  if (r.flags.length === 0) {
    out.push('Cảnh báo thông tin sai lặp lại: không có.');
  } else {
    out.push(`Cảnh báo thông tin sai lặp lại (${r.flags.length}):`);
    for (const f of r.flags) {
      out.push(`  - “${f.claim || f.misconception_id}”: ${f.distinct_users_24h} người hỏi trong 24 giờ qua, ${f.distinct_users_7d} người trong 7 ngày; trạng thái: ${STATUS_VI[f.status] ?? f.status}; phát hiện lúc ${viDateTime(f.raised_at)}.`);
    }
  }
  out.push('');
  if (r.emerging.length === 0) {
    out.push('Chủ đề mới nổi (nhiều người hỏi mà trợ lý chưa trả lời tốt): không có.');
  } else {
    out.push('Chủ đề mới nổi (nhiều người hỏi mà trợ lý chưa trả lời tốt) – nên bổ sung vào hỏi đáp:');
    for (const e of r.emerging.slice(0, 10)) {
      out.push(`  - “${e.label}” (${e.distinct_users} người). Ví dụ: ${e.examples.slice(0, 3).map((x) => `“${x}”`).join('; ')}`);
    }
  }
  return out.join('\n');
}

/** Parses --since: an ISO date (YYYY-MM-DD, Vietnam midnight) or an ISO date-time. */
export function parseSince(value: string): Date | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const t = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(t) ? null : new Date(t - LOCAL_OFFSET_MS);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t);
}
