// PGlite has no locking: two processes on one data directory silently lose writes. The
// owner of DATA_DIR holds DATA_DIR/owner.lock with its pid; a stale lock (dead pid) is taken over.
import fs from 'node:fs';
import path from 'node:path';

export class DataDirBusyError extends Error {
  constructor(public readonly dataDir: string, public readonly ownerPid: number) {
    super(
      `The data directory ${dataDir} is in use by another process (pid ${ownerPid}). ` +
        'Only one process may open the embedded database at a time: stop that process first, ' +
        'or point DATA_DIR somewhere else, or use DATABASE_URL for a shared PostgreSQL server.',
    );
    this.name = 'DataDirBusyError';
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process killed with SIGKILL stays a zombie until its parent (or init) reaps it, and
  // kill(pid, 0) still succeeds on a zombie. In containers init may be slow to reap: a zombie
  // holds no files, so it does not own the data directory.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'owner.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return { file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
      if (pidAlive(owner) && owner !== process.pid) throw new DataDirBusyError(dataDir, owner);
      // Stale lock from a crashed process: remove it and try again (only one racer wins 'wx').
      try {
        fs.unlinkSync(file);
      } catch {
        /* someone else removed it */
      }
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
