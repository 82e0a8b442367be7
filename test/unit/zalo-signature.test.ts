import { describe, expect, it } from 'vitest';
import { computeSignature, macFromHeader, verifySignature } from '../../src/channel/signature.js';

// Vector computed independently: printf '%s' "<app_id><body><timestamp><secret>" | sha256sum
const APP_ID = '2913748201122334455';
const SECRET = 'oa-secret-K3y-for-webhooks';
const TIMESTAMP = '1609984527175';
const BODY = '{"app_id":"2913748201122334455","event_name":"user_send_text","timestamp":"1609984527175","message":{"msg_id":"abc","text":"Hang Bua ở đâu?"}}';
const MAC = '792516c3077c3b1733e4caf271a2a233576fd99ad9bcd5b563a38e34d19cbc25';

describe('zalo webhook signature', () => {
  it('is plain SHA-256 of app_id + raw body + timestamp + OA secret (known vector)', () => {
    expect(computeSignature(APP_ID, BODY, TIMESTAMP, SECRET)).toBe(MAC);
    expect(computeSignature(APP_ID, Buffer.from(BODY, 'utf8'), TIMESTAMP, SECRET)).toBe(MAC);
  });

  it('accepts the header with or without the mac= prefix, in any case', () => {
    const parts = { appId: APP_ID, rawBody: BODY, timestamp: TIMESTAMP, secret: SECRET };
    expect(verifySignature(`mac=${MAC}`, parts)).toBe(true);
    expect(verifySignature(MAC.toUpperCase(), parts)).toBe(true);
  });

  it('rejects a changed body, timestamp, secret or a malformed header', () => {
    const parts = { appId: APP_ID, rawBody: BODY, timestamp: TIMESTAMP, secret: SECRET };
    // Re-serialised JSON (different spacing) is a different body: the raw bytes matter.
    expect(verifySignature(`mac=${MAC}`, { ...parts, rawBody: JSON.stringify(JSON.parse(BODY), null, 1) })).toBe(false);
    expect(verifySignature(`mac=${MAC}`, { ...parts, timestamp: '1609984527176' })).toBe(false);
    expect(verifySignature(`mac=${MAC}`, { ...parts, secret: 'app-secret-for-oauth' })).toBe(false);
    expect(verifySignature(undefined, parts)).toBe(false);
    expect(verifySignature('mac=' + '0'.repeat(64), parts)).toBe(false);
    expect(verifySignature('mac=xyz', parts)).toBe(false);
    expect(macFromHeader(['mac=' + MAC])).toBe(MAC);
  });
});
