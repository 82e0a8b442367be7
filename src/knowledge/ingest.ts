// Ingestion into the database, the knowledge's home. Two origins:
// - bundled: the repository's knowledge/. Start-up sync reconciles these rows with the files:
//   unchanged files are skipped by content hash, changed ones re-indexed, files gone from
//   knowledge/ removed. Nothing else is ever removed by a sync.
// - staff: a dashboard upload or `npm run ingest -- FILE`. The original bytes and metadata are
//   stored in the database (knowledge_original), so every process and host can index them again;
//   they stay until staff remove them (dashboard or `npm run ingest -- --remove ID`).
// Each document is replaced in its own transaction, so a crash leaves every document either old
// or new, never half-written; a file that cannot be read is reported by name.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { IngestSummary, UploadMeta } from '../admin/sources.js';
import type { Db, Queryable } from '../db/types.js';
import type { Logger } from '../log.js';
import { hashEmbed, LOCAL_EMBEDDING_MODEL, type EmbeddingsChoice } from '../retrieval/embeddings.js';
import { FileRejectedError, isSupported, loadFile, splitFrontMatter } from './loaders.js';
import { parseUntrusted } from './safe-parse.js';
import {
  chunksMissingModel,
  deleteDocumentByPath,
  documentById,
  documentHashes,
  loadOriginals,
  replaceDocument,
  storeModelVectors,
  storeOriginal,
  syncAssistantHash,
  type StaffNotes,
} from './store.js';
import { KnowledgeFileError, TOPICS, type KnowledgeUnit, type ParsedDocument } from './types.js';

/** Bump when parsing or chunking changes, so every file (and every stored original) is indexed again once. */
export const INDEXER_VERSION = 'ingest-v3';

export interface KnowledgeRoots {
  knowledgeDir: string;
  /** The old DATA_DIR/uploads folder: its files are moved into the database once, then it is renamed. */
  uploadsDir?: string;
  /** Extra files or folders (CLI arguments): added as staff documents. */
  extra?: string[];
}

export interface IngestOptions {
  db: Db;
  roots: KnowledgeRoots;
  embeddings?: EmbeddingsChoice;
  log?: Logger;
  onProgress?: (done: number, total: number, file: string) => void;
  /** Who adds the extra paths (audit log, knowledge_original.added_by). */
  actor?: string;
}

export interface IngestResult extends IngestSummary {
  /** True when anything in the index changed (the in-memory index must be rebuilt). */
  changed: boolean;
  files: number;
  /** Ids of the staff documents added from `extra` (and the old uploads folder). */
  staff: string[];
}

/** Parses one file. The one call site of the loaders, so a sandboxed parser can take its place. */
export async function parseKnowledgeFile(key: string, bytes: Buffer, origin: 'bundled' | 'staff' = 'bundled'): Promise<ParsedDocument> {
  // Staff files are untrusted input (a .docx can be a decompression bomb): they are parsed in a
  // worker thread with a heap limit and a deadline, their content checked against the extension,
  // and any reviewed_by they declare dropped. Bundled files come from the repository.
  return origin === 'staff' ? parseUntrusted(key, bytes) : loadFile(key, bytes);
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && isSupported(e.name) && !/^readme\.(md|markdown|txt)$/i.test(e.name)) out.push(p);
  }
  return out;
}

const toKey = (rel: string) => rel.split(path.sep).join('/');

/** The bundled files under knowledge/, keyed by their path relative to it. */
export function listKnowledgeFiles(roots: Pick<KnowledgeRoots, 'knowledgeDir'>): Array<{ key: string; abs: string }> {
  return walk(roots.knowledgeDir).map((abs) => ({ key: toKey(path.relative(roots.knowledgeDir, abs)), abs }));
}

/** The text a unit is embedded and indexed with: passages carry their document title and section. */
export function unitIndexText(doc: { title: string }, unit: Pick<KnowledgeUnit, 'role' | 'section' | 'text'>): string {
  if (unit.role === 'passage') return [doc.title, unit.section, unit.text].filter(Boolean).join('\n');
  if (unit.role === 'answer') return `${doc.title}\n${unit.text}`;
  return unit.text;
}

