// DeliveryAdmin (src/admin/sources.ts) for the staff dashboard's delivery page: messages that
// could not be delivered (dead, or still retrying after several attempts), open channel alerts
// (for example a Zalo token that could not be refreshed) and parked inbound events.
import type { DeliveryAdmin, DeliveryFailure, ParkedEvent } from '../admin/sources.js';
import type { Db } from '../db/types.js';
import type { TokenStore } from './token-store.js';
import { openChannelAlerts } from './channel-alerts.js';

/** Attempts after which a message still being retried is shown to staff. */
const STRUGGLING_ATTEMPTS = 3;
/** Alert rows share the failure list; their ids carry this prefix. */
const ALERT_PREFIX = 'alert-';

export function createDeliveryReport(deps: { db: Db; tokens?: TokenStore; onRetry?: (kind: 'outbox' | 'event') => void }): DeliveryAdmin {
  const { db } = deps;
  return {
    async listFailures(limit) {
      const alerts: DeliveryFailure[] = (await openChannelAlerts(db)).map((a) => ({
        id: ALERT_PREFIX + a.id,
        createdAt: a.createdAt,
        purpose: a.kind,
        attempts: 0,
        status: 'alert',
        lastError: a.message,
      }));
      const r = await db.query<{ id: string; created_at: Date; purpose: string; attempts: number; status: string; last_error: string | null }>(
        `SELECT id, created_at, purpose, attempts, status, last_error
           FROM outbox_message
          WHERE status = 'dead' OR (status IN ('pending', 'sending') AND attempts >= $2)
          ORDER BY updated_at DESC, id DESC
          LIMIT $1`,
        [limit, STRUGGLING_ATTEMPTS],
      );
      const rows = r.rows.map((row) => ({
        id: String(row.id),
        createdAt: row.created_at,
        purpose: row.purpose,
        attempts: Number(row.attempts),
        status: row.status === 'dead' ? 'dead' : 'retrying',
        lastError: row.last_error,
      }));
      return [...alerts, ...rows].slice(0, limit);
    },

    async listParkedEvents(limit) {
      const r = await db.query<{ id: string; received_at: Date; event_name: string; attempts: number; last_error: string | null }>(
        `SELECT id, received_at, event_name, attempts, last_error FROM inbound_event
          WHERE status = 'parked' ORDER BY received_at DESC, id DESC LIMIT $1`,
        [limit],
      );
      return r.rows.map(
        (row): ParkedEvent => ({ id: String(row.id), receivedAt: row.received_at, eventName: row.event_name, attempts: Number(row.attempts), lastError: row.last_error }),
      );
    },

    async retry(kind, id) {
      if (kind === 'outbox' && id.startsWith(ALERT_PREFIX)) {
        // "Retry" on a token alert: forget the failure so the next send tries to refresh again.
        await deps.tokens?.clearFailure();
        await db.query(`UPDATE channel_alert SET resolved_at = now() WHERE id = $1 AND resolved_at IS NULL`, [id.slice(ALERT_PREFIX.length)]);
      } else if (kind === 'outbox') {
        if (!/^\d+$/.test(id)) return;
        // The whole reply goes again from the first part that was not sent, in order.
        await db.query(
          `UPDATE outbox_message SET status = 'pending', attempts = 0, available_at = now(), last_error = NULL, updated_at = now()
            WHERE status = 'dead' AND text IS NOT NULL AND recipient_id IS NOT NULL
              AND group_key = (SELECT group_key FROM outbox_message WHERE id = $1)`,
          [id],
        );
      } else {
        if (!/^\d+$/.test(id)) return;
        await db.query(
          `UPDATE inbound_event SET status = 'pending', attempts = 0, available_at = now(), claimed_until = NULL, last_error = NULL
            WHERE id = $1 AND status = 'parked' AND payload IS NOT NULL`,
          [id],
        );
      }
      deps.onRetry?.(kind);
    },
  };
}
