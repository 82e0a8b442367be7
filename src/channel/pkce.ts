// PKCE for the OA authorisation (reference/zalo-oa-api.md §5): a 43-character verifier from
// 32 random bytes, challenge = base64url(SHA-256(verifier)) without padding.
import crypto from 'node:crypto';

export function createPkce(): { verifier: string; challenge: string; state: string } {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), state: crypto.randomBytes(12).toString('base64url') };
}

export function pkceChallenge(verifier: string): string {
  return crypto.createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function permissionUrl(oauthUrl: string, p: { appId: string; redirectUri: string; challenge: string; state: string }): string {
  const u = new URL('/v4/oa/permission', oauthUrl);
  u.searchParams.set('app_id', p.appId);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('code_challenge', p.challenge);
  u.searchParams.set('state', p.state);
  return u.toString();
}

/** Accept either the bare code or the whole callback URL the browser landed on. */
export function codeFromInput(input: string, expectedState: string): string {
  const text = input.trim();
  if (/^https?:\/\//i.test(text) || text.includes('code=')) {
    const params = new URL(text.startsWith('http') ? text : `http://x/?${text.replace(/^\?/, '')}`).searchParams;
    const state = params.get('state');
    if (state !== null && state !== expectedState) throw new Error('the state in the callback URL does not match this run; start again');
    const code = params.get('code');
    if (!code) throw new Error('no code= in the pasted URL');
    return code;
  }
  if (!text) throw new Error('no code given');
  return text;
}
