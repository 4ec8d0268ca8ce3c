//! The two small structures every query uses: a bit set of initiative slots, and a bounded
//! heap that keeps the best results seen so far.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::score::Points;

/// A set of slots, one bit each: marking 100,000 initiatives costs 12.5 kB.
#[derive(Default)]
pub(super) struct BitSet(Vec<u64>);

impl BitSet {
    pub fn new(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)])
    }

    /// Adds `slot`; false if it was there already.
    pub fn insert(&mut self, slot: u32) -> bool {
        let (word, bit) = (slot as usize / 64, 1u64 << (slot % 64));
        match self.0.get_mut(word) {
            Some(bits) if *bits & bit == 0 => {
                *bits |= bit;
                true
            }
            _ => false,
        }
    }

    pub fn contains(&self, slot: u32) -> bool {
        self.0
            .get(slot as usize / 64)
            .is_some_and(|bits| bits & 1u64 << (slot % 64) != 0)
    }
}

/// The best `limit` keys by points (more is better; ties go to the smaller key).
pub(super) struct TopN<K: Ord> {
    limit: usize,
    /// The worst kept result on top, to be pushed out by a better one.
    kept: BinaryHeap<Reverse<(Points, Reverse<K>)>>,
}

impl<K: Ord + Copy> TopN<K> {
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            kept: BinaryHeap::with_capacity(limit.saturating_add(1).min(1024)),
        }
    }

    pub fn offer(&mut self, points: Points, key: K) {
        let ranked = (points, Reverse(key));
        if self.kept.len() < self.limit {
            self.kept.push(Reverse(ranked));
        } else if self
            .kept
            .peek()
            .is_some_and(|Reverse(worst)| ranked > *worst)
        {
            self.kept.pop();
            self.kept.push(Reverse(ranked));
        }
    }

    /// Best first.
    pub fn best(self) -> Vec<(Points, K)> {
        // `into_sorted_vec` sorts ascending by `Reverse`, i.e. best first.
        self.kept
            .into_sorted_vec()
            .into_iter()
            .map(|Reverse((points, Reverse(key)))| (points, key))
            .collect()
    }
}
