// Small in-memory implementations of the dashboard's data-source contracts (src/admin/sources.ts)
// for the dashboard's own tests. They behave like the real ones where the pages depend on it
// (filters, flag status changes, uploads, retries) and record what was asked of them.
import type { AnswerPipeline, AnswerResult } from '../../src/answer/types.js';
import { questionsCsvText } from '../../src/admin/export.js';
import type {
  DeliveryAdmin,
  DeliveryFailure,
  EmergingTopic,
  FlagView,
  InsightsAdmin,
  KnowledgeAdmin,
  KnowledgeDocumentSummary,
  ParkedEvent,
  UploadMeta,
  QuestionFilter,
  QuestionRow,
} from '../../src/admin/sources.js';

export function fakeInsights(questions: QuestionRow[] = [], flags: FlagView[] = [], emerging: EmergingTopic[] = []) {
  const updates: Array<{ id: string; change: { status?: string; note?: string }; by: string }> = [];
  const closed = new Map<string, 'answered' | 'ignored'>();
  const match = (r: QuestionRow, f: Omit<QuestionFilter, 'page' | 'pageSize'>) =>
    (!f.q || (r.question ?? '').toLowerCase().includes(f.q.toLowerCase())) &&
    (!f.from || r.askedAt >= f.from) &&
    (!f.to || r.askedAt < f.to) &&
    (!f.topic || r.topic === f.topic) &&
    (!f.outcome || r.outcome === f.outcome) &&
    (!f.lang || r.lang === f.lang);
  const admin: InsightsAdmin = {
    async overview() {
      const byDay = new Map<string, { day: string; total: number; answered: number; misconception: number; out_of_scope: number; smalltalk: number }>();
      for (const q of questions) {
        const day = new Date(q.askedAt.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
        const d = byDay.get(day) ?? { day, total: 0, answered: 0, misconception: 0, out_of_scope: 0, smalltalk: 0 };
        d.total++;
        d[q.outcome as 'answered']++;
        byDay.set(day, d);
      }
      const answered = questions.filter((q) => q.outcome === 'answered' || q.outcome === 'misconception').length;
      return {
        total: questions.length,
        answeredShare: questions.length ? answered / questions.length : 0,
        byOutcome: {},
        byLang: {},
        byDay: [...byDay.values()],
        topTopics: [{ topic: 'tourism', count: questions.length }],
        topQuestions: questions.slice(0, 3).map((q) => ({ question: q.question ?? '', count: 1 })),
      };
    },
    async listQuestions(f) {
      const rows = questions.filter((r) => match(r, f));
      return { rows: rows.slice((f.page - 1) * f.pageSize, f.page * f.pageSize), total: rows.length };
    },
    async questionsCsv(f) {
      return questionsCsvText(questions.filter((r) => match(r, f)));
    },
    async exportQuestions(f) {
      return { rows: questions.filter((r) => match(r, f)), claims: new Map<string, string>() };
    },
    async listFlags(opts) {
      return flags.filter((f) => !opts?.status || f.status === opts.status);
    },
    async updateFlag(id, change, by) {
      const f = flags.find((x) => x.id === id);
      if (!f) throw Object.assign(new Error(`Không tìm thấy cảnh báo ${id}.`), { statusCode: 404 });
      if (change.status) f.status = change.status;
      if (change.note !== undefined) f.note = change.note;
      updates.push({ id, change, by });
    },
    async flagDetail(id) {
      const f = flags.find((x) => x.id === id);
      return f ? { ...f, history: updates.filter((u) => u.id === id).map((u) => ({ at: new Date(), staffUsername: u.by, status: (u.change.status ?? null) as FlagView['status'] | null, note: u.change.note ?? null })), alerts: [] } : null;
    },
    async listEmerging(q) {
      return emerging.filter((e) => q?.includeClosed || !closed.has(e.id)).map((e) => ({ ...e, state: closed.get(e.id) ?? 'open' }));
    },
    async setEmergingState(id, state) {
      if (state === 'open') closed.delete(id);
      else closed.set(id, state);
    },
    async mergeEmerging(id) {
      closed.set(id, 'ignored');
    },
    async splitEmergingQuestion() {},
    async weeklyReport(range) {
      return { text: `BÁO CÁO CÂU HỎI GỬI TRỢ LÝ ZALO – XÃ CHÂU TIẾN\nTổng số câu hỏi: ${questions.filter((q) => q.askedAt >= range.from && q.askedAt < range.to).length}.` };
    },
    async repeatedQuestions() {
      const counts = new Map<string, number>();
      for (const q of questions) counts.set(q.question ?? '', (counts.get(q.question ?? '') ?? 0) + 1);
      return [...counts].filter(([, n]) => n >= 2).map(([label, count]) => ({ label, count, people: count, examples: [label] }));
    },
  };
  return { admin, updates, questions, flags };
}

export function fakeKnowledge(docs: KnowledgeDocumentSummary[] = []) {
  const uploads: Array<{ fileName: string; content: Buffer; meta: UploadMeta; actor: string }> = [];
  const bodies = new Map<string, string>();
  let reindexRuns = 0;
  let release: (() => void) | null = null;
  const admin: KnowledgeAdmin = {
    async listDocuments() {
      return docs;
    },
    async reindex(onProgress) {
      reindexRuns++;
      onProgress?.(1, 2, 'a.md');
      // Held until the test lets it finish, so "running" can be observed without timing.
      if (holdReindex) await new Promise<void>((r) => (release = r));
      onProgress?.(2, 2, 'b.md');
      return { added: 0, updated: 1, unchanged: 1, removed: 0, failed: [] };
    },
    async addUpload(fileName, content, meta, actor) {
      uploads.push({ fileName, content, meta, actor });
      const id = fileName.replace(/\.\w+$/, '');
      const i = docs.findIndex((d) => d.id === id);
      if (i >= 0) docs.splice(i, 1);
      docs.push({ id, title: meta.title, kind: 'doc', topic: meta.topic, lang: 'vi', source: meta.source, updated: null, reviewedBy: null, path: `uploads/${fileName}`, chunks: 1, indexedAt: new Date(), origin: 'staff', editorNote: null, reviewBy: null });
      return { id };
    },
    async removeDocument(docId) {
      const i = docs.findIndex((d) => d.id === docId && d.origin === 'staff');
      if (i < 0) return false;
      docs.splice(i, 1);
      return true;
    },
    async getDocument(docId) {
      const d = docs.find((x) => x.id === docId);
      return d ? { ...d, body: bodies.get(docId) ?? `Nội dung ${d.title}.` } : null;
    },
    async markReviewed(docId, reviewer) {
      const d = docs.find((x) => x.id === docId);
      if (d) d.reviewedBy = reviewer;
    },
    async markReviewedMany(docIds, reviewer) {
      const found = docs.filter((x) => docIds.includes(x.id));
      for (const d of found) d.reviewedBy = reviewer;
      return found.map((d) => d.id);
    },
    async reviewQueue(today) {
      return docs
        .map((d) => ({ ...d, unreviewed: !d.reviewedBy, stale: Boolean(d.reviewBy && d.reviewBy <= today) }))
        .filter((d) => d.unreviewed || d.stale);
    },
  };
  let holdReindex = false;
  return {
    admin,
    uploads,
    docs,
    bodies,
    runs: () => reindexRuns,
    hold(on: boolean) {
      holdReindex = on;
    },
    finish() {
      release?.();
    },
  };
}

export function fakeDelivery(failures: DeliveryFailure[] = [], parked: ParkedEvent[] = []) {
  const retried: Array<{ kind: string; id: string }> = [];
  const admin: DeliveryAdmin = {
    async listFailures(limit) {
      return failures.slice(0, limit);
    },
    async listParkedEvents(limit) {
      return parked.slice(0, limit);
    },
    async retry(kind, id) {
      retried.push({ kind, id });
    },
  };
  return { admin, retried };
}

/** Answers every question with a fixed grounded answer that keeps line breaks (to check pre-wrapping). */
export function fakePipeline(): AnswerPipeline & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async answer(question): Promise<AnswerResult> {
      asked.push(question);
      return {
        question,
        answer: 'Hang Bua nằm trong dãy núi đá vôi Phà Én, xã Châu Tiến.\nNguồn: Báo Nghệ An (2024)',
        outcome: 'answered',
        lang: 'vi',
        sources: [{ id: 'faq-hang-bua-vi-tri', title: 'Hang Bua ở đâu?' }],
        misconception: null,
        confidence: 0.87,
        topic: 'tourism',
        retrieved: [],
        latencyMs: 3,
      };
    },
  };
}

export function questionRow(over: Partial<QuestionRow> & { question: string }): QuestionRow {
  return {
    id: String(Math.floor(Math.random() * 1e9)),
    askedAt: new Date(),
    channel: 'zalo',
    lang: 'vi',
    outcome: 'answered',
    topic: 'tourism',
    answer: 'Trả lời.',
    misconceptionId: null,
    confidence: 0.8,
    sources: [],
    ...over,
  };
}

export function flagView(over: Partial<FlagView> = {}): FlagView {
  return {
    id: '1',
    misconceptionId: 'mis-hoang-sa-quang-nam',
    claim: 'Quần đảo Hoàng Sa thuộc tỉnh Quảng Nam',
    status: 'new',
    raisedAt: new Date(),
    distinctUsers24h: 6,
    distinctUsers7d: 12,
    distinctUsersPrev7d: 4,
    statusChangedBy: null,
    statusChangedAt: null,
    note: null,
    examples: ['hoang sa thuoc quang nam a'],
    daily: [
      { day: '2026-11-25', users: 1 },
      { day: '2026-11-26', users: 6 },
    ],
    ...over,
  };
}
