// The OA client and the authorisation exchange against the fake Zalo over real HTTP.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZaloClient, ZaloApiError } from '../../src/channel/oa-client.js';
import { createTokenStore } from '../../src/channel/token-store.js';
import { createTestDb, DB_KINDS } from '../helpers/db.js';
import { FAKE_APP_ID, FAKE_APP_SECRET, startFakeZalo, type FakeZalo } from '../fakes/fake-zalo.js';

describe('zalo OA client', () => {
  let zalo: FakeZalo;
  beforeAll(async () => {
    zalo = await startFakeZalo();
  });
  afterAll(async () => {
    await zalo.close();
  });
  const client = () => createZaloClient({ openApiUrl: zalo.url, oauthUrl: zalo.url, appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, timeoutMs: 300 });

  it('sends text with the access_token header and returns Zalo\'s message id', async () => {
    const r = await client().sendText('AT-initial', { userId: '5000000000000000001', text: 'Xin chào' });
    expect(r.messageId).toMatch(/^fake-/);
    expect(zalo.state.sends.at(-1)).toMatchObject({ uid: '5000000000000000001', text: 'Xin chào', token: 'AT-initial' });
  });

  it('classifies failures by the body error code, then by HTTP status and network', async () => {
    const kindOf = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        return 'ok';
      } catch (err) {
        return err instanceof ZaloApiError ? `${err.kind}:${err.code ?? err.httpStatus ?? err.message}` : 'other';
      }
    };
    expect(await kindOf(() => client().sendText('AT-wrong', { userId: '1', text: 'x' }))).toBe('token:-216');
    zalo.state.faults.errorFor = { '2': -230, '3': -32, '4': -201 };
    expect(await kindOf(() => client().sendText('AT-initial', { userId: '2', text: 'x' }))).toBe('unreachable:-230');
    expect(await kindOf(() => client().sendText('AT-initial', { userId: '3', text: 'x' }))).toBe('retryable:-32');
    expect(await kindOf(() => client().sendText('AT-initial', { userId: '4', text: 'x' }))).toBe('permanent:-201');
    zalo.state.faults.failFirstN = 1;
    expect(await kindOf(() => client().sendText('AT-initial', { userId: '5', text: 'x' }))).toBe('retryable:500');
    zalo.state.faults.hangFirstN = 1;
    expect(await kindOf(() => client().sendText('AT-initial', { userId: '5', text: 'x' }))).toBe('retryable:timeout');
    const down = createZaloClient({ openApiUrl: 'http://127.0.0.1:1', oauthUrl: 'http://127.0.0.1:1', timeoutMs: 300 });
    expect(await kindOf(() => down.sendText('t', { userId: '1', text: 'x' }))).toMatch(/^retryable:network/);
  });

  it('reads a user profile', async () => {
    expect(await client().getUserProfile('AT-initial', '1')).toEqual({ displayName: 'Người dùng', isFollower: true });
  });
});

describe.each(DB_KINDS)('OA authorisation exchange (%s)', (kind) => {
  it('exchanges the code with the verifier and stores the first pair, replacing a dead one', async () => {
    const zalo = await startFakeZalo();
    const tdb = await createTestDb(kind);
    try {
      const client = createZaloClient({ openApiUrl: zalo.url, oauthUrl: zalo.url, appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, timeoutMs: 1000 });
      const tokens = createTokenStore({ db: tdb.db, client, log: pino({ level: 'silent' }) });
      await expect(client.exchangeCode('WRONG', 'v'.repeat(43))).rejects.toThrow(/-14019/);
      const pair = await client.exchangeCode(zalo.state.authCode, 'v'.repeat(43));
      expect(pair).toEqual({ accessToken: 'AT-authorized', refreshToken: 'RT-authorized', expiresIn: 90000 });
      await tokens.saveAuthorized(pair);
      expect(await tokens.accessToken()).toBe('AT-authorized');
      expect((await tokens.status()).source).toBe('authorize');
    } finally {
      await tdb.drop();
      await zalo.close();
    }
  });
});
