// SQL for knowledge_document / knowledge_chunk / knowledge_chunk_embedding. The only module that
// writes these tables.
import type { KnowledgeSnapshot } from '../answer/engine.js';
import type { Queryable } from '../db/types.js';
import type { DocKind, DocMeta, ParsedDocument, UnitRole } from './types.js';

export type DocumentOrigin = 'bundled' | 'staff';

export interface StoredDocumentRow {
  id: string;
  path: string;
  kind: DocKind;
  title: string;
  topic: string;
  lang: 'vi' | 'en';
  source: string;
  source_url: string | null;
  updated: string | null;
  reviewed_by: string | null;
  body: string;
  meta: DocMeta;
  content_hash: string;
  indexed_at: Date;
  origin?: DocumentOrigin;
  editor_note?: string | null;
  review_by?: string | null;
}

/** Staff-only front matter, kept beside the document and never put in a snapshot. */
export interface StaffNotes {
  editorNote: string | null;
  reviewBy: string | null;
}

export interface StoredChunkRow {
  id: string;
  document_id: string;
  role: UnitRole;
  ord: number;
  section: string | null;
  lang: 'vi' | 'en';
  text: string;
  embedding: string;
}

export interface StoredHash {
  id: string;
  hash: string;
  origin: DocumentOrigin;
}

/** Stored documents by path (key), with their content hash and origin. */
export async function documentHashes(q: Queryable): Promise<Map<string, StoredHash>> {
  const r = await q.query<{ id: string; path: string; content_hash: string; origin: DocumentOrigin }>(
    'SELECT id, path, content_hash, origin FROM knowledge_document',
  );
  return new Map(r.rows.map((x) => [x.path, { id: x.id, hash: x.content_hash, origin: x.origin }]));
}

export async function documentPathById(q: Queryable, id: string): Promise<string | null> {
  const r = await q.query<{ path: string }>('SELECT path FROM knowledge_document WHERE id = $1', [id]);
  return r.rows[0]?.path ?? null;
}

export async function deleteDocumentByPath(q: Queryable, path: string): Promise<void> {
  await q.query('DELETE FROM knowledge_document WHERE path = $1', [path]);
}

/** Replaces the document stored under `path` (and any older copy of the same id) with `doc`. */
export async function replaceDocument(
  q: Queryable,
  path: string,
  hash: string,
  doc: ParsedDocument,
  vectors: number[][],
  reviewedBy: string | null,
  origin: DocumentOrigin = 'bundled',
  notes: StaffNotes = { editorNote: null, reviewBy: null },
): Promise<void> {
  await q.query('DELETE FROM knowledge_document WHERE path = $1 OR id = $2', [path, doc.id]);
  await q.query(
    `INSERT INTO knowledge_document (id, path, kind, title, topic, lang, source, source_url, updated, reviewed_by, body, meta, content_hash, origin, editor_note, review_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $15, $16)`,
    [doc.id, path, doc.kind, doc.title, doc.topic, doc.lang, doc.source, doc.sourceUrl, doc.updated, reviewedBy, doc.body, JSON.stringify(doc.meta), hash, origin, notes.editorNote, notes.reviewBy],
  );
  if (doc.units.length === 0) return;
  await q.query(
    `INSERT INTO knowledge_chunk (document_id, role, ord, section, lang, text, embedding)
     SELECT $1, u.role, u.ord, u.section, u.lang, u.text, u.embedding::vector
       FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(role, ord, section, lang, text, embedding)`,
    [
      doc.id,
      doc.units.map((u) => u.role),
      doc.units.map((u) => u.ord),
      doc.units.map((u) => u.section),
      doc.units.map((u) => u.lang),
      doc.units.map((u) => u.text),
      vectors.map((v) => vectorLiteral(v)),
    ],
  );
}

export function vectorLiteral(v: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + (Math.round(v[i]! * 1e6) / 1e6).toString();
  return s + ']';
}

