// Contracts between the staff dashboard (src/admin) and the modules that own the data it
// shows. Each interface is implemented by its owner and wired in buildApp (src/app.ts):
//   KnowledgeAdmin  - src/knowledge   (documents, re-index, uploads, review marks)
//   DeliveryAdmin   - src/channel     (replies that could not be delivered, parked events)
//   InsightsAdmin   - src/insights    (trends, question log, flags, emerging topics)
//   AdminGuards     - src/admin/auth  (staff sessions, roles, CSRF, audit log)
import type { preHandlerHookHandler, FastifyRequest } from 'fastify';

export type StaffRole = 'viewer' | 'editor' | 'admin';

export interface StaffIdentity {
  id: string;
  username: string;
  role: StaffRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by AdminGuards.requireRole once a staff session is verified. */
    staff?: StaffIdentity;
  }
}

export interface AdminGuards {
  /** Rejects (redirect to login for pages, 401 for /admin/api) unless a staff session with at least `role` exists. */
  requireRole(role: StaffRole): preHandlerHookHandler;
  /** Rejects a state-changing request without a valid CSRF token (form field `_csrf` or header `x-csrf-token`). */
  verifyCsrf: preHandlerHookHandler;
  /** Records a staff action in the audit log. */
  audit(req: FastifyRequest, action: string, target: string, detail?: Record<string, unknown>): Promise<void>;
}

export type DocumentOrigin = 'bundled' | 'staff';
export interface UploadMeta { title: string; topic: string; source: string; sourceUrl?: string | null }

export interface KnowledgeDocumentSummary {
  id: string;
  title: string;
  kind: 'doc' | 'faq' | 'misconception';
  topic: string;
  lang: string;
  source: string;
  updated: string | null;
  reviewedBy: string | null;
  /** Path relative to the knowledge root, or the uploaded file name. */
  path: string;
  chunks: number;
  indexedAt: Date;
  origin: DocumentOrigin;
  editorNote: string | null;   // staff-only front-matter `editor_note`
  reviewBy: string | null;     // front-matter `review_by` (YYYY-MM-DD), for stale-document warnings
}

/** A document waiting for a person's review (the review gate on the knowledge page). */
export interface ReviewItem {
  id: string;
  title: string;
  kind: KnowledgeDocumentSummary['kind'];
  topic: string;
  source: string;
  updated: string | null;
  reviewedBy: string | null;
  reviewBy: string | null;
  unreviewed: boolean;
  stale: boolean;
}

export interface IngestSummary {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: Array<{ file: string; error: string }>;
}

export interface KnowledgeAdmin {
  listDocuments(): Promise<KnowledgeDocumentSummary[]>;
  /** Re-index knowledge/ and uploads; unchanged files are skipped by content hash. */
  reindex(onProgress?: (done: number, total: number, file: string) => void): Promise<IngestSummary>;
  /** Store an uploaded .md, .docx or .pdf and index it; the same id replaces atomically, the old version kept if the new one fails. */
  addUpload(fileName: string, content: Buffer, meta: UploadMeta, actor: string): Promise<{ id: string }>;
  markReviewed(docId: string, reviewer: string): Promise<void>;
  /** Mark several documents reviewed at once; returns the ids that exist (and were marked). */
  markReviewedMany(docIds: string[], reviewer: string): Promise<string[]>;
  /** Unreviewed documents and documents past their `review_by` date on `today` (YYYY-MM-DD, commune time). */
  reviewQueue(today: string): Promise<ReviewItem[]>;
  /** Staff documents only; false when unknown or bundled. */
  removeDocument(docId: string, actor: string): Promise<boolean>;
  getDocument(docId: string): Promise<(KnowledgeDocumentSummary & { body: string }) | null>;
}

export interface DeliveryFailure {
  id: string;
  createdAt: Date;
  purpose: string;
  attempts: number;
  status: string;
  lastError: string | null;
}

export interface ParkedEvent {
  id: string;
  receivedAt: Date;
  eventName: string;
  attempts: number;
  lastError: string | null;
}

export interface DeliveryAdmin {
  listFailures(limit: number): Promise<DeliveryFailure[]>;
  listParkedEvents(limit: number): Promise<ParkedEvent[]>;
  /** Put a dead outbox message or a parked event back in the queue. */
  retry(kind: 'outbox' | 'event', id: string): Promise<void>;
}

/**
 * The Zalo channel's health for the banner on every page (circuit breaker open, token alerts). The
 * channel helper exposes `channelStatus()`; the dashboard only shows what it reports.
 */
export interface ChannelStatus {
  state: 'ok' | 'degraded' | 'down';
  /** Plain Vietnamese for staff; the dashboard adds a default when missing. */
  message?: string | null;
  since?: Date | null;
}

