// createAnswerService: the knowledge (in the database), its live reload, and the answer engine as
// one unit for buildApp and the CLIs.
// - prepare(): start-up sync (bundled documents follow knowledge/, staff documents stay), then
//   the first snapshot is loaded into the engine host.
// - The engine host is either the worker-thread pool (the server: answers off the event loop) or
//   one in-process engine (CLIs, tests with a fake rephraser). Both build engines through
//   createAnswerEngine (src/answer/engine.ts), from the same KnowledgeSnapshot.
// - Live reload: any change to the knowledge bumps knowledge_state.version (a trigger, or the
//   vocabulary sync). watcher() listens for `knowledge_changed` (PostgreSQL) and polls the version
//   (every database, and the fallback when a notification is lost); a newer version is read into
//   a new snapshot in the background and swapped in. Answers in flight finish on the old engine;
//   readiness never drops.
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
import { auditKnowledge, deleteStaffDocument, knowledgeVersion, loadKnowledgeSnapshot } from '../knowledge/store.js';
import { createEmbeddings, type EmbeddingsChoice } from '../retrieval/embeddings.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { loadAssistantData } from './assistant-data.js';
import { createAnswerEngine, reviewedOnly, type AnswerEngine, type KnowledgeSnapshot } from './engine.js';
import type { Rephraser } from './pipeline.js';
import { createAnswerPool, type AnswerPool } from './pool.js';
import type { AnswerPipeline } from './types.js';

export interface AnswerServiceDeps {
  db: Db;
  config: Config;
  log: Logger;
  metrics?: Metrics;
  /** Overrides for tests: where knowledge (and the old uploads folder) live. */
  roots?: Partial<KnowledgeRoots>;
  /** Test seam: a rephraser built around a fake chat model (forces the in-process engine). */
  rephraser?: Rephraser | null;
  /** Answer worker threads; 0 answers in this thread. Default: config.ANSWER_THREADS. */
  threads?: number;
}

export interface KnowledgeStats {
  version: number | null;
  documents: number;
  units: number;
}

export interface AnswerService {
  pipeline: AnswerPipeline;
  knowledge: KnowledgeAdmin;
  /** Sync knowledge/ into the database, then load the first snapshot into the engine. */
  prepare(): Promise<void>;
  /** Sync again, and add extra paths as staff documents (CLI `ingest PATH…`). */
  ingest(opts?: { extra?: string[]; actor?: string; onProgress?: (done: number, total: number, file: string) => void }): Promise<IngestResult>;
  /** Remove a staff document (CLI `ingest --remove ID`); audited. False when unknown or bundled. */
  remove(id: string, actor: string): Promise<boolean>;
  /** Reload when the database holds a newer version than the engine; true when it reloaded. */
  reload(): Promise<boolean>;
  /** Watches for knowledge changes (LISTEN/NOTIFY + version poll) while started. */
  watcher: { name: string; start(): Promise<void>; stop(): Promise<void> };
  stats(): KnowledgeStats;
  /** The in-process engine's index (throws with the worker pool, whose index lives in the workers). */
  index(): KnowledgeIndex;
  /** Stops the watcher and the worker threads. */
  close(): Promise<void>;
}

interface EngineHost {
  pipeline: AnswerPipeline;
  load(snapshot: KnowledgeSnapshot): Promise<void>;
  readonly version: number | null;
  index(): KnowledgeIndex;
  close(): Promise<void>;
}

/** One engine in this thread; a reload swaps the reference (answers in flight keep theirs). */
function inProcessHost(config: Config, log: Logger, rephraser: Rephraser | null | undefined): EngineHost {
  let engine: AnswerEngine | null = null;
  return {
    pipeline: {
      answer(question, ctx) {
        if (!engine) throw new Error('knowledge index not loaded yet (prepare() has not finished)');
        return engine.answer(question, ctx);
      },
    },
    async load(snapshot) {
      const next = await createAnswerEngine(snapshot, { config, log, rephraser });
      if (!engine || next.version >= engine.version) engine = next;
    },
    get version() {
      return engine?.version ?? null;
    },
    index() {
      if (!engine) throw new Error('knowledge index not loaded yet');
      return engine.index;
    },
    async close() {},
  };
}

