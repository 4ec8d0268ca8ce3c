//! The turn of this process's writes on PostgreSQL: its appends' statements take it, and so do
//! the statements its workers write beside them (the sealer's links, the notifier's records and
//! marks, the announcements of commits).
//!
//! Why the workers wait for it: an append's statement is sure of its place in the feed only if
//! no other transaction with an id was running when it took its snapshot, nor began before it
//! took its own id (`statement::conditions::PLACE_BEFORE`). PostgreSQL cannot tell a worker's
//! transaction, which never writes events, from an append's. When a statement is not sure, the
//! read models cannot apply its events as it commits them, and its commands wait for the events
//! to be read back from the feed. Measured with `articula bench http --clients 16 --backends
//! postgres` (docs/benchmarks.md, "thirty-second session"):
//!
//! * without the turn, one run logged 408 statements not sure of their place. In 264 of them a
//!   transaction of the sealer, the notifier or the announcer was still running; in the other
//!   144 none was, so one had begun and ended in between. With the turn, none in a run of the
//!   same kind;
//! * over ten alternated pairs, the events applied as committed rose from a median of 92% of the
//!   commands (89–94%) to 97% (91–99.5%), and the commands' mean wait for the read models fell
//!   from a median of 0.075 ms (0.04–0.13) to 0.035 ms (0.00–0.11).
//!
//! The workers' statements are short (0.01–0.7 ms), and the appends that come meanwhile queue
//! for the next statement, which is the larger for it: the registrations' rate did not change
//! beyond the runs' noise.
//!
//! Writers of other processes, and this process's long writes (the read models' snapshots, the
//! projection history, a sealer catching up), do not take it: an append's statement beside one
//! of them is not sure of its place, and its commands wait for the read-back, as before.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

/// A handle on one event log's turn (see the module). On SQLite, or for a repository made on its
/// own, there is none, and taking it returns at once.
#[derive(Clone, Default)]
pub struct WriteTurn(Option<Arc<Semaphore>>);

impl WriteTurn {
    /// The turn kept by `places`, the log's places for statements of appends. With one place
    /// (`IN_FLIGHT_AT_MOST`), holding it keeps every append's statement out.
    pub(super) fn of(places: &Arc<Semaphore>) -> Self {
        Self(Some(places.clone()))
    }

    /// Runs `write` in the turn: waits for it, and holds it until `write` is done. `write` should
    /// be the statement alone, its connection already in hand: the appends wait meanwhile.
    pub(crate) async fn during<T>(&self, write: impl Future<Output = T>) -> T {
        let _turn = match &self.0 {
            Some(places) => places.acquire().await.ok(),
            None => None,
        };
        write.await
    }
}
