// One re-index at a time per process, started from the dashboard and polled for progress.
import type { IngestSummary, KnowledgeAdmin } from './sources.js';

export interface ReindexStatus {
  running: boolean;
  done: number;
  total: number;
  file: string;
  startedAt: string | null;
  finishedAt: string | null;
  startedBy: string | null;
  summary: IngestSummary | null;
  error: string | null;
}

export function createReindexJob(knowledge: KnowledgeAdmin, onError: (err: unknown) => void) {
  let status: ReindexStatus = { running: false, done: 0, total: 0, file: '', startedAt: null, finishedAt: null, startedBy: null, summary: null, error: null };
  let current: Promise<void> | null = null;
  return {
    status: (): ReindexStatus => ({ ...status }),
    /** Starts a re-index unless one is running; returns false when one already is. */
    start(startedBy: string): boolean {
      if (status.running) return false;
      status = { running: true, done: 0, total: 0, file: '', startedAt: new Date().toISOString(), finishedAt: null, startedBy, summary: null, error: null };
      current = knowledge
        .reindex((done, total, file) => {
          status.done = done;
          status.total = total;
          status.file = file;
        })
        .then((summary) => {
          status = { ...status, running: false, summary, finishedAt: new Date().toISOString() };
        })
        .catch((err: unknown) => {
          onError(err);
          status = { ...status, running: false, error: 'Lập chỉ mục lại thất bại. Xem nhật ký máy chủ.', finishedAt: new Date().toISOString() };
        });
      return true;
    },
    /** Resolves when the running re-index (if any) has finished (tests, shutdown). */
    idle: (): Promise<void> => current ?? Promise.resolve(),
  };
}
