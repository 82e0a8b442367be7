-- The database is the knowledge's home (issue 13). Every document has an origin: `bundled`
-- (the repository's knowledge/, reconciled with the files at start-up) or `staff` (uploaded in
-- the dashboard or added with `npm run ingest -- FILE`; its original bytes live here, never on one
-- host's disk, and it stays until staff remove it). Any change bumps knowledge_state.version and
-- notifies `knowledge_changed`, so every process rebuilds its index (src/answer/service.ts).
ALTER TABLE knowledge_document ADD COLUMN origin text NOT NULL DEFAULT 'bundled' CHECK (origin IN ('bundled', 'staff'));
-- staff-only front matter: `editor_note` (never sent to citizens) and `review_by` (YYYY-MM-DD)
ALTER TABLE knowledge_document ADD COLUMN editor_note text, ADD COLUMN review_by text;
-- dashboard uploads (DATA_DIR/uploads) and CLI extra paths were staff documents all along
UPDATE knowledge_document SET origin = 'staff' WHERE path LIKE 'uploads/%' OR path LIKE '/%';

-- The original file of a staff document, so any process (any host) can index it again.
CREATE TABLE knowledge_original (
  document_id text PRIMARY KEY REFERENCES knowledge_document (id) ON DELETE CASCADE,
  file_name text NOT NULL,
  content bytea NOT NULL,
  meta jsonb NOT NULL DEFAULT '{}'::jsonb,   -- UploadMeta given by staff (title, topic, source, sourceUrl)
  added_by text NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now()
);

-- One row: the knowledge version every process compares with the snapshot it answers from, and
-- the hash of the answer engine's vocabularies (knowledge/_assistant) last synced.
CREATE TABLE knowledge_state (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL DEFAULT 1,
  assistant_hash text NOT NULL DEFAULT '',
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO knowledge_state (id) VALUES (1);

-- Statement-level: one bump per statement, whatever the number of rows; the row lock on
-- knowledge_state orders concurrent writers, and NOTIFY is delivered when the transaction commits.
CREATE FUNCTION knowledge_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  UPDATE knowledge_state SET version = version + 1, changed_at = now() WHERE id = 1 RETURNING version INTO v;
  PERFORM pg_notify('knowledge_changed', v::text);
  RETURN NULL;
END $$;

CREATE TRIGGER knowledge_document_bump AFTER INSERT OR UPDATE OR DELETE ON knowledge_document
  FOR EACH STATEMENT EXECUTE FUNCTION knowledge_bump();
CREATE TRIGGER knowledge_chunk_embedding_bump AFTER INSERT OR UPDATE OR DELETE ON knowledge_chunk_embedding
  FOR EACH STATEMENT EXECUTE FUNCTION knowledge_bump();
