// The one place that reads the environment. Every setting is validated here at start-up,
// so a bad value stops the process with a message that names the variable.
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url().optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min).max(max).default(def));
const number01 = (def: number) => z.preprocess(emptyToUndefined, z.coerce.number({ error: 'must be a number' }).min(0).max(1).default(def));
export const bool = (def: boolean) =>
  z.preprocess(emptyToUndefined, z.enum(['true', 'false', '1', '0', 'yes', 'no']).default(def ? 'true' : 'false').transform((v) => ['true', '1', 'yes'].includes(v)));
/**
 * Which proxies may set X-Forwarded-For (Fastify/proxy-addr `trustProxy`). Trusting every hop
 * ("true" used to mean that) lets any client choose its own address and step around the per-IP
 * login rate limit. Accepted: false/0 (no proxy); a hop count (1 = one reverse proxy in front; "true"
 * and "yes" mean 1); or a comma-separated list of proxy addresses or CIDR ranges
 * ("10.0.0.0/8, 127.0.0.1") and proxy-addr's names loopback, linklocal, uniquelocal.
 */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (x: string) => {
  if (PROXY_NAMES.has(x) || net.isIP(x)) return true;
  const m = /^(.+)\/(\d{1,3})$/.exec(x);
  if (!m || !net.isIP(m[1]!)) return false;
  return Number(m[2]) <= (net.isIPv4(m[1]!) ? 32 : 128);
};
export const trustProxy = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('false')
    .transform((raw, ctx): false | number | string[] => {
      const v = raw.trim().toLowerCase();
      if (['false', '0', 'no'].includes(v)) return false;
      if (['true', 'yes'].includes(v)) return 1;
      if (/^\d+$/.test(v)) {
        const hops = Number(v);
        if (hops <= 10) return hops;
      }
      const list = v.split(',').map((x) => x.trim()).filter(Boolean);
      const bad = list.filter((x) => !isProxyAddress(x));
      if (list.length === 0 || bad.length) {
        ctx.addIssue({ code: 'custom', message: 'must be false, a hop count (1–10) or a comma-separated list of proxy addresses/CIDR ranges' });
        return z.NEVER;
      }
      return list;
    }),
);
/** TRUST_PROXY as Fastify's `trustProxy`: a hop count becomes "trust the first n hops" (what Fastify does with a number). */
export function fastifyTrustProxy(v: false | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (v === false || v === 0) return false;
  if (typeof v === 'number') return (_address: string, hop: number) => hop < v;
  return v;
}
const csv = z.preprocess(emptyToUndefined, z.string().default('').transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)));

