//! The map of approved initiatives (GeoJSON), with its filters and search.
//!
//! The projection folds every initiative stream with the aggregate itself (so the map shows
//! exactly what the domain says an initiative is) and keeps, beside that state, indexes for the
//! queries: see [`index`]. Only the folded states are the snapshot; the indexes are rebuilt from
//! them on restore. Staleness depends on the time of the query, so it is computed then.

mod entry;
mod filter;
mod index;
mod lists;
mod sets;
pub(crate) mod text;
mod vocabulary;
mod whole;
mod words;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
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
use index::{edited_texts, MapIndex};
use whole::WholeMap;

/// Serialised (what verification compares, [`Projection::write_state`]) with the profile edits put
/// off applied: see [`InitiativeMap::states`].
#[derive(Debug, Default, Clone, Deserialize)]
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
    /// In a model restored for one read: the profile edits of initiatives whose state was not
    /// parsed, in order ([`InitiativeOutline::folds`]). Their entries are made from the outline
    /// the edits leave, and a state is parsed, and its edits applied, only when a later event
    /// needs it: an as-of read of the map at 100,000 initiatives spent most of its fold parsing
    /// the whole states that tens of thousands of profile edits touched.
    #[serde(skip)]
    put_off: BTreeMap<InitiativeId, Vec<InitiativeEvent>>,
    /// In a model restored for one read: the outlines read beside the states, whose entries
    /// the edits put off are folded into.
    #[serde(skip)]
    read_outlines: ReadOutlines,
    /// Whether profile edits are put off ([`Restoring::ForOneRead`]); never in a model whose
    /// states are written again ([`Restoring::ToKeepHistory`]).
    #[serde(skip)]
    puts_off_edits: bool,
}

impl Projection for InitiativeMap {
    const NAME: &'static str = "map";
    /// 2: the initiatives in parts; 3: in lines; 4: in lines of keys and lines of values
    /// ([`crate::parts`]).
    const SNAPSHOT_VERSION: i32 = 4;

    fn prepare(&mut self, events: &[Envelope]) {
        if self.unparsed_states {
            let puts_off_edits = self.puts_off_edits;
            crate::stored::parse_ahead(&self.initiatives, events, |event| {
                match event.event() {
                    // Put off, not applied to the state ([`Self::apply`]).
                    Ok(DomainEvent::Initiative(_, payload))
                        if puts_off_edits && InitiativeOutline::folds(payload) =>
                    {
                        None
                    }
                    _ => event.initiative(),
                }
            });
        }
    }

