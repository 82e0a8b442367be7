// createAnswerService: the knowledge index, retrieval and the answer pipeline as one unit for
// buildApp and the CLIs. prepare() indexes knowledge/ when files changed (the first start indexes
// everything, later starts only what changed) and loads the in-memory index.
import fs from 'node:fs';
import path from 'node:path';
import { Counter, Gauge } from 'prom-client';
import type { KnowledgeAdmin } from '../admin/sources.js';
import type { Config } from '../config.js';
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createKnowledgeAdmin } from '../knowledge/admin.js';
import { ingestKnowledge, type IngestResult, type KnowledgeRoots } from '../knowledge/ingest.js';
import { loadChunks, loadDocuments, loadModelVectors } from '../knowledge/store.js';
import { createEmbeddings, type EmbeddingsChoice } from '../retrieval/embeddings.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { loadAssistantData } from './assistant-data.js';
import { createAnswerEngine, type AnswerEngine } from './engine.js';
import { createRephraser } from './llm-composer.js';
import type { Rephraser } from './pipeline.js';
import type { AnswerPipeline } from './types.js';

export interface AnswerServiceDeps {
  db: Db;
  config: Config;
  log: Logger;
  metrics?: Metrics;
  /** Overrides for tests: where knowledge and uploads live. */
  roots?: Partial<KnowledgeRoots>;
  /** Test seam: a rephraser built around a fake chat model. */
  rephraser?: Rephraser | null;
}

export interface AnswerService {
  pipeline: AnswerPipeline;
  knowledge: KnowledgeAdmin;
  /** Index what changed under knowledge/ and uploads, then load the in-memory index. */
  prepare(): Promise<void>;
  /** Index extra paths too (CLI `ingest PATH…`). */
  ingest(opts?: { extra?: string[]; onProgress?: (done: number, total: number, file: string) => void }): Promise<IngestResult>;
  /** The loaded index (throws before prepare()). */
  index(): KnowledgeIndex;
}

export function createAnswerService(deps: AnswerServiceDeps): AnswerService {
  const { db, config, log } = deps;
  const roots: KnowledgeRoots = {
    knowledgeDir: deps.roots?.knowledgeDir ?? config.knowledgeDir,
    uploadsDir: deps.roots?.uploadsDir ?? path.join(config.dataDir, 'uploads'),
    extra: deps.roots?.extra,
  };
  let current: AnswerEngine | null = null;
  let embeddings: EmbeddingsChoice | null = null;
  // ingests are serialised: the dashboard's re-index and an upload must not interleave
  let queue: Promise<unknown> = Promise.resolve();

  const registry = deps.metrics?.registry;
  const docsGauge = registry
    ? new Gauge({ name: 'knowledge_documents', help: 'Knowledge documents in the loaded index', registers: [registry] })
    : null;
  const unitsGauge = registry
    ? new Gauge({ name: 'knowledge_units', help: 'Retrieval units (passages, FAQ phrasings, claims) in the loaded index', registers: [registry] })
    : null;
  const ingestCounter = registry
    ? new Counter({ name: 'knowledge_ingest_files_total', help: 'Files seen by ingestion, by result', labelNames: ['result'] as const, registers: [registry] })
    : null;

  async function getEmbeddings(): Promise<EmbeddingsChoice> {
    embeddings ??= await createEmbeddings(config);
    return embeddings;
  }

  async function loadIndex(): Promise<void> {
    const choice = await getEmbeddings();
    const [docs, chunks] = await Promise.all([loadDocuments(db), loadChunks(db)]);
    const vectors = choice.local ? undefined : await loadModelVectors(db, choice.model);
    // the answer engine over a plain snapshot (answer helper's minimal edit; the runtime helper owns this file)
    const engine = await createAnswerEngine(
      { version: 0, documents: docs, chunks, vectors, assistant: fs.existsSync(path.join(roots.knowledgeDir, '_assistant')) ? loadAssistantData(roots.knowledgeDir) : undefined },
      { config, log, rephraser },
    );
    current = engine;
    const next = engine.index;
    docsGauge?.set(next.documents.size);
    unitsGauge?.set(next.size);
    log.info({ documents: next.documents.size, units: next.size, embeddings: choice.model }, 'knowledge index loaded');
  }

  async function runIngest(extra?: string[], onProgress?: (done: number, total: number, file: string) => void): Promise<IngestResult> {
    const job = queue.then(async () => {
      const choice = await getEmbeddings();
      const r = await ingestKnowledge({ db, roots: { ...roots, extra: extra ?? roots.extra }, embeddings: choice, log, onProgress });
      ingestCounter?.inc({ result: 'added' }, r.added);
      ingestCounter?.inc({ result: 'updated' }, r.updated);
      ingestCounter?.inc({ result: 'unchanged' }, r.unchanged);
      ingestCounter?.inc({ result: 'removed' }, r.removed);
      ingestCounter?.inc({ result: 'failed' }, r.failed.length);
      if (r.changed || !current) await loadIndex();
      log.info({ added: r.added, updated: r.updated, unchanged: r.unchanged, removed: r.removed, failed: r.failed.length }, 'knowledge indexed');
      return r;
    });
    queue = job.catch(() => undefined);
    return job;
  }

  const rephraser = deps.rephraser !== undefined ? deps.rephraser : createRephraser(config, log);

  const pipeline: AnswerPipeline = {
    answer(question, ctx) {
      if (!current) throw new Error('knowledge index not loaded yet (prepare() has not finished)');
      return current.answer(question, ctx);
    },
  };

  const knowledge = createKnowledgeAdmin({ db, roots, reindex: (onProgress) => runIngest(undefined, onProgress) });

  return {
    pipeline,
    knowledge,
    async prepare() {
      await runIngest();
    },
    ingest: (opts = {}) => runIngest(opts.extra, opts.onProgress),
    index() {
      if (!current) throw new Error('knowledge index not loaded yet');
      return current.index;
    },
  };
}
