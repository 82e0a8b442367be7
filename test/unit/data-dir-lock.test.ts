import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirBusyError } from '../../src/db/lock.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lock-test-'));

describe('data directory lock', () => {
  it('refuses a second owner while the first is alive, and frees the directory on release', () => {
    const dir = tmp();
    const first = acquireDataDirLock(dir);
    // Same process, but the lock file names a live process that is not us.
    const other = spawn('sleep', ['30']);
    fs.writeFileSync(first.file, String(other.pid));
    try {
      expect(() => acquireDataDirLock(dir)).toThrow(DataDirBusyError);
    } finally {
      other.kill('SIGKILL');
    }
    fs.writeFileSync(first.file, String(process.pid));
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
    expect(fs.readFileSync(lock.file, 'utf8')).toBe(String(process.pid));
    lock.release();
  });
});
