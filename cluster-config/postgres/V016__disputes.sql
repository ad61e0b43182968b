-- Disputes (FCRA §611, GDPR Art. 16): a subject contests one of its signals. Opened and resolved through the subject's
-- grain, so a retraction and its dispute's resolution never race with the subject's signals. The texts (reason, note)
-- are personal data: an erasure deletes the subject's rows here.
CREATE TABLE disputes (
    id          uuid        PRIMARY KEY,
    subject_key text        NOT NULL,
    signal_id   text        NOT NULL,
    signal_type text        NOT NULL,
    reason      text        NOT NULL,
    status      text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'retracted')),
    opened_at   timestamptz NOT NULL,
    opened_by   text        NOT NULL,
    due_at      timestamptz NOT NULL,
    resolved_at timestamptz NULL,
    resolved_by text        NULL,
    note        text        NULL
);

-- At most one open dispute per signal: a second one answers the first.
CREATE UNIQUE INDEX disputes_one_open ON disputes (subject_key, signal_id) WHERE status = 'open';
CREATE INDEX disputes_subject ON disputes (subject_key, opened_at DESC);
-- The operators' queue: open disputes, oldest (most overdue) first.
CREATE INDEX disputes_open ON disputes (due_at, id) WHERE status = 'open';
