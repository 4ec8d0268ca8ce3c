//! The map's indexes. They are derived from the folded initiatives (never stored in a
//! snapshot) and kept current event by event; the search index and the posting lists may wait
//! for their first query (see [`super::words`] and [`super::lists`]).
//!
//! Each initiative on the map has a slot, a small integer. Per slot there is a compact record of
//! the facets filters test (dense, so a scan of 100,000 stays within a fraction of a millisecond)
//! and the entry with its GeoJSON. Posting lists map a country, a sector, a one-degree grid cell
//! and every word of the searchable texts to slots; a query intersects the lists that apply as
//! bit sets, checks the remaining facets of what is left, and returns slots in id order.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use domain::initiative::{Initiative, InitiativeEvent};
use domain::values::{CountryCode, InitiativeId, InitiativeKind, MaturityStage, Sector};

use super::entry::MapEntry;
use super::filter::{BoundingBox, MapFilter};
use super::lists::FacetLists;
use super::sets::{Bits, Postings};
use super::words::WordIndex;

/// A one-degree grid cell: the floors of longitude and latitude.
pub(super) type Cell = (i16, i16);

/// Above this many cells a box is no narrower than a scan of the facets, which it leaves to.
const MAX_GRID_CELLS: usize = 4_096;

/// Sectors are kept as bits of one word.
const _: () = assert!(Sector::ALL.len() <= 64);

#[derive(Debug, Clone)]
pub(super) struct MapIndex {
    facets: Vec<Option<Facets>>,
    entries: Vec<Option<MapEntry>>,
    free: Vec<u32>,
    /// Every entry's slot, in id order: the order of the answer.
    order: BTreeMap<InitiativeId, u32>,
    /// `order`'s slots as a plain list, made by the first query after a change: walking it is
    /// several times faster than walking the tree, and entries come and go far less often than
    /// the map is read.
    slots_in_order: OnceLock<Vec<u32>>,
    /// Set from the start and kept current, or, in a restored model, built when it is restored
    /// to serve ([`Self::build_all`]) or by the first query that filters by country, sector
    /// or box.
    lists: OnceLock<FacetLists>,
    /// Set from the start and kept current, or, in a model restored for one read, built by the
    /// first query with text.
    words: OnceLock<WordIndex>,
}

impl Default for MapIndex {
    /// An empty index that keeps its posting lists and search index current from the first
    /// event.
    fn default() -> Self {
        Self {
            lists: OnceLock::from(FacetLists::default()),
            words: OnceLock::from(WordIndex::default()),
            ..Self::on_demand()
        }
    }
}

/// What a filter tests, in a few dozen bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Facets {
    id: InitiativeId,
    lon: f64,
    lat: f64,
    pub(super) country: CountryCode,
    kind: InitiativeKind,
    maturity: MaturityStage,
    pub(super) sectors: u64,
    confirmation_due: Option<DateTime<Utc>>,
}

fn sector_bit(sector: Sector) -> u64 {
    let position = Sector::ALL.iter().position(|s| *s == sector).unwrap_or(0);
    1 << position
}

fn sector_bits(sectors: impl IntoIterator<Item = Sector>) -> u64 {
    sectors.into_iter().fold(0, |bits, s| bits | sector_bit(s))
}

fn cell_of(lon: f64, lat: f64) -> Cell {
    // Coordinates are within ±180 and ±90, so the floors fit.
    (lon.floor() as i16, lat.floor() as i16)
}

impl Facets {
    fn of(entry: &MapEntry) -> Self {
        Self {
            id: entry.id,
            lon: entry.location.lon(),
            lat: entry.location.lat(),
            country: entry.country,
            kind: entry.kind,
            maturity: entry.maturity,
            sectors: sector_bits(entry.sectors.iter().copied()),
            confirmation_due: entry.confirmation_due,
        }
    }

    pub(super) fn cell(&self) -> Cell {
        cell_of(self.lon, self.lat)
    }

    fn matches(&self, filter: &MapFilter, sectors: u64, now: DateTime<Utc>) -> bool {
        (filter.countries.is_empty() || filter.countries.contains(&self.country))
            && (sectors == 0 || self.sectors & sectors != 0)
            && (filter.kinds.is_empty() || filter.kinds.contains(&self.kind))
            && (filter.maturities.is_empty() || filter.maturities.contains(&self.maturity))
            && filter.stale.is_none_or(|stale| {
                // As `MapEntry::is_stale`, from the copy of the due date kept here.
                stale == self.confirmation_due.is_some_and(|due| now >= due)
            })
            && filter
                .bbox
                .is_none_or(|bbox| bbox.contains(self.lon, self.lat))
    }
}

/// Name, description and region, which search reads.
pub(super) fn searchable_texts(initiative: &Initiative) -> [&str; 3] {
    edited_texts(initiative, &[])
}

