// A fake Zalo OA Open API + OAuth server over real HTTP on 127.0.0.1, shaped like the
// acceptance one (shared/acceptance/lib.mjs), with fault injection for tests: HTTP 500s,
// an access token that expires, error codes per recipient, slow or hanging responses.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_APP_ID = '2913748201122334455';
export const FAKE_OA_ID = '4120009988776655443';
export const FAKE_OA_SECRET = 'oa-secret-K3y-for-webhooks';
export const FAKE_APP_SECRET = 'app-secret-for-oauth';

export interface FakeSend {
  uid: string;
  text: string;
  token: string;
  messageId: string;
  /** message.quote_message_id, when the send quoted a user message. */
  quote?: string;
  /** Anonymous chat sends (recipient.conversation_id). */
  conversationId?: string;
  /** appsecret_proof header, when sent. */
  proof?: string;
  /** When the fake received the send (performance.now()). */
  at: number;
}

export interface FakeFaults {
  /** Answer the next N sends with HTTP 500. */
  failFirstN?: number;
  /** Never answer the next N sends (the client times out). */
  hangFirstN?: number;
  /** The current access token stops working at the next send (like -216 from Zalo). */
  expireTokenOnce?: boolean;
  /** Body error code for every send to this recipient. */
  errorFor?: Record<string, number>;
  /** Body error code for every refresh. */
  refreshError?: number;
  /** Delay before answering a refresh, ms (widens the window for racing refreshes). */
  refreshDelayMs?: number;
  /** Delay before handling each send, ms (keeps work in flight, e.g. for a crash test). */
  sendDelayMs?: number;
  /** Body error code for every send, whoever the recipient (an OA-wide failure such as -211). */
  errorForAll?: number;
  /** Answer sends with HTTP 200 and an empty body. */
  emptyBodyFirstN?: number;
}

export interface FakeZaloState {
  access: string;
  refresh: string;
  refreshCalls: number;
  badRefreshCalls: number;
  exchangeCalls: number;
  /** The authorization code the fake accepts, and the PKCE verifier it expects. */
  authCode: string;
  sends: FakeSend[];
  rejectedSends: number;
  attempts: number;
  faults: FakeFaults;
}

export interface FakeZalo {
  url: string;
  state: FakeZaloState;
  sendsTo(uid: string): FakeSend[];
  close(): Promise<void>;
}

