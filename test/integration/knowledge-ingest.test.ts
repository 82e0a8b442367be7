import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnowledgeAdmin, UploadRejectedError } from '../../src/knowledge/admin.js';
import { ingestKnowledge, type KnowledgeRoots } from '../../src/knowledge/ingest.js';
import { knowledgeVersion, loadChunks, loadDocuments } from '../../src/knowledge/store.js';
import { createTestDb, DB_KINDS, type TestDb } from '../helpers/db.js';

const FAQ = `---
id: faq-hang-bua-vi-tri
kind: faq
title: Hang Bua ở đâu?
topic: tourism
lang: vi
source: Báo Nghệ An (2024)
updated: 2026-11-27
reviewed_by: ""
questions:
  - Hang Bua ở đâu?
  - hang bua o dau
  - Where is Hang Bua cave?
answer_en: |
  Hang Bua cave is in Châu Tiến commune, Nghệ An province.
---
Hang Bua nằm trong dãy núi đá vôi Phà Én, xã Châu Tiến, tỉnh Nghệ An.
`;

const DOC = `---
id: border-viet-lao
title: Biên giới Việt Nam – Lào
topic: border
lang: vi
source: Báo Nhân Dân
updated: 2026-11-27
reviewed_by: ""
---
## Chiều dài

Đường biên giới Việt Nam – Lào dài **khoảng 2.337 km**.

## Hoạch định

- Ngày 18/7/1977 hai nước ký Hiệp ước hoạch định biên giới.
- Năm 1987 hoàn thành phân giới cắm mốc.
`;

const MIS = `---
id: mis-hang-bua-quy-hop
kind: misconception
title: Hang Bua ở Quỳ Hợp?
claim: Hang Bua thuộc Quỳ Hợp
topic: tourism
lang: vi
source: Báo Nghệ An
claims:
  - Hang Bua ở Quỳ Hợp
  - hang bua thuoc quy hop dung ko
requires:
  - [quy hop]
---
Không đúng. Hang Bua ở xã Châu Tiến, tỉnh Nghệ An.
`;

