// A ZIP (docx) checked before any parser inflates it (issue 16, M5): the upload limit counts
// compressed bytes, and a 200 KB file can inflate to gigabytes. The central directory is read here
// and every entry is inflated with a hard output cap (zlib's maxOutputLength), so the sizes a
// hostile file declares do not matter: a bomb stops at the cap, in bounded memory and time.
import zlib from 'node:zlib';

export interface ZipLimits {
  /** Entries in the archive. */
  maxEntries: number;
  /** Inflated bytes of one entry. */
  maxEntryBytes: number;
  /** Inflated bytes of all entries together. */
  maxTotalBytes: number;
}

export const DOCX_LIMITS: ZipLimits = { maxEntries: 1000, maxEntryBytes: 20 * 1024 * 1024, maxTotalBytes: 40 * 1024 * 1024 };

export class ZipRejected extends Error {
  constructor(readonly reason: 'not-zip' | 'too-many-entries' | 'too-large' | 'unsupported', message: string) {
    super(message);
    this.name = 'ZipRejected';
  }
}

export interface ZipEntry {
  name: string;
  /** The inflated content (only for the names asked for). */
  data?: Buffer;
  size: number;
}

/**
 * Inflates every entry under the limits (throws ZipRejected past any of them) and returns the
 * entries, with the content of those named in `keep`.
 */
export function inspectZip(buf: Buffer, limits: ZipLimits, keep: ReadonlySet<string> = new Set()): ZipEntry[] {
  // End of central directory: 22 bytes + a comment of up to 65535 bytes, at the end.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipRejected('not-zip', 'no ZIP end-of-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count > limits.maxEntries) throw new ZipRejected('too-many-entries', `${count} entries`);
  const out: ZipEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new ZipRejected('not-zip', 'broken central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw new ZipRejected('not-zip', 'broken local header');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, Math.min(buf.length, start + compressed));
    const room = Math.min(limits.maxEntryBytes, limits.maxTotalBytes - total);
    let data: Buffer;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: room + 1 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipRejected('too-large', `${name} inflates past ${room} bytes`);
        throw new ZipRejected('not-zip', `${name}: ${(err as Error).message}`);
      }
    } else throw new ZipRejected('unsupported', `${name}: compression method ${method}`);
    if (data.length > room) throw new ZipRejected('too-large', `${name} inflates past ${room} bytes`);
    total += data.length;
    out.push({ name, size: data.length, ...(keep.has(name) ? { data } : {}) });
  }
  return out;
}

/** Occurrences of `needle` in `hay` (linear, no regex). */
export function countOccurrences(hay: string, needle: string): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}