/// [`searchable_texts`] of `initiative` once `edits` (profile edits, in order) are applied to it,
/// as [`domain::initiative::ProfileChanges::apply_to`] applies them: a field an edit holds
/// replaces the one before, and an initiative without a profile keeps none.
pub(super) fn edited_texts<'a>(
    initiative: &'a Initiative,
    edits: &'a [InitiativeEvent],
) -> [&'a str; 3] {
    let Some(profile) = initiative.profile() else {
        return ["", "", ""];
    };
    let mut texts = [
        profile.name.as_str(),
        profile.description.as_str(),
        profile.region.as_str(),
    ];
    for edit in edits {
        if let InitiativeEvent::ProfileUpdated { changes, .. } = edit {
            let edited = [
                changes.name.as_ref().map(|name| name.as_str()),
                changes.description.as_ref().map(|text| text.as_str()),
                changes.region.as_ref().map(|region| region.as_str()),
            ];
            for (text, edited) in texts.iter_mut().zip(edited) {
                *text = edited.unwrap_or(text);
            }
        }
    }
    texts
}

impl MapIndex {
    /// An empty index whose posting lists and search index are built by the first query that
    /// needs them (see [`Self::lists`] and [`Self::words`]), not kept current before.
    fn on_demand() -> Self {
        Self {
            facets: Vec::new(),
            entries: Vec::new(),
            free: Vec::new(),
            order: BTreeMap::new(),
            slots_in_order: OnceLock::new(),
            lists: OnceLock::new(),
            words: OnceLock::new(),
        }
    }

    /// An index of `entries` (distinct initiatives, in id order), its posting lists and search
    /// index built on demand: what a restored model starts from. One pass over them, where
    /// placing them one by one searched the id tree for each (60 ms of an as-of read at 100,000
    /// initiatives).
    pub fn of_entries(entries: Vec<MapEntry>) -> Self {
        let mut index = Self::on_demand();
        // Already in id order: the tree is built in bulk, without a search.
        index.order = entries
            .iter()
            .zip(0..)
            .map(|(e, slot)| (e.id, slot))
            .collect();
        index.facets = entries.iter().map(|e| Some(Facets::of(e))).collect();
        index.entries = entries.into_iter().map(Some).collect();
        index
    }

