-- Tamper evidence (see store/src/chain/). Each event's `hash` covers its content and the hash of
-- the event before it in its stream; Articula computes it when it appends. Nullable only because
-- rows written before this migration are hashed once, right after it, by the binary.
ALTER TABLE events
    ADD COLUMN hash bytea CHECK (hash IS NULL OR octet_length(hash) = 32);

-- The global chain over the feed: one link per event, in feed order, each covering the event's
-- hash, its recorded time and the link before it. Written shortly after commit by a sealer that
-- follows the feed (the feed's order is only final after commit, so it cannot be written with
-- the event), or by an import. A deleted, inserted or reordered event breaks it at that place.
CREATE TABLE event_chain
(
    position   bigint PRIMARY KEY,
    -- The event's feed position is (tx, position); kept here so the sealer resumes in order.
    tx         bigint      NOT NULL,
    chain_hash bytea       NOT NULL CHECK (octet_length(chain_hash) = 32),
    sealed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX event_chain_order ON event_chain (tx, position);

-- Who read what through the audit API. No personal data: an account id, its role, the route and
-- the filters given (positions, times, types, ids).
CREATE TABLE audit_reads
(
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id uuid        NOT NULL,
    role       text        NOT NULL,
    resource   text        NOT NULL,
    query      text        NOT NULL,
    read_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_reads_account ON audit_reads (account_id, read_at);
