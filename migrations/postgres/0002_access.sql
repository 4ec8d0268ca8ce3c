-- Access and privacy state. Unlike the event log these rows are mutable and deletable, and they
-- are never exported with it: the log holds personal data only sealed with a person's key and
-- emails only as keyed digests, so erasing a key (or withholding these tables) erases the data.

-- One XChaCha20-Poly1305 key per person (crypto-shredding: deleting the row makes every value
-- sealed with it unreadable, in the log and in every copy of the log).
CREATE TABLE person_keys
(
    account_id uuid PRIMARY KEY,
    key        bytea       NOT NULL CHECK (octet_length(key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Server-wide secrets created on first use, e.g. the HMAC key of email digests.
CREATE TABLE server_secrets
(
    name       text PRIMARY KEY,
    secret     bytea       NOT NULL CHECK (octet_length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Sign-in sessions, keyed by the SHA-256 of the bearer token (the token itself is never stored).
CREATE TABLE sessions
(
    token_digest bytea PRIMARY KEY CHECK (octet_length(token_digest) = 32),
    account_id   uuid        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);

CREATE INDEX sessions_account ON sessions (account_id);

-- The one-time secret an account created by an administrator uses to set its first password;
-- at most one per account (issuing a new one replaces the old).
CREATE TABLE setup_tokens
(
    account_id   uuid PRIMARY KEY,
    token_digest bytea       NOT NULL CHECK (octet_length(token_digest) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
