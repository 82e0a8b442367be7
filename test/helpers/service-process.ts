// The service as a real child process (npx tsx src/server.ts), for the tests and benchmarks that
// need a process boundary: crash recovery (kill -9), several processes on one database, memory.
// Each service runs in its own process group, so that a signal reaches tsx and the node process
// it starts, and RSS can be read over the group.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

export interface ServiceProcess {
  child: ChildProcess;
  base: string;
  port: number;
  logFile: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts the service with `env` (DATA_DIR required) on a free port and waits for /readyz.
 * Rejects with the end of the service's log when it exits or is not ready in time.
 */
export async function startServiceProcess(
  env: Record<string, string>,
  { name = 'service', logDir = env.DATA_DIR!, readyTimeoutMs = 240_000 }: { name?: string; logDir?: string; readyTimeoutMs?: number } = {},
): Promise<ServiceProcess> {
  if (!env.DATA_DIR) throw new Error('startServiceProcess: env.DATA_DIR is required');
  const port = await freePort();
  const logFile = path.join(logDir, `${name}-${port}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [TSX, 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', out, out],
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${fs.readFileSync(logFile, 'utf8').slice(-1500)}`);
    if (Date.now() - t0 > readyTimeoutMs) throw new Error(`${name} not ready after ${readyTimeoutMs / 1000} s`);
    try {
      if ((await fetch(base + '/readyz')).status === 200) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, base, port, logFile };
}

/** Sends `signal` to the service's whole process group (no-op when it is gone). */
export function signalService(svc: ServiceProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-svc.child.pid!, signal);
  } catch {
    /* already gone */
  }
}

/** SIGTERM, then waits until the process has exited (SIGKILL after `timeoutMs`). */
export async function stopServiceProcess(svc: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  const exited = () => svc.child.exitCode !== null || svc.child.signalCode !== null;
  if (exited()) return;
  signalService(svc, 'SIGTERM');
  const t0 = Date.now();
  while (!exited() && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 100));
  if (!exited()) signalService(svc, 'SIGKILL');
}
