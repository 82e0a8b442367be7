import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/retrieval/bm25.js';
import { cosine, hashEmbed, LocalHashEmbeddings } from '../../src/retrieval/embeddings.js';
import { analyzeQuery, documentTerms } from '../../src/text/terms.js';

const DOCS = [
  'Đường biên giới Việt Nam – Lào dài khoảng 2.337 km.',
  'Lễ hội Hang Bua tổ chức vào tháng Giêng âm lịch.',
  'Bản Bua nằm dưới chân Hang Bua.',
  'Bạn có thể hỏi UBND xã về thủ tục hành chính.',
];

function index(): Bm25Index {
  const idx = new Bm25Index();
  DOCS.forEach((d, i) => idx.add(i, documentTerms(d)));
  return idx;
}

describe('BM25 over two views and bigrams', () => {
  it('finds the same passage for accented, unaccented and shorthand questions', () => {
    const idx = index();
    for (const q of ['Biên giới Việt Lào dài bao nhiêu?', 'bien gioi viet lao dai bao nhieu', 'bien gioi vn lao dai bn km']) {
      expect(idx.search(analyzeQuery(q).terms, 3)[0]!.unit).toBe(0);
    }
  });
  it('uses the accented view to tell bản (village) from bạn (you)', () => {
    const idx = index();
    expect(idx.search(analyzeQuery('bản nào').terms, 4)[0]!.unit).toBe(2);
  });
  it('gives unknown terms the highest IDF', () => {
    const idx = index();
    expect(idx.idf('f:xyzzy')).toBeGreaterThan(idx.idf('f:hang'));
  });
});

describe('local hashed embeddings', () => {
  it('are unit length, deterministic and accent-insensitive', async () => {
    const a = hashEmbed('Biên giới Việt Nam – Lào');
    expect(cosine(a, a)).toBeCloseTo(1, 5);
    expect(cosine(a, hashEmbed('bien gioi viet nam lao'))).toBeCloseTo(1, 5);
    const e = new LocalHashEmbeddings();
    expect(await e.embedQuery('Hang Bua')).toEqual(await e.embedQuery('Hang Bua'));
    expect((await e.embedDocuments(['a', 'b'])).map((v) => v.length)).toEqual([384, 384]);
  });
  it('place related texts closer than unrelated ones', () => {
    const q = hashEmbed('le hoi hang bua');
    expect(cosine(q, hashEmbed(DOCS[1]!))).toBeGreaterThan(cosine(q, hashEmbed(DOCS[0]!)));
  });
});
