// Hostile uploads (issue 16, M5, L8, L9): decompression bombs and paragraph bombs are refused with a
// Vietnamese message, in a worker thread, while the main event loop stays responsive; content is
// checked against its extension; `reviewed_by` never comes from an uploaded file; chunking is linear.
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { plainInline, plainTextSections } from '../../src/knowledge/chunk.js';
import { FileRejectedError, loadFile, loadUpload } from '../../src/knowledge/loaders.js';
import { parseUntrusted } from '../../src/knowledge/safe-parse.js';
import { FLOOR_MS, growth, MAX_RATIO } from './growth.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/docs');

/** A minimal ZIP writer (deflate), enough for Word files built in the test. */
function zip(entries: Array<[string, Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(zlib.crc32 ? zlib.crc32(data) : 0, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(zlib.crc32 ? zlib.crc32(data) : 0, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, deflated);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
);
const RELS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
);
function docx(bodyXml: string): Buffer {
  const doc = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${bodyXml}</w:body></w:document>`;
  return zip([['[Content_Types].xml', CONTENT_TYPES], ['_rels/.rels', RELS], ['word/document.xml', Buffer.from(doc)]]);
}

/** Runs `fn` and reports the longest event-loop stall of the main thread meanwhile. */
async function withLoopWatch<T>(fn: () => Promise<T>): Promise<{ value: T | unknown; maxStallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let value: T | unknown;
  try {
    value = await fn();
  } catch (err) {
    value = err;
  }
  h.disable();
  return { value, maxStallMs: h.max / 1e6 };
}

describe('uploads are parsed safely, off the main loop', () => {
  it('parses a real Word file in the worker like loadFile does', async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'thong-bao-le-hoi.docx'));
    const [inWorker, inline] = [await parseUntrusted('uploads/thong-bao-le-hoi.docx', bytes), await loadFile('uploads/thong-bao-le-hoi.docx', bytes)];
    expect(inWorker).toEqual({ ...inline, reviewedBy: null });
  }, 60_000);

  it('refuses a paragraph bomb (300k empty paragraphs in 30 KB) quickly, with a Vietnamese message', async () => {
    const bomb = docx('<w:p/>'.repeat(300_000));
    expect(bomb.length).toBeLessThan(60_000);
    const t0 = performance.now();
    const { value, maxStallMs } = await withLoopWatch(() => parseUntrusted('uploads/bom.docx', bomb));
    expect(value).toBeInstanceOf(FileRejectedError);
    expect((value as FileRejectedError).reason).toBe('too-many-paragraphs');
    expect((value as FileRejectedError).vi).toMatch(/^Tệp bom\.docx có quá nhiều đoạn văn/);
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(maxStallMs).toBeLessThan(200);
  }, 60_000);

  it('refuses a decompression bomb (60 MB document.xml) by its inflated size, not its declared one', async () => {
    const big = Buffer.alloc(60 * 1024 * 1024, 0x61);
    const bomb = zip([['[Content_Types].xml', CONTENT_TYPES], ['_rels/.rels', RELS], ['word/document.xml', big]]);
    // lie about the size in both headers: the guard must not trust them
    const liar = Buffer.from(bomb);
    for (let i = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0; i = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)) liar.writeUInt32LE(1000, i + 24);
    for (const b of [bomb, liar]) {
      const { value, maxStallMs } = await withLoopWatch(() => parseUntrusted('uploads/zip.docx', b));
      expect(value).toBeInstanceOf(FileRejectedError);
      expect((value as FileRejectedError).reason).toBe('too-large');
      expect((value as FileRejectedError).vi).toMatch(/quá lớn khi giải nén/);
      expect(maxStallMs).toBeLessThan(200);
    }
  }, 60_000);

  it('checks content against the extension by its first bytes', async () => {
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(100)]);
    const cases: Array<[string, Buffer, string]> = [
      ['anh.md', png, 'type-mismatch'],
      ['anh.txt', png, 'type-mismatch'],
      ['tai-lieu.docx', Buffer.from('%PDF-1.4 not a zip'), 'type-mismatch'],
      ['tai-lieu.pdf', fs.readFileSync(path.join(FIXTURES, 'thong-bao-le-hoi.docx')), 'type-mismatch'],
      ['latin1.txt', Buffer.from('Hang Bua \xe0 \xe9', 'latin1'), 'not-text'],
      ['nul.md', Buffer.from('Hang\0Bua'), 'not-text'],
      ['rong.txt', Buffer.alloc(0), 'empty'],
      ['chi-khoang-trang.txt', Buffer.from('   \n\n  '), 'empty'],
    ];
    for (const [name, bytes, reason] of cases) {
      const err = await loadUpload(`uploads/${name}`, bytes).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(FileRejectedError);
      expect((err as FileRejectedError).reason, name).toBe(reason);
      expect((err as FileRejectedError).vi, name).toContain(name);
    }
  });

  it('never takes reviewed_by from an uploaded file', async () => {
    const md = Buffer.from('---\nid: tai-lieu-tai-len\ntitle: Tài liệu\ntopic: commune\nlang: vi\nreviewed_by: "Chủ tịch UBND xã"\n---\nNội dung tài liệu về Hang Bua.\n');
    expect((await loadFile('tai-lieu.md', md)).reviewedBy).toBe('Chủ tịch UBND xã'); // curated files keep it
    expect((await loadUpload('uploads/tai-lieu.md', md)).reviewedBy).toBeNull();
    expect((await parseUntrusted('uploads/tai-lieu.md', md)).reviewedBy).toBeNull();
  }, 60_000);
});

describe('chunking runs in linear time', () => {
  it.each([
    ['empty paragraphs', 'a\n\n'],
    ['unfinished lines', 'x y z\n'],
    ['one long paragraph', 'lorem ipsum '],
  ])('plainTextSections on %s', (_label, unit) => {
    const { ratio, bigMs } = growth((s) => plainTextSections(s), unit, 20_000);
    if (bigMs > FLOOR_MS) expect(ratio).toBeLessThanOrEqual(MAX_RATIO);
  });
  it.each([['unclosed links', '[x]('], ['unclosed bold', '** a '], ['unclosed tags', '<a '], ['code ticks', '`a']])('plainInline on %s', (_label, unit) => {
    const { ratio, bigMs } = growth((s) => plainInline(s), unit, 20_000);
    if (bigMs > FLOOR_MS) expect(ratio).toBeLessThanOrEqual(MAX_RATIO);
  });
});
