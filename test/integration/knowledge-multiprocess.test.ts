// Several app processes on one PostgreSQL (issue 13), each with its own DATA_DIR as on two hosts:
// - a staff document added while both run (`npm run ingest -- FILE` from a third process, the file
//   then gone from disk) is answered by both within 5 s, without a restart (LISTEN/NOTIFY + poll);
// - a restart of either deletes nothing;
// - a removal (`npm run ingest -- --remove ID`) reaches both within 5 s.
// Runs when TEST_DATABASE_URL is set; CI sets REQUIRE_POSTGRES_TESTS=1, and then it must run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeZaloEnv, startFakeZalo, type FakeZalo } from '../fakes/fake-zalo.js';
import { postEvent, textEvent, userId, waitFor } from '../fakes/zalo-events.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { startServiceProcess, stopServiceProcess, type ServiceProcess } from '../helpers/service-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const havePg = Boolean(process.env.TEST_DATABASE_URL);
if (process.env.REQUIRE_POSTGRES_TESTS && !havePg) throw new Error('REQUIRE_POSTGRES_TESTS=1 but TEST_DATABASE_URL is not set');

const DOC = `---
id: faq-kiem-tra-nhieu-tien-trinh
kind: faq
title: Lịch tiếp công dân của UBND xã
topic: commune
lang: vi
source: Thông báo kiểm tra
questions:
  - UBND xã tiếp công dân vào ngày nào?
  - lich tiep cong dan cua xa
---
UBND xã tiếp công dân vào sáng thứ Năm hằng tuần (mã kiểm tra QX-7731).
`;
const Q = 'UBND xã tiếp công dân vào ngày nào?';

describe.skipIf(!havePg)('several app processes on one PostgreSQL', () => {
  let t: TestDb;
  let zalo: FakeZalo;
  let tmp: string;
  let env: Record<string, string>;
  const procs: Record<'a' | 'b', ServiceProcess | null> = { a: null, b: null };
  let n = 0;

  async function start(name: 'a' | 'b'): Promise<ServiceProcess> {
    const dataDir = path.join(tmp, `host-${name}`);
    fs.mkdirSync(dataDir, { recursive: true });
    return (procs[name] = await startServiceProcess({ ...env, DATA_DIR: dataDir }, { name: `service-${name}`, logDir: tmp }));
  }

  async function stop(name: 'a' | 'b'): Promise<void> {
    const svc = procs[name];
    procs[name] = null;
    if (svc) await stopServiceProcess(svc);
  }

  /** Asks a process over its webhook; resolves to the reply text (a new user each time: no rate limit). */
  async function ask(svc: ServiceProcess, text: string): Promise<string> {
    const uid = userId(70_000 + n++);
    expect(await postEvent(svc.base, textEvent(uid, text))).toBe(200);
    await waitFor(() => zalo.sendsTo(uid).length > 0, 20_000, 'reply');
    return zalo
      .sendsTo(uid)
      .map((s) => s.text)
      .join('\n');
  }

  function cli(args: string[]): { status: number | null; out: string } {
    const r = spawnSync(process.execPath, [TSX, 'src/cli/ingest.ts', ...args], {
      cwd: ROOT,
      env: { ...env, DATA_DIR: path.join(tmp, 'cli'), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 240_000,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  async function withinSeconds(s: number, check: () => Promise<boolean>): Promise<number> {
    const t0 = Date.now();
    await waitFor(check, s * 1000, `within ${s} s`);
    return Date.now() - t0;
  }

  beforeAll(async () => {
    t = await createTestDb('postgres', { migrated: false });
    zalo = await startFakeZalo();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'multiprocess-'));
    env = { ...(process.env as Record<string, string>), ...fakeZaloEnv(zalo.url), DATABASE_URL: t.url!, KNOWLEDGE_POLL_MS: '2000' };
    // both at once: migrations and the start-up sync take turns (advisory locks)
    await Promise.all([start('a'), start('b')]);
  }, 600_000);

  afterAll(async () => {
    await stop('a').catch(() => undefined);
    await stop('b').catch(() => undefined);
    await zalo?.close();
    await t?.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  it('a document added while both run is answered by both within 5 s; a restart deletes nothing; a removal reaches both', { timeout: 600_000 }, async () => {
    expect(await ask(procs.a!, Q)).not.toContain('QX-7731');
    const file = path.join(tmp, 'lich-tiep-dan.md');
    fs.writeFileSync(file, DOC);
    const added = cli([file]);
    expect(added.status, added.out).toBe(0);
    fs.rmSync(file); // the file was on a staff member's machine: the database is the only copy
    const msA = await withinSeconds(5, async () => (await ask(procs.a!, Q)).includes('QX-7731'));
    const msB = await withinSeconds(5, async () => (await ask(procs.b!, Q)).includes('QX-7731'));
    console.log(`multi-process: added document answered by A after ${msA} ms, by B after ${msA + msB} ms`);

    await stop('b');
    await start('b');
    expect(await ask(procs.b!, Q)).toContain('QX-7731');
    expect(await ask(procs.a!, Q)).toContain('QX-7731');
    await stop('a');
    await start('a');
    expect(await ask(procs.a!, Q)).toContain('QX-7731');
    const left = await t.db.query("SELECT origin FROM knowledge_document WHERE id = 'faq-kiem-tra-nhieu-tien-trinh'");
    expect(left.rows).toEqual([{ origin: 'staff' }]);

    const removed = cli(['--remove', 'faq-kiem-tra-nhieu-tien-trinh']);
    expect(removed.status, removed.out).toBe(0);
    await withinSeconds(5, async () => !(await ask(procs.a!, Q)).includes('QX-7731'));
    await withinSeconds(5, async () => !(await ask(procs.b!, Q)).includes('QX-7731'));
    const audit = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE target = 'faq-kiem-tra-nhieu-tien-trinh' ORDER BY id");
    expect(audit.rows.map((r) => r.action)).toEqual(['knowledge.add', 'knowledge.remove']);
  });
});
