//! The map's posting lists: which slots are in each country, each sector and each one-degree
//! grid cell. A query with a country, sector or box filter starts from them ([`super::index`]).
//!
//! A model that serves queries keeps them current from its first event or builds them when it is
//! restored; a model restored for one read (an as-of read) or for the history keeper builds them
//! only if a query filters by one of them. The whole map, which as-of reads mostly ask for, needs
//! none, and building them took about 20 ms of each as-of read of the map at 100,000 initiatives
//! (a fifth of making its index; docs/benchmarks.md, eighteenth session).

use std::collections::HashMap;
use std::hash::Hash;

use domain::values::{CountryCode, Sector};

use super::index::{Cell, Facets};
use super::sets::Postings;

#[derive(Debug, Clone, Default)]
pub(super) struct FacetLists {
    by_country: HashMap<CountryCode, Postings>,
    by_sector: HashMap<Sector, Postings>,
    by_cell: HashMap<Cell, Postings>,
}

impl FacetLists {
    /// The lists of every slot's facets (`None`: a free slot).
    pub(super) fn of(facets: &[Option<Facets>]) -> Self {
        let mut lists = Self::default();
        for (slot, facets) in (0..).zip(facets) {
            // Slots ascend, so each is appended to its lists.
            lists.reindex(slot, None, facets.as_ref());
        }
        lists
    }

    pub(super) fn country(&self, country: &CountryCode) -> Option<&Postings> {
        self.by_country.get(country)
    }

    pub(super) fn sector(&self, sector: &Sector) -> Option<&Postings> {
        self.by_sector.get(sector)
    }

    pub(super) fn cell(&self, cell: &Cell) -> Option<&Postings> {
        self.by_cell.get(cell)
    }

    /// Moves `slot` in the country, sector and cell lists from `old` facets to `new` ones.
    pub(super) fn reindex(&mut self, slot: u32, old: Option<&Facets>, new: Option<&Facets>) {
        let (old_sectors, new_sectors) =
            (old.map_or(0, |f| f.sectors), new.map_or(0, |f| f.sectors));
        let changed = old_sectors ^ new_sectors;
        for (position, sector) in Sector::ALL.iter().enumerate() {
            let bit = 1 << position;
            if changed & bit == 0 {
                continue;
            }
            if new_sectors & bit == 0 {
                unlist(&mut self.by_sector, *sector, slot);
            } else {
                self.by_sector.entry(*sector).or_default().insert(slot);
            }
        }
        move_slot(
            &mut self.by_country,
            slot,
            old.map(|f| f.country),
            new.map(|f| f.country),
        );
        move_slot(
            &mut self.by_cell,
            slot,
            old.map(Facets::cell),
            new.map(Facets::cell),
        );
    }
}

/// Moves `slot` from `old`'s list to `new`'s, if they differ.
fn move_slot<K: Hash + Eq>(
    lists: &mut HashMap<K, Postings>,
    slot: u32,
    old: Option<K>,
    new: Option<K>,
) {
    if old == new {
        return;
    }
    if let Some(old) = old {
        unlist(lists, old, slot);
    }
    if let Some(new) = new {
        lists.entry(new).or_default().insert(slot);
    }
}

/// Takes `slot` out of `key`'s list, and the list out of `lists` once it is empty.
fn unlist<K: Hash + Eq>(lists: &mut HashMap<K, Postings>, key: K, slot: u32) {
    if let Some(postings) = lists.get_mut(&key) {
        postings.remove(slot);
        if postings.is_empty() {
            lists.remove(&key);
        }
    }
}
