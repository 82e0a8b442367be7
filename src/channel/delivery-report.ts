// DeliveryAdmin (src/admin/sources.ts) for the staff dashboard's delivery page: messages that
// could not be delivered (dead, or still retrying after several attempts), open channel alerts
// (for example a Zalo token that could not be refreshed) and parked inbound events.
import type { DeliveryAdmin, DeliveryFailure, ParkedEvent } from '../admin/sources.js';
import type { Db } from '../db/types.js';
import type { TokenStore } from './token-store.js';
import { openChannelAlerts, resolveChannelAlert } from './channel-alerts.js';
import { listParkedEvents, retryParkedEvent } from './inbox-store.js';
import { listFailedMessages, retryDeadGroup } from './outbox-store.js';

/** Attempts after which a message still being retried is shown to staff. */
const STRUGGLING_ATTEMPTS = 3;
/** Alert rows share the failure list; their ids carry this prefix. */
const ALERT_PREFIX = 'alert-';

export function createDeliveryReport<S>(deps: {
  db: Db;
  tokens?: TokenStore;
  onRetry?: (kind: 'outbox' | 'event') => void;
  /** The channel's status for the dashboard banner (breaker, queued replies, open alerts). */
  status: () => Promise<S>;
}): DeliveryAdmin & { channelStatus(): Promise<S> } {
  const { db } = deps;
  return {
    channelStatus: deps.status,
    async listFailures(limit) {
      const alerts: DeliveryFailure[] = (await openChannelAlerts(db)).map((a) => ({
        id: ALERT_PREFIX + a.id,
        createdAt: a.createdAt,
        purpose: a.kind,
        attempts: 0,
        status: 'alert',
        lastError: a.message,
      }));
      const rows: DeliveryFailure[] = await listFailedMessages(db, limit, STRUGGLING_ATTEMPTS);
      return [...alerts, ...rows].slice(0, limit);
    },

    async listParkedEvents(limit) {
      return (await listParkedEvents(db, limit)) satisfies ParkedEvent[];
    },

    async retry(kind, id) {
      if (kind === 'outbox' && id.startsWith(ALERT_PREFIX)) {
        // "Retry" on a token alert: forget the failure so the next send tries to refresh again.
        await deps.tokens?.clearFailure();
        await resolveChannelAlert(db, id.slice(ALERT_PREFIX.length));
      } else if (kind === 'outbox') {
        if (!/^\d+$/.test(id)) return;
        await retryDeadGroup(db, id);
      } else {
        if (!/^\d+$/.test(id)) return;
        await retryParkedEvent(db, id);
      }
      deps.onRetry?.(kind);
    },
  };
}
