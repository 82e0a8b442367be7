// Structured logs (pino). Secrets and tokens are redacted by path; citizens' message text and
// raw Zalo user ids are never logged by our code (log pseudonyms and ids of rows instead).
//
// Errors are the way ids and text leaked anyway: a failed statement carries its bound parameters
// (`params`), the statement (`query`), and PostgreSQL's `where`/`detail` ("Key (user_key)=(…)"),
// and an HTTP client error carries its request config and response body. So errors are logged
// through an allow-list (errSerializer): the type, a scrubbed message and stack, and short
// diagnostic fields (code, routine, table, constraint, status …). Everything else is dropped and
// only its key name is kept, so a reader knows it existed.
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { Config } from './config.js';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.access_token',
  'req.headers.secret_key',
  'req.headers["x-zevent-signature"]',
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.password',
  '*.secret',
  '*.text',
  '*.params',
  '*.userId',
  '*.user_id',
  '*.recipientId',
];

/** Short, value-free fields worth keeping from an error (database, Node system and HTTP errors). */
const ERR_KEEP = new Set([
  'code',
  'errno',
  'syscall',
  'severity',
  'routine',
  'schema',
  'table',
  'column',
  'constraint',
  'dataType',
  'position',
  'file',
  'line',
  'status',
  'statusCode',
  'name',
  'attempt',
  'retryable',
]);
const MAX_MESSAGE = 500;
const MAX_DEPTH = 3;

/**
 * A message or stack without values: quoted parts that are not plain identifiers ('relation "x"'
 * stays, 'invalid input syntax for type bigint: "5000…"' does not), long digit runs (user ids,
 * phone numbers) and e-mail addresses become "[redacted]"; cut at MAX_MESSAGE per line.
 */
export function scrubMessage(message: string): string {
  return message
    .replace(/"([^"\n]{0,200})"/g, (m, inner: string) => (/^[A-Za-z_][\w.$-]{0,62}$/.test(inner) ? m : '"[redacted]"'))
    .replace(/'([^'\n]{0,200})'/g, (m, inner: string) => (/^[A-Za-z_][\w.$-]{0,62}$/.test(inner) ? m : "'[redacted]'"))
    .replace(/\d[\d .-]{7,}\d/g, '[redacted]')
    .replace(/[^\s@"']{1,64}@[^\s@"']{1,253}/g, '[redacted]')
    .split('\n')
    .map((l) => (l.length > MAX_MESSAGE ? `${l.slice(0, MAX_MESSAGE)}…` : l))
    .join('\n');
}

function isErrorLike(x: unknown): x is Error & Record<string, unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { message?: unknown }).message === 'string' && ('stack' in x || x instanceof Error);
}

/** pino `err` serializer: an allow-list of fields, message and stack scrubbed (see the header). */
export function errSerializer(err: unknown, depth = 0): unknown {
  if (!isErrorLike(err)) return err;
  const out: Record<string, unknown> = {
    type: err.constructor?.name ?? err.name,
    message: scrubMessage(String(err.message)),
  };
  if (typeof err.stack === 'string') out.stack = scrubMessage(err.stack);
  const dropped: string[] = [];
  for (const key of Object.keys(err)) {
    if (key === 'message' || key === 'stack') continue;
    const v = err[key];
    if (ERR_KEEP.has(key) && (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 80))) {
      out[key] = typeof v === 'string' ? scrubMessage(v) : v;
    } else if (key === 'response' && v && typeof v === 'object' && typeof (v as { status?: unknown }).status === 'number') {
      out.status = (v as { status: number }).status; // axios: the HTTP status only, never the body
    } else dropped.push(key);
  }
  if (dropped.length) out.dropped = dropped;
  if (depth < MAX_DEPTH && isErrorLike(err.cause)) out.cause = errSerializer(err.cause, depth + 1);
  if (depth < MAX_DEPTH && Array.isArray((err as { errors?: unknown }).errors)) {
    out.aggregateErrors = ((err as unknown as { errors: unknown[] }).errors).slice(0, 10).map((e) => errSerializer(e, depth + 1));
  }
  return out;
}

/** Request lines without their query string (OAuth codes, search terms). */
export function reqSerializer(req: { method?: string; url?: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) {
  const url = typeof req.url === 'string' ? req.url : '';
  const q = url.indexOf('?');
  return {
    method: req.method,
    url: q < 0 ? url : `${url.slice(0, q)}?[redacted]`,
    host: req.hostname,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function loggerOptions(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'chau-tien-assistant' },
    serializers: { err: (e: unknown) => errSerializer(e), error: (e: unknown) => errSerializer(e), req: reqSerializer },
  };
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): Logger {
  return pino(loggerOptions(config));
}

export type { Logger };
