// Pure helpers behind dashboard forms: the question filter (dates in Vietnam time), the login
// redirect target, upload file names, and knowledge drafts from emerging topics.
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { slugify } from '../../src/admin/drafts.js';
import { accentScore, bestTitle, draftMarkdown, draftProblems, type EditorDraft } from '../../src/admin/pages/editor.js';
import { safeUploadName } from '../../src/admin/pages/knowledge.js';
import { safeNext } from '../../src/admin/pages/login.js';
import { filterQueryString, parseQuestionQuery, toFilter } from '../../src/admin/pages/questions.js';
import { dailySeries } from '../../src/admin/pages/overview.js';
import { csrfTokenFromRequest, hasRole, parseCookieHeader } from '../../src/admin/auth.js';
import type { FastifyRequest } from 'fastify';

describe('question filters', () => {
  it('reads days in Vietnam time, with the "to" day included whole', () => {
    const f = toFilter(parseQuestionQuery({ from: '2026-11-01', to: '2026-11-02', q: ' hang bua ', lang: 'en' }));
    expect(f.from!.toISOString()).toBe('2026-10-31T17:00:00.000Z');
    expect(f.to!.toISOString()).toBe('2026-11-02T17:00:00.000Z');
    expect(f.q).toBe('hang bua');
    expect(f).toMatchObject({ lang: 'en', page: 1, pageSize: 50 });
  });

  it('ignores values it does not understand', () => {
    const f = toFilter(parseQuestionQuery({ from: 'hôm qua', outcome: '<script>', lang: 'fr', page: '-3' }));
    expect(f).toMatchObject({ from: undefined, outcome: undefined, lang: undefined, page: 1 });
  });

  it('keeps filters in paging links and leaves empty ones out', () => {
    const q = parseQuestionQuery({ q: 'a&b', topic: '', page: '2' });
    expect(filterQueryString(q)).toBe('?q=a%26b&page=2');
    expect(filterQueryString(q, { page: 1 })).toBe('?q=a%26b');
  });
});

describe('overview chart data', () => {
  it('has one entry per day, zero where nothing was asked', () => {
    const s = dailySeries([{ day: '2026-11-27', total: 3, answered: 2, misconception: 1, out_of_scope: 0, smalltalk: 0 }], new Date('2026-11-27T10:00:00Z'), 3);
    expect(s.labels).toEqual(['25/11', '26/11', '27/11']);
    expect(s.series.answered).toEqual([0, 0, 2]);
    expect(s.series.misconception).toEqual([0, 0, 1]);
  });
});

describe('login redirect target', () => {
  it('follows only local dashboard paths', () => {
    expect(safeNext('/admin/questions?q=x')).toBe('/admin/questions?q=x');
    for (const bad of ['https://evil.example/', '//evil.example/admin', '/adminx\\..', '/admin/login', '/\r\nadmin', undefined, 42]) {
      expect(safeNext(bad)).toBe('/admin');
    }
  });
});

describe('upload names', () => {
  it('accepts .md, .docx and .pdf and makes the name safe', () => {
    expect(safeUploadName('../../etc/Kế hoạch 2026.PDF')).toBe('Ke-hoach-2026.pdf');
    expect(safeUploadName('C:\\Users\\x\\quy-dinh.docx')).toBe('quy-dinh.docx');
    expect(safeUploadName('ghi chu.md')).toBe('ghi-chu.md');
  });
  it('refuses other extensions and empty names', () => {
    expect(safeUploadName('x.exe')).toBeNull();
    expect(safeUploadName('x.md.exe')).toBeNull();
    expect(safeUploadName('.md')).toBeNull();
    expect(safeUploadName('???.pdf')).toBeNull();
  });
});

