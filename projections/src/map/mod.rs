//! The map of approved initiatives (GeoJSON), with its filters and search.
//!
//! The projection folds every initiative stream with the aggregate itself (so the map shows
//! exactly what the domain says an initiative is) and keeps, beside that state, indexes for the
//! queries: see [`index`]. Only the folded states are the snapshot; the indexes are rebuilt from
//! them on restore. Staleness depends on the time of the query, so it is computed then.

mod entry;
mod filter;
mod index;
mod sets;
pub(crate) mod text;
mod vocabulary;
mod whole;
mod words;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::initiative::{Initiative, InitiativeEvent, InitiativeOutline, InitiativeStatus};
use domain::values::InitiativeId;
use serde::{Deserialize, Serialize};

pub use entry::{to_geojson, MapEntry, MapFeature};
pub use filter::{BoundingBox, MapFilter, TextQuery};

use crate::stored::Stored;
use crate::{DomainEvent, Envelope, Projection, ProjectionError, Restoring};
use index::{searchable_texts, MapIndex};
use whole::WholeMap;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct InitiativeMap {
    /// Every initiative that is on the map or may yet be, as the aggregate folds it. Retired
    /// ones are dropped: retirement is final. Snapshots write it in lines, read back on every
    /// core; in a model restored for one read, a state is parsed only when an event changes it
    /// (or a query searches its texts), and the entries are made from outlines.
    initiatives: BTreeMap<InitiativeId, Stored<Initiative>>,
    #[serde(skip)]
    index: MapIndex,
    /// In a model restored for one read: the initiatives events changed since, whose entries
    /// are made once, when the fold ends ([`Projection::settle`]), not at every event.
    #[serde(skip)]
    unsettled: Option<BTreeSet<InitiativeId>>,
    /// The outlines read beside the states from a snapshot, in the same order, until restored.
    #[serde(skip)]
    outlines: Option<Vec<InitiativeOutline>>,
    /// The whole map's GeoJSON, kept between reads while nothing changes it.
    #[serde(skip)]
    whole: WholeMap,
    /// Whether some states may not be parsed yet (read back for one read): only then does a
    /// batch parse ahead the states it changes, which costs a search per event.
    #[serde(skip)]
    unparsed_states: bool,
}

impl Projection for InitiativeMap {
    const NAME: &'static str = "map";
    /// 2: the initiatives in parts; 3: in lines; 4: in lines of keys and lines of values
    /// ([`crate::parts`]).
    const SNAPSHOT_VERSION: i32 = 4;

    fn prepare(&mut self, events: &[Envelope]) {
        if self.unparsed_states {
            crate::stored::parse_ahead(&self.initiatives, events, Envelope::initiative);
        }
    }

    /// Each state with its outline beside it, so that a model restored for one read makes its
    /// entries without reading a state.
    fn write_state(&self) -> Result<Vec<u8>, String> {
        crate::parts::write(&(), &self.initiatives, outline_of)
    }

    fn read_state(state: Vec<u8>) -> Result<Self, String> {
        let read: crate::parts::Read<(), _, _, InitiativeOutline> = crate::parts::read(state)?;
        Ok(Self {
            initiatives: read.map,
            outlines: Some(read.summaries),
            unparsed_states: true,
            ..Self::default()
        })
    }

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        let DomainEvent::Initiative(id, payload) = event.event()? else {
            return Ok(());
        };
        let initiative = crate::stored::entry_mut(&mut self.initiatives, *id, "the map")?;
        initiative.apply(payload.clone());
        if !may_change_entry(payload) {
            return Ok(());
        }
        let retired = initiative.status() == InitiativeStatus::Retired;
        if let Some(unsettled) = &mut self.unsettled {
            unsettled.insert(*id);
        } else {
            let shown = self.index.shows(*id);
            if !retired {
                self.index.upsert(*id, initiative);
            } else {
                self.index.remove(*id);
            }
            // Registrations and reviews of what is not on the map leave the kept map as it is.
            if shown || self.index.shows(*id) {
                self.whole.forget();
            }
        }
        if retired {
            self.initiatives.remove(id);
        }
        Ok(())
    }

    fn settle(&mut self) {
        self.whole.forget();
        let Some(unsettled) = self.unsettled.as_mut().map(std::mem::take) else {
            return;
        };
        let changed: Vec<(InitiativeId, Option<&Stored<Initiative>>)> = unsettled
            .into_iter()
            .map(|id| (id, self.initiatives.get(&id)))
            .collect();
        // Applying the events parsed every state they changed (or stopped the projection).
        let entries = crate::parts::on_every_core(&changed, |(id, stored)| {
            let initiative = (*stored)?.get().ok()?;
            MapEntry::of(*id, initiative.outline())
        });
        for ((id, stored), entry) in changed.iter().zip(entries) {
            match (entry, stored) {
                (Some(entry), Some(stored)) => {
                    self.index.place(entry, || texts_of_stored(*id, stored));
                }
                _ => self.index.remove(*id),
            }
        }
    }

    fn restored(&mut self, restoring: Restoring) -> Result<(), ProjectionError> {
        self.whole.forget();
        let unreadable = |e| ProjectionError(format!("the map's state of {e}"));
        match restoring {
            Restoring::ToServe => {
                // Its search index needs every state's texts.
                crate::stored::parse_all(&mut self.initiatives).map_err(unreadable)?;
                self.unparsed_states = false;
            }
            Restoring::ForOneRead => self.unsettled = Some(BTreeSet::new()),
        }
        // The entries, each with its GeoJSON written, are made on every core, from the outline
        // of each state not parsed (the one read beside it, or else read from its JSON).
        let mut outlines = self
            .outlines
            .take()
            .filter(|outlines| outlines.len() == self.initiatives.len())
            .map(Vec::into_iter);
        let initiatives: Vec<RestoredInitiative<'_>> = self
            .initiatives
            .iter()
            .map(|(id, stored)| (id, stored, outlines.as_mut().and_then(Iterator::next)))
            .collect();
        let entries = crate::parts::on_every_core(&initiatives, |(id, stored, outline)| {
            let outline = match (stored.parsed(), outline) {
                (None, Some(outline)) => outline.clone(),
                _ => outline_of(stored).map_err(|e| format!("{id}: {e}"))?,
            };
            Ok(MapEntry::of(**id, outline))
        });
        let entries = entries
            .into_iter()
            .filter_map(Result::transpose)
            .collect::<Result<Vec<MapEntry>, String>>()
            .map_err(unreadable)?;
        self.index = MapIndex::of_entries(entries);
        if restoring == Restoring::ToServe {
            self.index.build_search(self.texts_of());
        }
        Ok(())
    }
}

