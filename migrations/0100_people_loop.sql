-- People in the loop (issue #14): human takeover, staff replies, askers told when an answer is
-- published, reactions as feedback, the conversation-start disclosure and data-subject requests.
-- Identity rules: user_key is the channel's keyed hash of the Zalo user id (never the raw id);
-- the only way back to a person is reply_address, which holds the id encrypted and only for
-- Zalo's 7-day reply window, after which the row is deleted.

-- A conversation a person has taken over: the bot stays quiet for that citizen until paused_until
-- or until staff hand it back.
CREATE TABLE conversation_handoff (
  user_key text PRIMARY KEY,
  paused_until timestamptz NOT NULL,
  reason text NOT NULL CHECK (reason IN ('officer_echo', 'staff_reply')),
  started_by text,                      -- staff username, or null for an officer in the OA Manager
  started_at timestamptz NOT NULL DEFAULT now(),
  questions_held integer NOT NULL DEFAULT 0 -- messages logged while paused ("cán bộ đang trả lời")
);
CREATE INDEX conversation_handoff_until ON conversation_handoff (paused_until);

-- Where to send a staff reply or a "your question now has an answer" message. Keyed by the
-- question log's pseudonym, so a row of "Câu hỏi" leads to its asker; address_enc is the Zalo
-- user id sealed with AES-256-GCM (key from REPLY_ADDRESS_KEY). Deleted once the window closes.
CREATE TABLE reply_address (
  user_pseudonym text PRIMARY KEY,
  user_key text NOT NULL,
  address_enc text NOT NULL,
  last_user_message_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX reply_address_expires ON reply_address (expires_at);
CREATE INDEX reply_address_user_key ON reply_address (user_key);

-- When each conversation was last active and last carried the disclosure line: the first reply
-- of a conversation (first message ever, or after 24 h of silence) says what the bot is.
CREATE TABLE conversation_session (
  user_key text PRIMARY KEY,
  last_seen_at timestamptz NOT NULL,
  disclosed_at timestamptz
);

-- A pending "xóa dữ liệu" that waits for "đồng ý" (10 minutes).
CREATE TABLE pending_confirmation (
  user_key text PRIMARY KEY,
  action text NOT NULL CHECK (action IN ('delete_data')),
  expires_at timestamptz NOT NULL
);

-- What each bot reply answered, by the reply's outbox dedupe key ('event:<id>'): a reaction names
-- Zalo's message id, the outbox row maps it to this key, and so the reaction counts against that
-- reply's question, topic and documents. No identity and no text.
CREATE TABLE reply_link (
  reply_key text PRIMARY KEY,
  question_log_id bigint,
  topic text,
  doc_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reply_link_sent ON reply_link (sent_at);

-- A citizen's reaction to a bot reply (user_reacted_message): icon as Zalo sent it, and what it means.
CREATE TABLE reply_feedback (
  id bigserial PRIMARY KEY,
  reacted_at timestamptz NOT NULL DEFAULT now(),
  zalo_message_id text NOT NULL,
  question_log_id bigint,
  topic text,
  doc_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  icon text NOT NULL,
  sentiment text NOT NULL CHECK (sentiment IN ('helpful', 'unhelpful', 'neutral', 'unknown'))
);
CREATE INDEX reply_feedback_at ON reply_feedback (reacted_at);

-- One "your question now has an answer" message per person per published answer.
CREATE TABLE asker_notice (
  published_key text NOT NULL,          -- 'faq:<doc id>' or 'flag:<flag id>'
  user_pseudonym text NOT NULL,
  notified_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (published_key, user_pseudonym)
);

-- Data-subject requests (Law 91/2025/QH15): what was asked, through which channel, and the outcome,
-- without the identity itself.
CREATE TABLE data_request (
  id bigserial PRIMARY KEY,
  requested_at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL CHECK (kind IN ('delete', 'export', 'find')),
  via text NOT NULL CHECK (via IN ('zalo', 'dashboard')),
  requested_by text,                    -- staff username for dashboard requests
  status text NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'failed')),
  completed_at timestamptz,
  rows_affected jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX data_request_at ON data_request (requested_at);

-- A question that arrived while a person had the conversation: logged (so flags and trends see it)
-- and shown to staff as "cán bộ đang trả lời", but the bot's answer was not sent.
ALTER TABLE question_log ADD COLUMN held_for_staff boolean NOT NULL DEFAULT false;
