-- Conversation memory per Zalo user (PLAN.md contract): the opaque state the answer engine
-- returned with the user's previous answer, kept for 30 minutes. Keyed by the channel's
-- pseudonym (channel_user_state.user_key), never the raw Zalo id. Expired rows are ignored on
-- read and deleted by the channel housekeeping.
CREATE TABLE conversation_state (
  user_key text PRIMARY KEY,
  state jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX conversation_state_expires ON conversation_state (expires_at);