/// An initiative as restored: its id, its state, and the outline read beside it, if any.
type RestoredInitiative<'a> = (
    &'a InitiativeId,
    &'a Stored<Initiative>,
    Option<InitiativeOutline>,
);

/// Whether `event` can change what the map shows of its initiative: managers, requests to
/// manage and changes still waiting for review cannot, and skipping them keeps a rebuild fast.
fn may_change_entry(event: &InitiativeEvent) -> bool {
    use InitiativeEvent::*;
    !matches!(
        event,
        ManagerAdded { .. }
            | ManagerRemoved { .. }
            | ErasedAccountRemoved { .. }
            | ManagementRequested { .. }
            | ManagementRequestApproved { .. }
            | ManagementRequestDeclined { .. }
            | ManagementRequestWithdrawn { .. }
            | ProfileChangeProposed { .. }
            | ProfileChangeRejected { .. }
            | ProfileChangeWithdrawn { .. }
    )
}

impl InitiativeMap {
    /// An initiative's searchable texts, found by its id.
    fn texts_of<'a>(&'a self) -> impl Fn(InitiativeId) -> [&'a str; 3] + 'a {
        |id| {
            self.initiatives
                .get(&id)
                .map_or(["", "", ""], |stored| texts_of_stored(id, stored))
        }
    }

    /// The initiatives `filter` keeps, as seen at `now` (which decides staleness), in id order.
    pub fn features(&self, filter: &MapFilter, now: DateTime<Utc>) -> Vec<MapFeature<'_>> {
        self.index
            .select(filter, now, self.texts_of())
            .into_iter()
            .filter_map(|slot| self.index.entry(slot))
            .map(|entry| MapFeature {
                entry,
                stale: entry.is_stale(now),
            })
            .collect()
    }

    /// [`Self::features`] as a GeoJSON FeatureCollection. The whole map (no filter) is written
    /// once and kept until it changes.
    pub fn geojson(&self, filter: &MapFilter, now: DateTime<Utc>) -> Bytes {
        if *filter == MapFilter::default() {
            self.whole.at(now, || self.features(filter, now))
        } else {
            Bytes::from(to_geojson(&self.features(filter, now)))
        }
    }

    /// [`Self::geojson`] compressed with gzip, for the whole map (no filter) only, kept as the
    /// plain one is; `None` for a filtered selection, and while a large map is being compressed
    /// (send [`Self::geojson`] then).
    pub fn geojson_gzip(&self, filter: &MapFilter, now: DateTime<Utc>) -> Option<Bytes> {
        let whole = *filter == MapFilter::default();
        whole
            .then(|| self.whole.gzip_at(now, || self.features(filter, now)))
            .flatten()
    }

    /// How many initiatives are on the map.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the map shows of a stored state: from the state if it was parsed, or else read from its
/// JSON, skipping the rest.
fn outline_of(stored: &Stored<Initiative>) -> Result<InitiativeOutline, String> {
    match (stored.parsed(), stored.json()) {
        (Some(initiative), _) => Ok(initiative.outline()),
        (None, Some(json)) => serde_json::from_slice(json).map_err(|e| e.to_string()),
        (None, None) => Err("a stored value was neither kept nor read".into()),
    }
}

/// The searchable texts of a stored state, parsed now if need be. A state read back from a
/// snapshot whose outline was readable but whose whole is not (a damaged snapshot) is found by
/// no text and said in the log: the entry stays on the map as its outline shows it.
fn texts_of_stored(id: InitiativeId, stored: &Stored<Initiative>) -> [&str; 3] {
    match stored.get() {
        Ok(initiative) => searchable_texts(initiative),
        Err(reason) => {
            tracing::warn!(%id, %reason, "an initiative's state on the map is unreadable");
            ["", "", ""]
        }
    }
}
