// Ingestion: knowledge/ (+ staff uploads + any extra paths) → knowledge_document / knowledge_chunk.
// Unchanged files are skipped by content hash, files gone from disk are removed, and a file that
// cannot be read is reported by name without stopping the others. Each file is replaced in its own
// transaction, so a crash leaves every document either old or new, never half-written.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IngestSummary } from '../admin/sources.js';
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import { hashEmbed, LOCAL_EMBEDDING_MODEL, type EmbeddingsChoice } from '../retrieval/embeddings.js';
import { isSupported, loadFile } from './loaders.js';
import { chunksMissingModel, deleteDocumentByPath, documentHashes, replaceDocument, storeModelVectors } from './store.js';
import { KnowledgeFileError, type KnowledgeUnit, type ParsedDocument } from './types.js';

/** Bump when parsing or chunking changes, so every file is indexed again once. */
export const INDEXER_VERSION = 'ingest-v3';

export interface KnowledgeRoots {
  knowledgeDir: string;
  uploadsDir: string;
  /** Extra files or folders (CLI arguments), stored under their absolute path. */
  extra?: string[];
}

export interface IngestOptions {
  db: Db;
  roots: KnowledgeRoots;
  embeddings?: EmbeddingsChoice;
  log?: Logger;
  onProgress?: (done: number, total: number, file: string) => void;
}

export interface IngestResult extends IngestSummary {
  /** True when anything in the index changed (the in-memory index must be rebuilt). */
  changed: boolean;
  files: number;
}

interface FoundFile {
  /** How the file is stored and named: relative to knowledge/, "uploads/…", or absolute. */
  key: string;
  abs: string;
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

export function listKnowledgeFiles(roots: KnowledgeRoots): FoundFile[] {
  const files: FoundFile[] = [];
  for (const abs of walk(roots.knowledgeDir)) files.push({ key: toKey(path.relative(roots.knowledgeDir, abs)), abs });
  for (const abs of walk(roots.uploadsDir)) files.push({ key: 'uploads/' + toKey(path.relative(roots.uploadsDir, abs)), abs });
  for (const p of roots.extra ?? []) {
    const abs = path.resolve(p);
    const list = fs.existsSync(abs) && fs.statSync(abs).isDirectory() ? walk(abs) : [abs];
    for (const f of list) if (!files.some((x) => x.abs === f)) files.push({ key: f, abs: f });
  }
  return files;
}

/** Where a stored key lives on disk. */
export function resolveKey(roots: KnowledgeRoots, key: string): string {
  if (path.isAbsolute(key)) return key;
  if (key.startsWith('uploads/')) return path.join(roots.uploadsDir, key.slice('uploads/'.length));
  return path.join(roots.knowledgeDir, key);
}

/** The text a unit is embedded and indexed with: passages carry their document title and section. */
export function unitIndexText(doc: { title: string }, unit: Pick<KnowledgeUnit, 'role' | 'section' | 'text'>): string {
  if (unit.role === 'passage') return [doc.title, unit.section, unit.text].filter(Boolean).join('\n');
  if (unit.role === 'answer') return `${doc.title}\n${unit.text}`;
  return unit.text;
}

function contentHash(bytes: Buffer): string {
  return crypto.createHash('sha256').update(`${INDEXER_VERSION}\0${LOCAL_EMBEDDING_MODEL}\0`).update(bytes).digest('hex');
}

export async function ingestKnowledge(opts: IngestOptions): Promise<IngestResult> {
  const { db, roots, log } = opts;
  const files = listKnowledgeFiles(roots);
  const stored = await documentHashes(db);
  const result: IngestResult = { added: 0, updated: 0, unchanged: 0, removed: 0, failed: [], changed: false, files: files.length };
  const idOwner = new Map<string, string>(); // document id → file key, within this run
  for (const [key, s] of stored) idOwner.set(s.id, key);

  let done = 0;
  for (const f of files) {
    opts.onProgress?.(done, files.length, f.key);
    try {
      const bytes = fs.readFileSync(f.abs);
      const hash = contentHash(bytes);
      const prev = stored.get(f.key);
      if (prev && prev.hash === hash) {
        result.unchanged++;
      } else {
        const doc = await loadFile(f.key, bytes);
        const owner = idOwner.get(doc.id);
        if (owner && owner !== f.key && fs.existsSync(resolveKey(roots, owner)) && files.some((x) => x.key === owner)) {
          throw new KnowledgeFileError(f.key, `id "${doc.id}" is already used by ${owner}`);
        }
        const vectors = doc.units.map((u) => Array.from(hashEmbed(unitIndexText(doc, u))));
        await db.tx((q) => replaceDocument(q, f.key, hash, doc, vectors, doc.reviewedBy));
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

  // files gone from disk leave the index (extra paths stay while their file exists)
  const present = new Set(files.map((f) => f.key));
  for (const key of stored.keys()) {
    if (present.has(key)) continue;
    if (path.isAbsolute(key) && fs.existsSync(key)) continue;
    await deleteDocumentByPath(db, key);
    result.removed++;
    result.changed = true;
  }

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
