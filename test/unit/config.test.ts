import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

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
    expect(c.TRUST_PROXY).toBe(true);
    expect(c.zaloWebhookEnabled).toBe(false);
  });
});
