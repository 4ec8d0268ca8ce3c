//! The map's search index: the words of each initiative's name, description and region, by
//! slot, over a [`Vocabulary`] of every distinct word.
//!
//! Cutting 100,000 initiatives' texts into words and looking each word up is most of the cost of
//! rebuilding the map's indexes, and only a query with text reads the result. So a model
//! restored for one read (an as-of page, the history keeper) leaves this index unbuilt until such
//! a query asks for it ([`super::index::MapIndex::words`]); a model that serves queries keeps it
//! current event by event.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::sets::Postings;
use super::text;
use super::vocabulary::Vocabulary;

#[derive(Debug, Clone, Default)]
pub(super) struct WordIndex {
    vocabulary: Vocabulary,
    /// Indexed by slot.
    by_slot: Vec<Option<SlotWords>>,
}

#[derive(Debug, Clone)]
struct SlotWords {
    /// The vocabulary ids of the words of the slot's texts, sorted.
    ids: Vec<u32>,
    /// A digest of those texts: unchanged texts are not cut into words again.
    digest: u64,
}

fn digest(texts: &[&str; 3]) -> u64 {
    let mut hasher = DefaultHasher::new();
    texts.hash(&mut hasher);
    hasher.finish()
}

impl WordIndex {
    /// Gives `slot` the words of `texts` (name, description, region).
    pub fn upsert(&mut self, slot: u32, texts: [&str; 3]) {
        let at = slot as usize;
        if self.by_slot.len() <= at {
            self.by_slot.resize(at + 1, None);
        }
        let digest = digest(&texts);
        let old_ids = match self.by_slot[at].take() {
            Some(old) if old.digest == digest => {
                self.by_slot[at] = Some(old);
                return;
            }
            old => old.map(|old| old.ids).unwrap_or_default(),
        };
        let folded = text::fold(&texts.join(" "));
        let ids = self.vocabulary.ids_of(text::words(&folded));
        self.reindex(slot, &old_ids, &ids);
        self.by_slot[at] = Some(SlotWords { ids, digest });
    }

    /// Forgets the words of `slot`.
    pub fn remove(&mut self, slot: u32) {
        if let Some(old) = self.by_slot.get_mut(slot as usize).and_then(Option::take) {
            self.reindex(slot, &old.ids, &[]);
        }
    }

    /// The postings of every word that contains `fragment`.
    pub fn containing<'a>(&'a self, fragment: &'a str) -> Vec<&'a Postings> {
        self.vocabulary.containing(fragment)
    }

    /// Moves `slot` from the words `old` to the words `new` (both sorted).
    fn reindex(&mut self, slot: u32, old: &[u32], new: &[u32]) {
        for id in new {
            if old.binary_search(id).is_err() {
                self.vocabulary.add(*id, slot);
            }
        }
        for id in old {
            if new.binary_search(id).is_err() {
                self.vocabulary.remove(*id, slot);
            }
        }
    }

    /// How many distinct words the searchable texts hold.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.vocabulary.len()
    }
}