    /// Each state with its outline beside it, so that a model restored for one read makes its
    /// entries without reading a state.
    fn write_state(&self) -> Result<Vec<u8>, String> {
        crate::parts::write(&(), self.states()?.as_ref(), outline_of)
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
        if self.puts_off_edits && InitiativeOutline::folds(payload) {
            let unparsed = self.initiatives.get(id).is_some_and(|s| !s.is_parsed());
            if let (true, Some(unsettled)) = (unparsed, &mut self.unsettled) {
                self.put_off.entry(*id).or_default().push(payload.clone());
                unsettled.insert(*id);
                return Ok(());
            }
        }
        let initiative = crate::stored::entry_mut(&mut self.initiatives, *id, "the map")?;
        // The edits put off came before this event: the state is the one they leave.
        for edit in self.put_off.remove(id).into_iter().flatten() {
            initiative.apply(edit);
        }
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
        let changed: Vec<ChangedInitiative<'_>> = unsettled
            .into_iter()
            .map(|id| (id, self.initiatives.get(&id), self.put_off.get(&id)))
            .collect();
        let read_outlines = &self.read_outlines;
        let entries = crate::parts::on_every_core(&changed, |(id, stored, put_off)| {
            let outline = match put_off {
                // The outline read with the state, with the edits put off folded in.
                Some(edits) => {
                    let mut outline = match read_outlines.get(*id) {
                        Some(outline) => outline.clone(),
                        None => outline_of((*stored)?).ok()?,
                    };
                    edits.iter().for_each(|edit| {
                        outline.apply(edit);
                    });
                    outline
                }
                // Applying the events parsed every other state they changed (or stopped the
                // projection).
                None => (*stored)?.get().ok()?.outline(),
            };
            MapEntry::of(*id, outline)
        });
        for ((id, stored, put_off), entry) in changed.iter().zip(entries) {
            match (entry, stored) {
                (Some(entry), Some(stored)) => {
                    self.index.place(entry, || {
                        texts_of_stored(*id, stored, put_off.map(Vec::as_slice))
                    });
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
            Restoring::ForOneRead => {
                self.unsettled = Some(BTreeSet::new());
                self.puts_off_edits = true;
            }
            Restoring::ToKeepHistory => self.unsettled = Some(BTreeSet::new()),
        }
        // The entries, each with its GeoJSON written, are made on every core, from the outline
        // of each state not parsed (the one read beside it, or else read from its JSON).
        let outlines = self
            .outlines
            .take()
            .filter(|outlines| outlines.len() == self.initiatives.len())
            .unwrap_or_default();
        let initiatives: Vec<RestoredInitiative<'_>> = self
            .initiatives
            .iter()
            .enumerate()
            .map(|(n, (id, stored))| (id, stored, outlines.get(n)))
            .collect();
        let entries = crate::parts::on_every_core(&initiatives, |(id, stored, outline)| {
            let outline = match (stored.parsed(), outline) {
                (None, Some(outline)) => (*outline).clone(),
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
        if restoring == Restoring::ForOneRead {
            let ids = self.initiatives.keys().copied().collect();
            self.read_outlines = ReadOutlines { ids, outlines };
        }
        if restoring == Restoring::ToServe {
            self.index.build_all(self.texts_of());
        }
        Ok(())
    }
}

/// An initiative an event changed since the model was restored for one read: its id, its
/// state (none once retired), and the profile edits put off, if any.
type ChangedInitiative<'a> = (
    InitiativeId,
    Option<&'a Stored<Initiative>>,
    Option<&'a Vec<InitiativeEvent>>,
);

/// An initiative as restored: its id, its state, and the outline read beside it, if any.
type RestoredInitiative<'a> = (
    &'a InitiativeId,
    &'a Stored<Initiative>,
    Option<&'a InitiativeOutline>,
);

/// The outlines a snapshot held beside its states, found by id: an outline is its state's as
/// long as no event but a profile edit (put off) changed the state.
#[derive(Debug, Default, Clone)]
struct ReadOutlines {
    /// The states' ids, in order.
    ids: Vec<InitiativeId>,
    outlines: Vec<InitiativeOutline>,
}

impl ReadOutlines {
    fn get(&self, id: InitiativeId) -> Option<&InitiativeOutline> {
        self.outlines.get(self.ids.binary_search(&id).ok()?)
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

impl Serialize for InitiativeMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename = "InitiativeMap")]
        struct Written<'a> {
            initiatives: &'a BTreeMap<InitiativeId, Stored<Initiative>>,
        }
        let states = self.states().map_err(serde::ser::Error::custom)?;
        Written {
            initiatives: &states,
        }
        .serialize(serializer)
    }
}

impl InitiativeMap {
    /// Every initiative's state, with the profile edits put off applied (to copies): what the
    /// model is, written or compared. Only a model restored for one read puts edits off, and
    /// the engine never saves one.
    fn states(&self) -> Result<Cow<'_, BTreeMap<InitiativeId, Stored<Initiative>>>, String> {
        if self.put_off.is_empty() {
            return Ok(Cow::Borrowed(&self.initiatives));
        }
        let mut initiatives = self.initiatives.clone();
        for (id, edits) in &self.put_off {
            let initiative =
                crate::stored::entry_mut(&mut initiatives, *id, "the map").map_err(|e| e.0)?;
            edits.iter().for_each(|edit| initiative.apply(edit.clone()));
        }
        Ok(Cow::Owned(initiatives))
    }

    /// An initiative's searchable texts, found by its id.
    fn texts_of<'a>(&'a self) -> impl Fn(InitiativeId) -> [&'a str; 3] + 'a {
        |id| {
            self.initiatives.get(&id).map_or(["", "", ""], |stored| {
                texts_of_stored(id, stored, self.put_off.get(&id).map(Vec::as_slice))
            })
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

/// The searchable texts of a stored state, parsed now if need be, as the profile edits put off
/// for it leave them. A state read back from a snapshot whose outline was readable but whose
/// whole is not (a damaged snapshot) is found by no text and said in the log: the entry stays
/// on the map as its outline shows it.
fn texts_of_stored<'a>(
    id: InitiativeId,
    stored: &'a Stored<Initiative>,
    put_off: Option<&'a [InitiativeEvent]>,
) -> [&'a str; 3] {
    match stored.get() {
        Ok(initiative) => edited_texts(initiative, put_off.unwrap_or_default()),
        Err(reason) => {
            tracing::warn!(%id, %reason, "an initiative's state on the map is unreadable");
            ["", "", ""]
        }
    }
}
