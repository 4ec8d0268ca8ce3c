-- Which moderator is reviewing which waiting item, so that two do not review the same one.
--
-- A claim is coordination between people at work, not a fact of the platform's history: it is
-- taken and let go many times an hour, lapses by the clock (`expires_at`), and nothing is decided
-- by it (the review itself is the event, guarded by the version read). Recording claims as
-- events would fill the log with noise that no projection, audit or replay needs, and a lapse by
-- time cannot be an event at all. So it is a row outside the log, mutable and deletable like the
-- sessions. Every instance on the same database sees the same rows: claiming is one conditional
-- upsert, so of two moderators claiming together (on one server or on two) exactly one wins.
CREATE TABLE moderation_claims
(
    -- `kind/subject`: the queue item's kind (initiative, profile_change, …) and the id of what it
    -- is about.
    item       text PRIMARY KEY,
    account_id uuid        NOT NULL,
    claimed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
