-- Dashboard: the history of each misconception flag (who confirmed, dismissed, resolved or noted it,
-- and when), and the states staff give emerging-topic groups ("answered", "ignored", merged into
-- another group) and the questions they moved out of a group ("split").
CREATE TABLE misconception_flag_event (
  id bigserial PRIMARY KEY,
  flag_id bigint NOT NULL REFERENCES misconception_flag (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  staff_username text NOT NULL,
  status text,                               -- the new status, or null for a note only
  note text
);
CREATE INDEX misconception_flag_event_flag ON misconception_flag_event (flag_id, at);

-- Keyed by the group's stable id (hash of its label's folded text, see src/insights/emerging.ts).
CREATE TABLE emerging_topic_state (
  group_id text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('answered', 'ignored', 'merged')),
  merged_into text,                          -- for 'merged': the group it joined
  label text NOT NULL DEFAULT '',
  faq_id text,                               -- for 'answered': the FAQ saved for it, when known
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);

-- A question moved out of its emerging group by staff: it is no longer grouped with anything.
CREATE TABLE emerging_question_split (
  question_id bigint PRIMARY KEY,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
