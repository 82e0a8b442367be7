-- Outbox: every message to a Zalo user is a row before it is sent. Parts of one reply share a
-- group_key and go out in seq order. A row is 'sending' (with a lease) during the HTTP call, so a
-- crash leaves at most the in-flight message to be sent again. After delivery text and
-- recipient are set to null.
CREATE TABLE outbox_message (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  purpose text NOT NULL,                   -- reply, welcome, note, rate_limit, alert
  dedupe_key text UNIQUE,                  -- makes enqueueing idempotent
  group_key text NOT NULL,
  seq integer NOT NULL DEFAULT 0,
  recipient_id text,                       -- raw Zalo user id (OA-scoped), only until delivery
  text text,                               -- only until delivery
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  last_error text,
  zalo_message_id text,
  sent_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_message_ready ON outbox_message (available_at, id) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_message_group ON outbox_message (group_key, seq);
CREATE INDEX outbox_message_dead ON outbox_message (updated_at) WHERE status = 'dead';
