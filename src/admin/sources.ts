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
export interface UploadMeta {
  title: string;
  topic: string;
  source: string;
  sourceUrl?: string | null;
}

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
  /** Staff-only front-matter `editor_note`. */
  editorNote: string | null;
  /** Front-matter `review_by` (YYYY-MM-DD), for stale-document warnings. */
  reviewBy: string | null;
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
  /** Store an uploaded .md, .txt, .docx or .pdf in the database and index it; the same id replaces atomically, the old version stays if the new one fails. */
  addUpload(fileName: string, content: Buffer, meta: UploadMeta, actor: string): Promise<{ id: string }>;
  /** Remove a staff document; false when unknown or bundled. */
  removeDocument(docId: string, actor: string): Promise<boolean>;
  getDocument(docId: string): Promise<(KnowledgeDocumentSummary & { body: string }) | null>;
  markReviewed(docId: string, reviewer: string): Promise<void>;
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

export interface QuestionFilter {
  q?: string;
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
  note: string | null;
  examples: string[];
  /** Distinct users per day over the last 30 days, oldest first. */
  daily: Array<{ day: string; users: number }>;
}

export interface EmergingTopic {
  id: string;
  label: string;
  distinctUsers: number;
  examples: string[];
  lastAskedAt: Date;
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
  listFlags(opts?: { status?: FlagStatus }): Promise<FlagView[]>;
  updateFlag(id: string, change: { status?: FlagStatus; note?: string }, staffUsername: string): Promise<void>;
  listEmerging(): Promise<EmergingTopic[]>;
}
