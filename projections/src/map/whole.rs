//! The whole map's GeoJSON, written once and sent by every request for it until it changes.
//!
//! Most reads of the map ask for all of it (`GET /v1/map`, the console's download), and the
//! answer is the same bytes until an event changes an entry or the clock passes a record's
//! confirmation date (staleness is part of each Feature). Writing it costs a pass over every
//! entry and a copy of every Feature; keeping it makes a read a reference count. Its gzip form,
//! what browsers and most HTTP clients ask for (about a sixth of the bytes), is made the first
//! time one asks and kept beside it.
//!
//! Compressing takes about 0.5 ms for the seed's 109 KB and half a second for the 39 MB of
//! 100,000 initiatives. A small map is compressed by the request that first asks; a large one on
//! a thread of its own, one at a time, while the requests meanwhile get the plain bytes (the
//! current map, never an older one in gzip): no request thread ever waits on a compression.

use std::fmt;
use std::io::Write;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::entry::MapFeature;

/// The whole map as last written, and the times it holds for. Emptied whenever the map changes
/// ([`Self::forget`]); a copy of the model starts empty.
pub(super) struct WholeMap {
    kept: Mutex<Option<Arc<Written>>>,
    /// Whether a thread is compressing a large map (at most one at a time).
    compressing: Arc<AtomicBool>,
    /// The largest body compressed by the request that asks; larger ones go to a thread.
    inline_limit: usize,
}

/// About 5 ms of compression at the default level.
const INLINE_LIMIT: usize = 1 << 20;

impl Default for WholeMap {
    fn default() -> Self {
        Self::with_inline_limit(INLINE_LIMIT)
    }
}

struct Written {
    body: Bytes,
    gzip: OnceLock<Bytes>,
    /// From the latest confirmation date at or before the moment it was written, until the
    /// first one after it: within this range no Feature's `stale` differs.
    holds: Range<DateTime<Utc>>,
}

impl WholeMap {
    /// The GeoJSON of the whole map at `now`: the kept bytes if they hold at `now`, otherwise
    /// written from `features` (the whole selection at `now`) and kept.
    pub(super) fn at<'a>(
        &self,
        now: DateTime<Utc>,
        features: impl FnOnce() -> Vec<MapFeature<'a>>,
    ) -> Bytes {
        self.written(now, features).body.clone()
    }

    /// [`Self::at`] compressed with gzip (RFC 1952), if it is ready: a small map is compressed
    /// now; for a large one a compression starts on a thread of its own (unless one is running)
    /// and `None` says to send the plain bytes meanwhile.
    pub(super) fn gzip_at<'a>(
        &self,
        now: DateTime<Utc>,
        features: impl FnOnce() -> Vec<MapFeature<'a>>,
    ) -> Option<Bytes> {
        let written = self.written(now, features);
        if let Some(gzip) = written.gzip.get() {
            return Some(gzip.clone());
        }
        if written.body.len() <= self.inline_limit {
            return Some(written.gzip.get_or_init(|| gzip(&written.body)).clone());
        }
        if !self.compressing.swap(true, Ordering::AcqRel) {
            let compressing = self.compressing.clone();
            let spawned = std::thread::Builder::new()
                .name("map-gzip".into())
                .spawn(move || {
                    written.gzip.get_or_init(|| gzip(&written.body));
                    compressing.store(false, Ordering::Release);
                });
            if spawned.is_err() {
                self.compressing.store(false, Ordering::Release);
            }
        }
        None
    }

    pub(super) fn with_inline_limit(inline_limit: usize) -> Self {
        Self {
            kept: Mutex::new(None),
            compressing: Arc::new(AtomicBool::new(false)),
            inline_limit,
        }
    }

    fn written<'a>(
        &self,
        now: DateTime<Utc>,
        features: impl FnOnce() -> Vec<MapFeature<'a>>,
    ) -> Arc<Written> {
        if let Some(written) = self.lock().as_ref() {
            if written.holds.contains(&now) {
                return written.clone();
            }
        }
        let features = features();
        let mut holds = DateTime::<Utc>::MIN_UTC..DateTime::<Utc>::MAX_UTC;
        for due in features.iter().filter_map(|f| f.entry.confirmation_due) {
            if due <= now {
                holds.start = holds.start.max(due);
            } else {
                holds.end = holds.end.min(due);
            }
        }
        let written = Arc::new(Written {
            body: Bytes::from(super::to_geojson(&features)),
            gzip: OnceLock::new(),
            holds,
        });
        *self.lock() = Some(written.clone());
        written
    }

    /// The map changed: the kept bytes no longer hold.
    pub(super) fn forget(&mut self) {
        *self.kept.get_mut().unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Arc<Written>>> {
        // A write under this lock is one assignment: a panic cannot leave it half done.
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `body` in gzip, at the default level: made once per change of the map, so the smaller answer
/// is worth the few milliseconds.
fn gzip(body: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::default(),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

impl Clone for WholeMap {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl fmt::Debug for WholeMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kept = self.lock().as_ref().map(|w| w.body.len());
        f.debug_struct("WholeMap")
            .field("kept_bytes", &kept)
            .finish()
    }
}