function poolHost(pool: AnswerPool): EngineHost {
  return {
    pipeline: pool,
    load: (s) => pool.load(s),
    get version() {
      return pool.version;
    },
    index() {
      throw new Error('the knowledge index lives in the answer worker threads');
    },
    close: () => pool.close(),
  };
}

export function createAnswerService(deps: AnswerServiceDeps): AnswerService {
  const { db, config, log } = deps;
  const roots: KnowledgeRoots = {
    knowledgeDir: deps.roots?.knowledgeDir ?? config.knowledgeDir,
    uploadsDir: deps.roots?.uploadsDir ?? (config.DATABASE_URL || config.dataDir === path.resolve('memory') ? undefined : path.join(config.dataDir, 'uploads')),
    extra: deps.roots?.extra,
  };
  let embeddings: EmbeddingsChoice | null = null;
  // knowledge writes of this process are serialised: a re-index and an upload must not interleave
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const job = queue.then(fn);
    queue = job.catch(() => undefined);
    return job;
  };

  const registry = deps.metrics?.registry;
  const docsGauge = registry ? new Gauge({ name: 'knowledge_documents', help: 'Knowledge documents in the loaded index', registers: [registry] }) : null;
  const unitsGauge = registry
    ? new Gauge({ name: 'knowledge_units', help: 'Retrieval units (passages, FAQ phrasings, claims) in the loaded index', registers: [registry] })
    : null;
  const versionGauge = registry ? new Gauge({ name: 'knowledge_version', help: 'Knowledge version the answers come from', registers: [registry] }) : null;
  const reloadCounter = registry
    ? new Counter({ name: 'knowledge_reloads_total', help: 'Knowledge snapshots loaded, by result', labelNames: ['result'] as const, registers: [registry] })
    : null;
  const ingestCounter = registry
    ? new Counter({ name: 'knowledge_ingest_files_total', help: 'Files seen by ingestion, by result', labelNames: ['result'] as const, registers: [registry] })
    : null;

  async function getEmbeddings(): Promise<EmbeddingsChoice> {
    embeddings ??= await createEmbeddings(config);
    return embeddings;
  }

  async function snapshot(): Promise<KnowledgeSnapshot> {
    const choice = await getEmbeddings();
    const loaded = await loadKnowledgeSnapshot(db, { model: choice.local ? null : choice.model });
    const snap = config.KNOWLEDGE_REQUIRE_REVIEW ? reviewedOnly(loaded) : loaded;
    // the vocabularies (knowledge/_assistant) are validated here, in the main thread, so a bad edit
    // fails the reload (the previous engine keeps answering) before any worker sees it
    const dir = path.join(roots.knowledgeDir, '_assistant');
    return { ...snap, assistant: fs.existsSync(dir) ? loadAssistantData(roots.knowledgeDir) : undefined };
  }

  const threads = deps.rephraser !== undefined ? 0 : (deps.threads ?? config.ANSWER_THREADS);
  const host: EngineHost =
    threads > 0 ? poolHost(createAnswerPool({ config, log, threads, source: snapshot })) : inProcessHost(config, log, deps.rephraser);
  let stats: KnowledgeStats = { version: null, documents: 0, units: 0 };

  // one reload at a time; a request during a reload runs once more after it
  let reloading: Promise<boolean> | null = null;
  let again = false;
  async function reloadOnce(force: boolean): Promise<boolean> {
    const dbVersion = await knowledgeVersion(db);
    if (!force && host.version !== null && dbVersion <= host.version) return false;
    const started = Date.now();
    const snap = await snapshot();
    await host.load(snap);
    stats = { version: snap.version, documents: snap.documents.length, units: snap.chunks.length };
    docsGauge?.set(stats.documents);
    unitsGauge?.set(stats.units);
    versionGauge?.set(snap.version);
    reloadCounter?.inc({ result: 'loaded' });
    log.info({ version: snap.version, documents: stats.documents, units: stats.units, ms: Date.now() - started }, 'knowledge index loaded');
    return true;
  }
  function reload(force = false): Promise<boolean> {
    if (reloading) {
      again = true;
      return reloading;
    }
    const run = async (): Promise<boolean> => {
      let any = false;
      do {
        again = false;
        try {
          any = (await reloadOnce(force)) || any;
        } catch (err) {
          reloadCounter?.inc({ result: 'failed' });
          throw err;
        }
        force = false;
      } while (again);
      return any;
    };
    reloading = run().finally(() => {
      reloading = null;
    });
    return reloading;
  }

  async function runIngest(extra?: string[], onProgress?: (done: number, total: number, file: string) => void, actor?: string): Promise<IngestResult> {
    const r = await exclusive(async () => {
      const choice = await getEmbeddings();
      return withKnowledgeLock(db, () => ingestKnowledge({ db, roots: { ...roots, extra: extra ?? roots.extra }, embeddings: choice, log, onProgress, actor }));
    });
    if (extra?.length && actor) for (const id of r.staff) await auditKnowledge(db, actor, 'knowledge.add', id, { via: 'cli' });
    ingestCounter?.inc({ result: 'added' }, r.added);
    ingestCounter?.inc({ result: 'updated' }, r.updated);
    ingestCounter?.inc({ result: 'unchanged' }, r.unchanged);
    ingestCounter?.inc({ result: 'removed' }, r.removed);
    ingestCounter?.inc({ result: 'failed' }, r.failed.length);
    log.info({ added: r.added, updated: r.updated, unchanged: r.unchanged, removed: r.removed, failed: r.failed.length }, 'knowledge indexed');
    if (r.changed || host.version === null) await reload(host.version === null);
    return r;
  }

  const knowledge = createKnowledgeAdmin({
    db,
    reindex: (onProgress) => runIngest(undefined, onProgress),
    exclusive,
    changed: async () => {
      await reload();
    },
  });

  // ---------------------------------------------------------------- watching
  const pollMs = config.KNOWLEDGE_POLL_MS;
  let pollTimer: NodeJS.Timeout | null = null;
  let unlisten: (() => Promise<void>) | null = null;
  let watching = false;
  const kick = (why: string) => {
    reload().catch((err: unknown) => log.error({ err, why }, 'knowledge reload failed; the previous index keeps answering'));
  };
  const watcher = {
    name: 'knowledge reload',
    async start() {
      if (watching) return;
      watching = true;
      if (db.listen) {
        try {
          unlisten = await db.listen('knowledge_changed', () => kick('notification'));
        } catch (err) {
          log.warn({ err }, 'LISTEN knowledge_changed failed; relying on the version poll');
        }
      }
      const tick = () => {
        if (!watching) return;
        kick('poll');
        pollTimer = setTimeout(tick, pollMs);
        pollTimer.unref();
      };
      pollTimer = setTimeout(tick, pollMs);
      pollTimer.unref();
    },
    async stop() {
      watching = false;
      if (pollTimer) clearTimeout(pollTimer);
      pollTimer = null;
      await unlisten?.().catch(() => undefined);
      unlisten = null;
      await reloading?.catch(() => undefined);
    },
  };

  return {
    pipeline: host.pipeline,
    knowledge,
    async prepare() {
      await runIngest();
    },
    ingest: (opts = {}) => runIngest(opts.extra, opts.onProgress, opts.actor),
    async remove(id, actor) {
      const ok = await exclusive(() =>
        db.tx(async (q) => {
          const removed = await deleteStaffDocument(q, id);
          if (removed) await auditKnowledge(q, actor, 'knowledge.remove', id);
          return removed;
        }),
      );
      if (ok) await reload();
      return ok;
    },
    reload: () => reload(),
    watcher,
    stats: () => stats,
    index: () => host.index(),
    async close() {
      await watcher.stop();
      await host.close();
    },
  };
}

/**
 * Start-up syncs of several processes on one PostgreSQL take turns (a transaction-scoped advisory
 * lock held on its own connection while the sync writes through the pool); PGlite has one process.
 */
async function withKnowledgeLock<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (db.kind !== 'postgres') return fn();
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(727274013)');
    return fn();
  });
}
