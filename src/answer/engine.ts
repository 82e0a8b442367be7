// createAnswerEngine: an answer pipeline built from a plain, structured-clone-able snapshot of
// the knowledge (documents, chunks, vectors, the assistant's vocabularies). It touches no
// database, so the same engine runs in the main thread (tests, CLIs) or inside a worker thread
// (the service answers off the HTTP event loop), and a reload builds a new engine from a new
// snapshot and swaps it in while answers in flight finish on the old one.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { StoredChunkRow, StoredDocumentRow } from '../knowledge/store.js';
import { createEmbeddings, hashEmbed, l2normalize } from '../retrieval/embeddings.js';
import { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { compileLexicon, type Lexicon } from '../text/lexicon.js';
import { AssistantDataSchema, bundledAssistantData, loadAssistantData, type AssistantData } from './assistant-data.js';
import { createRephraser } from './llm-composer.js';
import { createPipeline, DEFAULT_THRESHOLDS, type Rephraser } from './pipeline.js';
import type { AnswerPipeline, Lang } from './types.js';

/** Everything an engine needs, as plain data (postMessage-able). */
export interface KnowledgeSnapshot {
  /** Knowledge version this snapshot was read at (bumped by every change to the knowledge). */
  version: number;
  documents: StoredDocumentRow[];
  chunks: StoredChunkRow[];
  /** Remote-model vectors by chunk id, when a remote embeddings model is configured. */
  vectors?: Map<string, Float32Array>;
  /**
   * The assistant's vocabularies and canned text: `loadAssistantData(knowledgeDir)` (validated
   * again here). When absent, the engine reads `<KNOWLEDGE_DIR>/_assistant`, else the bundled copy.
   */
  assistant?: AssistantData | unknown;
}

export type EngineConfig = Pick<Config, 'ANSWER_MIN_CONFIDENCE'> & Partial<Config>;

export interface AnswerEngine extends AnswerPipeline {
  readonly version: number;
  readonly index: KnowledgeIndex;
  readonly lexicon: Lexicon;
  /** The welcome text of knowledge/_assistant/replies.yml (for the channel's first message). */
  welcome(lang: Lang): string;
}

export interface AnswerEngineOptions {
  config: EngineConfig;
  log?: Logger;
  /** Test seam: a rephraser built around a fake chat model (null: none). */
  rephraser?: Rephraser | null;
}

function assistantDataFor(snapshot: KnowledgeSnapshot, config: EngineConfig): AssistantData {
  if (snapshot.assistant !== undefined && snapshot.assistant !== null) {
    const r = AssistantDataSchema.safeParse(snapshot.assistant);
    if (!r.success) throw new Error(`knowledge snapshot: invalid assistant data (${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message})`);
    return r.data;
  }
  const dir = config.knowledgeDir;
  if (dir && fs.existsSync(path.join(dir, '_assistant'))) return loadAssistantData(dir);
  return bundledAssistantData();
}

export async function createAnswerEngine(snapshot: KnowledgeSnapshot, opts: AnswerEngineOptions): Promise<AnswerEngine> {
  const { config, log } = opts;
  const lexicon = compileLexicon(assistantDataFor(snapshot, config));
  const index = new KnowledgeIndex(snapshot.documents, snapshot.chunks, snapshot.vectors, lexicon);
  const remote = snapshot.vectors && config.EMBEDDINGS_PROVIDER && config.EMBEDDINGS_PROVIDER !== 'local'
    ? await createEmbeddings(config as Config)
    : null;
  const rephraser = opts.rephraser !== undefined ? opts.rephraser : log ? createRephraser(config as Config, log) : null;
  const dense = index.memorySearcher();
  const pipeline = createPipeline({
    index: () => index,
    lex: () => lexicon,
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
  return {
    version: snapshot.version,
    index,
    lexicon,
    welcome: (lang) => lexicon.data.replies[lang].welcome.replace('{topics}', lexicon.data.replies[lang].topics),
    answer: (q, ctx) => pipeline.answer(q, ctx),
  };
}

/**
 * The review gate (KNOWLEDGE_REQUIRE_REVIEW=true): only documents a staff member has marked as
 * reviewed (`reviewed_by` set by the audited review action) are used in answers.
 */
export function reviewedOnly(snapshot: KnowledgeSnapshot): KnowledgeSnapshot {
  const documents = snapshot.documents.filter((d) => d.reviewed_by !== null && d.reviewed_by !== '');
  const kept = new Set(documents.map((d) => d.id));
  return { ...snapshot, documents, chunks: snapshot.chunks.filter((c) => kept.has(c.document_id)) };
}
