-- Consultation-window tracking and reply addressing (issue #12).
--   channel_user_state.last_interaction_at: the user's last message or follow (Zalo's 7-day
--     window for consultation messages runs from it; receipts never move it).
--   channel_user_state.note_sent_at: when the "I can only read text" note last went out, so it
--     goes at most once per user per hour.
--   outbox_message.user_key: the recipient's pseudonym, to look the window up at send time.
--   outbox_message.quote_msg_id: the user's msg_id the reply quotes (v3 quote_message_id).
--   outbox_message.conversation_id: set for anonymous chats (recipient_id is then the anonymous_id).
ALTER TABLE channel_user_state ADD COLUMN last_interaction_at timestamptz;
ALTER TABLE channel_user_state ADD COLUMN note_sent_at timestamptz;
ALTER TABLE outbox_message ADD COLUMN user_key text;
ALTER TABLE outbox_message ADD COLUMN quote_msg_id text;
ALTER TABLE outbox_message ADD COLUMN conversation_id text;
