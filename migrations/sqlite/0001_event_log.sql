-- The event log. Columns up to `metadata` are exactly sqlite-es 0.5's `events` table, so its
-- `SqliteEventRepository` reads and appends through them unchanged; `position` and `recorded_at`
-- are Articula's and are filled without sqlite-es knowing.
CREATE TABLE events
(
    aggregate_type text                          NOT NULL,
    aggregate_id   text                          NOT NULL,
    sequence       integer CHECK (sequence >= 0) NOT NULL,
    event_type     text                          NOT NULL,
    event_version  text                          NOT NULL,
    payload        text                          NOT NULL,
    metadata       text                          NOT NULL,
    -- SQLite has one writer at a time, so a position handed out inside the write transaction is
    -- already in commit order. It is assigned by the trigger below (a rowid would be renumbered
    -- by VACUUM, because this table's key is not an INTEGER PRIMARY KEY).
    position       integer,
    recorded_at    text                          NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
) STRICT;

CREATE UNIQUE INDEX events_position ON events (position);

CREATE TRIGGER events_assign_position
    AFTER INSERT
    ON events
BEGIN
    UPDATE events
    SET position = (SELECT COALESCE(MAX(position), 0) + 1 FROM events)
    WHERE rowid = NEW.rowid;
END;

-- sqlite-es's snapshot table (unused: see the Postgres migration for why).
CREATE TABLE snapshots
(
    aggregate_type   text                                  NOT NULL,
    aggregate_id     text                                  NOT NULL,
    last_sequence    integer CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot integer CHECK (current_snapshot >= 0) NOT NULL,
    payload          text                                  NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
) STRICT;