describe.each(DB_KINDS)('knowledge ingestion (%s)', (kind) => {
  let t: TestDb;
  let dir: string;
  let roots: KnowledgeRoots;

  beforeAll(async () => {
    t = await createTestDb(kind);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-ingest-'));
    roots = { knowledgeDir: path.join(dir, 'knowledge') };
    fs.mkdirSync(path.join(roots.knowledgeDir, 'faq'), { recursive: true });
    fs.mkdirSync(path.join(roots.knowledgeDir, 'border'), { recursive: true });
    fs.writeFileSync(path.join(roots.knowledgeDir, 'README.md'), '# staff guide, not knowledge\n');
    fs.writeFileSync(path.join(roots.knowledgeDir, 'faq', 'hang-bua.md'), FAQ);
    fs.writeFileSync(path.join(roots.knowledgeDir, 'border', 'viet-lao.md'), DOC);
    fs.writeFileSync(path.join(roots.knowledgeDir, 'mis.md'), MIS);
    fs.writeFileSync(
      path.join(roots.knowledgeDir, 'border', 'ke-hoach.txt'),
      'KẾ HOẠCH\nCông tác thông tin đối ngoại năm 2025\n\nI. MỤC ĐÍCH\n- Tuyên truyền, quảng bá hình ảnh\nNghệ An đến với nhân dân.\n',
    );
  });
  afterAll(async () => {
    await t.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('indexes Markdown (doc, faq, misconception) and plain text, skipping README', async () => {
    const r = await ingestKnowledge({ db: t.db, roots });
    expect(r).toMatchObject({ added: 4, updated: 0, unchanged: 0, removed: 0, failed: [] });
    const docs = await loadDocuments(t.db);
    expect(docs.map((d) => d.id).sort()).toEqual(['border-viet-lao', 'faq-hang-bua-vi-tri', 'file-border-ke-hoach', 'mis-hang-bua-quy-hop']);
    const faq = docs.find((d) => d.id === 'faq-hang-bua-vi-tri')!;
    expect(faq.meta.answerEn).toContain('Châu Tiến commune');
    expect(faq.body).toBe('Hang Bua nằm trong dãy núi đá vôi Phà Én, xã Châu Tiến, tỉnh Nghệ An.');
    const mis = docs.find((d) => d.id === 'mis-hang-bua-quy-hop')!;
    expect(mis.meta.requires).toEqual([['quy hop']]);
    const txt = docs.find((d) => d.id === 'file-border-ke-hoach')!;
    expect(txt.topic).toBe('border');

    const chunks = await loadChunks(t.db);
    const roles = (id: string) => chunks.filter((c) => c.document_id === id).map((c) => c.role);
    expect(roles('faq-hang-bua-vi-tri').filter((r) => r === 'question')).toHaveLength(3);
    expect(roles('mis-hang-bua-quy-hop').every((r) => r === 'claim')).toBe(true);
    const passages = chunks.filter((c) => c.document_id === 'border-viet-lao');
    expect(passages.map((p) => p.section)).toEqual(['Chiều dài', 'Hoạch định']);
    expect(passages[0]!.text).toBe('Đường biên giới Việt Nam – Lào dài khoảng 2.337 km.');
    const txtChunk = chunks.find((c) => c.document_id === 'file-border-ke-hoach' && c.section === 'I. MỤC ĐÍCH')!;
    // hard-wrapped lines are joined into one paragraph
    expect(txtChunk.text).toBe('Tuyên truyền, quảng bá hình ảnh Nghệ An đến với nhân dân.');
    expect(chunks.every((c) => c.embedding.startsWith('['))).toBe(true);
  });

  it('skips unchanged files, re-indexes changed ones, removes deleted ones', async () => {
    const again = await ingestKnowledge({ db: t.db, roots });
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 4, removed: 0, changed: false });

    fs.writeFileSync(path.join(roots.knowledgeDir, 'border', 'viet-lao.md'), DOC.replace('2.337', '2.340'));
    fs.rmSync(path.join(roots.knowledgeDir, 'border', 'ke-hoach.txt'));
    const r = await ingestKnowledge({ db: t.db, roots });
    expect(r).toMatchObject({ added: 0, updated: 1, unchanged: 2, removed: 1, changed: true });
    const docs = await loadDocuments(t.db);
    expect(docs.map((d) => d.id)).not.toContain('file-border-ke-hoach');
    const chunks = await loadChunks(t.db);
    expect(chunks.some((c) => c.text.includes('2.340'))).toBe(true);
    expect(chunks.some((c) => c.text.includes('2.337'))).toBe(false);
  });

  it('names an unreadable file and keeps indexing the others', async () => {
    fs.writeFileSync(path.join(roots.knowledgeDir, 'broken.md'), '---\nid: Broken Id!\ntitle: x\n---\nbody\n');
    fs.writeFileSync(path.join(roots.knowledgeDir, 'dup.md'), FAQ.replace('title: Hang Bua ở đâu?', 'title: Bản sao'));
    fs.writeFileSync(path.join(roots.knowledgeDir, 'extra.md'), DOC.replace('id: border-viet-lao', 'id: border-extra'));
    const r = await ingestKnowledge({ db: t.db, roots });
    expect(r.added).toBe(1);
    const files = r.failed.map((f) => f.file).sort();
    expect(files).toEqual(['broken.md', 'dup.md']);
    expect(r.failed.find((f) => f.file === 'broken.md')!.error).toMatch(/id/);
    expect(r.failed.find((f) => f.file === 'dup.md')!.error).toMatch(/already used by faq\/hang-bua\.md/);
    fs.rmSync(path.join(roots.knowledgeDir, 'broken.md'));
    fs.rmSync(path.join(roots.knowledgeDir, 'dup.md'));
  });

  it('KnowledgeAdmin: staff documents live in the database, survive a sync, and are removed only by staff', async () => {
    const admin = createKnowledgeAdmin({ db: t.db, reindex: () => ingestKnowledge({ db: t.db, roots }) });
    const v0 = await knowledgeVersion(t.db);
    const { id } = await admin.addUpload('../../Thông báo lễ hội.md', Buffer.from('# Thông báo lễ hội\n\nLễ hội Hang Bua năm nay diễn ra ba ngày.\n'), { title: 'Thông báo lễ hội 2026', topic: 'events', source: 'UBND xã' }, 'can-bo-a');
    expect(id).toBe('file-uploads-thong-bao-le-hoi');
    expect(await knowledgeVersion(t.db)).toBeGreaterThan(v0);
    // nothing on disk: the original bytes are in the database
    expect(fs.existsSync(path.join(dir, 'uploads'))).toBe(false);
    const orig = await t.db.query<{ file_name: string; content: Buffer; added_by: string }>('SELECT file_name, content, added_by FROM knowledge_original WHERE document_id = $1', [id]);
    expect(orig.rows[0]).toMatchObject({ file_name: 'Thông báo lễ hội.md', added_by: 'can-bo-a' });
    expect(Buffer.from(orig.rows[0]!.content).toString('utf8')).toContain('ba ngày');
    await expect(admin.addUpload('virus.exe', Buffer.from('x'), { title: '', topic: '', source: '' }, 'a')).rejects.toBeInstanceOf(UploadRejectedError);
    await expect(admin.addUpload('hong.md', Buffer.from('---\nid: BAD ID\n---\n'), { title: '', topic: '', source: '' }, 'a')).rejects.toThrow(/hong\.md/);
    // a staff document may not take a bundled document's id
    await expect(admin.addUpload('copy.md', Buffer.from(FAQ), { title: '', topic: '', source: '' }, 'a')).rejects.toThrow(/faq-hang-bua-vi-tri/);

    const list = await admin.listDocuments();
    const up = list.find((d) => d.id === id)!;
    expect(up).toMatchObject({ path: 'uploads/Thông báo lễ hội.md', kind: 'doc', chunks: 1, origin: 'staff', title: 'Thông báo lễ hội 2026', topic: 'events', source: 'UBND xã' });
    expect(list.find((d) => d.id === 'faq-hang-bua-vi-tri')!.origin).toBe('bundled');

    // a failed replacement keeps the old version
    await expect(admin.addUpload('Thông báo lễ hội.md', Buffer.from(''), { title: '', topic: '', source: '' }, 'a')).rejects.toThrow(/rỗng/);
    expect((await admin.getDocument(id))!.body).toContain('ba ngày');
    // same file name replaces
    await admin.addUpload('Thông báo lễ hội.md', Buffer.from('# Thông báo lễ hội\n\nLễ hội Hang Bua năm nay diễn ra bốn ngày.\n'), { title: 'Thông báo lễ hội 2026', topic: 'events', source: 'UBND xã' }, 'can-bo-b');
    expect((await admin.getDocument(id))!.body).toContain('bốn ngày');

    // start-up sync never removes a staff document
    const sync = await ingestKnowledge({ db: t.db, roots });
    expect(sync.removed).toBe(0);
    expect((await admin.listDocuments()).some((d) => d.id === id)).toBe(true);

    await admin.markReviewed('faq-hang-bua-vi-tri', 'cán bộ A');
    expect((await admin.listDocuments()).find((d) => d.id === 'faq-hang-bua-vi-tri')!.reviewedBy).toBe('cán bộ A');
    await expect(admin.markReviewed('no-such-doc', 'x')).rejects.toThrow(/no-such-doc/);

    expect(await admin.removeDocument('faq-hang-bua-vi-tri', 'a')).toBe(false); // bundled
    expect(await admin.removeDocument('no-such-doc', 'a')).toBe(false);
    expect(await admin.removeDocument(id, 'a')).toBe(true);
    expect(await admin.getDocument(id)).toBeNull();
    expect((await t.db.query('SELECT 1 FROM knowledge_original WHERE document_id = $1', [id])).rows).toHaveLength(0);
  });

  it('moves an old DATA_DIR/uploads folder into the database once, and reads editor notes', async () => {
    const uploads = path.join(dir, 'data-uploads');
    fs.mkdirSync(uploads);
    fs.writeFileSync(path.join(uploads, 'cu.md'), '# Tài liệu cũ\n\nTài liệu tải lên trước đây.\n');
    fs.writeFileSync(path.join(roots.knowledgeDir, 'note.md'), DOC.replace('id: border-viet-lao', 'id: border-note').replace('reviewed_by: ""', 'reviewed_by: ""\neditor_note: chỉ cán bộ xem\nreview_by: 2027-01-01'));
    const r = await ingestKnowledge({ db: t.db, roots: { ...roots, uploadsDir: uploads } });
    expect(r.staff).toEqual(['file-uploads-cu']);
    expect(fs.existsSync(uploads)).toBe(false);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('data-uploads.imported-'))).toBe(true);
    const docs = await loadDocuments(t.db);
    expect(docs.find((d) => d.id === 'file-uploads-cu')!.origin).toBe('staff');
    const admin = createKnowledgeAdmin({ db: t.db, reindex: () => ingestKnowledge({ db: t.db, roots }) });
    expect((await admin.getDocument('border-note'))).toMatchObject({ editorNote: 'chỉ cán bộ xem', reviewBy: '2027-01-01', origin: 'bundled' });
    fs.rmSync(path.join(roots.knowledgeDir, 'note.md'));
    const again = await ingestKnowledge({ db: t.db, roots });
    expect(again.removed).toBe(1); // the bundled file went away; the staff one stays
    expect((await loadDocuments(t.db)).some((d) => d.id === 'file-uploads-cu')).toBe(true);
  });
});
