// The Db contract: both implementations return the same types, raise the same error codes,
// roll back on error, survive errors, and serialise concurrent transactions correctly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations, migrate, MigrationChecksumError } from '../../src/db/migrate.js';
import { errorCode, PG_ERROR } from '../../src/db/types.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

describe.each(DB_KINDS)('Db contract on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await t.db.exec(`CREATE TABLE item (id serial PRIMARY KEY, name text UNIQUE NOT NULL, n int8, price numeric(10,2),
      at timestamptz DEFAULT now(), doc jsonb, raw bytea, emb vector(3), ok boolean)`);
  });
  afterAll(async () => t.drop());

  it('reports which database it is', () => {
    expect(t.db.kind).toBe(kind);
  });

  it('runs urgent statements beside queued work, in the same database', async () => {
    expect(t.db.urgent).toBeDefined();
    const busy = t.db.tx(async (q) => {
      await q.query(`INSERT INTO item (name) VALUES ('urgent-tx')`);
      return 'tx';
    });
    const r = await t.db.urgent!.query<{ x: number }>('SELECT 1 AS x');
    expect(r.rows[0].x).toBe(1);
    expect(await busy).toBe('tx');
    const seen = await t.db.urgent!.query<{ c: string }>(`SELECT count(*) AS c FROM item WHERE name = 'urgent-tx'`);
    expect(seen.rows[0].c).toBe('1');
    await t.db.query(`DELETE FROM item WHERE name = 'urgent-tx'`);
  });

  it('returns the same JavaScript types on both databases', async () => {
    const r = await t.db.query<{ id: number; n: string; price: string; at: Date; doc: unknown; raw: Buffer; ok: boolean; emb: string }>(
      `INSERT INTO item (name, n, price, doc, raw, emb, ok) VALUES ($1, $2, $3, $4, $5, $6::vector, $7) RETURNING *`,
      ['a', '9007199254740993', '12.50', JSON.stringify({ k: [1, 'x'] }), Buffer.from([1, 2, 3]), '[1,0,0]', true],
    );
    expect(r.rowCount).toBe(1);
    const row = r.rows[0];
    expect(typeof row.id).toBe('number');
    expect(row.n).toBe('9007199254740993'); // int8 as string: no precision loss
    expect(row.price).toBe('12.50');
    expect(row.at).toBeInstanceOf(Date);
    expect(row.doc).toEqual({ k: [1, 'x'] });
    expect(Buffer.isBuffer(row.raw)).toBe(true);
    expect([...row.raw]).toEqual([1, 2, 3]);
    expect(row.ok).toBe(true);
    expect(row.emb).toBe('[1,0,0]');
    const c = await t.db.query<{ c: string }>('SELECT count(*) AS c FROM item');
    expect(c.rows[0].c).toBe('1');
  });

  it('computes vector distances and unaccented text the same way', async () => {
    const d = await t.db.query<{ d: number }>(`SELECT ('[1,0,0]'::vector <=> '[0,1,0]'::vector) AS d`);
    expect(d.rows[0].d).toBeCloseTo(1, 6);
    const u = await t.db.query<{ u: string }>(`SELECT f_unaccent('Biên giới Việt Lào đường') AS u`);
    expect(u.rows[0].u.toLowerCase()).toBe('bien gioi viet lao duong');
  });

  it('raises unique violations with the PostgreSQL code and keeps working afterwards', async () => {
    await t.db.query(`INSERT INTO item (name) VALUES ('dup')`);
    const err = await t.db.query(`INSERT INTO item (name) VALUES ('dup')`).catch((e: unknown) => e);
    expect(errorCode(err)).toBe(PG_ERROR.uniqueViolation);
    const bad = await t.db.query('SELEC 1').catch((e: unknown) => e);
    expect(errorCode(bad)).toBe(PG_ERROR.syntaxError);
    const ok = await t.db.query<{ x: number }>('SELECT 1 AS x');
    expect(ok.rows[0].x).toBe(1);
  });

  it('counts affected rows for UPDATE and DELETE', async () => {
    await t.db.query(`INSERT INTO item (name) VALUES ('u1'), ('u2')`);
    const u = await t.db.query(`UPDATE item SET ok = false WHERE name IN ('u1','u2')`);
    expect(u.rowCount).toBe(2);
    const d = await t.db.query(`DELETE FROM item WHERE name = 'u1'`);
    expect(d.rowCount).toBe(1);
  });

  it('rolls a transaction back when it throws, and commits when it returns', async () => {
    await expect(
      t.db.tx(async (q) => {
        await q.query(`INSERT INTO item (name) VALUES ('rolled-back')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const none = await t.db.query(`SELECT 1 FROM item WHERE name = 'rolled-back'`);
    expect(none.rowCount).toBe(0);
    const v = await t.db.tx(async (q) => {
      await q.query(`INSERT INTO item (name) VALUES ('committed')`);
      return 42;
    });
    expect(v).toBe(42);
    expect((await t.db.query(`SELECT 1 FROM item WHERE name = 'committed'`)).rowCount).toBe(1);
  });

  it('rolls back a transaction whose SQL fails, then accepts new work', async () => {
    const err = await t.db
      .tx(async (q) => {
        await q.query(`INSERT INTO item (name) VALUES ('half')`);
        await q.query(`INSERT INTO item (name) VALUES ('dup')`);
      })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe(PG_ERROR.uniqueViolation);
    expect((await t.db.query(`SELECT 1 FROM item WHERE name = 'half'`)).rowCount).toBe(0);
  });

  it('does not lose increments from concurrent transactions', async () => {
    await t.db.query(`INSERT INTO item (name, n) VALUES ('counter', 0)`);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        t.db.tx(async (q) => {
          const r = await q.query<{ n: string }>(`SELECT n FROM item WHERE name = 'counter' FOR UPDATE`);
          await q.query(`UPDATE item SET n = $1 WHERE name = 'counter'`, [Number(r.rows[0].n) + 1]);
        }),
      ),
    );
    const r = await t.db.query<{ n: string }>(`SELECT n FROM item WHERE name = 'counter'`);
    expect(r.rows[0].n).toBe('20');
  });

  it('lets concurrent claimers share rows with SKIP LOCKED, each row claimed once', async () => {
    await t.db.exec(`CREATE TABLE job (id serial PRIMARY KEY, owner text)`);
    await t.db.query(`INSERT INTO job (owner) SELECT NULL FROM generate_series(1, 30)`);
    const claim = (who: string) =>
      t.db.tx(async (q) => {
        const r = await q.query<{ id: number }>(`SELECT id FROM job WHERE owner IS NULL ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED`);
        for (const row of r.rows) await q.query(`UPDATE job SET owner = $1 WHERE id = $2`, [who, row.id]);
        return r.rows.length;
      });
    const counts = await Promise.all(Array.from({ length: 8 }, (_, i) => claim('w' + i)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    const left = await t.db.query(`SELECT 1 FROM job WHERE owner IS NULL`);
    expect(left.rowCount).toBe(0);
  });
});

describe.each(DB_KINDS)('migrations on %s', (kind) => {
  it('applies every migration once, records checksums, and refuses an edited migration', async () => {
    const t = await createTestDb(kind, { migrated: false });
    try {
      const all = readMigrations();
      const first = await migrate(t.db);
      expect(first).toEqual(all.map((m) => m.version));
      expect(await migrate(t.db)).toEqual([]);
      const rows = await t.db.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migration ORDER BY version');
      expect(rows.rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
      const edited = all.map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
      await expect(migrate(t.db, edited)).rejects.toBeInstanceOf(MigrationChecksumError);
    } finally {
      await t.drop();
    }
  });

  it('rolls back a failing migration completely', async () => {
    const t = await createTestDb(kind);
    try {
      const bad = { version: '9999_bad', sql: 'CREATE TABLE will_vanish (id int); SELECT * FROM no_such_table;', checksum: 'x' };
      await expect(migrate(t.db, [bad])).rejects.toThrow();
      const r = await t.db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'will_vanish'`);
      expect(r.rowCount).toBe(0);
      const v = await t.db.query(`SELECT 1 FROM schema_migration WHERE version = '9999_bad'`);
      expect(v.rowCount).toBe(0);
    } finally {
      await t.drop();
    }
  });
});
