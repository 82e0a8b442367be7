// Crash recovery with a real child process: the service (npx tsx src/server.ts, embedded
// database in a temp DATA_DIR) acknowledges 20 events and is killed with SIGKILL right after
// the 200s; restarted on the same DATA_DIR it delivers every reply, and at most
// OUTBOX_CONCURRENCY of them twice (the sends that were in flight: Zalo has no idempotency key,
// so a send whose outcome was not committed goes again). Embedded database only: that is where
// DATA_DIR matters.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeZaloEnv, startFakeZalo, type FakeZalo } from '../fakes/fake-zalo.js';
import { postEvent, textEvent, userId, waitFor } from '../fakes/zalo-events.js';
import { signalService, startServiceProcess, stopServiceProcess, type ServiceProcess } from '../helpers/service-process.js';

describe('crash recovery (embedded database, real process)', () => {
  let zalo: FakeZalo | null = null;
  let svc: ServiceProcess | null = null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zalo-crash-'));
  afterAll(async () => {
    if (svc) signalService(svc, 'SIGKILL');
    await zalo?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every acknowledged reply after kill -9 and restart, at most OUTBOX_CONCURRENCY twice', { timeout: 240_000 }, async () => {
    zalo = await startFakeZalo();
    const CONCURRENCY = 4;
    const env = { DATA_DIR: dataDir, ...fakeZaloEnv(zalo.url), OUTBOX_CONCURRENCY: String(CONCURRENCY) };
    svc = await startServiceProcess(env);
    // A slow Zalo keeps replies queued and one send in flight when the process dies.
    zalo.state.faults.sendDelayMs = 300;
    const users = Array.from({ length: 20 }, (_, i) => userId(900 + i));
    const killed = svc;
    const statuses = await Promise.all(users.map((u) => postEvent(killed.base, textEvent(u, 'xin chào'))));
    signalService(killed, 'SIGKILL');
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor(() => killed.child.exitCode !== null || killed.child.signalCode !== null, 15_000, 'process gone');
    await new Promise((r) => setTimeout(r, 400)); // let a send that was in flight land at the fake
    const before = zalo.state.sends.length;

    zalo.state.faults.sendDelayMs = 0;
    svc = await startServiceProcess(env);
    await waitFor(() => users.every((u) => zalo!.sendsTo(u).length > 0), 60_000, 'every reply after restart');
    const duplicated = users.filter((u) => zalo!.sendsTo(u).length > 1);
    expect(duplicated.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(users.every((u) => zalo!.sendsTo(u).length <= 2)).toBe(true); // a reply goes at most twice
    console.log(`crash test: ${before}/20 replies sent before the kill, ${duplicated.length} duplicated`);
    expect(before).toBeLessThan(20); // the kill really interrupted the work
    await stopServiceProcess(svc, 20_000);
    svc = null;
  });
});
