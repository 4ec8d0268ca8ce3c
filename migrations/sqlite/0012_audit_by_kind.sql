-- The auditors' log filtered by kind of record, in feed order: one index range read (see the
-- PostgreSQL migration).
CREATE INDEX events_aggregate_type ON events (aggregate_type, position);
