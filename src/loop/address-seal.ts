// Sealing reply addresses: the Zalo user id that a staff reply or an "answer published" message
// must go to is kept only encrypted (AES-256-GCM), so a copy of the database alone does not link
// a person to what they asked. The key comes from REPLY_ADDRESS_KEY; without it a random key is
// generated once and kept in app_setting (fine for a trial, not for production: the README says so).
import crypto from 'node:crypto';
import type { Queryable } from '../db/types.js';

const SETTING_KEY = 'loop.reply_address_key';

export interface AddressSeal {
  seal(userId: string): string;
  open(sealed: string): string | null;
}

/** A seal over a 32-byte key derived from the configured secret (any length) or the stored one. */
export function addressSeal(secret: string): AddressSeal {
  const key = crypto.createHash('sha256').update('reply-address\0' + secret, 'utf8').digest();
  return {
    seal(userId) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(userId, 'utf8'), c.final()]);
      return [iv, c.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
    },
    open(sealed) {
      const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
      if (!iv || !tag || !body) return null;
      try {
        const d = crypto.createDecipheriv('aes-256-gcm', key, iv);
        d.setAuthTag(tag);
        return Buffer.concat([d.update(body), d.final()]).toString('utf8');
      } catch {
        return null; // another key (rotated or restored from elsewhere): the address is lost, not guessed
      }
    },
  };
}

/** The configured secret, or the generated one (created once; concurrent creators converge). */
export async function loadAddressSecret(q: Queryable, configured: string | undefined): Promise<{ secret: string; generated: boolean }> {
  if (configured) return { secret: configured, generated: false };
  await q.query('INSERT INTO app_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [SETTING_KEY, crypto.randomBytes(32).toString('base64url')]);
  const r = await q.query<{ value: string }>('SELECT value FROM app_setting WHERE key = $1', [SETTING_KEY]);
  return { secret: r.rows[0]!.value, generated: true };
}

/**
 * A seal whose key is set once the database is reachable (buildApp's start-up step): built at
 * wiring time, usable after start(). Using it earlier is a programming error.
 */
export function deferredSeal(): AddressSeal & { setSecret(secret: string): void } {
  let inner: AddressSeal | null = null;
  const ready = (): AddressSeal => {
    if (!inner) throw new Error('reply-address seal used before start-up');
    return inner;
  };
  return {
    setSecret: (secret) => {
      inner = addressSeal(secret);
    },
    seal: (userId) => ready().seal(userId),
    open: (sealed) => ready().open(sealed),
  };
}
