// Word (.docx, mammoth) and PDF (unpdf) loading on real files from test/fixtures/docs/
// (regenerate them with test/fixtures/docs/make-fixtures.py), and their way through ingestion.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerService } from '../../src/answer/service.js';
import { testConfig } from '../../src/config.js';
import { ingestKnowledge, type KnowledgeRoots } from '../../src/knowledge/ingest.js';
import { loadFile } from '../../src/knowledge/loaders.js';
import { loadChunks, loadDocuments } from '../../src/knowledge/store.js';
import { KnowledgeFileError } from '../../src/knowledge/types.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/docs');
const DOCX = 'thong-bao-le-hoi.docx';
const PDF = 'quyet-dinh-mau.pdf';
const CORRUPT = 'hong.pdf';
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

describe('loaders for Word and PDF files', () => {
  it('docx: the Heading 1 becomes the title and section, paragraphs keep their diacritics', async () => {
    const doc = await loadFile(`events/${DOCX}`, fixture(DOCX));
    expect(doc).toMatchObject({
      id: 'file-events-thong-bao-le-hoi',
      kind: 'doc',
      title: 'Thông báo lễ hội Hang Bua',
      topic: 'events',
      lang: 'vi',
      source: DOCX,
    });
    expect(doc.body).toContain('Lễ hội Hang Bua diễn ra ngày 20–22 tháng Giêng âm lịch tại xã Châu Tiến.');
    expect(doc.body).toContain('đồng bào Thái.');
    expect(doc.units).toHaveLength(1);
    const [unit] = doc.units;
    expect(unit).toMatchObject({ role: 'passage', section: 'Thông báo lễ hội Hang Bua', lang: 'vi' });
    // the heading is not glued onto the first paragraph, and each paragraph stays whole
    expect(unit!.text.split('\n')).toEqual([
      'Lễ hội Hang Bua diễn ra ngày 20–22 tháng Giêng âm lịch tại xã Châu Tiến.',
      'Du khách được mời tham gia lễ rước nước, thi đánh cồng chiêng và các trò chơi dân gian của đồng bào Thái.',
    ]);
    // text stays NFC (precomposed letters), as typed in Word
    expect(unit!.text).toBe(unit!.text.normalize('NFC'));
  });

  it('pdf: yields the page text, its capitalised first line as title and section', async () => {
    const doc = await loadFile(PDF, fixture(PDF));
    expect(doc).toMatchObject({ id: 'file-quyet-dinh-mau', kind: 'doc', title: 'QUYET DINH', topic: 'commune', source: PDF });
    expect(doc.body).toContain('Quyet dinh ve le hoi Hang Bua nam 2027.');
    expect(doc.body).toContain('Le hoi Hang Bua nam 2027 dien ra tu ngay 20 den ngay 22 thang Gieng am lich.');
    // WinAnsi accented letters come through decoded
    expect(doc.body).toContain('dãy núi Phà Én, xã Châu Tien');
    expect(doc.units.map((u) => u.section)).toEqual(['QUYET DINH']);
    expect(doc.units[0]!.text).toMatch(/^Quyet dinh ve le hoi Hang Bua nam 2027\.\nLe hoi/);
  });

  it('a corrupt .pdf is a KnowledgeFileError naming the file', async () => {
    const err = await loadFile(CORRUPT, fixture(CORRUPT)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KnowledgeFileError);
    expect((err as Error).message).toMatch(/^hong\.pdf: cannot be read \(/);
  });
});

describe.each(DB_KINDS)('ingesting Word and PDF files (%s)', (kind) => {
  let t: TestDb;
  let dir: string;
  let roots: KnowledgeRoots;

  beforeAll(async () => {
    t = await createTestDb(kind);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-loaders-'));
    roots = { knowledgeDir: path.join(dir, 'knowledge'), uploadsDir: path.join(dir, 'uploads') };
    fs.mkdirSync(path.join(roots.knowledgeDir, 'events'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, DOCX), path.join(roots.knowledgeDir, 'events', DOCX));
    fs.copyFileSync(path.join(FIXTURES, PDF), path.join(roots.knowledgeDir, PDF));
    fs.copyFileSync(path.join(FIXTURES, CORRUPT), path.join(roots.knowledgeDir, CORRUPT));
  });
  afterAll(async () => {
    await t?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('indexes the valid files and names the corrupt one without stopping', async () => {
    const r = await ingestKnowledge({ db: t.db, roots });
    expect(r).toMatchObject({ added: 2, updated: 0, unchanged: 0, removed: 0, changed: true, files: 3 });
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]!.file).toBe(CORRUPT);
    expect(r.failed[0]!.error).toMatch(/^cannot be read/);

    const docs = await loadDocuments(t.db);
    expect(docs.map((d) => d.id).sort()).toEqual(['file-events-thong-bao-le-hoi', 'file-quyet-dinh-mau']);
    expect(docs.find((d) => d.id === 'file-events-thong-bao-le-hoi')).toMatchObject({ title: 'Thông báo lễ hội Hang Bua', topic: 'events' });
    const chunks = await loadChunks(t.db);
    const docxChunks = chunks.filter((c) => c.document_id === 'file-events-thong-bao-le-hoi');
    expect(docxChunks).toHaveLength(1);
    expect(docxChunks[0]!.section).toBe('Thông báo lễ hội Hang Bua');
    expect(docxChunks[0]!.text).toContain('ngày 20–22 tháng Giêng âm lịch tại xã Châu Tiến');
    expect(chunks.some((c) => c.document_id === 'file-quyet-dinh-mau' && c.text.includes('ngay 20 den ngay 22 thang Gieng'))).toBe(true);
  });

  it('skips unchanged files by content hash on a second run (the corrupt one is reported again)', async () => {
    const r = await ingestKnowledge({ db: t.db, roots });
    expect(r).toMatchObject({ added: 0, updated: 0, unchanged: 2, removed: 0, changed: false });
    expect(r.failed.map((f) => f.file)).toEqual([CORRUPT]);
    // same bytes under a new modification time are still unchanged
    const docxPath = path.join(roots.knowledgeDir, 'events', DOCX);
    fs.utimesSync(docxPath, new Date(), new Date(Date.now() + 60_000));
    expect(await ingestKnowledge({ db: t.db, roots })).toMatchObject({ unchanged: 2, changed: false });
  });

  it('answers a question about the Word document through the pipeline', async () => {
    const svc = createAnswerService({ db: t.db, config: testConfig(), log: pino({ level: 'silent' }), roots });
    await svc.prepare();
    const r = await svc.pipeline.answer('Lễ hội Hang Bua diễn ra ngày nào?');
    expect(r.outcome).toBe('answered');
    expect(r.lang).toBe('vi');
    expect(r.answer).toContain('20–22 tháng Giêng âm lịch');
    expect(r.answer).not.toContain('Thông báo lễ hội Hang Bua Lễ hội');
    expect(r.sources).toEqual([{ id: 'file-events-thong-bao-le-hoi', title: 'Thông báo lễ hội Hang Bua' }]);
    expect(r.topic).toBe('events');
    const unaccented = await svc.pipeline.answer('le hoi hang bua dien ra ngay nao');
    expect(unaccented.outcome).toBe('answered');
    expect(unaccented.answer).toContain('tháng Giêng');
  });

  it('removes a document when its file is deleted', async () => {
    fs.rmSync(path.join(roots.knowledgeDir, 'events', DOCX));
    const r = await ingestKnowledge({ db: t.db, roots });
    expect(r).toMatchObject({ added: 0, updated: 0, unchanged: 1, removed: 1, changed: true });
    expect((await loadDocuments(t.db)).map((d) => d.id)).toEqual(['file-quyet-dinh-mau']);
    expect((await loadChunks(t.db)).some((c) => c.document_id === 'file-events-thong-bao-le-hoi')).toBe(false);
  });
});
