// Webhook signature: X-ZEvent-Signature: mac=<hex>, hex = SHA-256 (plain, not HMAC) of
// app_id + raw body + timestamp + OA secret key, in that order (official Java SDK MacUtils;
// reference/zalo-oa-api.md §2). The body must be the exact bytes received: hashing a
// re-serialised JSON object breaks on key order, spacing and escapes.
import crypto from 'node:crypto';

export function computeSignature(appId: string, rawBody: Buffer | string, timestamp: string, secret: string): string {
  return crypto
    .createHash('sha256')
    .update(appId, 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .update(timestamp, 'utf8')
    .update(secret, 'utf8')
    .digest('hex');
}

/** The hex digest from a header value `mac=<hex>` (a bare hex value is accepted too), or null. */
export function macFromHeader(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const hex = value.trim().replace(/^mac=/i, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

/** Constant-time check of a signature header against the expected digest. */
export function verifySignature(
  header: string | string[] | undefined,
  parts: { appId: string; rawBody: Buffer | string; timestamp: string; secret: string },
): boolean {
  const given = macFromHeader(header);
  if (!given) return false;
  const expected = computeSignature(parts.appId, parts.rawBody, parts.timestamp, parts.secret);
  return crypto.timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}
