//! Projection history (migration 0011): each projection's read model at places spaced along the
//! feed, for as-of reads to fold from the nearest earlier place instead of the start of the log,
//! and for starts to restore from the newest. Like [`crate::Snapshots`] it is a cache; the event
//! log stays the only source of truth.
//!
//! States are stored compressed with lz4 in blocks that unpack on every core ([`packing`]), and
//! cut in pieces of a mebibyte, each written by its own statement, then the place's row: the
//! feed reads only below the oldest running write transaction, so writing a 20 MB state in one
//! statement would hold back every instance's read models while it lasts. A place is visible
//! once its row is; pieces of a writer that lost the race for a place, or died half-way, are
//! never read.

/// Binds `$1` to `$5` of a statement on one writer's pieces of a place: the place (name, shape,
/// position) and the writer. Defined before the modules that use it.
macro_rules! bind_pieces_of {
    ($query:expr, $snapshot:expr, $writer:expr) => {
        $query
            .bind(&$snapshot.name)
            .bind($snapshot.version)
            .bind($snapshot.position.tx)
            .bind($snapshot.position.position)
            .bind($writer)
    };
}

mod packing;
mod read;
mod save;

use chrono::{DateTime, Utc};

use crate::{Database, FeedPosition, Snapshot, StoreError};

/// The largest piece of a state written by one statement.
pub const PIECE_BYTES: usize = 1 << 20;

/// The most pieces one statement forgets (see [`ProjectionHistory::forget_other_versions`]).
pub const FORGET_AT_ONCE: u64 = 16;

/// A projection's state at one place in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub snapshot: Snapshot,
    /// Every event up to `snapshot.position` was recorded at or before this time.
    pub recorded_by: DateTime<Utc>,
}

/// Where an as-of read wants to stand, for choosing the entry to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryBound {
    /// The newest entry at or before this place.
    Position(FeedPosition),
    /// The newest entry whose events were all recorded at or before this time.
    RecordedBy(DateTime<Utc>),
}

/// One saved place, without its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPlace {
    pub name: String,
    pub version: i32,
    pub position: FeedPosition,
}

/// A place found, its state not read yet ([`ProjectionHistory::read`]): an as-of read starts
/// reading the feed after it while the state is fetched.
pub struct FoundPlace {
    entry: HistoryEntry,
    writer: String,
    pieces: i32,
}

impl FoundPlace {
    /// The place in the feed whose state this is.
    pub fn position(&self) -> FeedPosition {
        self.entry.snapshot.position
    }
}

/// The `projection_history` tables.
#[derive(Clone)]
pub struct ProjectionHistory {
    db: Database,
}

impl ProjectionHistory {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// `state` as stored: compressed with lz4 in blocks ([`packing`]).
    pub fn pack(state: &[u8]) -> Vec<u8> {
        packing::pack(state)
    }

    /// A state as [`Self::pack`] stored it, unpacked on every core.
    pub fn unpack(packed: &[u8]) -> Result<Vec<u8>, StoreError> {
        packing::unpack(packed)
    }
}
