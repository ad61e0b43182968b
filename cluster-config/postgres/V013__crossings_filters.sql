-- Indexes for the crossing feed's filters: the band entered, the subject's kind, and both.
--
-- A feed page is "the first N crossings after a position that match a filter, in sequence order". With only the
-- sequence to walk, a page for a rare band or kind read the feed from that position until it had found N, and a
-- page for a band nobody had entered read all of it (a parallel sequential scan of 3M crossings: 365 ms; a client
-- polling that band paid it at every poll, more as the feed grows). Each index below gives a filter its crossings in
-- sequence order, so a page reads about as many rows as it returns. The reader asks for several bands as one
-- ordered branch per band, merged (CrossingFeedReader), because "new_band = ANY(...)" cannot walk an index in
-- sequence order. About one signal in thirty crosses a band in the load test, and each of these inserts lands at the
-- right edge of its key, so they cost the journal's commits little.
CREATE INDEX crossings_band ON crossings (new_band, sequence);
CREATE INDEX crossings_kind ON crossings (subject_kind, sequence);
CREATE INDEX crossings_kind_band ON crossings (subject_kind, new_band, sequence);
