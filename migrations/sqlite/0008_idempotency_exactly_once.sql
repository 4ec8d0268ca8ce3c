-- Exactly-once idempotency keys (see the PostgreSQL migration): a claim number that a takeover
-- increments, a `committed` state written in the append's transaction with the answer's
-- essentials. SQLite cannot change a table's checks, so the table is rebuilt.
CREATE TABLE idempotency_keys_new
(
    account_id          text    NOT NULL,
    key                 text    NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_digest      blob    NOT NULL CHECK (length(request_digest) = 32),
    state               text    NOT NULL CHECK (state IN ('pending', 'committed', 'done')),
    status              integer CHECK (status BETWEEN 100 AND 999),
    headers             text,
    body                blob,
    created_at          text    NOT NULL,
    claim               integer NOT NULL DEFAULT 1,
    answer_id           text,
    answer_version      integer,
    last_aggregate_type text,
    last_aggregate_id   text,
    last_sequence       integer,
    PRIMARY KEY (account_id, key),
    CHECK ((state = 'pending' AND status IS NULL AND headers IS NULL AND body IS NULL) OR
           (state = 'committed' AND status IS NOT NULL AND headers IS NULL AND body IS NULL
                AND last_aggregate_type IS NOT NULL AND last_aggregate_id IS NOT NULL
                AND last_sequence IS NOT NULL) OR
           (state = 'done' AND status IS NOT NULL AND headers IS NOT NULL AND body IS NOT NULL))
) STRICT;

INSERT INTO idempotency_keys_new (account_id, key, request_digest, state, status, headers, body, created_at)
SELECT account_id, key, request_digest, state, status, headers, body, created_at FROM idempotency_keys;

DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
