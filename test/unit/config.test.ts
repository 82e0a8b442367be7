import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, fastifyTrustProxy, loadConfig, maskValue } from '../../src/config.js';

describe('config', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.ZALO_OPENAPI_URL).toBe('https://openapi.zalo.me');
    expect(c.zaloWebhookEnabled).toBe(false);
    expect(c.LLM_PROVIDER).toBe('none');
  });

  it('names the variable and the problem for a bad value', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'abc' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/PORT="abc"/);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x', LLM_PROVIDER: 'gpt' })).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*LLM_PROVIDER|DATABASE_URL/);
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x', LLM_PROVIDER: 'gpt' });
    } catch (e) {
      const msg = (e as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LLM_PROVIDER']) expect(msg).toContain(name);
    }
  });

  it('treats empty strings as unset and parses lists and booleans', () => {
    const c = loadConfig({ ZALO_APP_ID: '', STAFF_ALERT_ZALO_USER_IDS: '1, 2 ,,3', TRUST_PROXY: 'yes', ZALO_OA_SECRET_KEY: 's' });
    expect(c.ZALO_APP_ID).toBeUndefined();
    expect(c.STAFF_ALERT_ZALO_USER_IDS).toEqual(['1', '2', '3']);
    expect(c.TRUST_PROXY).toBe(1); // "yes"/"true" mean one proxy hop, never any hop
    expect(c.zaloWebhookEnabled).toBe(false);
  });

  it('never prints a secret-bearing value in a config error', () => {
    const msg = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    const db = msg({ DATABASE_URL: 'mysql://admin:SuperSecretPw9@db.example/x' });
    expect(db).toContain('DATABASE_URL');
    expect(db).toContain('mysql://admin:***@db.example/x');
    expect(db).not.toContain('SuperSecretPw9');
    expect(msg({ LLM_BASE_URL: 'http://u:hunter2@llm.local:notaport' })).not.toContain('hunter2');
    expect(msg({ STAFF_ALERT_WEBHOOK_URL: 'ftp//x?token=abc123' })).not.toContain('abc123');
    expect(maskValue('ZALO_APP_SECRET', 's3cr3t')).toBe('(6 characters, hidden)');
    expect(maskValue('LLM_API_KEY', 'sk-123')).not.toContain('sk-123');
    expect(maskValue('PORT', 'abc')).toBe('abc');
  });

  it('takes TRUST_PROXY as a hop count or an address list, never "every hop"', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,loopback' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1', 'loopback']);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/99' })).toThrow(/TRUST_PROXY/);
    const one = fastifyTrustProxy(1) as (a: string, hop: number) => boolean;
    expect([one('10.0.0.1', 0), one('10.0.0.2', 1)]).toEqual([true, false]);
  });

  it('warns at start-up when PSEUDONYM_SECRET is generated rather than given', () => {
    expect(configWarnings(loadConfig({})).join(' ')).toMatch(/PSEUDONYM_SECRET is not set.*production/);
    expect(configWarnings(loadConfig({ PSEUDONYM_SECRET: 'x'.repeat(40) }))).toEqual([]);
  });
});
