// KNOWLEDGE_REQUIRE_REVIEW: with the gate on, unreviewed documents and their chunks leave the snapshot.
import { describe, expect, it } from 'vitest';
import { reviewedOnly, type KnowledgeSnapshot } from '../../src/answer/engine.js';
import type { StoredChunkRow, StoredDocumentRow } from '../../src/knowledge/store.js';

const doc = (id: string, reviewed: string | null) => ({ id, reviewed_by: reviewed }) as unknown as StoredDocumentRow;
const chunk = (id: string, documentId: string) => ({ id, document_id: documentId }) as unknown as StoredChunkRow;

describe('review gate', () => {
  it('keeps only reviewed documents and their chunks', () => {
    const snap: KnowledgeSnapshot = { version: 3, documents: [doc('a', 'bientap'), doc('b', null), doc('c', '')], chunks: [chunk('a1', 'a'), chunk('b1', 'b'), chunk('c1', 'c'), chunk('a2', 'a')] };
    const gated = reviewedOnly(snap);
    expect(gated.documents.map((d) => d.id)).toEqual(['a']);
    expect(gated.chunks.map((c) => c.id)).toEqual(['a1', 'a2']);
    expect(gated.version).toBe(3);
  });
});
