// Worker-thread body of parseUntrusted (safe-parse.ts): parses one uploaded file with loadUpload
// and posts the ParsedDocument (or the refusal) back. It runs with a heap limit and is terminated
// on a deadline by the parent, so a hostile file costs this thread, never the service's loop.
import { parentPort, workerData } from 'node:worker_threads';
import { FileRejectedError, loadUpload } from './loaders.js';

export interface ParseJob {
  relPath: string;
  bytes: Uint8Array;
}

export type ParseReply =
  | { ok: true; doc: Awaited<ReturnType<typeof loadUpload>> }
  | { ok: false; reason: string; message: string; vi: string };

const job = workerData as ParseJob;
try {
  const doc = await loadUpload(job.relPath, Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength));
  parentPort!.postMessage({ ok: true, doc } satisfies ParseReply);
} catch (err) {
  const e = err instanceof FileRejectedError ? err : new FileRejectedError(job.relPath, 'unreadable', err instanceof Error ? err.message.slice(0, 300) : String(err));
  parentPort!.postMessage({ ok: false, reason: e.reason, message: e.message, vi: e.vi } satisfies ParseReply);
}
