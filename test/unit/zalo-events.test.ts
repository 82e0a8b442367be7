import { describe, expect, it } from 'vitest';
import { classifyEvent } from '../../src/channel/events.js';

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
    expect(c1.key).toBe(`follow:${UID}:1609984527175`);
    expect(c2.key).toBe(c1.key);
    expect(c1.disposition === 'process' && c1.payload).toEqual({ kind: 'follow', userId: UID, timestamp: '1609984527175' });
    const u = { ...f, event_name: 'unfollow' };
    expect(classifyEvent(u, raw(u))).toMatchObject({ disposition: 'ignore', reason: 'unfollow' });
  });

  it('ignores echoes of our own sends and receipts, keyed so retries stay one row', () => {
    const echo = { ...base, event_name: 'oa_send_text', sender: { id: '4120009988776655443' }, recipient: { id: UID }, message: { msg_id: 'sent-1', text: 'x' } };
    expect(classifyEvent(echo, raw(echo))).toMatchObject({ disposition: 'ignore', reason: 'echo', key: 'ignored:oa_send_text:sent-1' });
    const got = { ...echo, event_name: 'user_received_message', message: { msg_id: 'sent-1' } };
    expect(classifyEvent(got, raw(got))).toMatchObject({ disposition: 'ignore', reason: 'receipt' });
    const seen = { ...echo, event_name: 'user_seen_message', message: { msg_ids: ['a', 'b'] } };
    const s1 = classifyEvent(seen, raw(seen));
    expect(s1).toMatchObject({ disposition: 'ignore', reason: 'receipt' });
    expect(classifyEvent(seen, raw(seen)).key).toBe(s1.key);
  });

  it('records unknown events and misshapen known ones as ignored', () => {
    const unknown = { ...base, event_name: 'user_reacted_message', sender: { id: UID } };
    expect(classifyEvent(unknown, raw(unknown))).toMatchObject({ disposition: 'ignore', reason: 'unknown' });
    const noSender = { ...base, event_name: 'user_send_text', message: { msg_id: 'm2', text: 'hi' } };
    expect(classifyEvent(noSender, raw(noSender))).toMatchObject({ disposition: 'ignore', reason: 'invalid' });
    const unsafeId = { ...base, event_name: 'user_send_text', sender: { id: 2 ** 60 }, message: { msg_id: 'm3', text: 'hi' } };
    expect(classifyEvent(unsafeId, raw(unsafeId))).toMatchObject({ disposition: 'ignore', reason: 'invalid' });
  });
});
