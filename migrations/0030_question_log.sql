-- One row per question the assistant answered, on any channel. Pseudonymous by design:
-- never a raw Zalo user id here, and question text is stored only after PII redaction.
CREATE TABLE question_log (
  id bigserial PRIMARY KEY,
  asked_at timestamptz NOT NULL DEFAULT now(),
  channel text NOT NULL CHECK (channel IN ('zalo', 'ask', 'chat', 'dashboard')),
  user_pseudonym text,                       -- HMAC-SHA256(PSEUDONYM_SECRET, zalo user id); null for CLI
  lang text NOT NULL CHECK (lang IN ('vi', 'en')),
  outcome text NOT NULL CHECK (outcome IN ('answered', 'misconception', 'out_of_scope', 'smalltalk')),
  topic text,
  sources jsonb NOT NULL DEFAULT '[]'::jsonb, -- [{ "id", "title" }]
  misconception_id text,
  confidence real NOT NULL DEFAULT 0,
  latency_ms integer NOT NULL DEFAULT 0,
  question_text text,                         -- redacted; set to null after RETENTION_DAYS
  question_folded text,                       -- redacted, normalised and folded, for search and grouping
  answer_text text                            -- what the assistant replied; null after RETENTION_DAYS
);
CREATE INDEX question_log_asked_at ON question_log (asked_at);
CREATE INDEX question_log_outcome_at ON question_log (outcome, asked_at);
CREATE INDEX question_log_topic_at ON question_log (topic, asked_at);
CREATE INDEX question_log_misconception_at ON question_log (misconception_id, asked_at) WHERE misconception_id IS NOT NULL;
