-- Which moderator is reviewing which waiting item, so that two do not review the same one.
--
-- A claim is coordination between people at work, not a fact of the platform's history: it is
-- taken and let go many times an hour, lapses by the clock (`expires_at`), and nothing is decided
-- by it (the review itself is the event, guarded by the version read). Recording claims as
-- events would fill the log with noise that no projection, audit or replay needs, and a lapse by
-- time cannot be an event at all. So it is a row outside the log, mutable and deletable like the
-- sessions. Claiming is one conditional upsert, so of two moderators claiming together exactly
-- one wins. Times are RFC 3339 text in UTC with microseconds (they compare as text).
CREATE TABLE moderation_claims
(
    item       TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
