-- Tamper evidence (see the PostgreSQL migration and store/src/chain/).
ALTER TABLE events
    ADD COLUMN hash blob CHECK (hash IS NULL OR length(hash) = 32);

-- An import keeps the positions of the log it loads; the trigger now numbers only the rows that
-- come without one (every ordinary append).
DROP TRIGGER events_assign_position;

CREATE TRIGGER events_assign_position
    AFTER INSERT
    ON events
    WHEN NEW.position IS NULL
BEGIN
    UPDATE events
    SET position = (SELECT COALESCE(MAX(position), 0) + 1 FROM events)
    WHERE rowid = NEW.rowid;
END;

CREATE TABLE event_chain
(
    position   integer PRIMARY KEY,
    tx         integer NOT NULL,
    chain_hash blob    NOT NULL CHECK (length(chain_hash) = 32),
    sealed_at  text    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX event_chain_order ON event_chain (tx, position);

CREATE TABLE audit_reads
(
    id         integer PRIMARY KEY AUTOINCREMENT,
    account_id text    NOT NULL,
    role       text    NOT NULL,
    resource   text    NOT NULL,
    query      text    NOT NULL,
    read_at    text    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX audit_reads_account ON audit_reads (account_id, read_at);