export interface QuestionFilter {
  q?: string;
  /** One question by its log id (the FAQ editor starts from it). */
  id?: string;
  /** Questions that carried this known false claim (a flag's page). */
  misconceptionId?: string;
  from?: Date;
  to?: Date;
  topic?: string;
  outcome?: string;
  lang?: string;
  page: number;
  pageSize: number;
}

export interface QuestionRow {
  id: string;
  askedAt: Date;
  channel: string;
  lang: string;
  outcome: string;
  topic: string | null;
  question: string | null;
  answer: string | null;
  misconceptionId: string | null;
  confidence: number;
  sources: Array<{ id: string; title: string }>;
}

export type FlagStatus = 'new' | 'confirmed' | 'dismissed' | 'resolved';

export interface FlagView {
  id: string;
  misconceptionId: string;
  claim: string;
  status: FlagStatus;
  raisedAt: Date;
  distinctUsers24h: number;
  distinctUsers7d: number;
  /** Distinct users in the 7 days before those 7 (for the rising/falling marker). */
  distinctUsersPrev7d: number;
  statusChangedBy: string | null;
  statusChangedAt: Date | null;
  note: string | null;
  examples: string[];
  /** Distinct users per day over the last 30 days, oldest first. */
  daily: Array<{ day: string; users: number }>;
}

export interface FlagEvent {
  at: Date;
  staffUsername: string;
  status: FlagStatus | null;
  note: string | null;
}

export interface FlagAlert {
  channel: 'zalo' | 'webhook';
  /** How many staff recipients (Zalo) or 1 (webhook). */
  recipients: number;
  sent: number;
  failed: number;
  lastSentAt: Date | null;
}

export interface FlagDetail extends FlagView {
  history: FlagEvent[];
  alerts: FlagAlert[];
}

export type EmergingState = 'open' | 'answered' | 'ignored';

export interface EmergingTopic {
  id: string;
  label: string;
  distinctUsers: number;
  examples: string[];
  lastAskedAt: Date;
  /** Optional for older callers; the insights implementation always fills these. */
  state?: EmergingState;
  stateBy?: string | null;
  /** The questions in the group (newest first, at most 50), for links to each. */
  questions?: Array<{ id: string; text: string; askedAt: Date }>;
}

export interface EmergingQuery {
  from?: Date;
  to?: Date;
  /** Also list groups staff marked answered or ignored. */
  includeClosed?: boolean;
}

export interface Overview {
  total: number;
  answeredShare: number;
  byOutcome: Record<string, number>;
  byLang: Record<string, number>;
  byDay: Array<{ day: string; total: number; answered: number; misconception: number; out_of_scope: number; smalltalk: number }>;
  topTopics: Array<{ topic: string; count: number }>;
  topQuestions: Array<{ question: string; count: number }>;
}

export interface InsightsAdmin {
  overview(range: { from: Date; to: Date }): Promise<Overview>;
  listQuestions(filter: QuestionFilter): Promise<{ rows: QuestionRow[]; total: number }>;
  /** CSV (UTF-8 with BOM so Excel shows Vietnamese correctly) of the filtered questions. */
  questionsCsv(filter: Omit<QuestionFilter, 'page' | 'pageSize'>): Promise<string>;
  /** The filtered questions for an export (capped at 100 000, newest first). */
  exportQuestions(filter: Omit<QuestionFilter, 'page' | 'pageSize'>): Promise<{ rows: QuestionRow[]; claims: Map<string, string> }>;
  listFlags(opts?: { status?: FlagStatus }): Promise<FlagView[]>;
  updateFlag(id: string, change: { status?: FlagStatus; note?: string }, staffUsername: string): Promise<void>;
  /** One flag with its history and the alerts sent about it, or null. */
  flagDetail(id: string): Promise<FlagDetail | null>;
  listEmerging(q?: EmergingQuery): Promise<EmergingTopic[]>;
  /** Mark a group answered / ignored / open again; merge one group into another; move a question out. */
  setEmergingState(id: string, state: EmergingState, label: string, staffUsername: string, faqId?: string | null): Promise<void>;
  mergeEmerging(id: string, into: string, label: string, staffUsername: string): Promise<void>;
  splitEmergingQuestion(questionId: string, staffUsername: string): Promise<void>;
  /** The weekly report for a period: the same Vietnamese summary `npm run report` prints. */
  weeklyReport(range: { from: Date; to: Date }): Promise<{ text: string }>;
  /** Wordings grouped by meaning (the emerging-topic grouping over every question), counts >= 2. */
  repeatedQuestions(range: { from: Date; to: Date }, limit?: number): Promise<Array<{ label: string; count: number; people: number; examples: string[] }>>;
}