export async function startFakeZalo(opts: { access?: string; refresh?: string; sendDelayMs?: number } = {}): Promise<FakeZalo> {
  const state: FakeZaloState = {
    access: opts.access ?? 'AT-initial',
    refresh: opts.refresh ?? 'RT-initial',
    refreshCalls: 0,
    badRefreshCalls: 0,
    exchangeCalls: 0,
    authCode: 'CODE-1',
    sends: [],
    rejectedSends: 0,
    attempts: 0,
    faults: opts.sendDelayMs ? { sendDelayMs: opts.sendDelayMs } : {},
  };
  let nextId = 1;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (code: number, obj: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      if (req.method === 'POST' && url.pathname === '/v4/oa/access_token') {
        const form = new URLSearchParams(body);
        const respond = () => {
          if (req.headers['secret_key'] !== FAKE_APP_SECRET || form.get('app_id') !== FAKE_APP_ID) {
            state.badRefreshCalls++;
            return json(200, { error: -14003, error_name: 'Invalid parameter' });
          }
          if (form.get('grant_type') === 'authorization_code') {
            state.exchangeCalls++;
            if (form.get('code') !== state.authCode || (form.get('code_verifier') ?? '').length < 43) {
              return json(200, { error: -14019, error_name: 'Invalid code' });
            }
            state.access = 'AT-authorized';
            state.refresh = 'RT-authorized';
            return json(200, { access_token: state.access, refresh_token: state.refresh, expires_in: '90000' });
          }
          if (state.faults.refreshError) {
            state.badRefreshCalls++;
            return json(200, { error: state.faults.refreshError, error_name: 'Refresh failed' });
          }
          if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== state.refresh) {
            state.badRefreshCalls++;
            return json(200, { error: -14020, error_name: 'Invalid refresh token', error_description: 'refresh token invalid or used' });
          }
          state.refreshCalls++;
          state.access = `AT-${state.refreshCalls}`;
          state.refresh = `RT-${state.refreshCalls}`;
          return json(200, { access_token: state.access, refresh_token: state.refresh, expires_in: '90000' });
        };
        if (state.faults.refreshDelayMs) setTimeout(respond, state.faults.refreshDelayMs);
        else respond();
        return;
      }
      if (req.method === 'POST' && (url.pathname === '/v3.0/oa/message/cs' || url.pathname === '/v2.0/oa/message')) {
        if (state.faults.sendDelayMs) {
          setTimeout(handleSend, state.faults.sendDelayMs);
          return;
        }
        handleSend();
        return;
      }
      if (req.method === 'GET' && url.pathname === '/v3.0/oa/user/detail') {
        if (req.headers['access_token'] !== state.access) return json(200, { error: -216, message: 'Access token is invalid' });
        return json(200, { error: 0, message: 'Success', data: { display_name: 'Người dùng', user_is_follower: true } });
      }
      return json(200, { error: -209, message: 'API not supported' });

      function handleSend() {
        state.attempts++;
        if (state.faults.hangFirstN && state.faults.hangFirstN > 0) {
          state.faults.hangFirstN--;
          hanging.add(res);
          return;
        }
        if (state.faults.emptyBodyFirstN && state.faults.emptyBodyFirstN > 0) {
          state.faults.emptyBodyFirstN--;
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('');
        }
        if (state.faults.failFirstN && state.faults.failFirstN > 0) {
          state.faults.failFirstN--;
          res.writeHead(500);
          return res.end('upstream error');
        }
        if (state.faults.expireTokenOnce) {
          state.faults.expireTokenOnce = false;
          state.access = 'AT-expired-by-zalo';
        }
        if (req.headers['access_token'] !== state.access) {
          state.rejectedSends++;
          return json(200, { error: -216, message: 'Access token is invalid' });
        }
        let parsed: {
          message?: { text?: unknown; quote_message_id?: unknown };
          recipient?: { user_id?: unknown; anonymous_id?: unknown; conversation_id?: unknown };
        };
        try {
          parsed = JSON.parse(body);
        } catch {
          return json(200, { error: -201, message: 'Parameters are invalid' });
        }
        const text = parsed.message?.text;
        const anonymous = url.pathname === '/v2.0/oa/message';
        const uid = anonymous ? parsed.recipient?.anonymous_id : parsed.recipient?.user_id;
        if (typeof text !== 'string' || typeof uid !== 'string') return json(200, { error: -201, message: 'Parameters are invalid' });
        if (anonymous && typeof parsed.recipient?.conversation_id !== 'string') return json(200, { error: -201, message: 'Parameters are invalid' });
        if (state.faults.errorForAll) return json(200, { error: state.faults.errorForAll, message: 'OA-wide fault' });
        if ([...text].length > 2000) return json(200, { error: -210, message: 'Parameter exceeds allowed limit' });
        const code = state.faults.errorFor?.[uid];
        if (code) return json(200, { error: code, message: 'fault' });
        const messageId = `fake-${nextId++}`;
        const quote = parsed.message?.quote_message_id;
        const proof = req.headers['appsecret_proof'];
        state.sends.push({
          uid,
          text,
          token: String(req.headers['access_token']),
          messageId,
          at: performance.now(),
          ...(typeof quote === 'string' ? { quote } : {}),
          ...(anonymous ? { conversationId: String(parsed.recipient?.conversation_id) } : {}),
          ...(typeof proof === 'string' ? { proof } : {}),
        });
        return json(200, { error: 0, message: 'Success', data: { message_id: messageId, user_id: uid } });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    sendsTo: (uid) => state.sends.filter((s) => s.uid === uid),
    close: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The service environment that points at a fake Zalo with its app id, secrets and first token pair. */
export function fakeZaloEnv(zaloUrl: string): Record<string, string> {
  return {
    ZALO_APP_ID: FAKE_APP_ID,
    ZALO_OA_SECRET_KEY: FAKE_OA_SECRET,
    ZALO_APP_SECRET: FAKE_APP_SECRET,
    ZALO_ACCESS_TOKEN: 'AT-initial',
    ZALO_REFRESH_TOKEN: 'RT-initial',
    ZALO_OPENAPI_URL: zaloUrl,
    ZALO_OAUTH_URL: zaloUrl,
  };
}
