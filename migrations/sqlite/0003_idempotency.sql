-- Idempotency keys (see the PostgreSQL migration): per account, a digest of the request and, once
-- answered, the answer. Account ids are hyphenated UUID text; times are RFC 3339 UTC text in one
-- fixed width (microseconds, `Z`), so that comparing them as text is comparing them as times.
CREATE TABLE idempotency_keys
(
    account_id     text    NOT NULL,
    key            text    NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_digest blob    NOT NULL CHECK (length(request_digest) = 32),
    state          text    NOT NULL CHECK (state IN ('pending', 'done')),
    status         integer CHECK (status BETWEEN 100 AND 999),
    headers        text,
    body           blob,
    created_at     text    NOT NULL,
    PRIMARY KEY (account_id, key),
    -- A pending key has no answer yet; a done key has all of it.
    CHECK ((state = 'pending' AND status IS NULL AND headers IS NULL AND body IS NULL) OR
           (state = 'done' AND status IS NOT NULL AND headers IS NOT NULL AND body IS NOT NULL))
) STRICT;

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
