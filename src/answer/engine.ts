// createAnswerEngine: an answer pipeline built from a plain, structured-clone-able snapshot of
// the knowledge (documents, chunks, vectors, the assistant's vocabularies). It touches no
// database, so the same engine runs in the main thread (tests, CLIs) or inside a worker thread
// (the service answers off the HTTP event loop), and a reload builds a new engine from a new
// snapshot and swaps it in while answers in flight finish on the old one.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { StoredChunkRow, StoredDocumentRow } from '../knowledge/store.js';
import { createEmbeddings, hashEmbed, l2normalize } from '../retrieval/embeddings.js';
import { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { createRephraser } from './llm-composer.js';
import { createPipeline, DEFAULT_THRESHOLDS, type Rephraser } from './pipeline.js';
import type { AnswerPipeline } from './types.js';

/** Everything an engine needs, as plain data (postMessage-able). */
export interface KnowledgeSnapshot {
  /** Knowledge version this snapshot was read at (bumped by every change to the knowledge). */
  version: number;
  documents: StoredDocumentRow[];
  chunks: StoredChunkRow[];
  /** Remote-model vectors by chunk id, when a remote embeddings model is configured. */
  vectors?: Map<string, Float32Array>;
  /** The assistant's vocabularies and canned text (knowledge/_assistant), validated when loaded. */
  assistant?: unknown;
}

export type EngineConfig = Pick<Config, 'ANSWER_MIN_CONFIDENCE'> & Partial<Config>;

export interface AnswerEngine extends AnswerPipeline {
  readonly version: number;
  readonly index: KnowledgeIndex;
}

export interface AnswerEngineOptions {
  config: EngineConfig;
  log?: Logger;
  /** Test seam: a rephraser built around a fake chat model (null: none). */
  rephraser?: Rephraser | null;
}

export async function createAnswerEngine(snapshot: KnowledgeSnapshot, opts: AnswerEngineOptions): Promise<AnswerEngine> {
  const { config, log } = opts;
  const index = new KnowledgeIndex(snapshot.documents, snapshot.chunks, snapshot.vectors);
  const remote = snapshot.vectors && config.EMBEDDINGS_PROVIDER && config.EMBEDDINGS_PROVIDER !== 'local'
    ? await createEmbeddings(config as Config)
    : null;
  const rephraser = opts.rephraser !== undefined ? opts.rephraser : log ? createRephraser(config as Config, log) : null;
  const dense = index.memorySearcher();
  const pipeline = createPipeline({
    index: () => index,
    embedQuery: async (text) => {
      if (!remote || remote.local) return hashEmbed(text);
      try {
        return l2normalize(await remote.embeddings.embedQuery(text));
      } catch (err) {
        log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'query embedding failed; lexical retrieval only');
        return null;
      }
    },
    dense: () => dense,
    thresholds: { ...DEFAULT_THRESHOLDS, minConfidence: config.ANSWER_MIN_CONFIDENCE },
    rephraser,
  });
  return { version: snapshot.version, index, answer: (q, ctx) => pipeline.answer(q, ctx) };
}
