// The answer worker-thread pool: the service answers off the main event loop, so a slow question
// never delays the webhook's 200 or a dashboard page. The main thread keeps the database (only one
// process may open the embedded data directory, and PGlite lives in one thread), builds knowledge
// snapshots from it and publishes them to every worker; each worker holds an answer engine built
// by createAnswerEngine (src/answer/engine.ts), the same entry point the in-process path uses.
//
// Reload: load(snapshot) broadcasts the snapshot; each worker builds a new engine beside its old
// one and swaps it in; the pool switches to the new version once every worker has it (or after a
// timeout, when a straggler builds it on its next task). Answers in flight finish on the old engine.
import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { KnowledgeSnapshot } from './engine.js';
import type { AnswerTask, AnswerTaskResult, FromWorker, PoolWorkerData, ToWorker } from './pool-worker.js';
import type { AnswerContext, AnswerPipeline, AnswerResult } from './types.js';

export interface AnswerPoolOptions {
  config: Config;
  log: Logger;
  /** Worker threads (1–2 on a small machine: each holds its own copy of the index). */
  threads: number;
  /** Questions one worker works on at once (they interleave only while waiting on an LLM or embeddings API). */
  concurrentPerThread?: number;
  /** A fresh snapshot for a worker that has none (a worker restarted after a crash). */
  source: () => Promise<KnowledgeSnapshot>;
  /** Young-generation limit of each worker's V8 heap, in MB. */
  youngGenerationMb?: number;
  /** Old-generation limit of each worker's V8 heap, in MB (see WORKER_OLD_GENERATION_MB). */
  oldGenerationMb?: number;
  /** Nice value of the worker threads (see ANSWER_WORKER_NICE); 0 keeps the process's. */
  nice?: number;
  /** How long load() waits for every worker to build the new engine before switching anyway. */
  loadTimeoutMs?: number;
}

