// Channel problems that staff must see on the dashboard (delivery page): one open alert per
// kind, resolved when the cause is fixed (for example a new token pair is stored).
import type { Queryable } from '../db/types.js';

export type ChannelAlertKind = 'token_refresh_failed' | 'tokens_missing' | 'oa_blocked';

export interface ChannelAlert {
  id: string;
  kind: string;
  message: string;
  createdAt: Date;
}

export async function raiseChannelAlert(q: Queryable, kind: ChannelAlertKind, message: string): Promise<void> {
  await q.query(
    `INSERT INTO channel_alert (kind, message) VALUES ($1, $2)
     ON CONFLICT (kind) WHERE resolved_at IS NULL DO NOTHING`,
    [kind, message.slice(0, 1000)],
  );
}

export async function resolveChannelAlerts(q: Queryable, kinds: ChannelAlertKind[]): Promise<void> {
  await q.query(`UPDATE channel_alert SET resolved_at = now() WHERE resolved_at IS NULL AND kind = ANY($1::text[])`, [kinds]);
}

export async function openChannelAlerts(q: Queryable): Promise<ChannelAlert[]> {
  const r = await q.query<{ id: string; kind: string; message: string; created_at: Date }>(
    `SELECT id, kind, message, created_at FROM channel_alert WHERE resolved_at IS NULL ORDER BY created_at DESC`,
  );
  return r.rows.map((row) => ({ id: String(row.id), kind: row.kind, message: row.message, createdAt: row.created_at }));
}

export async function resolveChannelAlert(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE channel_alert SET resolved_at = now() WHERE id = $1 AND resolved_at IS NULL`, [id]);
}
