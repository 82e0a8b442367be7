// Error paths never write a raw Zalo id or a citizen's text to the log (issue 16, M2): real database
// errors, whose params/where/detail/query carry the values of the failed statement, are logged at
// LOG_LEVEL=debug through the service's logger options, and the output is searched for what was sent.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errSerializer, loggerOptions, reqSerializer, scrubMessage } from '../../src/log.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const USER_ID = '5000000000000000114';
const TEXT = 'Hang Bua ở đâu vậy anh ơi';

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = pino(loggerOptions({ LOG_LEVEL: 'debug', NODE_ENV: 'test' }), stream);
  return { log, text: () => lines.join('') };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('the statement was expected to fail');
}

describe.each(DB_KINDS)('database errors in the log (%s)', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { migrated: false });
    await t.db.query('CREATE TABLE t_log (user_id text PRIMARY KEY, payload jsonb, n bigint)');
    await t.db.query(`INSERT INTO t_log (user_id, payload) VALUES ($1, '{}')`, [USER_ID]);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('drops params, where, detail and query, and scrubs values out of messages', async () => {
    const { log, text } = captureLogger();
    const errors = [
      // a lone surrogate in a jsonb parameter (the poison event): PostgreSQL puts the text in `where`
      await failure(t.db.query('INSERT INTO t_log (user_id, payload) VALUES ($1, $2::jsonb)', [USER_ID + '9', JSON.stringify({ userId: USER_ID, text: `${TEXT} \ud800` })])),
      // NUL in jsonb
      await failure(t.db.query('INSERT INTO t_log (user_id, payload) VALUES ($1, $2::jsonb)', [USER_ID + '8', `{"text":"${TEXT}\\u0000"}`])),
      // unique violation: `detail` is "Key (user_id)=(5000…) already exists."
      await failure(t.db.query(`INSERT INTO t_log (user_id, payload) VALUES ($1, '{}')`, [USER_ID])),
      // a cast failure quotes the value in the message itself
      await failure(t.db.query('SELECT $1::bigint AS n', [`${TEXT} ${USER_ID}`])),
      await failure(t.db.query(`SELECT '${TEXT} ${USER_ID}'::int AS n`)),
    ];
    for (const err of errors) {
      log.error({ err, event: 42 }, 'inbound event failed');
      log.debug({ error: err }, 'debug copy');
    }
    const out = text();
    expect(out).toContain('inbound event failed');
    expect(out).not.toContain(USER_ID);
    expect(out).not.toContain('Hang Bua');
    expect(out).not.toContain(TEXT);
    // the diagnostic part is kept
    const first = JSON.parse(out.split('\n')[0]!) as { err: { code?: string; type: string; message: string; dropped?: string[] } };
    expect(first.err.type).toBeTruthy();
    expect(first.err.code).toMatch(/^[0-9A-Z]{5}$/);
  });
});

describe('errSerializer', () => {
  it('keeps an allow-list and names what it dropped (an HTTP client error with its request and body)', () => {
    const err = Object.assign(new Error('Request failed with status code 500'), {
      code: 'ERR_BAD_RESPONSE',
      config: { headers: { access_token: 'tok-secret' }, data: JSON.stringify({ recipient: { user_id: USER_ID }, message: { text: TEXT } }) },
      response: { status: 500, data: { echo: TEXT } },
      request: { path: `/v3.0/oa/message/cs?user=${USER_ID}` },
    });
    const s = errSerializer(err) as Record<string, unknown>;
    expect(s).toMatchObject({ type: 'Error', code: 'ERR_BAD_RESPONSE', status: 500 });
    expect(s.dropped).toEqual(expect.arrayContaining(['config', 'request']));
    expect(JSON.stringify(s)).not.toMatch(/tok-secret|Hang Bua|5000000000000000114/);
  });

  it('follows causes and aggregate errors, scrubbed too', () => {
    const inner = Object.assign(new Error(`bad value "${TEXT}"`), { params: [USER_ID] });
    const outer = new Error('outer', { cause: inner });
    const agg = new AggregateError([inner], 'many');
    expect(JSON.stringify(errSerializer(outer))).not.toMatch(/Hang Bua|5000000000000000114/);
    expect(JSON.stringify(errSerializer(agg))).not.toMatch(/Hang Bua|5000000000000000114/);
  });

  it('keeps identifiers in messages and scrubs values', () => {
    expect(scrubMessage('relation "question_log" does not exist')).toBe('relation "question_log" does not exist');
    expect(scrubMessage(`invalid input syntax for type bigint: "${TEXT}"`)).toBe('invalid input syntax for type bigint: "[redacted]"');
    expect(scrubMessage(`user ${USER_ID} failed; mail a.b@c.vn`)).toBe('user [redacted] failed; mail [redacted]');
  });

  it('logs request lines without their query string', () => {
    expect(reqSerializer({ method: 'GET', url: '/zalo/callback?code=secret&state=x' }).url).toBe('/zalo/callback?[redacted]');
    expect(reqSerializer({ method: 'GET', url: '/healthz' }).url).toBe('/healthz');
  });
});
