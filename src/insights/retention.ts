// Retention (RETENTION_DAYS): question and answer text older than N days is removed from the log
// and from flag examples, while every count stays (question_log rows keep their other columns, and
// question_daily is untouched). Runs at start-up and then once a day; 0 keeps text for ever.
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import { DAY_MS, systemClock, type Clock } from './clock.js';

export interface RetentionDeps {
  db: Db;
  days: number;
  log: Logger;
  clock?: Clock;
  /** Rows updated per statement, so a first run over a large log never holds long locks. */
  batchSize?: number;
}

/** Removes old text now; returns the number of question_log rows cleared. */
export async function applyRetention(deps: RetentionDeps): Promise<number> {
  if (deps.days <= 0) return 0;
  const cutoff = new Date((deps.clock ?? systemClock).now().getTime() - deps.days * DAY_MS);
  const batch = deps.batchSize ?? 5000;
  let cleared = 0;
  for (;;) {
    const r = await deps.db.query(
      `UPDATE question_log SET question_text = NULL, question_folded = NULL, answer_text = NULL
        WHERE id IN (SELECT id FROM question_log
                      WHERE asked_at < $1 AND (question_text IS NOT NULL OR question_folded IS NOT NULL OR answer_text IS NOT NULL)
                      LIMIT $2)`,
      [cutoff, batch],
    );
    cleared += r.rowCount;
    if (r.rowCount < batch) break;
  }
  await deps.db.query(`UPDATE misconception_flag SET examples = '[]'::jsonb WHERE raised_at < $1 AND examples <> '[]'::jsonb`, [cutoff]);
  await deps.db.query(
    `UPDATE staff_alert_webhook SET payload = payload - 'examples' - 'text' WHERE created_at < $1 AND status <> 'pending' AND payload ? 'text'`,
    [cutoff],
  );
  return cleared;
}

export function retentionTask(deps: RetentionDeps & { everyMs?: number }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    running = applyRetention(deps)
      .then((n) => {
        if (n > 0) deps.log.info({ cleared: n, days: deps.days }, 'retention removed old question text');
      })
      .catch((err: unknown) => deps.log.error({ err }, 'retention failed'));
  };
  return {
    name: 'question-retention',
    start() {
      if (deps.days <= 0) return;
      run();
      timer = setInterval(run, deps.everyMs ?? DAY_MS);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
