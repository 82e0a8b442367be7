// The answer worker thread (src/answer/pool.ts): holds one answer engine built from the latest
// knowledge snapshot and answers questions with it, off the main thread's event loop. Snapshots
// arrive on a BroadcastChannel (every worker gets each one); a new engine is built beside the old
// one and swapped in when complete, so answers in flight finish on the engine they started with.
import os from 'node:os';
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { createAnswerEngine, type AnswerEngine, type KnowledgeSnapshot } from './engine.js';
import type { AnswerContext, AnswerResult } from './types.js';

export interface PoolWorkerData {
  channel: string;
  config: Config;
  /** Nice value of this thread (Linux: per thread); see ANSWER_WORKER_NICE in pool.ts. */
  nice?: number;
}

/** Main → workers on the channel. */
export type ToWorker = { type: 'snapshot'; snapshot: KnowledgeSnapshot };
/** Workers → main on the channel. */
export type FromWorker = { type: 'hello'; threadId: number } | { type: 'ready'; threadId: number; version: number } | { type: 'failed'; threadId: number; version: number; error: string };

export interface AnswerTask {
  question: string;
  ctx?: AnswerContext;
  /** The version the main thread answers from; the worker builds it from `snapshot` when it lacks it. */
  version: number;
  snapshot?: KnowledgeSnapshot;
}
export type AnswerTaskResult = { result: AnswerResult } | { needSnapshot: true };

const data = workerData as PoolWorkerData;
const log = createLogger(data.config).child({ thread: threadId });
if (data.nice) {
  try {
    // pid 0 is the calling thread on Linux: only this worker yields the CPU, not the main thread
    os.setPriority(0, data.nice);
  } catch (err) {
    log.debug({ err: err instanceof Error ? err.message : String(err) }, 'could not lower the answer worker priority');
  }
}
const channel = new BroadcastChannel(data.channel);

let current: AnswerEngine | null = null;
const building = new Map<number, Promise<AnswerEngine>>();

function install(snapshot: KnowledgeSnapshot): Promise<AnswerEngine> {
  const v = snapshot.version;
  if (current?.version === v) {
    // already built (a re-sent snapshot): the main thread still waits for every worker's word
    channel.postMessage({ type: 'ready', threadId, version: v } satisfies FromWorker);
    return Promise.resolve(current);
  }
  const inFlight = building.get(v);
  if (inFlight) return inFlight;
  const started = Date.now();
  const p = createAnswerEngine(snapshot, { config: data.config, log }).then(
    (engine) => {
      building.delete(v);
      // never go back to an older version (snapshots may finish building out of order)
      if (!current || engine.version >= current.version) current = engine;
      log.debug({ version: v, ms: Date.now() - started }, 'answer engine built');
      channel.postMessage({ type: 'ready', threadId, version: v } satisfies FromWorker);
      return engine;
    },
    (err: unknown) => {
      building.delete(v);
      const error = err instanceof Error ? err.message : String(err);
      log.error({ version: v, error }, 'answer engine could not be built');
      channel.postMessage({ type: 'failed', threadId, version: v, error } satisfies FromWorker);
      throw err;
    },
  );
  building.set(v, p);
  return p;
}

channel.onmessage = (ev: unknown) => {
  const msg = (ev as { data: ToWorker | FromWorker }).data;
  if (msg.type === 'snapshot') install(msg.snapshot).catch(() => undefined);
};
// tells the main thread this worker is listening (it re-sends the latest snapshot to late starters)
channel.postMessage({ type: 'hello', threadId } satisfies FromWorker);

export default async function answer(task: AnswerTask): Promise<AnswerTaskResult> {
  let engine: AnswerEngine | null = current?.version === task.version ? current : null;
  if (!engine) {
    const pending = building.get(task.version);
    if (pending) engine = await pending;
    else if (task.snapshot) engine = await install(task.snapshot);
    else if (current && current.version > task.version) engine = current; // main has not switched yet
  }
  if (!engine) return { needSnapshot: true };
  return { result: await engine.answer(task.question, task.ctx) };
}