export const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
  PORT: int(3000, 0, 65535),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  /**
   * Behind a reverse proxy (TLS termination): trust X-Forwarded-* from it, so cookies get `Secure` and
   * rate limits see the client's address. A hop count or the proxies' addresses, never "any hop".
   */
  TRUST_PROXY: trustProxy,

  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(emptyToUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional()),
  /** At least 2: a token refresh holds one connection (advisory lock) while it reads and saves through another. */
  PG_POOL_MAX: int(10, 2, 200),

  ZALO_APP_ID: optionalString,
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_APP_SECRET: optionalString,
  ZALO_ACCESS_TOKEN: optionalString,
  ZALO_REFRESH_TOKEN: optionalString,
  ZALO_OPENAPI_URL: z.preprocess(emptyToUndefined, z.url().default('https://openapi.zalo.me')),
  ZALO_OAUTH_URL: z.preprocess(emptyToUndefined, z.url().default('https://oauth.zaloapp.com')),
  /** Registered "Official Account Callback URL", used by `npm run zalo:authorize`. */
  ZALO_REDIRECT_URI: optionalUrl,
  ZALO_HTTP_TIMEOUT_MS: int(10_000, 100, 120_000),
  /** Largest webhook body accepted, in bytes. */
  WEBHOOK_BODY_LIMIT: int(64 * 1024, 1024, 10 * 1024 * 1024),

  /** Worker: how many inbound events are answered at once, and how often the queues are polled. */
  WORKER_CONCURRENCY: int(8, 1, 64),
  WORKER_POLL_MS: int(250, 10, 60_000),
  /** Attempts before an inbound event or an outbox message is parked for staff. */
  MAX_ATTEMPTS: int(8, 1, 100),
  /** Days to keep processed webhook events and delivered messages; after it, dead replies and parked events lose their user id, text and payload. */
  CHANNEL_HISTORY_DAYS: int(30, 1, 3650),
  /** Messages per user per minute before the bot sends one polite notice and goes quiet. */
  USER_RATE_LIMIT_PER_MINUTE: int(12, 1, 1000),
  /**
   * Zalo sends in flight at once per process. Each send in flight when the process dies may be
   * sent again after restart (at most this many duplicates after kill -9, never a lost reply);
   * with Zalo's ~150 ms latency 16 in flight carry about 100 replies a second.
   */
  OUTBOX_CONCURRENCY: int(16, 1, 64),
  /** Pace of Zalo calls per process (token bucket). Zalo allows about 4,000 a minute per OA; 60/s = 3,600. */
  OUTBOX_RATE_PER_SECOND: int(60, 1, 1000),
  /** First delay before probing Zalo after an OA-wide failure opened the breaker (then doubling, up to 10 min). */
  OUTBOX_BREAKER_PROBE_MS: int(30_000, 10, 3_600_000),
  /** Characters of a message that are answered (the reply says when a message was cut). */
  ANSWER_MAX_CHARS: int(1000, 50, 20_000),
  /** Characters of a message kept in the inbox and passed (redacted) to the question log. */
  MESSAGE_MAX_STORED_CHARS: int(20_000, 100, 1_000_000),
  /** Our OA's id: when set, events addressed to another OA, or sent by this OA, are ignored. */
  ZALO_OA_ID: optionalString,
  /** Events whose timestamp is further than this from now are ignored (replays); 0 disables. Keep CHANNEL_HISTORY_DAYS longer. */
  ZALO_EVENT_MAX_SKEW_HOURS: int(24, 0, 24 * 30),
  /** Send appsecret_proof with every Open API call (when the app requires it; needs ZALO_APP_SECRET). */
  ZALO_APPSECRET_PROOF: bool(false),
  /** Quote the user's message in replies (v3 quote_message_id). */
  ZALO_QUOTE_REPLIES: bool(true),

  KNOWLEDGE_DIR: z.preprocess(emptyToUndefined, z.string().default('./knowledge')),
  /** Answer worker threads (added by the runtime, issue 13); 0 answers on the main thread. Unset: 1 (0 under NODE_ENV=test). */
  ANSWER_THREADS: z.preprocess(emptyToUndefined, z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(16).optional()),
  /** How often each process compares the knowledge version with its index (the fallback to LISTEN/NOTIFY), in ms. */
  KNOWLEDGE_POLL_MS: int(2000, 100, 60_000),
  /** Answer composer: `extractive` (default, no LLM) or an LLM that may only rephrase retrieved passages. */
  LLM_PROVIDER: z.preprocess(emptyToUndefined, z.enum(['none', 'openai', 'ollama']).default('none')),
  LLM_MODEL: optionalString,
  LLM_BASE_URL: optionalUrl,
  LLM_API_KEY: optionalString,
  LLM_TIMEOUT_MS: int(8000, 100, 120_000),
  /** Dense embeddings: `local` (hashed character n-grams, no download) or a remote provider. */
  EMBEDDINGS_PROVIDER: z.preprocess(emptyToUndefined, z.enum(['local', 'openai', 'ollama']).default('local')),
  EMBEDDINGS_MODEL: optionalString,
  EMBEDDINGS_BASE_URL: optionalUrl,
  EMBEDDINGS_API_KEY: optionalString,
  /** Below this confidence a question is answered as out of scope (calibrated on test/fixtures). */
  ANSWER_MIN_CONFIDENCE: number01(0.4),

  /** Key for pseudonymous user ids (HMAC). Unset: a random key is generated once and kept in the database. */
  PSEUDONYM_SECRET: optionalString,
  /** Days to keep question text; counts are kept for ever. 0 keeps text for ever. */
  RETENTION_DAYS: int(180, 0, 36_500),
  /** Pseudonym keys rotate every this many days (no long-lived profile); 0 never rotates. */
  PSEUDONYM_ROTATION_DAYS: int(30, 0, 3_650),
  /** People in the loop: minutes the bot stays quiet after an officer or staff answered a citizen by hand. */
  HANDOFF_PAUSE_MINUTES: int(120, 1, 7 * 24 * 60),
  /** Key that seals the reply addresses (Zalo ids kept for the 7-day reply window). Unset: generated once and kept in the database. */
  REPLY_ADDRESS_KEY: optionalString,
  /** Answer only from documents a staff member has reviewed (`reviewed_by` set). */
  KNOWLEDGE_REQUIRE_REVIEW: bool(false),
  /** Recurring-misconception flag: distinct users within 24 h / 7 days, and the jump over baseline. */
  FLAG_MIN_USERS_24H: int(5, 1, 1_000_000),
  FLAG_MIN_USERS_7D: int(15, 1, 1_000_000),
  FLAG_BASELINE_FACTOR: z.preprocess(emptyToUndefined, z.coerce.number({ error: 'must be a number' }).min(1).default(3)),
  /** Staff alerts for new flags: Zalo user ids (comma separated) and/or a webhook URL. */
  STAFF_ALERT_ZALO_USER_IDS: csv,
  STAFF_ALERT_WEBHOOK_URL: optionalUrl,

  /** Staff dashboard session key. Unset: generated once and kept in the database. */
  SESSION_SECRET: optionalString,
  /** Force the `Secure` cookie flag. `auto`: on when the request itself is HTTPS (req.protocol; behind a proxy set TRUST_PROXY). */
  COOKIE_SECURE: z.preprocess(emptyToUndefined, z.enum(['auto', 'true', 'false']).default('auto')),
  LOGIN_MAX_FAILURES: int(5, 1, 100),
  LOGIN_LOCKOUT_MINUTES: int(15, 1, 24 * 60),
  /** Staff dashboard: a session ends this many hours after login, active or not (added by the dashboard, issue 7). */
  SESSION_TTL_HOURS: int(12, 1, 24 * 30),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'ANSWER_THREADS'> {
  ANSWER_THREADS: number;
  /** Absolute path of DATA_DIR. */
  dataDir: string;
  /** Absolute path of KNOWLEDGE_DIR. */
  knowledgeDir: string;
  /** True when the webhook can verify signatures (app id and OA secret key are set). */
  zaloWebhookEnabled: boolean;
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose whole value is a secret: never printed, even when invalid. */
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|_KEY)$|^(ZALO_OA_SECRET_KEY|ZALO_APP_SECRET)$/;

