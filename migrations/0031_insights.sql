-- Insights: daily rollup of the question log (trends stay fast as the log grows), recurring-
-- misconception flags, and the durable queue of staff-alert webhooks. Nothing here holds a raw
-- Zalo user id: question_log carries keyed pseudonyms only.

-- Who asked (pseudonymously) per misconception and day: distinct-user counts for the flag rules.
CREATE INDEX question_log_misconception_user ON question_log (misconception_id, asked_at, user_pseudonym)
  WHERE misconception_id IS NOT NULL;
-- Search in the dashboard ("hoang sa" finds "Hoàng Sa") by substring of the folded text.
CREATE INDEX question_log_folded_trgm ON question_log USING gin (question_folded gin_trgm_ops);

-- One row per local day (Asia/Ho_Chi_Minh, UTC+7, no daylight saving) x topic x outcome x lang x
-- misconception, maintained by the recorder in the same transaction as the question_log insert.
-- '' stands for "none" in topic and misconception_id so the primary key can cover them.
CREATE TABLE question_daily (
  day date NOT NULL,
  topic text NOT NULL DEFAULT '',
  outcome text NOT NULL,
  lang text NOT NULL,
  misconception_id text NOT NULL DEFAULT '',
  questions integer NOT NULL DEFAULT 0,
  PRIMARY KEY (day, topic, outcome, lang, misconception_id)
);

-- Rows logged before this migration (if any) go into the rollup once.
INSERT INTO question_daily (day, topic, outcome, lang, misconception_id, questions)
SELECT (asked_at AT TIME ZONE 'UTC' + interval '7 hours')::date, coalesce(topic, ''), outcome, lang, coalesce(misconception_id, ''), count(*)
FROM question_log GROUP BY 1, 2, 3, 4, 5;

-- A recurring misconception, one row per episode.
CREATE TABLE misconception_flag (
  id bigserial PRIMARY KEY,
  misconception_id text NOT NULL,
  claim text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'confirmed', 'dismissed', 'resolved')),
  reason text NOT NULL,                      -- users_24h | users_7d | baseline_jump
  raised_at timestamptz NOT NULL,
  users_24h integer NOT NULL,                -- distinct users when raised
  users_7d integer NOT NULL,
  baseline_daily real NOT NULL DEFAULT 0,    -- mean distinct users per day over the 14 days before
  examples jsonb NOT NULL DEFAULT '[]'::jsonb, -- redacted question texts
  note text,
  status_changed_at timestamptz,
  status_changed_by text,
  closed_at timestamptz                      -- when dismissed or resolved; a new episode counts from here
);
-- One open episode per misconception: concurrent evaluators cannot raise two flags.
CREATE UNIQUE INDEX misconception_flag_open ON misconception_flag (misconception_id) WHERE status IN ('new', 'confirmed');
CREATE INDEX misconception_flag_raised ON misconception_flag (raised_at);

-- Staff alerts posted to STAFF_ALERT_WEBHOOK_URL: queued in the transaction that raised the flag,
-- sent and retried by a background task; dedupe_key makes enqueueing idempotent.
CREATE TABLE staff_alert_webhook (
  id bigserial PRIMARY KEY,
  dedupe_key text NOT NULL UNIQUE,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX staff_alert_webhook_due ON staff_alert_webhook (next_attempt_at) WHERE status = 'pending';

-- The claim text of each misconception seen in the log (from the knowledge, via the answer), so a
-- flag raised by the periodic sweep can name its claim too.
CREATE TABLE misconception_claim (
  misconception_id text PRIMARY KEY,
  claim text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now()
);
