-- Indexes for the audit API's filters (see the PostgreSQL migration): by actor and by event
-- type, each followed by the feed order. The actor expression is written exactly as the query
-- writes it (store/src/audit/events.rs), or SQLite would not use the index; it is guarded so
-- that metadata that is not JSON indexes as NULL instead of failing the write.
CREATE INDEX events_actor ON events (
    (CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.actor') END), position
);
CREATE INDEX events_event_type ON events (event_type, position);