/**
 * A value as it may appear in an error message: secret-named variables fully masked; URLs with
 * their password (and any user-info, query or fragment) masked; other values as given, shortened.
 */
export function maskValue(name: string, raw: string): string {
  if (SECRET_NAME.test(name)) return raw ? `(${raw.length} characters, hidden)` : '(empty)';
  // scheme://user:password@host… — also for strings that do not parse as a URL ("mysql://a:b@c/x")
  let v = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i, (_m, scheme: string, info: string) => {
    const user = info.includes(':') ? info.slice(0, info.indexOf(':')) : info;
    return `${scheme}${user ? `${user}:` : ''}***@`;
  });
  v = v.replace(/([?&][^=&#]*(?:password|secret|token|key)[^=&#]*=)[^&#]*/gi, '$1***');
  return v.length > 200 ? `${v.slice(0, 200)}…` : v;
}

/** Parse and validate an environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const raw = env[name];
      return `${name}=${raw === undefined ? '(unset)' : JSON.stringify(maskValue(name, raw))}: ${i.message}`;
    });
    throw new ConfigError(issues);
  }
  const e = parsed.data;
  return {
    ...e,
    ANSWER_THREADS: e.ANSWER_THREADS ?? (e.NODE_ENV === 'test' ? 0 : 1),
    dataDir: path.resolve(e.DATA_DIR),
    knowledgeDir: path.resolve(e.KNOWLEDGE_DIR),
    zaloWebhookEnabled: Boolean(e.ZALO_APP_ID && e.ZALO_OA_SECRET_KEY),
  };
}

/**
 * Start-up warnings about settings that work but are weak for production (logged by buildApp).
 * PSEUDONYM_SECRET unset: the key is generated and kept in the database beside the pseudonyms, so a
 * database dump alone can re-identify the question log of any known Zalo id.
 */
export function configWarnings(config: Pick<Config, 'PSEUDONYM_SECRET' | 'SESSION_SECRET' | 'NODE_ENV' | 'TRUST_PROXY'>): string[] {
  const out: string[] = [];
  if (!config.PSEUDONYM_SECRET) {
    out.push(
      'PSEUDONYM_SECRET is not set: a pseudonym key was generated and is kept in the database next to the pseudonyms, ' +
        'so a database dump can re-identify question-log rows. Set PSEUDONYM_SECRET (32+ random characters) in production, kept outside the database.',
    );
  }
  if (!config.SESSION_SECRET && config.NODE_ENV === 'production') {
    out.push('SESSION_SECRET is not set: a dashboard session key was generated and is kept in the database. Set SESSION_SECRET in production.');
  }
  return out;
}

/** A config for tests: defaults plus overrides, never the real process environment. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: 'memory', ...overrides });
}
