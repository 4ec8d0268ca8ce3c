-- Projection history (see the PostgreSQL migration): every projection's read model at places
-- spaced along the feed, where as-of reads and starts begin folding. A cache.
CREATE TABLE projection_history
(
    name           text    NOT NULL,
    version        integer NOT NULL,
    tx             integer NOT NULL,
    position       integer NOT NULL,
    -- RFC 3339 in UTC with microseconds, so that text order is time order.
    recorded_by    text    NOT NULL,
    events_applied integer NOT NULL,
    writer         text    NOT NULL,
    pieces         integer NOT NULL,
    saved_at       text    NOT NULL,
    PRIMARY KEY (name, version, tx, position)
) STRICT;
CREATE INDEX projection_history_by_time ON projection_history (name, version, recorded_by);

-- A state, JSON compressed with lz4 in the process, in pieces written one statement each.
CREATE TABLE projection_history_pieces
(
    name       text    NOT NULL,
    version    integer NOT NULL,
    tx         integer NOT NULL,
    position   integer NOT NULL,
    writer     text    NOT NULL,
    piece      integer NOT NULL,
    bytes      blob    NOT NULL,
    written_at text    NOT NULL,
    PRIMARY KEY (name, version, tx, position, writer, piece)
) STRICT;
