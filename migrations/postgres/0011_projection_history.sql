-- Projection history: every projection's read model at places spaced along the feed, so that an
-- as-of read (the map as it stood on a past day) folds from the nearest earlier place instead of
-- from the start of the log, and a start restores from the newest. Written by a background fold
-- of its own (projections' history keeper), never by the live read models. A cache like
-- `projection_snapshots`: deleting rows only makes as-of reads and starts slower until the
-- keeper writes them again.
CREATE TABLE projection_history
(
    name           text        NOT NULL,
    version        integer     NOT NULL,
    -- The feed position of the last event folded into the state.
    tx             bigint      NOT NULL,
    position       bigint      NOT NULL,
    -- Every event up to here was recorded at or before this time (the running maximum of
    -- `recorded_at` in feed order): the row answers an as-of read for any later moment.
    recorded_by    timestamptz NOT NULL,
    events_applied bigint      NOT NULL,
    -- The state is in `projection_history_pieces`, written by this writer in this many pieces
    -- before this row: a place is visible only once whole.
    writer         text        NOT NULL,
    pieces         integer     NOT NULL,
    saved_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version, tx, position)
);
CREATE INDEX projection_history_by_time ON projection_history (name, version, recorded_by);

-- A state (JSON compressed with lz4 in the process, store::history) cut in pieces of a mebibyte,
-- each written by its own short statement: the feed reads only below the oldest running write
-- transaction, so one statement writing 20 MB would hold back every instance's read models for
-- as long as it takes.
CREATE TABLE projection_history_pieces
(
    name       text        NOT NULL,
    version    integer     NOT NULL,
    tx         bigint      NOT NULL,
    position   bigint      NOT NULL,
    writer     text        NOT NULL,
    piece      integer     NOT NULL,
    bytes      bytea       NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version, tx, position, writer, piece)
);
-- Already compressed: stored out of line as is.
ALTER TABLE projection_history_pieces ALTER COLUMN bytes SET STORAGE EXTERNAL;
