-- Statistics only where a plan depends on them. Autovacuum analyses each journal partition every time it has grown by
-- 10%, and by default it samples 30,000 rows and sorts the sample of every column: text, float, timestamp and jsonb.
-- At ~37,000 signals/s that ANALYZE took 3.2% of the machine (loadtests/README.md, "Latest").
--
-- Every journal query finds one subject's rows through an index: subject_key with seq (replay, history) or with
-- signal_id (the duplicate look-up, an exact match on the unique index). The planner's only question is how many
-- rows one subject has, so subject_key keeps statistics, from a smaller sample (target 10: 3,000 rows instead of
-- 30,000), enough to see the hottest subjects and how many there are; no other column gets any (seq is numbered per
-- subject, so a histogram of it over all subjects would only mislead). ANALYZE of four 800,000-row partitions took
-- ~110 ms instead of ~740 ms. Recurses to the journal's partitions.
--
-- The crossing feed filters on sequence, subject_kind, subject_key and new_band: those keep their statistics, the
-- rest (written and returned, never filtered on) get none.
ALTER TABLE signal_journal
    ALTER COLUMN subject_key SET STATISTICS 10,
    ALTER COLUMN seq SET STATISTICS 0,
    ALTER COLUMN signal_id SET STATISTICS 0,
    ALTER COLUMN signal_type SET STATISTICS 0,
    ALTER COLUMN value SET STATISTICS 0,
    ALTER COLUMN occurred_at SET STATISTICS 0,
    ALTER COLUMN source SET STATISTICS 0,
    ALTER COLUMN score_before SET STATISTICS 0,
    ALTER COLUMN score_after SET STATISTICS 0,
    ALTER COLUMN band_before SET STATISTICS 0,
    ALTER COLUMN band_after SET STATISTICS 0,
    ALTER COLUMN model_version SET STATISTICS 0,
    ALTER COLUMN recorded_at SET STATISTICS 0;

ALTER TABLE crossings
    ALTER COLUMN journal_seq SET STATISTICS 0,
    ALTER COLUMN signal_id SET STATISTICS 0,
    ALTER COLUMN signal_type SET STATISTICS 0,
    ALTER COLUMN old_score SET STATISTICS 0,
    ALTER COLUMN new_score SET STATISTICS 0,
    ALTER COLUMN old_band SET STATISTICS 0,
    ALTER COLUMN model_version SET STATISTICS 0,
    ALTER COLUMN reasons SET STATISTICS 0,
    ALTER COLUMN occurred_at SET STATISTICS 0,
    ALTER COLUMN recorded_at SET STATISTICS 0;
