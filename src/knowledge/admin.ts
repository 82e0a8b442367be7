// KnowledgeAdmin (src/admin/sources.ts) for the staff dashboard: list documents, re-index
// knowledge/, add staff documents (stored in the database with their original bytes), remove
// them, mark documents reviewed. Every change bumps the knowledge version (a trigger), so every
// process reloads; `changed` lets this process reload at once instead of at its next poll.
import type { IngestSummary, KnowledgeAdmin, KnowledgeDocumentSummary, ReviewItem, UploadMeta } from '../admin/sources.js';
import type { Db } from '../db/types.js';
import type { IngestResult } from './ingest.js';
import { addStaffDocument, safeUploadName, UploadRejectedError } from './ingest.js';
import { chunkCount, deleteStaffDocument, documentById, documentSummaries, reviewQueue, setReviewedBy, setReviewedByMany } from './store.js';

export interface KnowledgeAdminDeps {
  db: Db;
  /** Runs an ingest (serialised with every other ingest by the caller) and reloads the index when needed. */
  reindex: (onProgress?: (done: number, total: number, file: string) => void) => Promise<IngestResult>;
  /** Serialises a write with the other knowledge writes of this process. */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Called after a change made here (this process reloads now; the others on the notification). */
  changed?: () => Promise<void>;
}

export { safeUploadName, UploadRejectedError };

export function createKnowledgeAdmin(deps: KnowledgeAdminDeps): KnowledgeAdmin {
  const exclusive = deps.exclusive ?? (<T>(fn: () => Promise<T>) => fn());
  const changed = async () => {
    await deps.changed?.();
  };
  return {
    async listDocuments(): Promise<KnowledgeDocumentSummary[]> {
      const docs = await documentSummaries(deps.db);
      return docs.map((d) => summaryOf(d, Number(d.chunks)));
    },
    async reindex(onProgress): Promise<IngestSummary> {
      const r = await deps.reindex(onProgress);
      return { added: r.added, updated: r.updated, unchanged: r.unchanged, removed: r.removed, failed: r.failed };
    },
    async addUpload(fileName: string, content: Buffer, meta?: UploadMeta, actor = 'staff'): Promise<{ id: string }> {
      const r = await exclusive(() => addStaffDocument(deps.db, { fileName, content, meta, actor }));
      await changed();
      return { id: r.id };
    },
    async removeDocument(docId: string, _actor?: string): Promise<boolean> {
      const ok = await exclusive(() => deleteStaffDocument(deps.db, docId));
      if (ok) await changed();
      return ok;
    },
    async getDocument(docId: string) {
      const d = await documentById(deps.db, docId);
      if (!d) return null;
      return { ...summaryOf(d, await chunkCount(deps.db, docId)), body: d.body };
    },
    async markReviewed(docId: string, reviewer: string): Promise<void> {
      const ok = await setReviewedBy(deps.db, docId, reviewer);
      if (!ok) throw new Error(`no knowledge document with id ${docId}`);
      await changed();
    },
    async markReviewedMany(docIds: string[], reviewer: string): Promise<string[]> {
      const done = await setReviewedByMany(deps.db, [...new Set(docIds)], reviewer);
      if (done.length) await changed();
      return done;
    },
    async reviewQueue(today: string): Promise<ReviewItem[]> {
      const rows = await reviewQueue(deps.db, today);
      return rows.map((d) => ({
        id: d.id, title: d.title, kind: d.kind, topic: d.topic, source: d.source, updated: d.updated,
        reviewedBy: d.reviewed_by, reviewBy: d.review_by, unreviewed: d.unreviewed, stale: d.stale,
      }));
    },
  };
}

/** A stored document row as the dashboard's summary (one mapping for the list and the detail page). */
function summaryOf(
  d: Pick<KnowledgeDocumentSummary, 'id' | 'title' | 'kind' | 'topic' | 'lang' | 'source' | 'updated' | 'path'> & {
    reviewed_by: string | null; indexed_at: Date; origin?: KnowledgeDocumentSummary['origin'] | null; editor_note?: string | null; review_by?: string | null;
  },
  chunks: number,
): KnowledgeDocumentSummary {
  return {
    id: d.id, title: d.title, kind: d.kind, topic: d.topic, lang: d.lang, source: d.source, updated: d.updated,
    reviewedBy: d.reviewed_by, path: d.path, chunks, indexedAt: d.indexed_at,
    origin: d.origin ?? 'bundled', editorNote: d.editor_note ?? null, reviewBy: d.review_by ?? null,
  };
}
