// Zalo OA webhook event shapes (reference/zalo-oa-api.md §1) and what the service does with
// each: answer it (text), acknowledge it with a note (media), welcome (follow), or record and
// ignore it (echoes of our own sends, receipts, unfollow, events we do not handle).
// Ids stay strings end to end: they are up to 19 digits, beyond Number.MAX_SAFE_INTEGER.
import crypto from 'node:crypto';
import { z } from 'zod';

/** Zalo ids are quoted strings; a small plain number is accepted, an unsafe one is refused. */
const IdSchema = z.union([z.string().min(1).max(64), z.number().int().refine(Number.isSafeInteger, 'id beyond 2^53')]).transform(String);
/** Epoch milliseconds as a string ("1609984527175"); a number is tolerated. */
const TimestampSchema = z.union([z.string().regex(/^\d{1,16}$/), z.number().int().nonnegative()]).transform(String);
const PartySchema = z.object({ id: IdSchema });

const AttachmentSchema = z.object({
  type: z.string(),
  payload: z.record(z.string(), z.unknown()).nullish(),
});

const UserMessageSchema = z.object({
  app_id: IdSchema,
  event_name: z.string(),
  timestamp: TimestampSchema,
  sender: PartySchema,
  recipient: PartySchema,
  user_id_by_app: IdSchema.optional(),
  message: z.object({
    msg_id: z.string().min(1).max(200),
    text: z.string().optional(),
    attachments: z.array(AttachmentSchema).optional(),
    quote_msg_id: z.string().optional(),
  }),
});

const FollowSchema = z.object({
  app_id: IdSchema,
  event_name: z.enum(['follow', 'unfollow']),
  timestamp: TimestampSchema,
  follower: PartySchema,
  oa_id: IdSchema.optional(),
  user_id_by_app: IdSchema.optional(),
  source: z.string().optional(),
});

/** oa_send_* echoes and user_received_message: OA is the sender, message.msg_id is one id. */
const OaSideSchema = z.object({
  app_id: IdSchema,
  event_name: z.string(),
  timestamp: TimestampSchema,
  sender: PartySchema,
  recipient: PartySchema,
  message: z.object({ msg_id: z.string().min(1).max(200) }),
});

/** user_seen_message carries an array of ids (two code sources; one write-up shows a single id). */
const SeenSchema = z.object({
  app_id: IdSchema,
  event_name: z.literal('user_seen_message'),
  timestamp: TimestampSchema,
  sender: PartySchema,
  recipient: PartySchema,
  message: z.object({ msg_ids: z.array(z.string()).optional(), msg_id: z.string().optional() }),
});

/** The envelope every signed event must have, checked before the signature. */
export const EnvelopeSchema = z.object({
  app_id: IdSchema,
  event_name: z.string().min(1).max(100),
  timestamp: TimestampSchema,
});

export const MEDIA_EVENTS = [
  'user_send_image',
  'user_send_gif',
  'user_send_sticker',
  'user_send_file',
  'user_send_location',
  'user_send_audio',
  'user_send_video',
  'user_send_link',
] as const;
export type MediaEventName = (typeof MEDIA_EVENTS)[number];

/** What the inbox keeps for a worker: only what is needed to answer, removed after processing. */
export type InboxPayload =
  | { kind: 'text'; userId: string; text: string; msgId: string; timestamp: string }
  | { kind: 'media'; userId: string; event: MediaEventName; msgId: string; timestamp: string }
  | { kind: 'follow'; userId: string; timestamp: string };

export type IgnoreReason = 'echo' | 'receipt' | 'unfollow' | 'unknown' | 'invalid';

export type ClassifiedEvent =
  | { disposition: 'process'; key: string; eventName: string; payload: InboxPayload }
  | { disposition: 'ignore'; key: string; eventName: string; reason: IgnoreReason };

function bodyHash(raw: Buffer): string {
  return crypto.createHash('sha256').update(raw).digest('hex').slice(0, 32);
}

/**
 * Decide what a verified event is. `raw` is only used to derive a stable key for events
 * without a message id (receipts, unknown events), so Zalo's retries of them stay single rows.
 */
export function classifyEvent(body: unknown, raw: Buffer): ClassifiedEvent {
  const envelope = EnvelopeSchema.safeParse(body);
  const eventName = envelope.success ? envelope.data.event_name : 'invalid';
  const ignore = (reason: IgnoreReason, id?: string): ClassifiedEvent => ({
    disposition: 'ignore',
    key: `ignored:${eventName}:${id ?? bodyHash(raw)}`,
    eventName,
    reason,
  });
  if (!envelope.success) return ignore('invalid');

  if (eventName === 'user_send_text' || (MEDIA_EVENTS as readonly string[]).includes(eventName)) {
    const ev = UserMessageSchema.safeParse(body);
    if (!ev.success) return ignore('invalid');
    const { sender, message, timestamp } = ev.data;
    const key = `msg:${message.msg_id}`;
    if (eventName === 'user_send_text') {
      return {
        disposition: 'process',
        key,
        eventName,
        payload: { kind: 'text', userId: sender.id, text: message.text ?? '', msgId: message.msg_id, timestamp },
      };
    }
    return {
      disposition: 'process',
      key,
      eventName,
      payload: { kind: 'media', userId: sender.id, event: eventName as MediaEventName, msgId: message.msg_id, timestamp },
    };
  }

  if (eventName === 'follow' || eventName === 'unfollow') {
    const ev = FollowSchema.safeParse(body);
    if (!ev.success) return ignore('invalid');
    // Follow events have no msg_id: event + follower + timestamp is stable across Zalo's retries.
    const key = `${eventName}:${ev.data.follower.id}:${ev.data.timestamp}`;
    if (eventName === 'unfollow') return { disposition: 'ignore', key, eventName, reason: 'unfollow' };
    return { disposition: 'process', key, eventName, payload: { kind: 'follow', userId: ev.data.follower.id, timestamp: ev.data.timestamp } };
  }

  if (eventName.startsWith('oa_send_') || eventName === 'user_received_message') {
    const ev = OaSideSchema.safeParse(body);
    if (!ev.success) return ignore('invalid');
    return ignore(eventName === 'user_received_message' ? 'receipt' : 'echo', ev.data.message.msg_id);
  }

  if (eventName === 'user_seen_message') {
    const ev = SeenSchema.safeParse(body);
    if (!ev.success) return ignore('invalid');
    return ignore('receipt');
  }

  return ignore('unknown');
}
