// Signed webhook events for tests, shaped like Zalo's (reference/zalo-oa-api.md §1).
import crypto from 'node:crypto';
import { computeSignature } from '../../src/channel/signature.js';
import { FAKE_APP_ID, FAKE_OA_ID, FAKE_OA_SECRET } from './fake-zalo.js';

export function userId(n: number): string {
  return String(5_000_000_000_000_000_000n + BigInt(n));
}

export function textEvent(uid: string, text: string, msgId = crypto.randomUUID().replace(/-/g, '')) {
  return {
    app_id: FAKE_APP_ID,
    user_id_by_app: '77' + uid,
    event_name: 'user_send_text',
    timestamp: String(Date.now()),
    sender: { id: uid },
    recipient: { id: FAKE_OA_ID },
    message: { msg_id: msgId, text },
  };
}

export function mediaEvent(uid: string, kind: 'sticker' | 'image' | 'file' | 'location' | 'audio' | 'video' | 'gif' | 'link') {
  return {
    app_id: FAKE_APP_ID,
    event_name: `user_send_${kind}`,
    timestamp: String(Date.now()),
    sender: { id: uid },
    recipient: { id: FAKE_OA_ID },
    message: { msg_id: crypto.randomUUID(), attachments: [{ type: kind, payload: { url: 'https://example.invalid/x' } }] },
  };
}

export function followEvent(uid: string, eventName: 'follow' | 'unfollow' = 'follow') {
  return { app_id: FAKE_APP_ID, oa_id: FAKE_OA_ID, user_id_by_app: '77' + uid, event_name: eventName, timestamp: String(Date.now()), source: 'testing_webhook', follower: { id: uid } };
}

export function echoEvent(uid: string) {
  return { app_id: FAKE_APP_ID, event_name: 'oa_send_text', timestamp: String(Date.now()), sender: { id: FAKE_OA_ID }, recipient: { id: uid }, message: { msg_id: crypto.randomUUID(), text: 'Xin chào' } };
}

export function sign(raw: string, timestamp: string, secret = FAKE_OA_SECRET, appId = FAKE_APP_ID): string {
  return 'mac=' + computeSignature(appId, raw, timestamp, secret);
}

/** POST an event over real HTTP; `signature: null` sends none. */
export async function postEvent(base: string, event: unknown, opts: { signature?: string | null; raw?: string } = {}) {
  const body = opts.raw ?? JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const ts = (event as { timestamp?: string } | null)?.timestamp ?? '';
  const sig = opts.signature === undefined ? sign(body, ts) : opts.signature;
  if (sig !== null) headers['x-zevent-signature'] = sig;
  const r = await fetch(base + '/webhooks/zalo', { method: 'POST', headers, body });
  await r.text();
  return r.status;
}

/** Poll until `pred` holds (for off-path work), failing after `timeoutMs`. */
export async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
