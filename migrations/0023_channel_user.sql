-- Per-user conversation state for the Zalo channel, keyed by a keyed hash of the user id (never
-- the raw id) and holding no message text: last confident language and the rate-limit window.
CREATE TABLE channel_user_state (
  user_key text PRIMARY KEY,
  last_lang text CHECK (last_lang IN ('vi', 'en')),
  window_start timestamptz NOT NULL,
  window_count integer NOT NULL DEFAULT 0,
  notice_sent boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
