// Crash recovery with a real child process: the service (npx tsx src/server.ts, embedded
// database in a temp DATA_DIR) acknowledges 20 events and is killed with SIGKILL right after
// the 200s; restarted on the same DATA_DIR it delivers every reply, and at most
// OUTBOX_CONCURRENCY of them twice (the sends that were in flight: Zalo has no idempotency key,
// so a send whose outcome was not committed goes again). Embedded database only: that is where
// DATA_DIR matters.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeZaloEnv, startFakeZalo, type FakeZalo } from '../fakes/fake-zalo.js';
import { postEvent, textEvent, userId, waitFor } from '../fakes/zalo-events.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startService(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; log: string }> {
  const port = await freePort();
  const log = path.join(env.DATA_DIR!, `service-${port}.log`);
  const out = fs.openSync(log, 'w');
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    stdio: ['ignore', out, out],
    detached: true, // own process group: SIGKILL reaches tsx and the node process it starts
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`service exited: ${fs.readFileSync(log, 'utf8').slice(-1500)}`);
      try {
        return (await fetch(base + '/readyz')).status === 200;
      } catch {
        return false;
      }
    },
    120_000,
    'service ready',
  );
  return { child, base, log };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}

describe('crash recovery (embedded database, real process)', () => {
  let zalo: FakeZalo | null = null;
  let child: ChildProcess | null = null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zalo-crash-'));
  afterAll(async () => {
    if (child) killGroup(child, 'SIGKILL');
    await zalo?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every acknowledged reply after kill -9 and restart, at most OUTBOX_CONCURRENCY twice', { timeout: 240_000 }, async () => {
    zalo = await startFakeZalo();
    const CONCURRENCY = 4;
    const env = { DATA_DIR: dataDir, ...fakeZaloEnv(zalo.url), OUTBOX_CONCURRENCY: String(CONCURRENCY) };
    let svc = await startService(env);
    child = svc.child;
    // A slow Zalo keeps replies queued and one send in flight when the process dies.
    zalo.state.faults.sendDelayMs = 300;
    const users = Array.from({ length: 20 }, (_, i) => userId(900 + i));
    const statuses = await Promise.all(users.map((u) => postEvent(svc.base, textEvent(u, 'xin chào'))));
    killGroup(svc.child, 'SIGKILL');
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor(() => svc.child.exitCode !== null || svc.child.signalCode !== null, 15_000, 'process gone');
    await new Promise((r) => setTimeout(r, 400)); // let a send that was in flight land at the fake
    const before = zalo.state.sends.length;

    zalo.state.faults.sendDelayMs = 0;
    svc = await startService(env);
    child = svc.child;
    await waitFor(() => users.every((u) => zalo!.sendsTo(u).length > 0), 60_000, 'every reply after restart');
    const duplicated = users.filter((u) => zalo!.sendsTo(u).length > 1);
    expect(duplicated.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(users.every((u) => zalo!.sendsTo(u).length <= 2)).toBe(true); // a reply goes at most twice
    console.log(`crash test: ${before}/20 replies sent before the kill, ${duplicated.length} duplicated`);
    expect(before).toBeLessThan(20); // the kill really interrupted the work
    killGroup(svc.child, 'SIGTERM');
    await waitFor(() => svc.child.exitCode !== null || svc.child.signalCode !== null, 20_000, 'graceful stop');
    child = null;
  });
});
