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
mod words;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::initiative::{Initiative, InitiativeEvent, InitiativeStatus};
use domain::values::InitiativeId;
use serde::{Deserialize, Serialize};

pub use entry::{to_geojson, MapEntry, MapFeature};
pub use filter::{BoundingBox, MapFilter, TextQuery};

use crate::{DomainEvent, Envelope, Projection, ProjectionError, Restoring};
use index::{searchable_texts, MapIndex};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct InitiativeMap {
    /// Every initiative that is on the map or may yet be, as the aggregate folds it. Retired
    /// ones are dropped: retirement is final. Written in parts, read back on every core.
    #[serde(with = "crate::parts")]
    initiatives: BTreeMap<InitiativeId, Initiative>,
    #[serde(skip)]
    index: MapIndex,
}

impl Projection for InitiativeMap {
    const NAME: &'static str = "map";
    /// 2: the initiatives in parts ([`crate::parts`]).
    const SNAPSHOT_VERSION: i32 = 2;

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        let DomainEvent::Initiative(id, payload) = event.event()? else {
            return Ok(());
        };
        let initiative = self.initiatives.entry(*id).or_default();
        initiative.apply(payload.clone());
        if !may_change_entry(payload) {
            return Ok(());
        }
        if initiative.status() == InitiativeStatus::Retired {
            self.initiatives.remove(id);
            self.index.remove(*id);
        } else {
            self.index.upsert(*id, initiative);
        }
        Ok(())
    }

    fn restored(&mut self, restoring: Restoring) {
        let mut index = match restoring {
            Restoring::ToServe => MapIndex::default(),
            Restoring::ForOneRead => MapIndex::with_search_on_demand(),
        };
        // The entries, each with its GeoJSON written, are made on every core; placing them in
        // the index is sequential.
        let initiatives: Vec<(&InitiativeId, &Initiative)> = self.initiatives.iter().collect();
        let entries = crate::parts::on_every_core(&initiatives, |(id, initiative)| {
            MapEntry::of(**id, initiative).map(|entry| (entry, *initiative))
        });
        for (entry, initiative) in entries.into_iter().flatten() {
            index.place(entry, initiative);
        }
        self.index = index;
    }
}

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
    /// The initiatives `filter` keeps, as seen at `now` (which decides staleness), in id order.
    pub fn features(&self, filter: &MapFilter, now: DateTime<Utc>) -> Vec<MapFeature<'_>> {
        let texts_of = |id| {
            self.initiatives
                .get(&id)
                .map_or(["", "", ""], searchable_texts)
        };
        self.index
            .select(filter, now, texts_of)
            .into_iter()
            .filter_map(|slot| self.index.entry(slot))
            .map(|entry| MapFeature {
                entry,
                stale: entry.is_stale(now),
            })
            .collect()
    }

    /// [`Self::features`] as a GeoJSON FeatureCollection.
    pub fn geojson(&self, filter: &MapFilter, now: DateTime<Utc>) -> String {
        to_geojson(&self.features(filter, now))
    }

    /// How many initiatives are on the map.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