export interface AnswerPool extends AnswerPipeline {
  /** Publish a snapshot; resolves once the workers answer from it (or the timeout passed). */
  load(snapshot: KnowledgeSnapshot): Promise<void>;
  /** The version answers come from (null before the first load). */
  readonly version: number | null;
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * The worker module. From compiled dist/ it is pool-worker.js beside this file; from source (tsx,
 * vitest) a small ESM bootstrap loads the TypeScript worker through tsx.
 */
export function workerFile(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./pool-worker-dev.mjs', here) : new URL('./pool-worker.js', here);
}

/**
 * A worker's old-generation limit. Its live heap is ~70 MB (the engine and its index; ~140 MB for
 * a moment while a reload builds the next engine beside the old one), so 512 MB is headroom, not a
 * squeeze. The limit matters because V8 sizes heap growth from it: without one, on a host with
 * more than 16 GB of memory V8 allows a 4 GB heap and lets garbage grow to up to 4× the live heap
 * before a full collection (measured: a worker went 70 → 220 MB over 600 answers, none of it
 * live). Under 1 GB V8 uses a growing factor of ~1.3–1.4, so the heap stays near the live size.
 */
export const WORKER_OLD_GENERATION_MB = 512;

/**
 * Nice value for the answer workers (Linux keeps one per thread). 0 by default: a lower priority
 * (nice 10) would let the main thread, which acknowledges webhooks, win the CPU over answering,
 * but on a host shared with other busy processes it starved the answers instead (measured at
 * 30 q/s with a load average of ~9: 11 vs 22 replies/s). A dedicated host may pass `nice`.
 */
export const ANSWER_WORKER_NICE = 0;

export function createAnswerPool(opts: AnswerPoolOptions): AnswerPool {
  const { log } = opts;
  const channelName = `answer-pool-${randomUUID()}`;
  const threads = Math.max(1, opts.threads);
  const piscina = new Piscina({
    filename: workerFile().href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: opts.concurrentPerThread ?? 4,
    // Piscina's default idles workers in Atomics.wait, which blocks their event loop: they could
    // not receive a snapshot (and build the next engine) while no question is running.
    atomics: 'disabled',
    // a small young generation: answering allocates short-lived objects only, and the default
    // (up to 3 × 16 MB semi-spaces per isolate) stays resident once grown
    resourceLimits: { maxYoungGenerationSizeMb: opts.youngGenerationMb ?? 8, maxOldGenerationSizeMb: opts.oldGenerationMb ?? WORKER_OLD_GENERATION_MB },
    workerData: { channel: channelName, config: opts.config, nice: opts.nice ?? ANSWER_WORKER_NICE } satisfies PoolWorkerData,
  });
  const channel = new BroadcastChannel(channelName);
  channel.unref();

  let active: number | null = null;
  let latest: KnowledgeSnapshot | null = null; // kept only while a load is being acknowledged
  const have = new Map<number, number>(); // threadId → newest version built
  const failed = new Map<number, string>(); // version → why a worker could not build it
  const waiters = new Set<() => void>();
  let closed = false;

  const liveThreads = () => piscina.threads.map((t) => t.threadId);
  const allHave = (v: number) => liveThreads().length > 0 && liveThreads().every((id) => (have.get(id) ?? -1) >= v);

  async function republish(): Promise<void> {
    const snap = latest ?? (await opts.source());
    if (closed) return;
    channel.postMessage({ type: 'snapshot', snapshot: snap } satisfies ToWorker);
  }

  channel.onmessage = (ev: unknown) => {
    const msg = (ev as { data: FromWorker | ToWorker }).data;
    if (msg.type === 'ready') have.set(msg.threadId, Math.max(have.get(msg.threadId) ?? -1, msg.version));
    else if (msg.type === 'failed') {
      failed.set(msg.version, msg.error);
      log.error({ thread: msg.threadId, version: msg.version, error: msg.error }, 'answer worker could not build the engine');
    }
    else if (msg.type === 'hello' && (latest || active !== null)) {
      // a worker that started after the last load (first start, or a restart after a crash)
      republish().catch((err: unknown) => log.error({ err }, 'could not send the knowledge snapshot to a new answer worker'));
    }
    for (const w of waiters) w();
  };
  piscina.on('error', (err: unknown) => log.error({ err }, 'answer worker failed'));

  async function load(snapshot: KnowledgeSnapshot): Promise<void> {
    if (closed) throw new Error('answer pool is closed');
    latest = snapshot;
    channel.postMessage({ type: 'snapshot', snapshot } satisfies ToWorker);
    const v = snapshot.version;
    const timeoutMs = opts.loadTimeoutMs ?? 60_000;
    await new Promise<void>((resolve) => {
      const check = () => {
        if (closed || allHave(v) || failed.has(v)) done();
      };
      const timer = setTimeout(() => {
        log.warn({ version: v, threads: liveThreads().length }, 'not every answer worker built the new index in time; the rest build it on their next question');
        done();
      }, timeoutMs);
      timer.unref();
      // a worker that is still starting has no threadId in piscina.threads yet: poll as well
      const poll = setInterval(check, 100);
      poll.unref();
      function done() {
        clearTimeout(timer);
        clearInterval(poll);
        waiters.delete(check);
        resolve();
      }
      waiters.add(check);
      check();
    });
    if (latest === snapshot) latest = null; // the workers hold it now; the main thread need not
    const why = failed.get(v);
    if (why !== undefined) {
      failed.delete(v);
      // the workers keep answering from the engine they have
      throw new Error(`answer workers could not build knowledge version ${v}: ${why}`);
    }
    if (active === null || v >= active) active = v;
  }

  async function answer(question: string, ctx?: AnswerContext): Promise<AnswerResult> {
    if (active === null) throw new Error('knowledge index not loaded yet (the answer pool has no snapshot)');
    const version = active;
    let r = (await piscina.run({ question, ctx, version } satisfies AnswerTask)) as AnswerTaskResult;
    if ('needSnapshot' in r) {
      const snapshot = latest ?? (await opts.source());
      r = (await piscina.run({ question, ctx, version, snapshot } satisfies AnswerTask)) as AnswerTaskResult;
      if ('needSnapshot' in r) throw new Error('answer worker has no knowledge snapshot');
    }
    return r.result;
  }

  return {
    answer,
    load,
    get version() {
      return active;
    },
    threads,
    async close() {
      if (closed) return;
      closed = true;
      for (const w of waiters) w();
      channel.close();
      await piscina.destroy();
    },
  };
}
