// Keeps the channel tables small: processed inbox events and delivered outbox messages are only
// needed for a while (de-duplication of Zalo's retries, which stop within hours; delivery history
// for staff). Both hold no message text or payload by then. Parked events and dead messages stay
// visible, but after the same window their raw user id, text and payload are scrubbed: staff had
// that long to retry them, and raw ids must not live longer than delivery needs (Decree 13/2023).
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';

const DAY_MS = 86_400_000;

/**
 * Deletes processed events and sent messages older than `days`, and scrubs what staff did not act
 * on within that time: a dead reply loses its recipient and text, a parked event its payload (the
 * rows stay, so the failure remains visible and counted). Returns how many rows were touched.
 */
export async function sweepChannelTables(
  db: Db,
  days: number,
  now = new Date(),
): Promise<{ events: number; messages: number; scrubbed: number }> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const events = await db.query(`DELETE FROM inbound_event WHERE status IN ('done', 'ignored') AND received_at < $1`, [cutoff]);
  const messages = await db.query(`DELETE FROM outbox_message WHERE status = 'sent' AND created_at < $1`, [cutoff]);
  const deadScrubbed = await db.query(
    `UPDATE outbox_message SET recipient_id = NULL, text = NULL, updated_at = now()
      WHERE status = 'dead' AND created_at < $1 AND (recipient_id IS NOT NULL OR text IS NOT NULL)`,
    [cutoff],
  );
  const parkedScrubbed = await db.query(
    `UPDATE inbound_event SET payload = NULL WHERE status = 'parked' AND received_at < $1 AND payload IS NOT NULL`,
    [cutoff],
  );
  return { events: events.rowCount, messages: messages.rowCount, scrubbed: deadScrubbed.rowCount + parkedScrubbed.rowCount };
}

export function housekeepingTask(deps: { db: Db; log: Logger; days: number; everyMs?: number }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    running = sweepChannelTables(deps.db, deps.days)
      .then((n) => {
        if (n.events || n.messages || n.scrubbed) deps.log.info({ ...n, days: deps.days }, 'channel housekeeping removed old rows');
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
