// PGlite has no locking: two processes on one data directory silently lose writes. The owner of
// DATA_DIR holds DATA_DIR/owner.lock naming its pid, the start time of that process and its program.
// A lock is stale, and taken over, when that pid is dead, a zombie, or now belongs to another process:
// pids are reused (after a reboot or in a container, pid 1 or a low pid names some other program),
// so on Linux the owner is checked by /proc/<pid>/stat's start time and /proc/<pid>/cmdline.
import fs from 'node:fs';
import path from 'node:path';

/** Something wrong with DATA_DIR that an operator must fix; the message says what and how (no stack). */
export class DataDirError extends Error {
  constructor(message: string, public readonly dataDir: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

export class DataDirBusyError extends DataDirError {
  constructor(dataDir: string, public readonly ownerPid: number) {
    super(
      `The data directory ${dataDir} is in use by another process (pid ${ownerPid}). ` +
        'Only one process may open the embedded database at a time: stop that process first, ' +
        'or point DATA_DIR somewhere else, or use DATABASE_URL for a shared PostgreSQL server.',
      dataDir,
    );
    this.name = 'DataDirBusyError';
  }
}

/** DATA_DIR cannot be created or written (permissions, a file in the way, a read-only file system). */
export class DataDirUnusableError extends DataDirError {
  constructor(dataDir: string, public readonly code: string) {
    const why: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      ENOTDIR: 'a part of the path is a file, not a directory',
      EEXIST: 'a file with that name is in the way',
      EROFS: 'the file system is read-only',
      ENOSPC: 'the disk is full',
      EDQUOT: 'the disk quota is exhausted',
    };
    super(
      `DATA_DIR ${dataDir} is not writable by this process (${code}: ${why[code] ?? 'cannot write'}). ` +
        'Give the service user write access to it (chown/chmod, or a writable volume), ' +
        'point DATA_DIR at a writable directory, or use DATABASE_URL for a PostgreSQL server.',
      dataDir,
    );
    this.name = 'DataDirUnusableError';
  }
}

const UNUSABLE = new Set(['EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'EROFS', 'ENOSPC', 'EDQUOT']);

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/** What the lock file records about its owner. */
export interface LockOwner {
  pid: number;
  /** Start time of the process (clock ticks since boot, /proc/<pid>/stat field 22); null off Linux. */
  start: string | null;
  /** Program of the process (basename of argv[0], e.g. "node"); null off Linux. */
  cmd: string | null;
}

function procStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")"
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', start: rest[19] ?? '' };
  } catch {
    return null;
  }
}

function procCmd(pid: number): string | null {
  try {
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return path.basename(argv0) || null;
  } catch {
    return null;
  }
}

const hasProc = () => fs.existsSync('/proc/self/stat');

/** This process as a lock owner. */
export function currentOwner(pid = process.pid): LockOwner {
  if (!hasProc()) return { pid, start: null, cmd: null };
  return { pid, start: procStat(pid)?.start ?? null, cmd: procCmd(pid) };
}

export function formatOwner(o: LockOwner): string {
  return `${o.pid}\nstart=${o.start ?? ''}\ncmd=${o.cmd ?? ''}\n`;
}

/** Parses a lock file; the first line is the pid (older locks hold only that). */
export function parseOwner(content: string): LockOwner {
  const lines = content.split('\n');
  const pid = Number.parseInt((lines[0] ?? '').trim(), 10);
  const field = (name: string) => {
    const l = lines.find((x) => x.startsWith(`${name}=`));
    const v = l ? l.slice(name.length + 1).trim() : '';
    return v || null;
  };
  return { pid, start: field('start'), cmd: field('cmd') };
}

/**
 * True when the recorded owner is still running: the pid is alive and not a zombie and, where /proc
 * tells, it is the same process (same start time) or, for an older lock without one, the same
 * program as this one (a lock naming pid 1 = init, or a reused pid of some shell, is stale).
 */
export function ownerAlive(o: LockOwner): boolean {
  const pid = o.pid;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!hasProc()) return true; // not Linux: trust kill(0)
  const stat = procStat(pid);
  if (!stat) return false;
  // A process killed with SIGKILL stays a zombie until it is reaped; a zombie holds no files.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  if (o.start) return stat.start === o.start;
  const ours = procCmd(process.pid);
  const theirs = procCmd(pid);
  return !ours || !theirs || ours === theirs;
}

function unusable(err: unknown, dataDir: string): never {
  const code = (err as NodeJS.ErrnoException).code;
  if (code && UNUSABLE.has(code)) throw new DataDirUnusableError(dataDir, code);
  throw err;
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    if (!fs.statSync(dataDir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    unusable(err, dataDir);
  }
  const file = path.join(dataDir, 'owner.lock');
  const me = currentOwner();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, formatOwner(me));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (parseOwner(fs.readFileSync(file, 'utf8')).pid === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return { file, release };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') unusable(err, dataDir);
      let owner: LockOwner;
      let content: string;
      try {
        content = fs.readFileSync(file, 'utf8');
        owner = parseOwner(content);
      } catch (readErr) {
        if ((readErr as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
        unusable(readErr, dataDir);
      }
      if (owner.pid !== process.pid && ownerAlive(owner)) throw new DataDirBusyError(dataDir, owner.pid);
      // Stale lock from a crashed process or a reused pid: remove it and try again (only one racer wins 'wx').
      try {
        // only if it is still the lock judged stale (another starter may have just replaced it)
        if (fs.readFileSync(file, 'utf8') === content) fs.unlinkSync(file);
      } catch (rmErr) {
        if ((rmErr as NodeJS.ErrnoException).code !== 'ENOENT') unusable(rmErr, dataDir);
      }
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
