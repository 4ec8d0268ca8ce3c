//! The read models over HTTP: map, statistics, memberships, moderation queue, matching, and the
//! consistency rules every read shares (read-your-writes, `min_position`, as-of).

mod consistency;
mod correctness;
mod map;
mod matching;
mod memberships;
mod moderation;
mod moderation_claims;
mod own_commits;
mod statistics;
