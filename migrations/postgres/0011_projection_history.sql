-- Projection history: every projection's read model at places spaced along the feed, so that an
-- as-of read (the map as it stood on a past day) folds from the nearest earlier place instead of
-- from the start of the log. Written by a background fold of its own (projections' history
-- keeper), never by the live read models. A cache like `projection_snapshots`: deleting rows
-- only makes as-of reads slower until the keeper writes them again.
CREATE TABLE projection_history
(
    name           text        NOT NULL,
    version        integer     NOT NULL,
    -- The feed position of the last event folded into `state`.
    tx             bigint      NOT NULL,
    position       bigint      NOT NULL,
    -- Every event up to here was recorded at or before this time (the running maximum of
    -- `recorded_at` in feed order): the row answers an as-of read for any later moment.
    recorded_by    timestamptz NOT NULL,
    events_applied bigint      NOT NULL,
    -- JSON compressed with lz4 in the process (store::history), so that a fifth of the bytes
    -- cross the socket; stored as is (EXTERNAL: out of line, never compressed again).
    state          bytea       NOT NULL,
    saved_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version, tx, position)
);
ALTER TABLE projection_history ALTER COLUMN state SET STORAGE EXTERNAL;
CREATE INDEX projection_history_by_time ON projection_history (name, version, recorded_by);
