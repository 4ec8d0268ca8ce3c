-- Access and privacy state (see the PostgreSQL migration): mutable, deletable, and never exported
-- with the event log. Account ids are hyphenated UUID text; times are RFC 3339 UTC text written
-- by the store in one fixed width (microseconds, `Z`), so that comparing them as text is
-- comparing them as times.

CREATE TABLE person_keys
(
    account_id text PRIMARY KEY,
    key        blob NOT NULL CHECK (length(key) = 32),
    created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE server_secrets
(
    name       text PRIMARY KEY,
    secret     blob NOT NULL CHECK (length(secret) >= 32),
    created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE sessions
(
    token_digest blob PRIMARY KEY CHECK (length(token_digest) = 32),
    account_id   text NOT NULL,
    created_at   text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at   text NOT NULL,
    revoked_at   text
) STRICT;

CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE setup_tokens
(
    account_id   text PRIMARY KEY,
    token_digest blob NOT NULL CHECK (length(token_digest) = 32),
    created_at   text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at   text NOT NULL
) STRICT;