describe('auth helpers', () => {
  it('ranks roles viewer < editor < admin', () => {
    expect(hasRole('admin', 'editor')).toBe(true);
    expect(hasRole('editor', 'editor')).toBe(true);
    expect(hasRole('viewer', 'editor')).toBe(false);
    expect(hasRole('editor', 'admin')).toBe(false);
  });
  it('parses cookie headers and reads CSRF tokens from header, form or multipart field', () => {
    expect(parseCookieHeader('a=1; ct_staff=x%2By; a=2')).toEqual({ a: '1', ct_staff: 'x+y' });
    const req = (headers: Record<string, string>, body: unknown) => ({ headers, body }) as unknown as FastifyRequest;
    expect(csrfTokenFromRequest(req({ 'x-csrf-token': 'h' }, { _csrf: 'f' }))).toBe('h');
    expect(csrfTokenFromRequest(req({}, { _csrf: 'f' }))).toBe('f');
    expect(csrfTokenFromRequest(req({}, { _csrf: { type: 'field', value: 'm' } }))).toBe('m');
    expect(csrfTokenFromRequest(req({}, undefined))).toBeUndefined();
  });
});

describe('the FAQ editor form', () => {
  const draft: EditorDraft = {
    kind: 'faq', id: null, group: 'g1', title: 'Giá vé "Hang Bua" bao nhiêu?', wordings: ['gia ve hang bua', 've vao hang bua: bao nhieu #tien'],
    checked: ['gia ve hang bua'], extra: 'vé tham quan hang bua\n', topic: 'tourism', source: 'Ban quản lý di tích', sourceUrl: '', updated: '2026-11-27',
    answer: 'Vé 20.000 đồng.', answerEn: 'Tickets cost 20,000 dong.', editorNote: 'Hỏi lại giá mỗi năm',
  };

  it('writes the knowledge front matter: only the ticked wordings, topic code, English answer, editor note', () => {
    const md = draftMarkdown(draft, 'faq-gia-ve-hang-bua-bao-nhieu');
    const front = YAML.parse(md.split('---\n')[1]!) as Record<string, unknown>;
    expect(front).toMatchObject({ id: 'faq-gia-ve-hang-bua-bao-nhieu', kind: 'faq', title: draft.title, topic: 'tourism', lang: 'vi', source: 'Ban quản lý di tích', updated: '2026-11-27', editor_note: 'Hỏi lại giá mỗi năm' });
    expect(front.questions).toEqual([draft.title, 'gia ve hang bua', 'vé tham quan hang bua']);
    expect(String(front.answer_en).trim()).toBe('Tickets cost 20,000 dong.');
    expect(md.trim().endsWith('Vé 20.000 đồng.')).toBe(true);
    const mis = YAML.parse(draftMarkdown({ ...draft, kind: 'misconception', title: 'Hang Bua thu phí 100.000 đồng?' }, 'mis-x').split('---\n')[1]!) as Record<string, unknown>;
    expect(mis).toMatchObject({ kind: 'misconception', claim: 'Hang Bua thu phí 100.000 đồng' });
    expect(mis.correction_en).toBeDefined();
  });

  it('reports every missing field at once, in Vietnamese', () => {
    const p = draftProblems({ ...draft, topic: '', source: ' ', answer: '', updated: '' });
    expect(Object.keys(p).sort()).toEqual(['answer', 'source', 'topic', 'updated']);
    expect(p.source).toMatch(/nguồn/);
    expect(draftProblems(draft)).toEqual({});
  });

  it('pre-fills the main question with the best-accented wording', () => {
    expect(bestTitle(['hoang sa thuoc quang nam a', 'Hoàng Sa thuộc Quảng Nam à'])).toBe('Hoàng Sa thuộc Quảng Nam à?');
    expect(accentScore('tiến')).toBe(1);
  });

  it('slugs Vietnamese without diacritics', () => {
    expect(slugify('Đường lên Hang Bua thế nào?')).toBe('duong-len-hang-bua-the-nao');
    expect(slugify('???')).toBe('chu-de');
  });
});
