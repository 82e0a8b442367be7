// Zalo OA webhook event shapes (reference/zalo-oa-api.md §1, shared/reviews/zalo-payloads.jsonl)
// and what the service does with each: answer it (text, a photo caption, an anonymous chat
// message), acknowledge it with a note (media, business cards), welcome (follow), or record and
// ignore it with a reason (echoes, receipts, unfollow, other OAs, stale events, unknown events).
// Ids stay strings end to end: they are up to 19 digits, beyond Number.MAX_SAFE_INTEGER.
// Optional fields the service never needs (user_id_by_app, attachments, quote_msg_id…) are
// accepted as null, empty or missing: an odd value there must never drop a citizen's text.
import crypto from 'node:crypto';
import { z } from 'zod';

/** Zalo ids are quoted strings; a small plain number is accepted, an unsafe one is refused. */
const IdSchema = z
  .union([z.string().min(1).max(128), z.number().int().refine(Number.isSafeInteger, 'id beyond 2^53')])
  .transform((v) => sanitizeText(String(v)));
/** Epoch milliseconds as a string ("1609984527175"); a number is tolerated. */
const TimestampSchema = z.union([z.string().regex(/^\d{1,16}$/), z.number().int().nonnegative()]).transform(String);
const PartySchema = z.object({ id: IdSchema }).passthrough();
/** A message text: a number is read as its digits, null as nothing. */
const TextSchema = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? '' : String(v)));

const UserMessageSchema = z.object({
  sender: PartySchema,
  recipient: PartySchema,
  message: z
    .object({
      msg_id: IdSchema,
      text: TextSchema,
      conversation_id: IdSchema.nullish().catch(null),
    })
    .passthrough(),
  conversation_id: IdSchema.nullish().catch(null),
});

const FollowSchema = z.object({
  follower: PartySchema,
  oa_id: IdSchema.nullish().catch(null),
});

/** oa_send_* echoes and receipts: the OA is the sender. */
const OaSideSchema = z.object({
  sender: PartySchema.nullish().catch(null),
  message: z.object({ msg_id: IdSchema.nullish().catch(null) }).passthrough().nullish().catch(null),
});

/** An echo of a message the OA sent: by our outbox, or typed by an officer (sender.admin_id). */
const EchoSchema = z.object({
  sender: z.object({ id: IdSchema, admin_id: IdSchema.nullish().catch(null) }).passthrough(),
  recipient: PartySchema,
  message: z.object({ msg_id: IdSchema, text: TextSchema.catch('') }).passthrough(),
});

/** A user's reaction to one of the OA's messages: message.msg_id is OUR message's id. */
const ReactionSchema = z.object({
  sender: PartySchema,
  message: z.object({ msg_id: IdSchema, react_icon: z.union([z.string(), z.number()]).transform(String) }).passthrough(),
});

