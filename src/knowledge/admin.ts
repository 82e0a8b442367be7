// KnowledgeAdmin (src/admin/sources.ts) for the staff dashboard: list documents, re-index, accept
// uploads into DATA_DIR/uploads, mark documents reviewed.
import fs from 'node:fs';
import path from 'node:path';
import type { IngestSummary, KnowledgeAdmin, KnowledgeDocumentSummary, UploadMeta } from '../admin/sources.js';
import type { Db } from '../db/types.js';
import type { IngestResult, KnowledgeRoots } from './ingest.js';
import { isSupported } from './loaders.js';
import { chunkCounts, loadDocuments, setReviewedBy, type StoredDocumentRow } from './store.js';

export interface KnowledgeAdminDeps {
  db: Db;
  roots: KnowledgeRoots;
  /** Runs an ingest (serialised with every other ingest by the caller) and reloads the index when needed. */
  reindex: (onProgress?: (done: number, total: number, file: string) => void) => Promise<IngestResult>;
}

export class UploadRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadRejectedError';
  }
}

const UPLOAD_TYPES = ['.md', '.txt', '.docx', '.pdf'];

/** A safe file name inside the uploads folder: no directories, no leading dots, Vietnamese letters kept. */
export function safeUploadName(fileName: string): string {
  const base = path.basename(fileName.replace(/\\/g, '/')).normalize('NFC');
  const cleaned = base.replace(/[^\p{L}\p{N}._ -]+/gu, '_').replace(/^[.\s]+/, '').trim();
  if (!cleaned || !isSupported(cleaned) || !UPLOAD_TYPES.includes(path.extname(cleaned).toLowerCase())) {
    throw new UploadRejectedError(`Chỉ nhận tệp ${UPLOAD_TYPES.join(', ')} (tệp: ${base || '(không tên)'})`);
  }
  return cleaned.slice(-150);
}

// Minimal stand-ins for the KnowledgeAdmin contract in PLAN.md (origin, editor note, metadata on
// upload, open/remove), written by the dashboard branch so it compiles; the runtime branch stores
// staff documents in the database and its implementation replaces this one on merge.
const summary = (d: StoredDocumentRow, chunks: number): KnowledgeDocumentSummary => {
  const meta = d.meta as Record<string, unknown>;
  return {
    id: d.id, title: d.title, kind: d.kind, topic: d.topic, lang: d.lang, source: d.source, updated: d.updated, reviewedBy: d.reviewed_by,
    path: d.path, chunks, indexedAt: d.indexed_at, origin: d.path.startsWith('uploads/') ? 'staff' : 'bundled',
    editorNote: typeof meta.editorNote === 'string' ? meta.editorNote : null,
    reviewBy: typeof meta.reviewBy === 'string' ? meta.reviewBy : null,
  };
};

export function createKnowledgeAdmin(
  deps: KnowledgeAdminDeps,
): KnowledgeAdmin & { addUpload(fileName: string, content: Buffer, meta?: UploadMeta, actor?: string): Promise<{ id: string }> } {
  return {
    async getDocument(docId) {
      const [docs, counts] = await Promise.all([loadDocuments(deps.db), chunkCounts(deps.db)]);
      const d = docs.find((x) => x.id === docId);
      return d ? { ...summary(d, counts.get(d.id) ?? 0), body: d.body } : null;
    },

    async removeDocument(docId) {
      const d = (await loadDocuments(deps.db)).find((x) => x.id === docId);
      if (!d || !d.path.startsWith('uploads/')) return false;
      fs.rmSync(path.join(deps.roots.uploadsDir, d.path.slice('uploads/'.length)), { force: true });
      await deps.reindex();
      return true;
    },

    async listDocuments(): Promise<KnowledgeDocumentSummary[]> {
      const [docs, counts] = await Promise.all([loadDocuments(deps.db), chunkCounts(deps.db)]);
      return docs.map((d) => summary(d, counts.get(d.id) ?? 0));
    },


    async reindex(onProgress): Promise<IngestSummary> {
      const r = await deps.reindex(onProgress);
      return { added: r.added, updated: r.updated, unchanged: r.unchanged, removed: r.removed, failed: r.failed };
    },

    async addUpload(fileName: string, content: Buffer, meta?: UploadMeta): Promise<{ id: string }> {
      const name = safeUploadName(fileName);
      if (content.length === 0) throw new UploadRejectedError(`Tệp ${name} rỗng`);
      fs.mkdirSync(deps.roots.uploadsDir, { recursive: true });
      const target = path.join(deps.roots.uploadsDir, name);
      const tmp = `${target}.${process.pid}.part`;
      fs.writeFileSync(tmp, content);
      fs.renameSync(tmp, target);
      const key = `uploads/${name}`;
      const result = await deps.reindex();
      const failure = result.failed.find((f) => f.file === key);
      if (failure) {
        // a file the indexer cannot read would fail every re-index: take it back out
        fs.rmSync(target, { force: true });
        throw new UploadRejectedError(`Không đọc được tệp ${name}: ${failure.error}`);
      }
      const r = await deps.db.query<{ id: string }>('SELECT id FROM knowledge_document WHERE path = $1', [key]);
      const id = r.rows[0]?.id;
      if (!id) throw new UploadRejectedError(`Tệp ${name} không có nội dung để đưa vào tri thức`);
      // Staff-given title, topic and source win over what the file says (a .docx has no front matter).
      if (meta && !name.toLowerCase().endsWith('.md')) {
        await deps.db.query('UPDATE knowledge_document SET title = $2, topic = $3, source = $4, source_url = $5 WHERE id = $1', [
          id, meta.title, meta.topic, meta.source, meta.sourceUrl ?? null,
        ]);
      }
      return { id };
    },

    async markReviewed(docId: string, reviewer: string): Promise<void> {
      const ok = await setReviewedBy(deps.db, docId, reviewer);
      if (!ok) throw new Error(`no knowledge document with id ${docId}`);
    },
  };
}
