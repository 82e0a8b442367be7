// A thin typed client for the few Zalo OA Open API and OAuth v4 calls the service needs, on
// one axios instance per base URL (keep-alive). Zalo reports failures in the body (`error`
// != 0, usually with HTTP 200), so every call is classified by the body first, the HTTP status
// second (reference/zalo-oa-api.md §4–6).
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';

/** What a caller should do about a failed call. */
export type ZaloErrorKind =
  | 'token' // -216/-220: refresh the access token once and retry
  | 'retryable' // -32, HTTP 5xx/429, network errors, timeouts: back off and retry
  | 'unreachable' // the user cannot receive this message type now (blocked, window closed…)
  | 'permanent'; // a request problem that retrying will not fix

export class ZaloApiError extends Error {
  constructor(
    message: string,
    readonly kind: ZaloErrorKind,
    /** Zalo's body `error` code, when there was one. */
    readonly code: number | null,
    readonly httpStatus: number | null,
  ) {
    super(message);
    this.name = 'ZaloApiError';
  }
}

/** Codes that mean "this user cannot get a consultation message from us now" (§6, pitfall 9). */
export const UNREACHABLE_CODES = new Set([-213, -217, -227, -230, -232, -244]);
const TOKEN_CODES = new Set([-216, -220]);
const RETRYABLE_CODES = new Set([-32, -200]);

export function classifyZaloCode(code: number): ZaloErrorKind {
  if (TOKEN_CODES.has(code)) return 'token';
  if (RETRYABLE_CODES.has(code)) return 'retryable';
  if (UNREACHABLE_CODES.has(code)) return 'unreachable';
  return 'permanent';
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds, from `expires_in` (a string in Zalo's responses). */
  expiresIn: number | null;
}

export interface UserProfile {
  displayName: string | null;
  isFollower: boolean | null;
}

export interface ZaloClientOptions {
  openApiUrl: string;
  oauthUrl: string;
  appId?: string;
  appSecret?: string;
  timeoutMs: number;
}

export interface ZaloOaClient {
  sendText(accessToken: string, userId: string, text: string): Promise<{ messageId: string | null }>;
  refreshToken(refreshToken: string): Promise<TokenPair>;
  exchangeCode(code: string, codeVerifier: string): Promise<TokenPair>;
  getUserProfile(accessToken: string, userId: string): Promise<UserProfile>;
}

interface ZaloBody {
  error?: number | string;
  message?: string;
  error_name?: string;
  error_description?: string;
  data?: Record<string, unknown>;
  access_token?: string;
  refresh_token?: string;
  expires_in?: string | number;
}

function describe(body: ZaloBody): string {
  return String(body.message ?? body.error_description ?? body.error_name ?? 'no message');
}

function networkError(err: unknown): ZaloApiError {
  const e = err as { code?: string; message?: string };
  const timedOut = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT';
  return new ZaloApiError(timedOut ? 'timeout' : `network: ${e.code ?? e.message ?? 'unknown'}`, 'retryable', null, null);
}

/** Turn a response into its body, or throw a classified ZaloApiError. */
function checkResponse(res: AxiosResponse<unknown>): ZaloBody {
  const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as ZaloBody;
  const code = body.error === undefined ? null : Number(body.error);
  if (code !== null && Number.isFinite(code) && code !== 0) {
    throw new ZaloApiError(`zalo error ${code}: ${describe(body)}`, classifyZaloCode(code), code, res.status);
  }
  if (res.status >= 500 || res.status === 429 || res.status === 408) {
    throw new ZaloApiError(`http ${res.status}`, 'retryable', null, res.status);
  }
  if (res.status === 401) throw new ZaloApiError('http 401', 'token', null, res.status);
  if (res.status >= 400) throw new ZaloApiError(`http ${res.status}`, 'permanent', null, res.status);
  return body;
}

function tokenPair(body: ZaloBody): TokenPair {
  if (!body.access_token || !body.refresh_token) {
    // Some failures come without an `error` field; a missing token is the reliable signal.
    throw new ZaloApiError(`token response without a token pair: ${describe(body)}`, 'permanent', null, null);
  }
  const expires = body.expires_in === undefined ? NaN : Number(body.expires_in);
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: Number.isFinite(expires) ? expires : null };
}

export function createZaloClient(opts: ZaloClientOptions): ZaloOaClient {
  const agents = { httpAgent: new http.Agent({ keepAlive: true }), httpsAgent: new https.Agent({ keepAlive: true }) };
  const common = { timeout: opts.timeoutMs, validateStatus: () => true, ...agents };
  const openApi: AxiosInstance = axios.create({ baseURL: opts.openApiUrl, ...common });
  const oauth: AxiosInstance = axios.create({ baseURL: opts.oauthUrl, ...common });

  const call = async (fn: () => Promise<AxiosResponse<unknown>>): Promise<ZaloBody> => {
    let res: AxiosResponse<unknown>;
    try {
      res = await fn();
    } catch (err) {
      throw networkError(err);
    }
    return checkResponse(res);
  };

  const oauthToken = async (form: Record<string, string>): Promise<TokenPair> => {
    if (!opts.appId || !opts.appSecret) {
      throw new ZaloApiError('ZALO_APP_ID and ZALO_APP_SECRET are needed for token requests', 'permanent', null, null);
    }
    const body = await call(() =>
      oauth.post('/v4/oa/access_token', new URLSearchParams({ ...form, app_id: opts.appId! }).toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: opts.appSecret! },
      }),
    );
    return tokenPair(body);
  };

  return {
    async sendText(accessToken, userId, text) {
      const body = await call(() =>
        openApi.post(
          '/v3.0/oa/message/cs',
          { recipient: { user_id: userId }, message: { text } },
          { headers: { access_token: accessToken, 'content-type': 'application/json' } },
        ),
      );
      if (body.error === undefined) throw new ZaloApiError('send response without an error field', 'retryable', null, null);
      const id = body.data?.message_id;
      return { messageId: id === undefined || id === null ? null : String(id) };
    },
    refreshToken: (refreshToken) => oauthToken({ refresh_token: refreshToken, grant_type: 'refresh_token' }),
    exchangeCode: (code, codeVerifier) => oauthToken({ code, grant_type: 'authorization_code', code_verifier: codeVerifier }),
    async getUserProfile(accessToken, userId) {
      const body = await call(() =>
        openApi.get('/v3.0/oa/user/detail', { params: { data: JSON.stringify({ user_id: userId }) }, headers: { access_token: accessToken } }),
      );
      const d = body.data ?? {};
      return {
        displayName: typeof d.display_name === 'string' ? d.display_name : null,
        isFollower: typeof d.user_is_follower === 'boolean' ? d.user_is_follower : null,
      };
    },
  };
}
