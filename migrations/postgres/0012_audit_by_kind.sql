-- The auditors' log filtered by kind of record ("every initiative event"), in feed order: with
-- the kind first and the feed order after it, a page is one index range read however many
-- events of other kinds lie between (see 0006 for the other filters). Without it a page walked
-- the feed-order index past them: 1.86 s for the first page of initiative events at 1,045,000
-- events (docs/benchmarks.md, "Audit pages").
CREATE INDEX events_aggregate_type ON events (aggregate_type, tx_id, position);
