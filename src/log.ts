// Structured logs (pino). Secrets and tokens are redacted by path; citizens' message text and
// raw Zalo user ids are never logged by our code (log pseudonyms and ids of rows instead).
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
];

export function loggerOptions(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'chau-tien-assistant' },
  };
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): Logger {
  return pino(loggerOptions(config));
}

export type { Logger };
