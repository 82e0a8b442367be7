// Parsing of untrusted files (dashboard uploads, staff documents) off the main event loop
// (issue 16, M5): each file is parsed by loadUpload in its own worker thread with a heap limit and
// a deadline. A decompression bomb, a docx with 300k paragraphs or a pathological PDF then costs
// that thread at most PARSE_HEAP_MB and PARSE_TIMEOUT_MS; the webhook and the dashboard keep
// answering meanwhile. Refusals are FileRejectedError with a Vietnamese message (`vi`) for staff.
import { Worker } from 'node:worker_threads';
import { FileRejectedError, type RejectReason } from './loaders.js';
import type { ParseJob, ParseReply } from './parse-worker.js';
import type { ParsedDocument } from './types.js';

/** Old-generation heap of one parse worker. */
export const PARSE_HEAP_MB = 384;
/** Wall-clock deadline of one parse. */
export const PARSE_TIMEOUT_MS = 60_000;

/** The worker module: compiled parse-worker.js beside this file, or the tsx bootstrap from source. */
function workerFile(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./parse-worker-dev.mjs', here) : new URL('./parse-worker.js', here);
}

export interface SafeParseOptions {
  heapMb?: number;
  timeoutMs?: number;
}

/** Parses an untrusted file in a worker thread (see the header). Rejects with FileRejectedError. */
export function parseUntrusted(relPath: string, bytes: Buffer, opts: SafeParseOptions = {}): Promise<ParsedDocument> {
  const heapMb = opts.heapMb ?? PARSE_HEAP_MB;
  const timeoutMs = opts.timeoutMs ?? PARSE_TIMEOUT_MS;
  return new Promise<ParsedDocument>((resolve, reject) => {
    // a copy: the caller's Buffer may be a slice of a pooled ArrayBuffer
    const job: ParseJob = { relPath, bytes: new Uint8Array(bytes) };
    const worker = new Worker(workerFile(), {
      workerData: job,
      transferList: [job.bytes.buffer as ArrayBuffer],
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const refuse = (reason: RejectReason, detail: string) => done(() => reject(new FileRejectedError(relPath, reason, detail)));
    const timer = setTimeout(() => refuse('too-large', `parsing took longer than ${timeoutMs} ms`), timeoutMs);
    worker.once('message', (msg: ParseReply) => {
      if (msg.ok) done(() => resolve(msg.doc));
      else done(() => reject(new FileRejectedError(relPath, msg.reason as RejectReason, msg.message.slice(relPath.length + 2), msg.vi)));
    });
    worker.once('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') refuse('too-large', `parsing needed more than ${heapMb} MB`);
      else refuse('unreadable', err.message.slice(0, 300));
    });
    worker.once('exit', (code) => refuse('unreadable', `parser stopped (exit ${code})`));
  });
}
