-- Projection snapshots (see the PostgreSQL migration): each projection's checkpoint and its read
-- model at that checkpoint, written together. A cache: deleting rows only slows the next start.
CREATE TABLE projection_snapshots
(
    name           text    PRIMARY KEY,
    version        integer NOT NULL,
    tx             integer NOT NULL,
    position       integer NOT NULL,
    events_applied integer NOT NULL,
    state          blob    NOT NULL,
    saved_at       text    NOT NULL
) STRICT;
