-- Curated knowledge: one row per source file (knowledge/*.md, .txt, .docx, .pdf, staff uploads) and
-- its retrieval units. Written only by ingestion (src/knowledge/ingest.ts); read at start-up into the
-- in-memory index (src/retrieval/knowledge-index.ts).
CREATE TABLE knowledge_document (
  id text PRIMARY KEY,                      -- front-matter id, or derived from the file name
  path text NOT NULL UNIQUE,                -- relative to KNOWLEDGE_DIR, "uploads/<name>", or absolute (extra paths)
  kind text NOT NULL CHECK (kind IN ('doc', 'faq', 'misconception')),
  title text NOT NULL,
  topic text NOT NULL,
  lang text NOT NULL CHECK (lang IN ('vi', 'en')),
  source text NOT NULL DEFAULT '',
  source_url text,
  updated text,
  reviewed_by text,
  body text NOT NULL,                       -- the text shown to people (FAQ answer, correction, document)
  meta jsonb NOT NULL DEFAULT '{}'::jsonb,  -- answer_en, correction_en, claim, requires
  content_hash text NOT NULL,               -- sha256 of the file bytes + indexer version; unchanged files are skipped
  indexed_at timestamptz NOT NULL DEFAULT now()
);

-- Retrieval units: document passages (chunks following headings and paragraphs), FAQ phrasings
-- and answers, misconception claim phrasings. `embedding` holds the built-in local vector (hashed
-- character n-grams, 384 dims). No HNSW index on purpose: a few thousand rows are scanned exactly
-- in ~1–3 ms, and an approximate index would only lose recall here.
CREATE TABLE knowledge_chunk (
  id bigserial PRIMARY KEY,
  document_id text NOT NULL REFERENCES knowledge_document (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('passage', 'question', 'answer', 'claim')),
  ord integer NOT NULL,
  section text,
  lang text NOT NULL CHECK (lang IN ('vi', 'en')),
  text text NOT NULL,
  embedding vector(384) NOT NULL,
  UNIQUE (document_id, role, ord)
);
CREATE INDEX knowledge_chunk_document ON knowledge_chunk (document_id);

-- Vectors from a configured remote embeddings provider (EMBEDDINGS_PROVIDER=openai|ollama), any
-- dimension, keyed by model so that switching models re-embeds instead of mixing spaces.
CREATE TABLE knowledge_chunk_embedding (
  chunk_id bigint NOT NULL REFERENCES knowledge_chunk (id) ON DELETE CASCADE,
  model text NOT NULL,
  embedding vector NOT NULL,
  PRIMARY KEY (chunk_id, model)
);
