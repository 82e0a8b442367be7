// Keeps the channel tables small: processed inbox events and delivered outbox messages are only
// needed for a while (de-duplication of Zalo's retries, which stop within hours, and of replays
// inside the ±1 day timestamp window, so keep CHANNEL_HISTORY_DAYS > 1; delivery history
// for staff). Both hold no message text or payload by then. Parked events and dead messages stay
// visible, but after the same window their raw user id, text and payload are scrubbed: staff had
// that long to retry them, and raw ids must not live longer than delivery needs (Law 91/2025/QH15 on personal data: data are deleted once their purpose is achieved).
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';
import { deleteExpiredConversations } from './conversation-store.js';
import { sweepEvents } from './inbox-store.js';
import { sweepMessages } from './outbox-store.js';

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
): Promise<{ events: number; messages: number; scrubbed: number; conversations: number }> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const events = await sweepEvents(db, cutoff);
  const messages = await sweepMessages(db, cutoff);
  const conversations = await deleteExpiredConversations(db, now);
  return { events: events.deleted, messages: messages.deleted, scrubbed: events.scrubbed + messages.scrubbed, conversations };
}

export function housekeepingTask(deps: { db: Db; log: Logger; days: number; everyMs?: number }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    running = sweepChannelTables(deps.db, deps.days)
      .then((n) => {
        if (n.events || n.messages || n.scrubbed || n.conversations) deps.log.info({ ...n, days: deps.days }, 'channel housekeeping removed old rows');
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
