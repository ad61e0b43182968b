-- Snapshots found by subject key (ScoreGrains.Postgres.Activation.ActivationReader): activating subjects read their
-- snapshot rows in one query for all of them, `grainidextensionstring = ANY($1)`, without the grain id and grain type
-- hashes that Orleans' ADO.NET provider computes (its hasher is its own). A string-keyed grain's row keeps the key in
-- grainidextensionstring. Also serves erasure's DELETE by subject key, which scanned the table before.
-- Only the key: the other identity columns are filtered on the row found, and snapshot updates change none of them,
-- so they stay HOT updates.
CREATE INDEX orleansstorage_extension_key ON orleansstorage (grainidextensionstring);
