// The 47 real payload shapes collected in shared/reviews/zalo-payloads.jsonl (copied to
// test/fixtures/zalo-payloads.jsonl, each line naming its public source), replayed signed over
// real HTTP on each database. Only app_id and timestamp are swapped (the signature and the ±1 day
// window need ours), and the console's shared msg_id is made unique per line, so every shape is
// processed rather than deduplicated. Expected: shapes without app_id are refused (401, none is a
// genuine Zalo event); texts, photo captions and anonymous chats are answered; media and business
// cards get the note (once per user per hour); follows a welcome; everything else is recorded as
// ignored with a reason; no 5xx, nothing parked.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.js';
import { FAKE_APP_ID } from '../fakes/fake-zalo.js';
import { startHarness, type Harness } from '../fakes/zalo-harness.js';
import { postEvent, waitFor } from '../fakes/zalo-events.js';
import { nonTextNote } from '../../src/channel/messages.js';

const isNote = (t: string) => t === nonTextNote('vi') || t === nonTextNote('en');

interface Fixture {
  id: string;
  event_name: string;
  source: string;
  raw?: string;
  payload: Record<string, unknown>;
}

const fixtures: Fixture[] = fs
  .readFileSync(path.resolve(import.meta.dirname, '../fixtures/zalo-payloads.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Fixture);

const CAPTIONED = new Set(['user_send_image', 'user_send_video', 'user_send_gif']);
const MEDIA = /^user_send_(image|gif|sticker|file|location|audio|video|link|business_card)$/;

function expected(f: Fixture): 'refused' | 'reply' | 'note' | 'welcome' | 'ignored' {
  const p = f.payload;
  if (!('app_id' in p) || !('timestamp' in p)) return 'refused';
  const text = (p.message as { text?: unknown } | undefined)?.text;
  if (f.event_name === 'user_send_text' || f.event_name === 'anonymous_send_text') return 'reply';
  if (CAPTIONED.has(f.event_name) && typeof text === 'string' && text.trim()) return 'reply';
  if (MEDIA.test(f.event_name)) return 'note';
  if (f.event_name === 'follow') return 'welcome';
  return 'ignored';
}

function replayBody(f: Fixture, i: number): { body: string; timestamp: string } {
  const timestamp = String(Date.now() - i);
  const body = (f.raw ?? JSON.stringify(f.payload))
    .replace(/"app_id"\s*:\s*("[^"]*"|\d+)/, `"app_id":"${FAKE_APP_ID}"`)
    .replace(/"timestamp"\s*:\s*("[^"]*"|\d+)/, `"timestamp":"${timestamp}"`)
    .replace(/"This is message id"/g, `"console-msg-${i}"`);
  return { body, timestamp };
}

describe.each(DB_KINDS)('real Zalo payload shapes (%s)', (kind) => {
  let h: Harness;
  const statuses = new Map<string, number>();
  beforeAll(async () => {
    h = await startHarness(kind);
    for (const [i, f] of fixtures.entries()) {
      const { body, timestamp } = replayBody(f, i);
      statuses.set(f.id, await postEvent(h.base, { timestamp }, { raw: body }));
    }
    await h.channel.worker.idle();
    await h.channel.sender.idle();
  }, 120_000);
  afterAll(async () => h?.close());

  it('has the 47 shapes, each with its source', () => {
    expect(fixtures).toHaveLength(47);
    expect(fixtures.every((f) => f.source && f.source.length > 10)).toBe(true);
  });

  it('refuses exactly the shapes without app_id and accepts every other one', () => {
    for (const f of fixtures) expect([f.id, statuses.get(f.id)]).toEqual([f.id, expected(f) === 'refused' ? 401 : 200]);
    expect([...statuses.values()].filter((s) => s === 401)).toHaveLength(7);
  });

  it('answers texts, captions and anonymous chats; notes media once per user; welcomes follows', async () => {
    for (const f of fixtures) {
      const e = expected(f);
      const p = f.payload as { sender?: { id?: string }; follower?: { id?: string }; message?: { text?: string } };
      if (e === 'reply') {
        const uid = String(p.sender!.id);
        await waitFor(() => h.zalo.sendsTo(uid).some((s) => s.text === `Trả lời: ${p.message!.text}`), 20_000, `reply for ${f.id}`);
      } else if (e === 'welcome') {
        const uid = String(p.follower!.id);
        await waitFor(() => h.zalo.sendsTo(uid).some((s) => s.text.startsWith('Xin chào')), 20_000, `welcome for ${f.id}`);
      } else if (e === 'note') {
        const uid = String(p.sender!.id);
        await waitFor(() => h.zalo.sendsTo(uid).some((s) => isNote(s.text)), 20_000, `note for ${f.id}`);
      }
    }
    // Once per user per hour: no user got two notes.
    const notes = h.zalo.state.sends.filter((s) => isNote(s.text));
    expect(new Set(notes.map((n) => n.uid)).size).toBe(notes.length);
    const anon = h.zalo.state.sends.find((s) => s.conversationId);
    expect(anon).toMatchObject({ uid: 'anon-7d1f0c9e', conversationId: 'conv-99812' });
  });

  it('records every other accepted shape as done or ignored with a reason, parks nothing', async () => {
    const rows = await h.tdb.db.query<{ status: string; last_error: string | null }>(`SELECT status, last_error FROM inbound_event`);
    expect(rows.rows.filter((r) => r.status === 'parked' || r.status === 'pending')).toEqual([]);
    expect(rows.rows.filter((r) => r.status === 'ignored').every((r) => r.last_error)).toBe(true);
    expect(rows.rows).toHaveLength(40);
  });
});
