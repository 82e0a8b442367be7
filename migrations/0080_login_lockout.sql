-- Login lock-out per (staff account, client address): wrong passwords from one address lock the
-- account for that address only, so a stranger cannot lock a known account out for everyone.
-- staff_user.failed_logins/locked_until remain the account-wide counter, with a much higher
-- threshold (many addresses guessing at once). The address is kept only as a SHA-256
-- prefix: enough to tell sources apart, not a readable IP log.
CREATE TABLE staff_login_failure (
  staff_id bigint NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
  source text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_failure_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (staff_id, source)
);
CREATE INDEX staff_login_failure_last ON staff_login_failure (last_failure_at);
