-- Autovacuum's ANALYZE on the journal: when a partition has doubled, not after every 10% of growth.
--
-- The journal's 32 hash partitions each count their own inserts, so the stock threshold (ANALYZE once 10% of a
-- partition is new) fires 32 times as often as on one table of the same size, and each run samples 3,000 rows
-- from pages all over the partition. At 6-8M rows and ~25,000 signals/s every partition was analysed twice a
-- minute, and ANALYZE cost PostgreSQL ~6.5 us of CPU per journaled signal, a seventh of all it spent per row
-- (loadtests/README.md). The statistics the journal's plans read (how many rows a subject has, V011) move slowly as
-- a partition grows, and the planner scales row counts to a partition's current size by itself; refreshing them
-- each time a partition doubles keeps a fresh journal analysed from its first rows, at a cost that shrinks per row
-- as the journal grows.
--
-- VACUUM keeps the stock settings: an append-only table still needs its pages frozen, and each page is vacuumed
-- once after its inserts either way.
DO $$
DECLARE
    partition regclass;
BEGIN
    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'signal_journal'::regclass LOOP
        EXECUTE format('ALTER TABLE %s SET (autovacuum_analyze_scale_factor = 1.0)', partition);
    END LOOP;
END
$$;