function contentHash(bytes: Buffer, extra = ''): string {
  return crypto.createHash('sha256').update(`${INDEXER_VERSION}\0${LOCAL_EMBEDDING_MODEL}\0${extra}\0`).update(bytes).digest('hex');
}

/** Staff-only front matter of a Markdown file (`editor_note`, `review_by`); the loaders ignore it. */
export function staffNotes(key: string, bytes: Buffer): StaffNotes {
  if (!/\.(md|markdown)$/i.test(key)) return { editorNote: null, reviewBy: null };
  const { yaml } = splitFrontMatter(bytes.toString('utf8'));
  if (!yaml) return { editorNote: null, reviewBy: null };
  try {
    const fm = (parseYaml(yaml) ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim());
    return { editorNote: str(fm.editor_note), reviewBy: str(fm.review_by) };
  } catch {
    return { editorNote: null, reviewBy: null }; // the loader reports the bad YAML
  }
}

const localVectors = (doc: ParsedDocument) => doc.units.map((u) => Array.from(hashEmbed(unitIndexText(doc, u))));

/** Hash of the answer engine's vocabularies (knowledge/_assistant): a change reloads every process. */
export function assistantHash(knowledgeDir: string): string {
  const dir = path.join(knowledgeDir, '_assistant');
  const h = crypto.createHash('sha256');
  const files: string[] = [];
  const visit = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile()) files.push(p);
    }
  };
  visit(dir);
  for (const f of files) h.update(toKey(path.relative(dir, f))).update('\0').update(fs.readFileSync(f)).update('\0');
  return files.length ? h.digest('hex') : '';
}

export class UploadRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadRejectedError';
  }
}

const UPLOAD_TYPES = ['.md', '.txt', '.docx', '.pdf'];

/** A safe file name for a staff document: no directories, no leading dots, Vietnamese letters kept. */
export function safeUploadName(fileName: string): string {
  const base = path.basename(fileName.replace(/\\/g, '/')).normalize('NFC');
  const cleaned = base.replace(/[^\p{L}\p{N}._ -]+/gu, '_').replace(/^[.\s]+/, '').trim();
  if (!cleaned || !isSupported(cleaned) || !UPLOAD_TYPES.includes(path.extname(cleaned).toLowerCase())) {
    throw new UploadRejectedError(`Chỉ nhận tệp ${UPLOAD_TYPES.join(', ')} (tệp: ${base || '(không tên)'})`);
  }
  return cleaned.slice(-150);
}

export interface StaffDocumentInput {
  fileName: string;
  content: Buffer;
  meta?: Partial<UploadMeta> | null;
  actor: string;
}

function applyMeta(doc: ParsedDocument, meta: Partial<UploadMeta> | null | undefined): ParsedDocument {
  if (!meta) return doc;
  const out = { ...doc };
  if (meta.title?.trim()) out.title = meta.title.trim();
  if (meta.topic?.trim()) {
    if (!(TOPICS as readonly string[]).includes(meta.topic.trim())) throw new UploadRejectedError(`Chủ đề không hợp lệ: ${meta.topic}`);
    out.topic = meta.topic.trim();
  }
  if (meta.source?.trim()) out.source = meta.source.trim();
  if (meta.sourceUrl !== undefined) out.sourceUrl = meta.sourceUrl?.trim() || null;
  return out;
}

/**
 * Adds (or replaces, by file name or document id) one staff document: parsed first, then the
 * document, its chunks and its original bytes are written in one transaction, so a file that
 * cannot be read leaves the previous version in place. A bundled document's id is refused.
 */