export function parseVector(s: string): Float32Array {
  const inner = s.trim().replace(/^\[|\]$/g, '');
  if (!inner) return new Float32Array(0);
  const parts = inner.split(',');
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
}

export async function loadDocuments(q: Queryable): Promise<StoredDocumentRow[]> {
  const r = await q.query<StoredDocumentRow>(
    `SELECT id, path, kind, title, topic, lang, source, source_url, updated, reviewed_by, body, meta, content_hash, indexed_at, origin
       FROM knowledge_document ORDER BY id`,
  );
  return r.rows;
}

/** The dashboard's list: every document without its body, with staff notes and chunk counts. */
export async function documentSummaries(q: Queryable): Promise<Array<Omit<StoredDocumentRow, 'body' | 'meta'> & { chunks: string }>> {
  const r = await q.query<Omit<StoredDocumentRow, 'body' | 'meta'> & { chunks: string }>(
    `SELECT d.id, d.path, d.kind, d.title, d.topic, d.lang, d.source, d.source_url, d.updated, d.reviewed_by, d.content_hash,
            d.indexed_at, d.origin, d.editor_note, d.review_by,
            (SELECT count(*) FROM knowledge_chunk c WHERE c.document_id = d.id) AS chunks
       FROM knowledge_document d ORDER BY d.id`,
  );
  return r.rows;
}

export async function loadChunks(q: Queryable): Promise<StoredChunkRow[]> {
  const r = await q.query<StoredChunkRow>(
    `SELECT id::text AS id, document_id, role, ord, section, lang, text, embedding::text AS embedding
       FROM knowledge_chunk ORDER BY document_id, role, ord`,
  );
  return r.rows;
}

/** Chunks that have no vector yet from a remote embeddings model. */
export async function chunksMissingModel(q: Queryable, model: string): Promise<Array<{ id: string; text: string; title: string; section: string | null }>> {
  const r = await q.query<{ id: string; text: string; title: string; section: string | null }>(
    `SELECT c.id::text AS id, c.text, d.title, c.section
       FROM knowledge_chunk c JOIN knowledge_document d ON d.id = c.document_id
      WHERE NOT EXISTS (SELECT 1 FROM knowledge_chunk_embedding e WHERE e.chunk_id = c.id AND e.model = $1)
      ORDER BY c.id`,
    [model],
  );
  return r.rows;
}

export async function storeModelVectors(q: Queryable, model: string, ids: string[], vectors: number[][]): Promise<void> {
  await q.query(
    `INSERT INTO knowledge_chunk_embedding (chunk_id, model, embedding)
     SELECT u.id, $1, u.embedding::vector FROM unnest($2::bigint[], $3::text[]) AS u(id, embedding)
     ON CONFLICT (chunk_id, model) DO UPDATE SET embedding = EXCLUDED.embedding`,
    [model, ids, vectors.map((v) => vectorLiteral(v))],
  );
}

export async function loadModelVectors(q: Queryable, model: string): Promise<Map<string, Float32Array>> {
  const r = await q.query<{ id: string; vec: Buffer }>(
    'SELECT chunk_id::text AS id, vector_send(embedding) AS vec FROM knowledge_chunk_embedding WHERE model = $1 ORDER BY chunk_id',
    [model],
  );
  return vectorArena(r.rows);
}

/**
 * Decodes pgvector's binary form (vector_send: int16 dims, int16 unused, dims × float4, big
 * endian) into ONE Float32Array arena with a view per id. Text vectors ('[0.1,…]') cost about
 * 3 KB of string per 384-dim vector and a parse; one arena is 1.5 KB per vector, no per-vector
 * buffers, and a structured clone (to the answer worker) copies a single buffer.
 */