    /// Builds the posting lists and the search index now (the latter from `texts_of` every
    /// entry's id), where they were left for the first query, and writes every entry's GeoJSON
    /// on every core; from then on they are kept current. What a model restored to serve does,
    /// so that no query waits for them, and no event waits behind such a query.
    pub fn build_all<'a>(&self, texts_of: impl Fn(InitiativeId) -> [&'a str; 3]) {
        self.lists();
        self.words(texts_of);
        crate::parts::on_every_core(&self.entries, |entry| {
            entry.as_ref().map(|entry| entry.feature_head().len())
        });
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether `id` is on the map.
    pub fn shows(&self, id: InitiativeId) -> bool {
        self.order.contains_key(&id)
    }

    pub fn entry(&self, slot: u32) -> Option<&MapEntry> {
        self.entries.get(slot as usize)?.as_ref()
    }

    /// Shows `initiative` as it now is: added, changed, or taken off if it is not approved.
    pub fn upsert(&mut self, id: InitiativeId, initiative: &Initiative) {
        match MapEntry::of(id, initiative.outline()) {
            Some(entry) => self.place(entry, || searchable_texts(initiative)),
            None => self.remove(id),
        }
    }

    /// Shows `entry`, added or changed; `texts` are its initiative's searchable texts, asked
    /// for only by a search index kept current.
    pub fn place<'a>(&mut self, entry: MapEntry, texts: impl FnOnce() -> [&'a str; 3]) {
        let id = entry.id;
        let slot = match self.order.get(&id) {
            Some(slot) => *slot,
            None => {
                let slot = self.allocate();
                self.order.insert(id, slot);
                self.slots_in_order.take();
                slot
            }
        };
        let facets = Facets::of(&entry);
        let old_facets = self.facets[slot as usize].replace(facets);
        self.reindex_facets(slot, old_facets.as_ref(), Some(&facets));
        self.entries[slot as usize] = Some(entry);
        if let Some(words) = self.words.get_mut() {
            words.upsert(slot, texts());
        }
    }

    /// Takes the initiative off the map, if it is on it.
    pub fn remove(&mut self, id: InitiativeId) {
        let Some(slot) = self.order.remove(&id) else {
            return;
        };
        self.slots_in_order.take();
        let old_facets = self.facets[slot as usize].take();
        self.reindex_facets(slot, old_facets.as_ref(), None);
        self.entries[slot as usize] = None;
        if let Some(words) = self.words.get_mut() {
            words.remove(slot);
        }
        self.free.push(slot);
    }

    fn allocate(&mut self) -> u32 {
        if let Some(slot) = self.free.pop() {
            return slot;
        }
        self.facets.push(None);
        self.entries.push(None);
        // The map holds far fewer than u32::MAX initiatives.
        (self.facets.len() - 1) as u32
    }

    /// Moves `slot` in the posting lists from `old` facets to `new` ones, if they are kept.
    fn reindex_facets(&mut self, slot: u32, old: Option<&Facets>, new: Option<&Facets>) {
        if let Some(lists) = self.lists.get_mut() {
            lists.reindex(slot, old, new);
        }
    }

    /// The posting lists, built first from every slot's facets if this index was made with them
    /// [on demand](Self::on_demand) and no query has built them yet.
    fn lists(&self) -> &FacetLists {
        self.lists.get_or_init(|| FacetLists::of(&self.facets))
    }

    /// The search index, built first from `texts_of` every entry's id if this index was made
    /// [on demand](Self::on_demand) and no query has built it yet.
    fn words<'a>(&self, texts_of: impl Fn(InitiativeId) -> [&'a str; 3]) -> &WordIndex {
        self.words.get_or_init(|| {
            let mut words = WordIndex::default();
            for (id, slot) in &self.order {
                words.upsert(*slot, texts_of(*id));
            }
            words
        })
    }

    /// The slots of the entries `filter` keeps at `now`, in id order. `texts_of` gives an
    /// entry's searchable texts, for a search index not built yet.
    pub fn select<'a>(
        &self,
        filter: &MapFilter,
        now: DateTime<Utc>,
        texts_of: impl Fn(InitiativeId) -> [&'a str; 3],
    ) -> Vec<u32> {
        let slots = self.facets.len();
        let mut narrowed: Option<Bits> = None;
        let mut narrow = |bits: Bits| match narrowed.as_mut() {
            Some(so_far) => so_far.intersect(&bits),
            None => narrowed = Some(bits),
        };
        if !filter.countries.is_empty() {
            narrow(union(
                slots,
                filter
                    .countries
                    .iter()
                    .filter_map(|c| self.lists().country(c)),
            ));
        }
        if !filter.sectors.is_empty() {
            narrow(union(
                slots,
                filter.sectors.iter().filter_map(|s| self.lists().sector(s)),
            ));
        }
        if let Some(bbox) = &filter.bbox {
            if let Some(cells) = cells_of(bbox) {
                narrow(union(
                    slots,
                    cells.filter_map(|cell| self.lists().cell(&cell)),
                ));
            }
        }
        if let Some(query) = &filter.text {
            let words = self.words(texts_of);
            for word in query.words() {
                narrow(union(slots, words.containing(word).into_iter()));
            }
        }
        // The lists are exact for country, sector and text; the grid is coarser than the box,
        // and kind, maturity and staleness have no list: the facets settle each slot.
        let sectors = sector_bits(filter.sectors.iter().copied());
        let keeps = |slot: &u32| {
            self.facets[*slot as usize]
                .as_ref()
                .is_some_and(|facets| facets.matches(filter, sectors, now))
        };
        let kept: Vec<u32> = match narrowed {
            Some(bits) if bits.is_empty() => Vec::new(),
            Some(bits) => bits.slots().filter(keeps).collect(),
            None => (0..slots as u32).filter(keeps).collect(),
        };
        self.in_id_order(kept)
    }

    fn in_id_order(&self, mut kept: Vec<u32>) -> Vec<u32> {
        // Few: sort them. Many: walk the id order once and keep what was kept.
        if kept.len() * 8 < self.order.len() {
            kept.sort_unstable_by_key(|slot| self.facets[*slot as usize].map(|f| f.id));
            return kept;
        }
        let mut keep = Bits::new(self.facets.len());
        for slot in &kept {
            keep.insert(*slot);
        }
        self.slots_in_order
            .get_or_init(|| self.order.values().copied().collect())
            .iter()
            .copied()
            .filter(|slot| keep.contains(*slot))
            .collect()
    }

    /// Whether the posting lists are built (or kept from the start).
    #[cfg(test)]
    pub fn has_lists(&self) -> bool {
        self.lists.get().is_some()
    }

    /// How many distinct words the searchable texts hold; `None` while the search index is
    /// not built.
    #[cfg(test)]
    pub fn vocabulary_len(&self) -> Option<usize> {
        self.words.get().map(WordIndex::len)
    }
}

fn union<'a>(slots: usize, lists: impl Iterator<Item = &'a Postings>) -> Bits {
    let mut bits = Bits::new(slots);
    for postings in lists {
        bits.insert_all(postings);
    }
    bits
}

/// The grid cells `bbox` touches, unless there are too many to be worth looking up.
fn cells_of(bbox: &BoundingBox) -> Option<impl Iterator<Item = Cell>> {
    let (west, south) = cell_of(bbox.min_lon(), bbox.min_lat());
    let (east, north) = cell_of(bbox.max_lon(), bbox.max_lat());
    let count = (east - west + 1) as usize * (north - south + 1) as usize;
    (count <= MAX_GRID_CELLS)
        .then(|| (west..=east).flat_map(move |lon| (south..=north).map(move |lat| (lon, lat))))
}
