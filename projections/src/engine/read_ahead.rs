//! Reading the feed ahead of the projections: a task reads batches after a place, up to a bound,
//! decodes each, and hands them over through a bounded channel, so reading and decoding the next
//! batches overlap applying the current one. An as-of fold starts it before it restores its
//! place, so the events after the place are read while the place's state is fetched and
//! restored (docs/read-models.md).

use store::{Feed, FeedPosition, StoreError};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{priority, Until};
use crate::Envelope;

/// Batches being read after a place; reading stops when this is dropped.
pub(super) struct ReadAhead {
    batches: mpsc::Receiver<Result<Vec<Envelope>, StoreError>>,
    task: JoinHandle<()>,
}

impl ReadAhead {
    /// Starts reading after `after` up to `until`, in batches of `batch_size`, at most `ahead`
    /// batches ahead of the one taken. Decoding runs at idle priority when `idle`.
    pub(super) fn start(
        feed: Feed,
        after: FeedPosition,
        until: Until,
        batch_size: usize,
        ahead: usize,
        idle: bool,
    ) -> Self {
        let (sender, batches) = mpsc::channel(ahead.max(1));
        let task = tokio::spawn(async move {
            let mut after = after;
            loop {
                let read = feed.read_raw_after(after, batch_size).await;
                let mut batch = match read {
                    Ok(batch) => batch,
                    Err(error) => {
                        let _ = sender.send(Err(error)).await;
                        return;
                    }
                };
                let full = batch.len() == batch_size;
                let cut = cut(&batch, until);
                let done = !full || cut < batch.len();
                batch.truncate(cut);
                if let Some(last) = batch.last() {
                    after = last.feed_position();
                }
                let decoded = priority::run_blocking(idle, move || {
                    let envelopes: Vec<Envelope> = batch.into_iter().map(Envelope::new).collect();
                    super::decode_all(&envelopes);
                    envelopes
                })
                .await
                .map_err(|panic| StoreError::Persistence(format!("decoding a batch: {panic}")));
                let failed = decoded.is_err();
                if sender.send(decoded).await.is_err() || failed || done {
                    return;
                }
            }
        });
        Self { batches, task }
    }

    /// The next batch in feed order; `None` once the bound is reached.
    pub(super) async fn next(&mut self) -> Option<Result<Vec<Envelope>, StoreError>> {
        self.batches.recv().await
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How many events of `batch` (in feed order) are within `until`.
fn cut(batch: &[store::RawFeedEvent], until: Until) -> usize {
    match until {
        Until::Head => batch.len(),
        Until::Position(target) => batch.partition_point(|e| e.feed_position() <= target),
        Until::RecordedBy(time) => batch
            .iter()
            .position(|e| e.recorded_at > time)
            .unwrap_or(batch.len()),
    }
}
