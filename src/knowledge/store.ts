// SQL for knowledge_document / knowledge_chunk / knowledge_chunk_embedding. The only module that
// writes these tables.
import type { Queryable } from '../db/types.js';
import type { DocKind, DocMeta, ParsedDocument, UnitRole } from './types.js';

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

export async function documentHashes(q: Queryable): Promise<Map<string, { id: string; hash: string }>> {
  const r = await q.query<{ id: string; path: string; content_hash: string }>('SELECT id, path, content_hash FROM knowledge_document');
  return new Map(r.rows.map((x) => [x.path, { id: x.id, hash: x.content_hash }]));
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
): Promise<void> {
  await q.query('DELETE FROM knowledge_document WHERE path = $1 OR id = $2', [path, doc.id]);
  await q.query(
    `INSERT INTO knowledge_document (id, path, kind, title, topic, lang, source, source_url, updated, reviewed_by, body, meta, content_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)`,
    [doc.id, path, doc.kind, doc.title, doc.topic, doc.lang, doc.source, doc.sourceUrl, doc.updated, reviewedBy, doc.body, JSON.stringify(doc.meta), hash],
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
    `SELECT id, path, kind, title, topic, lang, source, source_url, updated, reviewed_by, body, meta, content_hash, indexed_at
       FROM knowledge_document ORDER BY id`,
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
  const r = await q.query<{ id: string; embedding: string }>(
    'SELECT chunk_id::text AS id, embedding::text AS embedding FROM knowledge_chunk_embedding WHERE model = $1',
    [model],
  );
  return new Map(r.rows.map((x) => [x.id, parseVector(x.embedding)]));
}

export async function setReviewedBy(q: Queryable, id: string, reviewer: string): Promise<boolean> {
  const r = await q.query('UPDATE knowledge_document SET reviewed_by = $2 WHERE id = $1', [id, reviewer]);
  return r.rowCount > 0;
}

export async function chunkCounts(q: Queryable): Promise<Map<string, number>> {
  const r = await q.query<{ document_id: string; n: string }>('SELECT document_id, count(*) AS n FROM knowledge_chunk GROUP BY document_id');
  return new Map(r.rows.map((x) => [x.document_id, Number(x.n)]));
}
