-- Projection snapshots: a projection's read model as of a place in the feed, so that start-up
-- resumes from there instead of replaying all history. Each row is one projection's checkpoint
-- and its state at that checkpoint, written together so that they always agree. A snapshot is a
-- cache: deleting rows only makes the next start-up slower. `version` is the shape of `state`;
-- a binary that reads another shape ignores the row and rebuilds.
CREATE TABLE projection_snapshots
(
    name           text        PRIMARY KEY,
    version        integer     NOT NULL,
    -- The feed position of the last event folded into `state` (transaction id, global position).
    tx             bigint      NOT NULL,
    position       bigint      NOT NULL,
    events_applied bigint      NOT NULL,
    state          bytea       NOT NULL,
    saved_at       timestamptz NOT NULL DEFAULT now()
);
