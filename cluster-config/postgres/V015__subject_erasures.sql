-- Erasures (GDPR Art. 17): DELETE /v1/subjects/{kind}/{id} removes everything held about a subject in one transaction
-- and leaves this tombstone, which holds no personal data: the SHA-256 of the subject key (so an auditor who is given
-- a key can show it was erased, and nobody can read keys back out of the table), when, who asked (an API key's
-- name), and how much was removed.
CREATE TABLE subject_erasures (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_sha256     text        NOT NULL,
    erased_at      timestamptz NOT NULL DEFAULT now(),
    erased_by      text        NOT NULL,
    journal_rows   bigint      NOT NULL,
    crossings      bigint      NOT NULL
);

CREATE INDEX subject_erasures_key ON subject_erasures (key_sha256);
