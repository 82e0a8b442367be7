import { describe, expect, it } from 'vitest';
import { codeFromInput, createPkce, permissionUrl, pkceChallenge } from '../../src/channel/pkce.js';

describe('OA authorisation (PKCE)', () => {
  it('derives the challenge as base64url(sha256(verifier)) without padding (openssl vector)', () => {
    // printf '%s' V | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '='
    expect(pkceChallenge('verifier-for-a-known-vector-0123456789abcdef')).toBe('49LdpS7GIEqYm2hAL4mHt7jZXN4-wzS1R8n42FyBHao');
    const p = createPkce();
    expect(p.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(p.challenge).toBe(pkceChallenge(p.verifier));
  });

  it('builds the permission URL with app_id, redirect_uri, code_challenge and state', () => {
    const u = new URL(permissionUrl('https://oauth.zaloapp.com', { appId: '123', redirectUri: 'https://xa.example.vn/zalo/callback', challenge: 'abc', state: 's1' }));
    expect(u.origin + u.pathname).toBe('https://oauth.zaloapp.com/v4/oa/permission');
    expect(Object.fromEntries(u.searchParams)).toEqual({ app_id: '123', redirect_uri: 'https://xa.example.vn/zalo/callback', code_challenge: 'abc', state: 's1' });
  });

  it('takes the bare code or the whole callback URL, and refuses a foreign state', () => {
    expect(codeFromInput('  CODE-1 ', 's1')).toBe('CODE-1');
    expect(codeFromInput('https://xa.example.vn/zalo/callback?code=CODE-2&state=s1&oa_id=9', 's1')).toBe('CODE-2');
    expect(() => codeFromInput('https://xa.example.vn/cb?code=CODE-3&state=other', 's1')).toThrow(/state/);
  });
});
