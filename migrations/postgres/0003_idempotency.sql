-- Idempotency keys: a write sent with an `Idempotency-Key` header is remembered per account, with
-- a digest of the request and, once answered, the answer, so that a retry is answered from here
-- instead of writing again. Like the access tables these rows are mutable, deletable and never
-- exported with the event log; they are pruned after a day.
CREATE TABLE idempotency_keys
(
    account_id     uuid        NOT NULL,
    key            text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 of the method, the path and query, and the body.
    request_digest bytea       NOT NULL CHECK (octet_length(request_digest) = 32),
    state          text        NOT NULL CHECK (state IN ('pending', 'done')),
    status         integer CHECK (status BETWEEN 100 AND 999),
    -- JSON array of [name, value] pairs: the headers a replay repeats.
    headers        text,
    body           bytea,
    -- When the request started (or was taken over); pruning and takeover go by it.
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (account_id, key),
    -- A pending key has no answer yet; a done key has all of it.
    CHECK ((state = 'pending' AND status IS NULL AND headers IS NULL AND body IS NULL) OR
           (state = 'done' AND status IS NOT NULL AND headers IS NOT NULL AND body IS NOT NULL))
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