/** The envelope every signed event must have, checked before the signature (parsed once). */
export const EnvelopeSchema = z.object({
  app_id: IdSchema,
  event_name: z.string().min(1).max(100),
  timestamp: TimestampSchema,
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

export const MEDIA_EVENTS = [
  'user_send_image',
  'user_send_gif',
  'user_send_sticker',
  'user_send_file',
  'user_send_location',
  'user_send_audio',
  'user_send_video',
  'user_send_link',
  'user_send_business_card',
] as const;
export type MediaEventName = (typeof MEDIA_EVENTS)[number];

/** Media whose `message.text` is the sender's own caption (a link's or a location's text is not). */
const CAPTIONED = new Set(['user_send_image', 'user_send_video', 'user_send_gif']);

/** Anonymous chats (people writing without following): answered like users (official SDKs). */
const ANONYMOUS_EVENTS = new Set(['anonymous_send_text', 'anonymous_send_image', 'anonymous_send_file', 'anonymous_send_sticker']);

/** Recipient of a reply: a user id, or an anonymous chat (anonymous_id + conversation_id). */
export interface ReplyTo {
  userId: string;
  /** Set for anonymous chats: replies are addressed to anonymous_id + conversation_id. */
  conversationId?: string;
}

/** What the inbox keeps for a worker: only what is needed to answer, removed after processing. */
export type InboxPayload =
  | { kind: 'text'; userId: string; text: string; msgId: string; timestamp: string; conversationId?: string; caption?: boolean }
  | { kind: 'media'; userId: string; event: string; msgId: string; timestamp: string; conversationId?: string }
  | { kind: 'follow'; userId: string; timestamp: string }
  /** A message the OA sent to `userId` (echo): a person answering unless our outbox sent it. */
  | { kind: 'echo'; userId: string; msgId: string; text: string; adminId: string | null; timestamp: string }
  /** `userId` reacted to the OA's message `msgId`. */
  | { kind: 'reaction'; userId: string; msgId: string; icon: string; timestamp: string };

export type IgnoreReason =
  | 'echo'
  | 'receipt'
  | 'unfollow'
  | 'unknown'
  | 'invalid'
  | 'other_oa'
  | 'own_oa'
  | 'stale'
  | 'empty';

export type ClassifiedEvent =
  | { disposition: 'process'; key: string; eventName: string; payload: InboxPayload }
  | { disposition: 'ignore'; key: string; eventName: string; reason: IgnoreReason; detail?: string };

export interface ClassifyOptions {
  /** ZALO_OA_ID: when set, events addressed to another OA, or sent by this OA, are ignored. */
  oaId?: string;
  /** Events whose timestamp is further than this from `now` are ignored as stale (0: no window). */
  maxSkewMs?: number;
  now?: number;
  /** Characters of a message text kept in the inbox (the rest is dropped before storage). */
  maxStoredChars?: number;
}

export const DEFAULT_MAX_STORED_CHARS = 20_000;

function bodyHash(raw: Buffer): string {
  return crypto.createHash('sha256').update(raw).digest('hex').slice(0, 32);
}

function keyHash(s: string): string {
  return crypto.createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 40);
}

/**
 * Make a string storable and answerable: lone UTF-16 surrogates become U+FFFD and NUL is removed
 * (PostgreSQL rejects both in text and jsonb, which used to fail the insert on every retry).
 * Linear: one pass of a regex without nested quantifiers.
 */
export function sanitizeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g, (m) => (m === '\u0000' ? '' : '\uFFFD'));
}

/** The first `max` code points of `s` (never splits a surrogate pair). */
export function firstCodePoints(s: string, max: number): { text: string; cut: boolean } {
  if (s.length <= max) return { text: s, cut: false };
  let n = 0;
  let i = 0;
  while (i < s.length && n < max) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    n++;
  }
  return { text: s.slice(0, i), cut: i < s.length };
}

/** Epoch ms of a Zalo timestamp; values below 10^11 are read as seconds (seen in third-party tests). */
export function timestampMs(ts: string): number {
  const n = Number(ts);
  return n < 1e11 ? n * 1000 : n;
}

/**
 * Decide what a verified event is. `opts.envelope` is the envelope the webhook already parsed for
 * the signature (parsed here only when absent); `raw` only derives a stable key for events
 * without a message id.
 */