export function vectorArena(rows: ReadonlyArray<{ id: string; vec: Buffer | Uint8Array }>): Map<string, Float32Array> {
  let total = 0;
  for (const r of rows) total += (r.vec.byteLength - 4) / 4;
  const arena = new Float32Array(total);
  const out = new Map<string, Float32Array>();
  let at = 0;
  for (const r of rows) {
    const view = new DataView(r.vec.buffer, r.vec.byteOffset, r.vec.byteLength);
    const dims = view.getInt16(0);
    for (let i = 0; i < dims; i++) arena[at + i] = view.getFloat32(4 + 4 * i);
    out.set(r.id, arena.subarray(at, at + dims));
    at += dims;
  }
  return out;
}

/** Staff actions on the knowledge from outside the dashboard (the CLI) go to the same audit log. */
export async function auditKnowledge(q: Queryable, actor: string, action: string, target: string, detail: Record<string, unknown> = {}): Promise<void> {
  await q.query('INSERT INTO audit_log (staff_username, action, target, detail) VALUES ($1, $2, $3, $4::jsonb)', [actor, action, target, JSON.stringify(detail)]);
}

/** The knowledge version every process compares with the snapshot it answers from. */
export async function knowledgeVersion(q: Queryable): Promise<number> {
  const r = await q.query<{ version: string }>('SELECT version FROM knowledge_state WHERE id = 1');
  return Number(r.rows[0]?.version ?? 0);
}

/** Records the hash of knowledge/_assistant; a new hash bumps the version (the vocabularies changed). */
export async function syncAssistantHash(q: Queryable, hash: string): Promise<boolean> {
  const r = await q.query<{ version: string }>(
    `UPDATE knowledge_state SET assistant_hash = $1, version = version + 1, changed_at = now()
      WHERE id = 1 AND assistant_hash <> $1 RETURNING version`,
    [hash],
  );
  if (!r.rows[0]) return false;
  await q.query('SELECT pg_notify($1, $2)', ['knowledge_changed', r.rows[0].version]);
  return true;
}

/**
 * Everything an answer engine needs, read from the database: documents, chunks (their text once;
 * the vector text column is not read) and the vectors as one arena. The version is read first: a
 * change committed while the rows are read shows up as a newer version, and the next check reloads.
 */
export async function loadKnowledgeSnapshot(q: Queryable, opts: { model?: string | null } = {}): Promise<KnowledgeSnapshot> {
  const version = await knowledgeVersion(q);
  const documents = await loadDocuments(q);
  const r = await q.query<Omit<StoredChunkRow, 'embedding'> & { vec: Buffer }>(
    `SELECT id::text AS id, document_id, role, ord, section, lang, text, vector_send(embedding) AS vec
       FROM knowledge_chunk ORDER BY document_id, role, ord`,
  );
  const vectors = opts.model ? await loadModelVectors(q, opts.model) : vectorArena(r.rows);
  const chunks: StoredChunkRow[] = r.rows.map((c) => ({
    id: c.id, document_id: c.document_id, role: c.role, ord: c.ord, section: c.section, lang: c.lang, text: c.text, embedding: '',
  }));
  return { version, documents, chunks, vectors };
}

/** The original bytes and metadata of a staff document. */
export interface StoredOriginal {
  documentId: string;
  fileName: string;
  content: Buffer;
  meta: Record<string, unknown>;
  addedBy: string;
  addedAt: Date;
}

export async function storeOriginal(q: Queryable, o: Omit<StoredOriginal, 'addedAt'>): Promise<void> {
  await q.query(
    `INSERT INTO knowledge_original (document_id, file_name, content, meta, added_by) VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (document_id) DO UPDATE SET file_name = EXCLUDED.file_name, content = EXCLUDED.content, meta = EXCLUDED.meta,
       added_by = EXCLUDED.added_by, added_at = now()`,
    [o.documentId, o.fileName, o.content, JSON.stringify(o.meta), o.addedBy],
  );
}

