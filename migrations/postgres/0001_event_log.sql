-- The event log. Columns up to `metadata` are exactly postgres-es 0.5's `events` table, so its
-- `PostgresEventRepository` reads and appends through them unchanged; the columns after them are
-- Articula's, filled by defaults because postgres-es names only its own columns when it inserts.
CREATE TABLE events
(
    aggregate_type text                         NOT NULL,
    aggregate_id   text                         NOT NULL,
    sequence       bigint CHECK (sequence >= 0) NOT NULL,
    event_type     text                         NOT NULL,
    event_version  text                         NOT NULL,
    payload        json                         NOT NULL,
    metadata       json                         NOT NULL,
    -- The global position: unique and stable per event, but handed out when the row is inserted,
    -- not when it commits, so positions alone do not give a safe reading order.
    position       bigint GENERATED ALWAYS AS IDENTITY,
    -- The id of the transaction that wrote the event. The feed reads in (tx_id, position) order
    -- and only below the oldest transaction still running, which makes that order final.
    tx_id          bigint                       NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    recorded_at    timestamptz                  NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE UNIQUE INDEX events_position ON events (position);
CREATE INDEX events_feed_order ON events (tx_id, position);

-- postgres-es's snapshot table. Articula does not use cqrs-es 0.5.0's snapshot store (it applies
-- newly committed events twice), but the table belongs to the crate's schema and costs nothing.
CREATE TABLE snapshots
(
    aggregate_type   text                                 NOT NULL,
    aggregate_id     text                                 NOT NULL,
    last_sequence    bigint CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL,
    payload          json                                 NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);