export async function addStaffDocument(db: Db, input: StaffDocumentInput): Promise<{ id: string; replaced: boolean }> {
  const name = safeUploadName(input.fileName);
  if (input.content.length === 0) throw new UploadRejectedError(`Tệp ${name} rỗng`);
  const key = `uploads/${name}`;
  let doc: ParsedDocument;
  try {
    doc = applyMeta(await parseKnowledgeFile(key, input.content, 'staff'), input.meta);
  } catch (err) {
    if (err instanceof UploadRejectedError) throw err;
    if (err instanceof FileRejectedError) throw new UploadRejectedError(err.vi);
    const msg = err instanceof KnowledgeFileError ? err.message.replace(`${key}: `, '') : err instanceof Error ? err.message : String(err);
    throw new UploadRejectedError(`Không đọc được tệp ${name}: ${msg}`);
  }
  if (doc.units.length === 0) throw new UploadRejectedError(`Tệp ${name} không có nội dung để đưa vào tri thức`);
  const hash = contentHash(input.content, JSON.stringify(input.meta ?? {}));
  const notes = staffNotes(key, input.content);
  return db.tx(async (q) => {
    const existing = await documentById(q, doc.id);
    if (existing && existing.origin !== 'staff') {
      throw new UploadRejectedError(`Mã tài liệu "${doc.id}" đã dùng cho tài liệu gốc ${existing.path}; hãy đặt mã khác (id:)`);
    }
    const samePath = await q.query<{ id: string }>('SELECT id FROM knowledge_document WHERE path = $1', [key]);
    await replaceDocument(q, key, hash, doc, localVectors(doc), doc.reviewedBy, 'staff', notes);
    await storeOriginal(q, { documentId: doc.id, fileName: name, content: input.content, meta: { ...(input.meta ?? {}) }, addedBy: input.actor });
    return { id: doc.id, replaced: Boolean(existing) || samePath.rows.length > 0 };
  });
}

async function reindexOriginals(db: Db, result: IngestResult, log?: Logger): Promise<void> {
  for (const o of await loadOriginals(db)) {
    const hash = contentHash(o.content, JSON.stringify(o.meta ?? {}));
    if (hash === o.hash) continue; // indexed by this indexer version already
    try {
      const doc = applyMeta(await parseKnowledgeFile(o.path, o.content, 'staff'), o.meta as Partial<UploadMeta>);
      await db.tx(async (q) => {
        await replaceDocument(q, o.path, hash, doc, localVectors(doc), doc.reviewedBy, 'staff', staffNotes(o.path, o.content));
        await storeOriginal(q, { documentId: doc.id, fileName: o.fileName, content: o.content, meta: o.meta, addedBy: o.addedBy });
      });
      result.updated++;
      result.changed = true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result.failed.push({ file: o.path, error: message });
      log?.warn({ file: o.path, error: message }, 'staff document not re-indexed (the previous version stays)');
    }
  }
}

