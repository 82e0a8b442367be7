// StaffAlertSink (src/insights/types.ts) over Zalo: an alert (for example a recurring
// misconception flag) becomes outbox messages to each configured staff user id
// (STAFF_ALERT_ZALO_USER_IDS), queued in the caller's transaction, so it is retried like any
// reply and enqueued at most once per dedupe key and recipient.
import type { StaffAlertSink } from '../insights/types.js';
import { enqueueMessage } from './outbox-store.js';

export function zaloStaffAlertSink(userIds: readonly string[]): StaffAlertSink {
  return {
    name: 'zalo',
    async enqueue(q, alert) {
      for (const userId of userIds) {
        await enqueueMessage(q, { purpose: 'alert', recipientId: userId, text: alert.text, dedupeKey: `alert:${alert.dedupeKey}:${userId}` });
      }
    },
  };
}
