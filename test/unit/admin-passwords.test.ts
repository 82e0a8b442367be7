// Staff password hashing: scrypt with a random salt, parameters stored with the hash, and a
// verify that rejects wrong passwords and malformed hashes.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, passwordProblem, verifyPassword } from '../../src/admin/passwords.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('staff passwords', () => {
  it('hashes with the default cost (N = 2^15) and verifies', async () => {
    const h = await hashPassword('Mat-khau-rat-dai-2026');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(DEFAULT_SCRYPT.N).toBe(2 ** 15);
    expect(await verifyPassword('Mat-khau-rat-dai-2026', h)).toBe(true);
    expect(await verifyPassword('Mat-khau-rat-dai-2027', h)).toBe(false);
  });

  it('never stores the password and salts every hash', async () => {
    const a = await hashPassword('mot-mat-khau-dai', FAST);
    const b = await hashPassword('mot-mat-khau-dai', FAST);
    expect(a).not.toBe(b);
    expect(a).not.toContain('mot-mat-khau-dai');
    expect(Buffer.from(a.split('$')[5]!, 'base64')).toHaveLength(32);
  });

  it('treats differently composed Vietnamese the same (NFC)', async () => {
    const h = await hashPassword('Mật khẩu Châu Tiến', FAST);
    expect(await verifyPassword('Mật khẩu Châu Tiến'.normalize('NFD'), h)).toBe(true);
  });

  it('rejects malformed or tampered hashes instead of throwing', async () => {
    const h = await hashPassword('mot-mat-khau-dai', FAST);
    expect(await verifyPassword('mot-mat-khau-dai', '')).toBe(false);
    expect(await verifyPassword('mot-mat-khau-dai', 'plain-text')).toBe(false);
    expect(await verifyPassword('mot-mat-khau-dai', h.replace('scrypt$1024', 'scrypt$abc'))).toBe(false);
    expect(await verifyPassword('mot-mat-khau-dai', h.replace(/\$[^$]+$/, '$AAAA'))).toBe(false);
    expect(await verifyPassword('mot-mat-khau-dai', h.replace('scrypt$1024', 'scrypt$2048'))).toBe(false);
  });

  it('asks for at least 10 characters', () => {
    expect(passwordProblem('ngan')).toMatch(/10/);
    expect(passwordProblem('du-muoi-ky-tu')).toBeNull();
    expect(passwordProblem(' co-khoang-trang ')).not.toBeNull();
  });
});