/** Moves the files of the old DATA_DIR/uploads folder into the database once, then renames the folder. */
async function migrateUploadsFolder(db: Db, dir: string, result: IngestResult, log?: Logger): Promise<void> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return;
  const files = walk(dir);
  let failed = 0;
  for (const abs of files) {
    try {
      const { id } = await addStaffDocument(db, { fileName: path.basename(abs), content: fs.readFileSync(abs), actor: 'migration' });
      result.staff.push(id);
      result.added++;
      result.changed = true;
    } catch (err) {
      failed++;
      result.failed.push({ file: abs, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (failed === 0) {
    const target = `${dir}.imported-${new Date().toISOString().slice(0, 10)}`;
    fs.renameSync(dir, fs.existsSync(target) ? `${target}-${process.pid}` : target);
    if (files.length) log?.info({ files: files.length, kept: target }, 'uploads folder moved into the database');
  } else {
    log?.warn({ failed }, 'some files of the uploads folder could not be moved into the database; they are tried again at the next start');
  }
}

/**
 * Start-up sync and `npm run ingest`: bundled documents follow knowledge/; stored staff originals
 * are re-indexed when the indexer changed; the old uploads folder is moved in; extra paths are
 * added as staff documents. Only bundled documents ever leave the index here.
 */
export async function ingestKnowledge(opts: IngestOptions): Promise<IngestResult> {
  const { db, roots, log } = opts;
  const files = listKnowledgeFiles(roots);
  const stored = await documentHashes(db);
  const result: IngestResult = { added: 0, updated: 0, unchanged: 0, removed: 0, failed: [], changed: false, files: files.length, staff: [] };
  const idOwner = new Map<string, string>(); // document id → key
  for (const [key, s] of stored) idOwner.set(s.id, key);
  const present = new Set(files.map((f) => f.key));
  let done = 0;
  for (const f of files) {
    opts.onProgress?.(done, files.length, f.key);
    try {
      const bytes = fs.readFileSync(f.abs);
      const hash = contentHash(bytes);
      const prev = stored.get(f.key);
      if (prev && prev.hash === hash && prev.origin === 'bundled') {
        result.unchanged++;
      } else {
        const doc = await parseKnowledgeFile(f.key, bytes);
        const owner = idOwner.get(doc.id);
        if (owner && owner !== f.key) {
          const ownerOrigin = stored.get(owner)?.origin;
          // another bundled file with that id that is still on disk, or a staff document: not ours to replace
          if (ownerOrigin === 'staff' || present.has(owner)) throw new KnowledgeFileError(f.key, `id "${doc.id}" is already used by ${owner}`);
        }
        await db.tx((q: Queryable) => replaceDocument(q, f.key, hash, doc, localVectors(doc), doc.reviewedBy, 'bundled', staffNotes(f.key, bytes)));
        idOwner.set(doc.id, f.key);
        if (prev) result.updated++;
        else result.added++;
        result.changed = true;
      }
    } catch (err) {
      const message = err instanceof KnowledgeFileError ? err.message.replace(`${f.key}: `, '') : err instanceof Error ? err.message : String(err);
      result.failed.push({ file: f.key, error: message });
      log?.warn({ file: f.key, error: message }, 'knowledge file not indexed');
    }
    done++;
  }
  opts.onProgress?.(done, files.length, '');
  // bundled files gone from knowledge/ leave the index; staff documents are never touched here
  for (const [key, s] of stored) {
    if (s.origin !== 'bundled' || present.has(key)) continue;
    await deleteDocumentByPath(db, key);
    result.removed++;
    result.changed = true;
  }
  await reindexOriginals(db, result, log);
  if (roots.uploadsDir) await migrateUploadsFolder(db, roots.uploadsDir, result, log);
  for (const p of roots.extra ?? []) {
    const abs = path.resolve(p);
    const list = fs.existsSync(abs) && fs.statSync(abs).isDirectory() ? walk(abs) : [abs];
    for (const f of list) {
      try {
        const r = await addStaffDocument(db, { fileName: path.basename(f), content: fs.readFileSync(f), actor: opts.actor ?? 'cli' });
        result.staff.push(r.id);
        if (r.replaced) result.updated++;
        else result.added++;
        result.changed = true;
      } catch (err) {
        result.failed.push({ file: f, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  if (await syncAssistantHash(db, assistantHash(roots.knowledgeDir))) result.changed = true;
  if (opts.embeddings && !opts.embeddings.local) await embedMissing(db, opts.embeddings, log);
  return result;
}

/** Fills knowledge_chunk_embedding for a remote model, in batches (only chunks it has not seen). */
export async function embedMissing(db: Db, choice: EmbeddingsChoice, log?: Logger): Promise<number> {
  const missing = await chunksMissingModel(db, choice.model);
  const BATCH = 64;
  for (let i = 0; i < missing.length; i += BATCH) {
    const batch = missing.slice(i, i + BATCH);
    const vectors = await choice.embeddings.embedDocuments(batch.map((c) => [c.title, c.section, c.text].filter(Boolean).join('\n')));
    await storeModelVectors(db, choice.model, batch.map((c) => c.id), vectors);
  }
  if (missing.length) log?.info({ model: choice.model, chunks: missing.length }, 'embedded knowledge with remote model');
  return missing.length;
}

export type { ParsedDocument };
