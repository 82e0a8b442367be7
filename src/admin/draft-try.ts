// "Thử ngay" in the FAQ editor: the draft (not yet saved) is parsed by the same loader the indexer
// uses, given the same local vectors, and put alone in an answer engine (createAnswerEngine, the
// pipeline the bot runs); then each wording is asked. Staff see whether the bot would answer those
// wordings from this draft before anything reaches citizens. Nothing is stored.
import { createAnswerEngine } from '../answer/engine.js';
import type { AnswerResult } from '../answer/types.js';
import type { Config } from '../config.js';
import { unitIndexText } from '../knowledge/ingest.js';
import { loadFile } from '../knowledge/loaders.js';
import { vectorLiteral, type StoredChunkRow, type StoredDocumentRow } from '../knowledge/store.js';
import { hashEmbed } from '../retrieval/embeddings.js';

export async function tryDraft(markdown: string, questions: string[], config: Config): Promise<Array<{ question: string; result: AnswerResult }>> {
  const doc = await loadFile('uploads/ban-nhap.md', Buffer.from(markdown, 'utf8'));
  const row: StoredDocumentRow = {
    id: doc.id, path: 'uploads/ban-nhap.md', kind: doc.kind, title: doc.title, topic: doc.topic, lang: doc.lang, source: doc.source,
    source_url: doc.sourceUrl, updated: doc.updated, reviewed_by: doc.reviewedBy, body: doc.body, meta: doc.meta, content_hash: 'draft', indexed_at: new Date(),
  };
  const chunks: StoredChunkRow[] = doc.units.map((u, i) => ({
    id: String(i + 1), document_id: doc.id, role: u.role, ord: u.ord, section: u.section, lang: u.lang, text: u.text,
    embedding: vectorLiteral(hashEmbed(unitIndexText(doc, u))),
  }));
  const engine = await createAnswerEngine({ version: 0, documents: [row], chunks }, { config: { ...config, EMBEDDINGS_PROVIDER: 'local' } as Config, rephraser: null });
  const out: Array<{ question: string; result: AnswerResult }> = [];
  for (const question of questions.slice(0, 8)) out.push({ question, result: await engine.answer(question, { conversation: null, now: new Date() }) });
  return out;
}
