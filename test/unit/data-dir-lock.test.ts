import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, currentOwner, DataDirBusyError, DataDirUnusableError, formatOwner, parseOwner } from '../../src/db/lock.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lock-test-'));
const linux = fs.existsSync('/proc/self/stat');

/** A live node process that is not us, as a competing owner. */
function otherNode() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  return child;
}

async function waitForStat(pid: number) {
  for (let i = 0; i < 50 && linux && !fs.existsSync(`/proc/${pid}/cmdline`); i++) await new Promise((r) => setTimeout(r, 20));
  // the child's cmdline is set once it has exec'd node
  for (let i = 0; i < 50 && linux && !fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('setTimeout'); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('data directory lock', () => {
  it('refuses a second owner while the first is alive, and frees the directory on release', async () => {
    const dir = tmp();
    const first = acquireDataDirLock(dir);
    expect(parseOwner(fs.readFileSync(first.file, 'utf8'))).toEqual(currentOwner());
    const other = otherNode();
    try {
      await waitForStat(other.pid!);
      fs.writeFileSync(first.file, formatOwner(currentOwner(other.pid!)));
      expect(() => acquireDataDirLock(dir)).toThrow(DataDirBusyError);
      // an older lock holding only the pid of a live process of the same program is honoured too
      fs.writeFileSync(first.file, String(other.pid));
      expect(() => acquireDataDirLock(dir)).toThrow(DataDirBusyError);
    } finally {
      other.kill('SIGKILL');
    }
    fs.writeFileSync(first.file, formatOwner(currentOwner()));
    first.release();
    expect(fs.existsSync(first.file)).toBe(false);
    acquireDataDirLock(dir).release();
  });

  it('takes over a lock left by a process that died', async () => {
    const dir = tmp();
    const gone = spawn('true');
    await new Promise((r) => gone.on('exit', r));
    fs.writeFileSync(path.join(dir, 'owner.lock'), String(gone.pid));
    const lock = acquireDataDirLock(dir);
    expect(parseOwner(fs.readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it.runIf(linux)('takes over a lock whose pid now belongs to another program (pid 1, a reused pid)', async () => {
    const dir = tmp();
    const file = path.join(dir, 'owner.lock');
    // pid 1 is init (or the container's entry point), not a service that wrote this lock
    if (!fs.readFileSync('/proc/1/cmdline', 'utf8').includes('node')) {
      fs.writeFileSync(file, '1');
      acquireDataDirLock(dir).release();
    }
    // a live process of another program (sleep) under the recorded pid
    const sleeper = spawn('sleep', ['30']);
    try {
      await new Promise((r) => setTimeout(r, 100));
      fs.writeFileSync(file, String(sleeper.pid));
      acquireDataDirLock(dir).release();
      // the same pid but another start time: the process that wrote the lock is gone
      fs.writeFileSync(file, formatOwner({ ...currentOwner(sleeper.pid!), start: '1' }));
      acquireDataDirLock(dir).release();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('says clearly when DATA_DIR cannot be used (a file in the way, no permission), without a stack', () => {
    const dir = tmp();
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, 'x');
    expect(() => acquireDataDirLock(path.join(blocker, 'data'))).toThrow(DataDirUnusableError);
    expect(() => acquireDataDirLock(blocker)).toThrow(/DATA_DIR .* is not writable by this process \((ENOTDIR|EEXIST)/);
    if (process.getuid?.() === 0 && spawnSync('id', ['nobody']).status === 0) {
      // root ignores permissions: check as nobody in a child process
      const ro = tmp();
      fs.chmodSync(ro, 0o755);
      const script = `import('${path.resolve('src/db/lock.ts')}').then(m => { try { m.acquireDataDirLock(${JSON.stringify(path.join(ro, 'data'))}); } catch (e) { console.log(e.name + ': ' + e.message); } })`;
      const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
      if (r.status === 0 && r.stdout) expect(r.stdout).toMatch(/DataDirUnusableError: DATA_DIR .* \(EACCES: permission denied\)/);
    }
  });
});
