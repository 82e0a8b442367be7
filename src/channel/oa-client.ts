// A thin typed client for the few Zalo OA Open API and OAuth v4 calls the service needs, on
// one axios instance per base URL (keep-alive). Zalo reports failures in the body (`error`
// != 0, usually with HTTP 200), so every call is classified by the body first, the HTTP status
// second (reference/zalo-oa-api.md §4–6). Every call has a total deadline (AbortSignal.timeout),
// not only an idle timeout, so a response that trickles in cannot hold a send slot for long.
// With ZALO_APPSECRET_PROOF every Open API call carries appsecret_proof =
// hex(HMAC-SHA256(app secret, access token)) (official PHP and Java SDKs).
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';

/** What a caller should do about a failed call. */
export type ZaloErrorKind =
  | 'token' // -216/-220: refresh the access token once and retry
  | 'retryable' // -32, HTTP 5xx/429, network errors, timeouts: back off and retry
  | 'unreachable' // the user cannot receive this message type now (blocked, window closed…)
  | 'oa' // the whole OA cannot send (quota, disabled, permissions, billing): hold everything
  | 'unknown' // HTTP 200 without a parsable body: the message may or may not have gone
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
/**
 * Errors about the OA, not the message: every other send would fail the same way. -204/-205 OA
 * disabled or missing, -209/-212/-219/-221/-223/-224/-235 app/OA permissions and packages,
 * -211 out of quota, -242 appsecret_proof, -320/-321 billing (reference §6).
 */
export const OA_WIDE_CODES = new Set([-204, -205, -209, -211, -212, -219, -221, -223, -224, -235, -242, -320, -321]);

export function classifyZaloCode(code: number): ZaloErrorKind {
  if (TOKEN_CODES.has(code)) return 'token';
  if (OA_WIDE_CODES.has(code)) return 'oa';
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
  /** Send appsecret_proof with every Open API call (ZALO_APPSECRET_PROOF). */
  appSecretProof?: boolean;
}

/** One consultation text: to a user, or (conversationId set) to an anonymous chat. */
export interface OutgoingText {
  userId: string;
  text: string;
  /** The user's msg_id to quote (v3 `quote_message_id`). */
  quoteMsgId?: string | null;
  conversationId?: string | null;
}

export interface ZaloOaClient {
  sendText(accessToken: string, msg: OutgoingText): Promise<{ messageId: string | null }>;
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
  const timedOut = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || e.code === 'ERR_CANCELED';
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
  const proof = (accessToken: string): Record<string, string> =>
    opts.appSecretProof && opts.appSecret ? { appsecret_proof: crypto.createHmac('sha256', opts.appSecret).update(accessToken).digest('hex') } : {};
  const openApi: AxiosInstance = axios.create({ baseURL: opts.openApiUrl, ...common });
  const oauth: AxiosInstance = axios.create({ baseURL: opts.oauthUrl, ...common });

  const call = async (fn: (signal: AbortSignal) => Promise<AxiosResponse<unknown>>): Promise<ZaloBody> => {
    let res: AxiosResponse<unknown>;
    try {
      res = await fn(AbortSignal.timeout(opts.timeoutMs));
    } catch (err) {
      throw networkError(err);
    }
    return checkResponse(res);
  };

  const oauthToken = async (form: Record<string, string>): Promise<TokenPair> => {
    if (!opts.appId || !opts.appSecret) {
      throw new ZaloApiError('ZALO_APP_ID and ZALO_APP_SECRET are needed for token requests', 'permanent', null, null);
    }
    const body = await call((signal) =>
      oauth.post('/v4/oa/access_token', new URLSearchParams({ ...form, app_id: opts.appId! }).toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: opts.appSecret! },
        signal,
      }),
    );
    return tokenPair(body);
  };

  return {
    async sendText(accessToken, msg) {
      // Anonymous chats are addressed by anonymous_id + conversation_id, on the endpoint the
      // official Java SDK's v3 sample uses (SendTextAnonymousMessage.java).
      const anonymous = Boolean(msg.conversationId);
      const recipient = anonymous ? { anonymous_id: msg.userId, conversation_id: msg.conversationId } : { user_id: msg.userId };
      const message = msg.quoteMsgId && !anonymous ? { text: msg.text, quote_message_id: msg.quoteMsgId } : { text: msg.text };
      const body = await call((signal) =>
        openApi.post(anonymous ? '/v2.0/oa/message' : '/v3.0/oa/message/cs', { recipient, message }, {
          headers: { access_token: accessToken, 'content-type': 'application/json', ...proof(accessToken) },
          signal,
        }),
      );
      // A 200 without an `error` field (an empty or cut body): the message may have gone. At most
      // one retry (the sender decides), so a lost answer cannot become eight duplicates.
      if (body.error === undefined) throw new ZaloApiError('send response without an error field', 'unknown', null, null);
      const id = body.data?.message_id;
      return { messageId: id === undefined || id === null ? null : String(id) };
    },
    refreshToken: (refreshToken) => oauthToken({ refresh_token: refreshToken, grant_type: 'refresh_token' }),
    exchangeCode: (code, codeVerifier) => oauthToken({ code, grant_type: 'authorization_code', code_verifier: codeVerifier }),
    async getUserProfile(accessToken, userId) {
      const body = await call((signal) =>
        openApi.get('/v3.0/oa/user/detail', {
          params: { data: JSON.stringify({ user_id: userId }) },
          headers: { access_token: accessToken, ...proof(accessToken) },
          signal,
        }),
      );
      const d = body.data ?? {};
      return {
        displayName: typeof d.display_name === 'string' ? d.display_name : null,
        isFollower: typeof d.user_is_follower === 'boolean' ? d.user_is_follower : null,
      };
    },
  };
}
