// KnowledgeAdmin (src/admin/sources.ts) for the staff dashboard: list documents, re-index, accept
// uploads into DATA_DIR/uploads, mark documents reviewed.
import fs from 'node:fs';
import path from 'node:path';
import type { IngestSummary, KnowledgeAdmin, KnowledgeDocumentSummary } from '../admin/sources.js';
import type { Db } from '../db/types.js';
import type { IngestResult, KnowledgeRoots } from './ingest.js';
import { isSupported } from './loaders.js';
import { chunkCounts, loadDocuments, setReviewedBy } from './store.js';

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

export function createKnowledgeAdmin(deps: KnowledgeAdminDeps): KnowledgeAdmin {
  return {
    async listDocuments(): Promise<KnowledgeDocumentSummary[]> {
      const [docs, counts] = await Promise.all([loadDocuments(deps.db), chunkCounts(deps.db)]);
      return docs.map((d) => ({
        id: d.id,
        title: d.title,
        kind: d.kind,
        topic: d.topic,
        lang: d.lang,
        source: d.source,
        updated: d.updated,
        reviewedBy: d.reviewed_by,
        path: d.path,
        chunks: counts.get(d.id) ?? 0,
        indexedAt: d.indexed_at,
      }));
    },

    async reindex(onProgress): Promise<IngestSummary> {
      const r = await deps.reindex(onProgress);
      return { added: r.added, updated: r.updated, unchanged: r.unchanged, removed: r.removed, failed: r.failed };
    },

    async addUpload(fileName: string, content: Buffer): Promise<{ id: string }> {
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
      return { id };
    },

    async markReviewed(docId: string, reviewer: string): Promise<void> {
      const ok = await setReviewedBy(deps.db, docId, reviewer);
      if (!ok) throw new Error(`no knowledge document with id ${docId}`);
    },
  };
}
