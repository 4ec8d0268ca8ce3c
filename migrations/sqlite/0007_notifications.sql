-- Email notifications (see the PostgreSQL migration): one row per (event, recipient, kind) with a
-- derived id, and the notifier's checkpoint. Times are Unix milliseconds.
CREATE TABLE notifications
(
    id              text    PRIMARY KEY,
    event_position  integer NOT NULL,
    recipient       text    NOT NULL,
    kind            text    NOT NULL,
    language        text    NOT NULL,
    subject         text    NOT NULL,
    body_text       text    NOT NULL,
    body_html       text    NOT NULL,
    status          text    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at integer NOT NULL,
    last_error      text,
    message_id      text    NOT NULL,
    created_at      integer NOT NULL,
    sent_at         integer
) STRICT;

CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_by_status ON notifications (status, created_at);

-- Starts at the end of the existing history: mail is about what happens from now on.
CREATE TABLE notifier_checkpoint
(
    name       text    PRIMARY KEY,
    tx         integer NOT NULL,
    position   integer NOT NULL,
    updated_at integer NOT NULL
) STRICT;

INSERT INTO notifier_checkpoint (name, tx, position, updated_at)
SELECT 'notifier', 0, COALESCE(MAX(position), 0), CAST(unixepoch('subsec') * 1000 AS integer)
FROM events;
