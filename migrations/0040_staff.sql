-- Staff accounts for the dashboard, their sessions, and the audit log of what staff did.
-- Passwords are scrypt hashes (see src/admin/passwords.ts); session ids are stored only as
-- SHA-256 hashes, so a leaked table does not let anyone ride a live session.
CREATE TABLE staff_user (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{2,64}$'),
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  disabled boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);

CREATE TABLE staff_session (
  id_hash text PRIMARY KEY,                  -- hex SHA-256 of the cookie value
  staff_id bigint NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,                  -- per-session token echoed in every form
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX staff_session_staff ON staff_session (staff_id);
CREATE INDEX staff_session_expires ON staff_session (expires_at);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  staff_id bigint REFERENCES staff_user (id) ON DELETE SET NULL,
  staff_username text NOT NULL,              -- kept even if the account is later removed
  action text NOT NULL,
  target text NOT NULL DEFAULT '',
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