export function classifyEvent(body: unknown, raw: Buffer, opts: ClassifyOptions & { envelope?: Envelope } = {}): ClassifiedEvent {
  let envelope = opts.envelope;
  if (!envelope) {
    const parsed = EnvelopeSchema.safeParse(body);
    if (!parsed.success) return { disposition: 'ignore', key: `ignored:invalid:${bodyHash(raw)}`, eventName: 'invalid', reason: 'invalid' };
    envelope = parsed.data;
  }
  const eventName = envelope.event_name;
  const ignore = (reason: IgnoreReason, id?: string, detail?: string): ClassifiedEvent => ({
    disposition: 'ignore',
    key: `ignored:${eventName}:${id ?? bodyHash(raw)}`,
    eventName,
    reason,
    detail,
  });
  const now = opts.now ?? Date.now();
  const stale = opts.maxSkewMs ? Math.abs(now - timestampMs(envelope.timestamp)) > opts.maxSkewMs : false;
  const maxStored = opts.maxStoredChars ?? DEFAULT_MAX_STORED_CHARS;

  const anonymous = ANONYMOUS_EVENTS.has(eventName);
  if (eventName === 'user_send_text' || (MEDIA_EVENTS as readonly string[]).includes(eventName) || anonymous) {
    const ev = UserMessageSchema.safeParse(body);
    if (!ev.success) return ignore('invalid', undefined, ev.error.issues[0]?.path.join('.') ?? 'shape');
    const { sender, recipient, message } = ev.data;
    if (opts.oaId && sender.id === opts.oaId) return ignore('own_oa', message.msg_id);
    if (opts.oaId && recipient.id !== opts.oaId) return ignore('other_oa', message.msg_id);
    if (stale) return ignore('stale', message.msg_id);
    const key = `msg:${message.msg_id}`;
    const base = { userId: sender.id, msgId: message.msg_id, timestamp: envelope.timestamp };
    let conversationId: string | undefined;
    if (anonymous) {
      conversationId = message.conversation_id ?? ev.data.conversation_id ?? undefined;
      if (!conversationId) return ignore('invalid', message.msg_id, 'anonymous event without conversation_id');
    }
    const anon = conversationId ? { conversationId } : {};
    const text = firstCodePoints(sanitizeText(message.text), maxStored).text;
    const isText = eventName === 'user_send_text' || eventName === 'anonymous_send_text';
    const caption = !isText && (CAPTIONED.has(eventName) || eventName === 'anonymous_send_image') && text.trim() !== '';
    if (isText || caption) {
      return { disposition: 'process', key, eventName, payload: { kind: 'text', ...base, text, ...anon, ...(caption ? { caption: true } : {}) } };
    }
    return { disposition: 'process', key, eventName, payload: { kind: 'media', ...base, event: eventName, ...anon } };
  }

  if (eventName === 'follow' || eventName === 'unfollow') {
    const ev = FollowSchema.safeParse(body);
    if (!ev.success) return ignore('invalid', undefined, ev.error.issues[0]?.path.join('.') ?? 'shape');
    // No msg_id: event + follower + timestamp is stable across Zalo's retries. Hashed, so the
    // dedupe key kept for weeks never holds the raw id.
    const key = `${eventName}:${keyHash(`${ev.data.follower.id}:${envelope.timestamp}`)}`;
    if (opts.oaId && ev.data.oa_id && ev.data.oa_id !== opts.oaId) return { disposition: 'ignore', key, eventName, reason: 'other_oa' };
    if (eventName === 'unfollow') return { disposition: 'ignore', key, eventName, reason: 'unfollow' };
    if (stale) return { disposition: 'ignore', key, eventName, reason: 'stale' };
    return { disposition: 'process', key, eventName, payload: { kind: 'follow', userId: ev.data.follower.id, timestamp: envelope.timestamp } };
  }

  if (eventName.startsWith('oa_send_') && !eventName.startsWith('oa_send_anonymous')) {
    // Kept: an echo of a message an officer typed in the OA Manager pauses the bot for that citizen.
    const ev = EchoSchema.safeParse(body);
    if (ev.success) {
      if (opts.oaId && ev.data.sender.id !== opts.oaId) return ignore('other_oa', ev.data.message.msg_id);
      if (stale) return ignore('stale', ev.data.message.msg_id);
      const m = ev.data.message;
      return {
        disposition: 'process',
        key: `echo:${m.msg_id}`,
        eventName,
        payload: { kind: 'echo', userId: ev.data.recipient.id, msgId: m.msg_id, text: firstCodePoints(sanitizeText(m.text), 2000).text, adminId: ev.data.sender.admin_id ?? null, timestamp: envelope.timestamp },
      };
    }
  }

  if (eventName === 'user_reacted_message') {
    const ev = ReactionSchema.safeParse(body);
    if (!ev.success) return ignore('invalid', undefined, ev.error.issues[0]?.path.join('.') ?? 'shape');
    if (stale) return ignore('stale', ev.data.message.msg_id);
    const m = ev.data.message;
    return {
      disposition: 'process',
      key: `react:${keyHash(`${ev.data.sender.id}:${m.msg_id}:${m.react_icon}:${envelope.timestamp}`)}`,
      eventName,
      payload: { kind: 'reaction', userId: ev.data.sender.id, msgId: m.msg_id, icon: sanitizeText(m.react_icon).slice(0, 40), timestamp: envelope.timestamp },
    };
  }

  if (eventName.startsWith('oa_send_') || eventName === 'user_received_message' || eventName === 'user_seen_message') {
    const ev = OaSideSchema.safeParse(body);
    if (!ev.success) return ignore('invalid');
    return ignore(eventName.startsWith('oa_send_') ? 'echo' : 'receipt', eventName === 'user_seen_message' ? undefined : (ev.data.message?.msg_id ?? undefined));
  }

  return ignore('unknown');
}
