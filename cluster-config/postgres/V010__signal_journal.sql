-- The signal journal: every applied signal with its effect, in the order its subject applied it.
-- It is the durable record behind "ack means durable", the audit trail behind GET .../history, the
-- source of replay after a snapshot, and the durable index that rejects a retried signalId forever.
--
-- Sizing for years: the table is hash-partitioned on subject_key (32 partitions). Every hot query is
-- per subject (replay "seq > snapshot position", history pages, duplicate look-ups), so each touches one
-- partition and walks one B-tree of 1/32 of the rows; inserts spread over 32 smaller indexes, and vacuum
-- and reindex work partition by partition. The primary key (subject_key, seq) is the replay index.
CREATE TABLE signal_journal
(
    subject_key   text             NOT NULL,
    seq           bigint           NOT NULL,
    signal_id     text             NOT NULL,
    signal_type   text             NOT NULL,
    value         double precision NULL,
    occurred_at   timestamptz      NOT NULL,
    source        text             NOT NULL,
    score_before  double precision NOT NULL,
    score_after   double precision NOT NULL,
    band_before   text             NOT NULL,
    band_after    text             NOT NULL,
    model_version text             NOT NULL,
    recorded_at   timestamptz      NOT NULL,
    CONSTRAINT signal_journal_pk PRIMARY KEY (subject_key, seq),
    -- Exactly-once effect: one signalId counts once per subject, however late the retry.
    CONSTRAINT signal_journal_signal UNIQUE (subject_key, signal_id)
) PARTITION BY HASH (subject_key);

DO $$
BEGIN
    FOR i IN 0..31 LOOP
        EXECUTE format(
            'CREATE TABLE signal_journal_p%s PARTITION OF signal_journal FOR VALUES WITH (MODULUS 32, REMAINDER %s)',
            lpad(i::text, 2, '0'), i);
    END LOOP;
END
$$;

-- Threshold crossings: a subject entered another band. Written in the same transaction as the journal
-- entry that caused it (no crossing without its change, no change without its crossing). The global
-- sequence is the durable feed's position: subscribers resume "after" the last one they saw.
CREATE TABLE crossings
(
    sequence      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject_key   text             NOT NULL,
    subject_kind  text             NOT NULL,
    journal_seq   bigint           NOT NULL,
    signal_id     text             NOT NULL,
    signal_type   text             NOT NULL,
    old_score     double precision NOT NULL,
    new_score     double precision NOT NULL,
    old_band      text             NOT NULL,
    new_band      text             NOT NULL,
    model_version text             NOT NULL,
    reasons       jsonb            NOT NULL,
    occurred_at   timestamptz      NOT NULL,
    recorded_at   timestamptz      NOT NULL
);

CREATE INDEX crossings_subject ON crossings (subject_key, sequence);
