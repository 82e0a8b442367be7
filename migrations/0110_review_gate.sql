-- The review gate (issue 14): when staff last marked a document reviewed. A document whose
-- front matter gives a `review_by` date is stale once that date has come and nobody has reviewed
-- it on or after the date. replaceDocument inserts a fresh row on every content change, so a new
-- version starts unreviewed again (as its `reviewed_by` comes from the new file).
ALTER TABLE knowledge_document ADD COLUMN reviewed_at timestamptz;
