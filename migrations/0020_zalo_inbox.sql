-- Durable inbox for Zalo webhook events. A verified event is inserted here before Zalo gets its
-- 200; workers claim pending rows with FOR UPDATE SKIP LOCKED and a lease (claimed_until), so a
-- crashed worker's rows are picked up again. `payload` holds only what answering needs (sender id,
-- text) and is set to null once the event is processed (privacy: no lasting link between a raw
-- Zalo user id and what the user wrote).
CREATE TABLE inbound_event (
  id bigserial PRIMARY KEY,
  event_key text NOT NULL UNIQUE,          -- 'msg:<msg_id>', 'follow:<user>:<timestamp>', 'ignored:…'
  event_name text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'parked', 'ignored')),
  payload jsonb,                           -- null after processing and for ignored events
  attempts integer NOT NULL DEFAULT 0,     -- also the fencing token of the current lease
  available_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  last_error text,
  processed_at timestamptz
);
CREATE INDEX inbound_event_pending ON inbound_event (available_at, id) WHERE status = 'pending';
CREATE INDEX inbound_event_parked ON inbound_event (received_at) WHERE status = 'parked';