export async function loadOriginals(q: Queryable): Promise<Array<StoredOriginal & { path: string; hash: string }>> {
  const r = await q.query<{ document_id: string; file_name: string; content: Buffer; meta: Record<string, unknown>; added_by: string; added_at: Date; path: string; content_hash: string }>(
    `SELECT o.document_id, o.file_name, o.content, o.meta, o.added_by, o.added_at, d.path, d.content_hash
       FROM knowledge_original o JOIN knowledge_document d ON d.id = o.document_id ORDER BY o.document_id`,
  );
  return r.rows.map((x) => ({
    documentId: x.document_id, fileName: x.file_name, content: x.content, meta: x.meta, addedBy: x.added_by, addedAt: x.added_at, path: x.path, hash: x.content_hash,
  }));
}

/** Removes a staff document (its chunks and original go with it). False when unknown or bundled. */
export async function deleteStaffDocument(q: Queryable, id: string): Promise<boolean> {
  const r = await q.query(`DELETE FROM knowledge_document WHERE id = $1 AND origin = 'staff'`, [id]);
  return r.rowCount > 0;
}

export async function documentById(q: Queryable, id: string): Promise<StoredDocumentRow | null> {
  const r = await q.query<StoredDocumentRow>(
    `SELECT id, path, kind, title, topic, lang, source, source_url, updated, reviewed_by, body, meta, content_hash, indexed_at, origin, editor_note, review_by
       FROM knowledge_document WHERE id = $1`,
    [id],
  );
  return r.rows[0] ?? null;
}

export async function setReviewedBy(q: Queryable, id: string, reviewer: string): Promise<boolean> {
  return (await setReviewedByMany(q, [id], reviewer)).length > 0;
}

/** Mark several documents reviewed in one statement (one knowledge version bump); returns the ids found. */
export async function setReviewedByMany(q: Queryable, ids: string[], reviewer: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await q.query<{ id: string }>(
    'UPDATE knowledge_document SET reviewed_by = $2, reviewed_at = now() WHERE id = ANY($1::text[]) RETURNING id',
    [ids, reviewer],
  );
  return r.rows.map((x) => x.id);
}

export interface ReviewQueueRow {
  id: string;
  title: string;
  kind: DocKind;
  topic: string;
  source: string;
  updated: string | null;
  reviewed_by: string | null;
  review_by: string | null;
  /** Nobody has reviewed it (empty `reviewed_by`). */
  unreviewed: boolean;
  /** Its `review_by` date (YYYY-MM-DD) is `today` or earlier and no review happened on or after it. */
  stale: boolean;
}

/**
 * Documents waiting for a person: unreviewed ones and ones past their `review_by` date, stale
 * first, then by date. `today` is the commune's calendar day (YYYY-MM-DD); review dates are
 * calendar days in the same zone, so the review time is compared as a day in UTC+7.
 */
export async function reviewQueue(q: Queryable, today: string): Promise<ReviewQueueRow[]> {
  const r = await q.query<ReviewQueueRow>(
    `SELECT id, title, kind, topic, source, updated, reviewed_by, review_by, unreviewed, stale FROM (
       SELECT d.*, coalesce(btrim(d.reviewed_by), '') = '' AS unreviewed,
              (d.review_by ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' AND d.review_by <= $1
                AND (d.reviewed_at IS NULL OR to_char((d.reviewed_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD') < d.review_by)) AS stale
         FROM knowledge_document d) x
      WHERE unreviewed OR stale
      ORDER BY stale DESC, review_by NULLS LAST, id`,
    [today],
  );
  return r.rows;
}

export async function chunkCount(q: Queryable, documentId: string): Promise<number> {
  const r = await q.query<{ n: string }>('SELECT count(*) AS n FROM knowledge_chunk WHERE document_id = $1', [documentId]);
  return Number(r.rows[0]?.n ?? 0);
}

export async function chunkCounts(q: Queryable): Promise<Map<string, number>> {
  const r = await q.query<{ document_id: string; n: string }>('SELECT document_id, count(*) AS n FROM knowledge_chunk GROUP BY document_id');
  return new Map(r.rows.map((x) => [x.document_id, Number(x.n)]));
}
