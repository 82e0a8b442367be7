// StaffAlertSink (src/insights/types.ts) over Zalo: an alert (for example a recurring
// misconception flag) becomes outbox messages to each configured staff user id
// (STAFF_ALERT_ZALO_USER_IDS), queued in the caller's transaction, so it is retried like any
// reply and enqueued at most once per dedupe key and recipient. Only to staff whose consultation
// window is open (they wrote to the OA in the last 7 days): Zalo refuses the others (-230), and
// the staff webhook and the dashboard carry every alert anyway.
import type { Queryable } from '../db/types.js';
import type { StaffAlertSink } from '../insights/types.js';
import { enqueueMessage } from './outbox-store.js';

export function zaloStaffAlertSink(
  userIds: readonly string[],
  windowOpen: (q: Queryable, userId: string) => Promise<boolean> = async () => true,
  userKeyOf: (userId: string) => string | null = () => null,
): StaffAlertSink {
  return {
    name: 'zalo',
    async enqueue(q, alert) {
      for (const userId of userIds) {
        if (!(await windowOpen(q, userId))) continue;
        await enqueueMessage(q, {
          purpose: 'alert',
          recipientId: userId,
          userKey: userKeyOf(userId),
          text: alert.text,
          dedupeKey: `alert:${alert.dedupeKey}:${userId}`,
        });
      }
    },
  };
}
