// Keeps the channel tables small: processed inbox events and delivered outbox messages are only
// needed for a while (de-duplication of Zalo's retries, which stop within hours; delivery history
// for staff). Both hold no message text or payload by then. Parked events and dead messages stay
// until staff act on them.
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';

const DAY_MS = 86_400_000;

/** Deletes processed events and sent messages older than `days`; returns how many rows went. */
export async function sweepChannelTables(db: Db, days: number, now = new Date()): Promise<{ events: number; messages: number }> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const events = await db.query(`DELETE FROM inbound_event WHERE status IN ('done', 'ignored') AND received_at < $1`, [cutoff]);
  const messages = await db.query(`DELETE FROM outbox_message WHERE status = 'sent' AND created_at < $1`, [cutoff]);
  return { events: events.rowCount, messages: messages.rowCount };
}

export function housekeepingTask(deps: { db: Db; log: Logger; days: number; everyMs?: number }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    running = sweepChannelTables(deps.db, deps.days)
      .then((n) => {
        if (n.events || n.messages) deps.log.info({ ...n, days: deps.days }, 'channel housekeeping removed old rows');
      })
      .catch((err: unknown) => deps.log.error({ err }, 'channel housekeeping failed'));
  };
  return {
    name: 'channel-housekeeping',
    start() {
      run();
      timer = setInterval(run, deps.everyMs ?? DAY_MS / 4);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
