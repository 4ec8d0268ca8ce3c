-- Email notifications (gateway/src/notify). The notifier reads the feed with its own checkpoint
-- and records, in the same transaction, one row per (event, recipient, kind): the row's id is
-- derived from those three, so recording the same event twice writes nothing new. A sender sends
-- pending rows and marks them sent only after the mail server accepted the message.
-- No email address is stored here: it is opened from the vault when the mail is sent, so an
-- erased person (key deleted) receives nothing. Times are Unix milliseconds on both backends.
CREATE TABLE notifications
(
    id              text    PRIMARY KEY,
    event_position  bigint  NOT NULL,
    recipient       text    NOT NULL,
    kind            text    NOT NULL,
    language        text    NOT NULL,
    subject         text    NOT NULL,
    body_text       text    NOT NULL,
    body_html       text    NOT NULL,
    status          text    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at bigint  NOT NULL,
    last_error      text,
    message_id      text    NOT NULL,
    created_at      bigint  NOT NULL,
    sent_at         bigint
);

CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_by_status ON notifications (status, created_at);

-- The notifier's place in the feed. It starts at the end of the history that exists when this
-- migration runs: mail is about what happens from now on, not about the past.
CREATE TABLE notifier_checkpoint
(
    name       text   PRIMARY KEY,
    tx         bigint NOT NULL,
    position   bigint NOT NULL,
    updated_at bigint NOT NULL
);

INSERT INTO notifier_checkpoint (name, tx, position, updated_at)
SELECT 'notifier',
       COALESCE((SELECT tx_id FROM events ORDER BY tx_id DESC, position DESC LIMIT 1), 0),
       COALESCE((SELECT position FROM events ORDER BY tx_id DESC, position DESC LIMIT 1), 0),
       (extract(epoch FROM now()) * 1000)::bigint;
