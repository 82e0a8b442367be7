import { describe, expect, it } from 'vitest';
import { classifyEvent, firstCodePoints, sanitizeText } from '../../src/channel/events.js';

const raw = (o: unknown) => Buffer.from(JSON.stringify(o));
const base = { app_id: '2913748201122334455', timestamp: '1609984527175', recipient: { id: '4120009988776655443' } };
const UID = '5000000000000000001'; // beyond 2^53: must survive as a string

describe('zalo event classification', () => {
  it('keeps a text message with its 19-digit sender id as a string', () => {
    const ev = { ...base, event_name: 'user_send_text', sender: { id: UID }, message: { msg_id: 'm1', text: 'Hang Bua ở đâu?' } };
    const c = classifyEvent(ev, raw(ev));
    expect(c).toEqual({
      disposition: 'process',
      key: 'msg:m1',
      eventName: 'user_send_text',
      payload: { kind: 'text', userId: UID, text: 'Hang Bua ở đâu?', msgId: 'm1', timestamp: '1609984527175' },
    });
  });

  it.each(['image', 'gif', 'sticker', 'file', 'location', 'audio', 'video', 'link'])('treats user_send_%s as media', (kind) => {
    const ev = { ...base, event_name: `user_send_${kind}`, sender: { id: UID }, message: { msg_id: `m-${kind}`, attachments: [{ type: kind, payload: { url: 'u' } }] } };
    const c = classifyEvent(ev, raw(ev));
    expect(c.disposition).toBe('process');
    expect(c.disposition === 'process' && c.payload.kind).toBe('media');
  });

  it('derives a stable key for follow from follower and timestamp; unfollow is ignored', () => {
    const f = { ...base, event_name: 'follow', follower: { id: UID }, oa_id: '4120009988776655443' };
    const c1 = classifyEvent(f, raw(f));
    const c2 = classifyEvent(f, Buffer.from(JSON.stringify(f, null, 2)));
    expect(c1.key).toMatch(/^follow:[0-9a-f]{40}$/); // hashed: no raw id kept in event_key
    expect(c1.key).not.toContain(UID);
    expect(c2.key).toBe(c1.key);
    expect(c1.disposition === 'process' && c1.payload).toEqual({ kind: 'follow', userId: UID, timestamp: '1609984527175' });
    const u = { ...f, event_name: 'unfollow' };
    expect(classifyEvent(u, raw(u))).toMatchObject({ disposition: 'ignore', reason: 'unfollow' });
  });

  it('keeps echoes (an officer may be answering) and ignores receipts, keyed so retries stay one row', () => {
    const echo = { ...base, event_name: 'oa_send_text', sender: { id: '4120009988776655443' }, recipient: { id: UID }, message: { msg_id: 'sent-1', text: 'x' } };
    expect(classifyEvent(echo, raw(echo))).toMatchObject({ disposition: 'process', key: 'echo:sent-1', payload: { kind: 'echo', userId: UID, msgId: 'sent-1', text: 'x', adminId: null } });
    const byAdmin = { ...echo, sender: { id: '4120009988776655443', admin_id: '5512345678901234567' }, message: { msg_id: 'typed-1', text: 'Dạ' } };
    expect(classifyEvent(byAdmin, raw(byAdmin))).toMatchObject({ disposition: 'process', payload: { kind: 'echo', adminId: '5512345678901234567' } });
    const got = { ...echo, event_name: 'user_received_message', message: { msg_id: 'sent-1' } };
    expect(classifyEvent(got, raw(got))).toMatchObject({ disposition: 'ignore', reason: 'receipt' });
    const seen = { ...echo, event_name: 'user_seen_message', message: { msg_ids: ['a', 'b'] } };
    const s1 = classifyEvent(seen, raw(seen));
    expect(s1).toMatchObject({ disposition: 'ignore', reason: 'receipt' });
    expect(classifyEvent(seen, raw(seen)).key).toBe(s1.key);
  });

  it('records unknown events and misshapen known ones as ignored', () => {
    const unknown = { ...base, event_name: 'user_feedback', sender: { id: UID } };
    expect(classifyEvent(unknown, raw(unknown))).toMatchObject({ disposition: 'ignore', reason: 'unknown' });
    const reaction = { ...base, event_name: 'user_reacted_message', sender: { id: UID }, message: { msg_id: 'our-1', react_icon: '/-heart' } };
    expect(classifyEvent(reaction, raw(reaction))).toMatchObject({ disposition: 'process', payload: { kind: 'reaction', userId: UID, msgId: 'our-1', icon: '/-heart' } });
    const noMessage = { ...base, event_name: 'user_reacted_message', sender: { id: UID } };
    expect(classifyEvent(noMessage, raw(noMessage))).toMatchObject({ disposition: 'ignore', reason: 'invalid' });
    const noSender = { ...base, event_name: 'user_send_text', message: { msg_id: 'm2', text: 'hi' } };
    expect(classifyEvent(noSender, raw(noSender))).toMatchObject({ disposition: 'ignore', reason: 'invalid' });
    const unsafeId = { ...base, event_name: 'user_send_text', sender: { id: 2 ** 60 }, message: { msg_id: 'm3', text: 'hi' } };
    expect(classifyEvent(unsafeId, raw(unsafeId))).toMatchObject({ disposition: 'ignore', reason: 'invalid' });
  });

  it('accepts null, empty and numeric optional fields without dropping the text', () => {
    const ev = {
      ...base,
      user_id_by_app: null,
      event_name: 'user_send_text',
      sender: { id: UID },
      message: { msg_id: 12345, text: 'Hang Bua ở đâu?', attachments: null, quote_msg_id: null },
    };
    expect(classifyEvent(ev, raw(ev))).toMatchObject({ disposition: 'process', payload: { kind: 'text', text: 'Hang Bua ở đâu?', msgId: '12345' } });
    const empty = { ...ev, user_id_by_app: '', message: { msg_id: 'm9', text: null } };
    expect(classifyEvent(empty, raw(empty))).toMatchObject({ disposition: 'process', payload: { kind: 'text', text: '' } });
    const num = { ...ev, message: { msg_id: 'm10', text: 115 } };
    expect(classifyEvent(num, raw(num))).toMatchObject({ payload: { text: '115' } });
  });

  it('answers a photo caption as a question, and a captionless photo gets the note', () => {
    const img = { ...base, event_name: 'user_send_image', sender: { id: UID }, message: { msg_id: 'i1', text: 'Đây là hang nào?', attachments: [{ type: 'image', payload: { url: 'u' } }] } };
    expect(classifyEvent(img, raw(img))).toMatchObject({ disposition: 'process', payload: { kind: 'text', caption: true, text: 'Đây là hang nào?' } });
    const bare = { ...img, message: { msg_id: 'i2', attachments: [{ type: 'image', payload: { url: 'u' } }] } };
    expect(classifyEvent(bare, raw(bare))).toMatchObject({ payload: { kind: 'media' } });
    const link = { ...img, event_name: 'user_send_link', message: { msg_id: 'l1', text: 'https://x', attachments: [] } };
    expect(classifyEvent(link, raw(link))).toMatchObject({ payload: { kind: 'media' } });
  });

  it('answers anonymous chats by conversation id, and notes business cards', () => {
    const anon = { ...base, event_name: 'anonymous_send_text', sender: { id: 'anon-1' }, message: { msg_id: 'a1', text: 'Cho hỏi?', conversation_id: 'conv-9' } };
    expect(classifyEvent(anon, raw(anon))).toMatchObject({ disposition: 'process', payload: { kind: 'text', userId: 'anon-1', conversationId: 'conv-9' } });
    const noConv = { ...anon, message: { msg_id: 'a2', text: 'x' } };
    expect(classifyEvent(noConv, raw(noConv))).toMatchObject({ disposition: 'ignore', reason: 'invalid' });
    const card = { ...base, event_name: 'user_send_business_card', sender: { id: UID }, message: { msg_id: 'b1', attachments: [{ type: 'link', payload: {} }] } };
    expect(classifyEvent(card, raw(card))).toMatchObject({ disposition: 'process', payload: { kind: 'media', event: 'user_send_business_card' } });
  });

  it('with ZALO_OA_ID ignores other OAs and our own messages; ignores stale events', () => {
    const ev = { ...base, timestamp: String(Date.now()), event_name: 'user_send_text', sender: { id: UID }, message: { msg_id: 'o1', text: 'hi' } };
    const oaId = '4120009988776655443';
    expect(classifyEvent(ev, raw(ev), { oaId })).toMatchObject({ disposition: 'process' });
    const other = { ...ev, recipient: { id: '999' } };
    expect(classifyEvent(other, raw(other), { oaId })).toMatchObject({ disposition: 'ignore', reason: 'other_oa' });
    const self = { ...ev, sender: { id: oaId } };
    expect(classifyEvent(self, raw(self), { oaId })).toMatchObject({ disposition: 'ignore', reason: 'own_oa' });
    const old = { ...ev, timestamp: String(Date.now() - 2 * 86_400_000) };
    expect(classifyEvent(old, raw(old), { maxSkewMs: 86_400_000 })).toMatchObject({ disposition: 'ignore', reason: 'stale' });
    expect(classifyEvent(ev, raw(ev), { maxSkewMs: 86_400_000 })).toMatchObject({ disposition: 'process' });
  });

  it('sanitises lone surrogates and NUL, and caps in code points', () => {
    expect(sanitizeText('a\uD800b\u0000c\uDC00')).toBe('a\uFFFDbc\uFFFD');
    expect(sanitizeText('😀 ok')).toBe('😀 ok');
    expect(firstCodePoints('😀😀😀', 2)).toEqual({ text: '😀😀', cut: true });
    expect(firstCodePoints('abc', 5)).toEqual({ text: 'abc', cut: false });
  });
});
