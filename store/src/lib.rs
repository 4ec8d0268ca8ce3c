//! Articula's write side and global feed.
//!
//! * [`Database`] connects to PostgreSQL (production) or SQLite (the embedded default) and applies
//!   the project's migrations, refusing a schema newer than this binary.
//! * [`EventLog`] is the handle the rest of the system holds: it hands out a [`CommandBus`] per
//!   aggregate type (commands in, committed events and their global positions out) and the
//!   [`Feed`], which delivers every committed event once, in one total order.
//! * Appends go through postgres-es / sqlite-es; loading goes through [`AggregateStore`], a
//!   cqrs-es `EventStore` with an in-memory cache guarded by optimistic concurrency, used instead
//!   of cqrs-es 0.5.0's snapshot and aggregate stores (they apply new events twice).

mod aggregate_store;
pub mod audit;
pub mod chain;
mod claims;
mod coalesce;
mod command_bus;
mod database;
mod error;
mod event_log;
pub mod feed;
mod group_commit;
mod held;
mod history;
mod idempotency;
pub mod mentions;
mod metadata;
pub mod notifications;
mod parked;
mod quick_read;
mod repository;
mod sessions;
mod snapshots;
mod text_time;
pub mod transfer;
pub mod vault;
mod wal_checkpoint;
mod writer;

pub use aggregate_store::{AggregateStore, LoadedAggregate};
pub use claims::{Claim, Claimed, ModerationClaims};
pub use command_bus::{CommandBus, CommandError, Committed, Decided, PendingAppend, Stages};
pub use database::{postgres_pool_options, Backend, Database, DatabaseUrl, SchemaStatus};
pub use error::StoreError;
pub use event_log::EventLog;
pub use feed::{Feed, FeedEvent, FeedPosition, FeedReader, RawFeedEvent, BACKGROUND_PACE};
pub use group_commit::{postgres::WriteTurn, CommitWatcher};
pub use history::{
    FoundPlace, HistoryBound, HistoryEntry, HistoryPlace, ProjectionHistory,
    FORGET_AT_ONCE as HISTORY_FORGET_AT_ONCE, PIECE_BYTES as HISTORY_PIECE_BYTES,
};
pub use idempotency::{
    request_digest, AnswerShape, Begin, CommittedAnswer, Idempotency, IdempotentWrite, KeyClaim,
    StoredResponse,
};
pub use metadata::{ActorRef, EventMetadata};
pub use repository::{stream_hashes, Conditions, EventRepository, StreamAppend};
pub use sessions::{GuardState, SessionCheck, SessionGuard, Sessions, SetupCheck, Token};
pub use snapshots::{Snapshot, Snapshots};
pub use vault::{PersonKey, Vault, VaultError};

/// How many threads CPU-bound work is spread over (unpacking a history state here, the read
/// models' batches and snapshots in `projections`): one per core this process may use, one if
/// that cannot be told.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(feature = "testing")]
pub mod testing;
