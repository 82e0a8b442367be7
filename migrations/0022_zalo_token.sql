-- The OA token pair. One row. The env pair seeds it only when nothing is stored; after a refresh
-- (or `npm run zalo:authorize`) the stored pair wins. A refresh that failed for good is recorded
-- here and keeps replies queued until a new pair is stored.
CREATE TABLE zalo_token (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  access_token text,
  refresh_token text,
  access_expires_at timestamptz,           -- null when unknown (env pair)
  source text NOT NULL CHECK (source IN ('env', 'refresh', 'authorize')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  refresh_failed_at timestamptz,
  refresh_error text
);

-- Channel problems staff must see (for example a dead refresh token). One open alert per kind.
CREATE TABLE channel_alert (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL,
  message text NOT NULL,
  resolved_at timestamptz
);
CREATE UNIQUE INDEX channel_alert_open ON channel_alert (kind) WHERE resolved_at IS NULL;
