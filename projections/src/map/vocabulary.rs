//! Every word of the map's searchable texts, with the slots whose texts hold it: a query word is
//! looked for among the distinct words once, instead of inside every initiative's texts.
//!
//! To find the words that contain a query word without reading all of them, the words are
//! indexed by their byte trigrams: a word contains "paulo" only if it holds each of "pau",
//! "aul" and "ulo", so the shortest of those lists gives the few candidates to check. (Byte
//! substrings of UTF-8 are character substrings, so bytes are enough.) Query words shorter than
//! three bytes match so many words that reading them all is as fast.

use std::collections::HashMap;

use super::sets::Postings;

#[derive(Debug, Clone, Default)]
pub(super) struct Vocabulary {
    /// Indexed by word id; a freed id has an empty word and no postings until it is reused.
    words: Vec<Word>,
    ids: HashMap<Box<str>, u32>,
    free: Vec<u32>,
    /// The ids of the words holding each byte trigram, sorted.
    by_trigram: HashMap<Trigram, Vec<u32>>,
}

type Trigram = [u8; 3];

/// The distinct trigrams of `word`, sorted.
fn trigrams(word: &str) -> Vec<Trigram> {
    let mut grams: Vec<Trigram> = word
        .as_bytes()
        .windows(3)
        .map(|w| [w[0], w[1], w[2]])
        .collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

#[derive(Debug, Clone, Default)]
struct Word {
    text: Box<str>,
    postings: Postings,
}

impl Vocabulary {
    /// The ids of `words` (folded), sorted and without repeats, adding the words not known yet.
    /// Callers give every returned id to [`Self::add`]: a word is forgotten only when its last
    /// slot is removed.
    pub fn ids_of<'a>(&mut self, words: impl Iterator<Item = &'a str>) -> Vec<u32> {
        let mut ids: Vec<u32> = words.map(|word| self.id_of(word)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn id_of(&mut self, word: &str) -> u32 {
        if let Some(id) = self.ids.get(word) {
            return *id;
        }
        let text: Box<str> = word.into();
        let id = match self.free.pop() {
            Some(id) => {
                self.words[id as usize].text = text.clone();
                id
            }
            None => {
                self.words.push(Word {
                    text: text.clone(),
                    postings: Postings::default(),
                });
                // Word ids are bounded by the words of at most u32::MAX slots' texts.
                (self.words.len() - 1) as u32
            }
        };
        for gram in trigrams(&text) {
            let ids = self.by_trigram.entry(gram).or_default();
            if let Err(at) = ids.binary_search(&id) {
                ids.insert(at, id);
            }
        }
        self.ids.insert(text, id);
        id
    }

    pub fn add(&mut self, id: u32, slot: u32) {
        self.words[id as usize].postings.insert(slot);
    }

    /// Takes `slot` out of word `id`; a word no slot holds any more is forgotten.
    pub fn remove(&mut self, id: u32, slot: u32) {
        let word = &mut self.words[id as usize];
        word.postings.remove(slot);
        if word.postings.is_empty() && !word.text.is_empty() {
            let text = std::mem::take(&mut word.text);
            for gram in trigrams(&text) {
                if let Some(ids) = self.by_trigram.get_mut(&gram) {
                    if let Ok(at) = ids.binary_search(&id) {
                        ids.remove(at);
                    }
                    if ids.is_empty() {
                        self.by_trigram.remove(&gram);
                    }
                }
            }
            self.ids.remove(&text);
            self.free.push(id);
        }
    }

    /// The postings of every word that contains `fragment`.
    pub fn containing<'a>(&'a self, fragment: &'a str) -> Vec<&'a Postings> {
        let holds = |word: &Word| {
            word.text.len() >= fragment.len()
                && !word.postings.is_empty()
                && word.text.contains(fragment)
        };
        let grams = trigrams(fragment);
        if grams.is_empty() {
            return self
                .words
                .iter()
                .filter(|w| holds(w))
                .map(|w| &w.postings)
                .collect();
        }
        let mut lists = Vec::with_capacity(grams.len());
        for gram in &grams {
            match self.by_trigram.get(gram) {
                Some(ids) => lists.push(ids),
                None => return Vec::new(),
            }
        }
        lists.sort_unstable_by_key(|ids| ids.len());
        let Some((shortest, others)) = lists.split_first() else {
            return Vec::new();
        };
        shortest
            .iter()
            .filter(|id| others.iter().all(|ids| ids.binary_search(id).is_ok()))
            .map(|id| &self.words[*id as usize])
            .filter(|w| holds(w))
            .map(|w| &w.postings)
            .collect()
    }

    /// How many distinct words are held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_inside_longer_words_and_forgotten_when_unused() {
        let mut vocabulary = Vocabulary::default();
        let first = vocabulary.ids_of(["electromovilidad", "litio", "litio"].into_iter());
        assert_eq!(first.len(), 2);
        for id in &first {
            vocabulary.add(*id, 7);
        }
        let second = vocabulary.ids_of(["movilidad"].into_iter());
        vocabulary.add(second[0], 9);
        let slots = |v: &Vocabulary, fragment: &str| {
            let mut slots: Vec<u32> = v
                .containing(fragment)
                .into_iter()
                .flat_map(|p| p.slots().to_vec())
                .collect();
            slots.sort_unstable();
            slots
        };
        assert_eq!(slots(&vocabulary, "movil"), [7, 9]);
        assert_eq!(slots(&vocabulary, "lit"), [7]);
        assert_eq!(vocabulary.len(), 3);
        for id in &first {
            vocabulary.remove(*id, 7);
        }
        assert_eq!(vocabulary.len(), 1);
        assert_eq!(slots(&vocabulary, "movil"), [9]);
        // A freed id is reused for a new word, and the new word is found.
        let third = vocabulary.ids_of(["cobre"].into_iter());
        assert!(first.contains(&third[0]));
        vocabulary.add(third[0], 4);
        assert_eq!(slots(&vocabulary, "cob"), [4]);
        assert_eq!(slots(&vocabulary, "litio"), Vec::<u32>::new());
        assert_eq!(slots(&vocabulary, "ob"), [4], "shorter than a trigram");
        assert_eq!(slots(&vocabulary, "mo"), [9]);
        assert_eq!(slots(&vocabulary, "xyz"), Vec::<u32>::new());
        // Trigrams all present, but not in a row.
        let fourth = vocabulary.ids_of(["abcxbcd"].into_iter());
        vocabulary.add(fourth[0], 5);
        assert_eq!(slots(&vocabulary, "abcd"), Vec::<u32>::new());
        assert_eq!(slots(&vocabulary, "bcd"), [5]);
        // Forgotten words leave no trigrams behind.
        vocabulary.remove(fourth[0], 5);
        vocabulary.remove(third[0], 4);
        vocabulary.remove(second[0], 9);
        assert!(vocabulary.by_trigram.is_empty());
    }
}
