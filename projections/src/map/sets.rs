//! The two set types of the map's indexes: posting lists (which slots have a value) and bit sets
//! (which slots a query keeps so far).

/// Slots in ascending order, without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Postings(Vec<u32>);

impl Postings {
    pub fn insert(&mut self, slot: u32) {
        if let Err(at) = self.0.binary_search(&slot) {
            self.0.insert(at, slot);
        }
    }

    pub fn remove(&mut self, slot: u32) {
        if let Ok(at) = self.0.binary_search(&slot) {
            self.0.remove(at);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn slots(&self) -> &[u32] {
        &self.0
    }
}

/// A set of slots as one bit each: unions and intersections of whole index entries cost a few
/// microseconds even with 100,000 initiatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bits(Vec<u64>);

impl Bits {
    /// An empty set able to hold slots `0..slots`.
    pub fn new(slots: usize) -> Self {
        Self(vec![0; slots.div_ceil(64)])
    }

    pub fn insert(&mut self, slot: u32) {
        let slot = slot as usize;
        self.0[slot / 64] |= 1 << (slot % 64);
    }

    pub fn insert_all(&mut self, postings: &Postings) {
        for &slot in postings.slots() {
            self.insert(slot);
        }
    }

    pub fn contains(&self, slot: u32) -> bool {
        let slot = slot as usize;
        self.0
            .get(slot / 64)
            .is_some_and(|word| word & (1 << (slot % 64)) != 0)
    }

    pub fn intersect(&mut self, other: &Bits) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine &= theirs;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|word| *word == 0)
    }

    /// The slots in the set, ascending.
    pub fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                // At most u32::MAX slots exist, so the index fits.
                Some((i * 64) as u32 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_stay_sorted_and_unique() {
        let mut postings = Postings::default();
        for slot in [5, 1, 9, 5, 3] {
            postings.insert(slot);
        }
        assert_eq!(postings.slots(), [1, 3, 5, 9]);
        postings.remove(5);
        postings.remove(7);
        assert_eq!(postings.slots(), [1, 3, 9]);
        assert!(!postings.is_empty());
    }

    #[test]
    fn bits_hold_intersect_and_list_slots() {
        let mut a = Bits::new(200);
        let mut b = Bits::new(200);
        for slot in [0, 63, 64, 130, 199] {
            a.insert(slot);
        }
        for slot in [63, 130, 150] {
            b.insert(slot);
        }
        assert_eq!(a.slots().collect::<Vec<_>>(), [0, 63, 64, 130, 199]);
        assert!(a.contains(199) && !a.contains(198) && !a.contains(1_000));
        a.intersect(&b);
        assert_eq!(a.slots().collect::<Vec<_>>(), [63, 130]);
        a.intersect(&Bits::new(200));
        assert!(a.is_empty());
    }
}
