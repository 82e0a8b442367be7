import { describe, expect, it } from 'vitest';
import type { StoredChunkRow, StoredDocumentRow } from '../../src/knowledge/store.js';
import { cosine, hashEmbed, LOCAL_EMBEDDING_DIMS } from '../../src/retrieval/embeddings.js';
import { KnowledgeIndex } from '../../src/retrieval/knowledge-index.js';

// The in-memory dense search stores the vectors dimension-major and adds up the query's non-zero
// columns; it must rank exactly as a plain cosine over every unit does.
const TEXTS = [
  'Đường biên giới Việt Nam – Lào dài khoảng 2.337 km.',
  'Lễ hội Hang Bua tổ chức vào tháng Giêng âm lịch.',
  'Bản Bua nằm dưới chân Hang Bua.',
  'Bạn có thể hỏi UBND xã về thủ tục hành chính.',
  'Vùng đặc quyền kinh tế rộng 200 hải lý tính từ đường cơ sở.',
  'Quần đảo Hoàng Sa thuộc thành phố Đà Nẵng.',
  'Quần đảo Trường Sa thuộc tỉnh Khánh Hòa.',
  'Thổ cẩm Thái được dệt bằng khung cửi.',
];

function indexOf(vectors: Float32Array[]): KnowledgeIndex {
  const docs: StoredDocumentRow[] = [{ id: 'd', path: 'd.md', kind: 'doc', title: 'd', topic: 'sea', lang: 'vi', source: 'test', source_url: null, updated: null, reviewed_by: null, body: TEXTS.join('\n'), meta: {}, content_hash: 'd', indexed_at: new Date() }];
  const chunks: StoredChunkRow[] = TEXTS.map((text, i) => ({ id: `c${i}`, document_id: 'd', role: 'passage', ord: i, section: null, lang: 'vi', text, embedding: '' }));
  return new KnowledgeIndex(docs, chunks, new Map(chunks.map((c, i) => [c.id, vectors[i]!])));
}

function bruteForce(vectors: Float32Array[], q: Float32Array, k: number): string[] {
  return vectors
    .map((v, i) => ({ id: `c${i}`, s: Math.fround(cosine(q, v)), i }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((x) => x.id);
}

describe('in-memory dense search', () => {
  it('ranks like a plain cosine for sparse local query vectors', async () => {
    const vectors = TEXTS.map((t) => hashEmbed(t));
    const search = indexOf(vectors).memorySearcher();
    for (const q of ['biên giới việt lào dài bao nhiêu', 'hang bua le hoi', 'hoang sa thuoc dau', 'vung dac quyen kinh te']) {
      const qv = hashEmbed(q);
      const hits = await search.search(qv, 3);
      expect(hits.map((h) => h.chunkId)).toEqual(bruteForce(vectors, qv, 3));
      expect(hits[0]!.score).toBeCloseTo(cosine(qv, vectors[Number(hits[0]!.chunkId.slice(1))]!), 5);
    }
  });
  it('ranks like a plain cosine for dense vectors (remote models)', async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    const unit = () => {
      const v = Float32Array.from({ length: LOCAL_EMBEDDING_DIMS }, rnd);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const vectors = TEXTS.map(unit);
    const search = indexOf(vectors).memorySearcher();
    for (let i = 0; i < 5; i++) {
      const qv = unit();
      expect((await search.search(qv, 4)).map((h) => h.chunkId)).toEqual(bruteForce(vectors, qv, 4));
    }
  });
  it('returns nothing for a query of another dimension', async () => {
    const search = indexOf(TEXTS.map((t) => hashEmbed(t))).memorySearcher();
    expect(await search.search(new Float32Array(8), 3)).toEqual([]);
  });
});
