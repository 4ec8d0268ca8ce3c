//! A large map serialised in parts, so that reading it back uses every core (`#[serde(with =
//! "crate::parts")]` on a `BTreeMap` field).
//!
//! A snapshot is one JSON document, and serde_json reads a document on one thread: at 100,000
//! initiatives the map's states took about 600 ms to read back, most of an as-of read. Written
//! as an array of objects of at most [`PART`] entries each, the parts are first taken as raw
//! JSON (a scan that builds no values), then parsed side by side on as many threads as there are
//! cores, and joined in key order. Snapshots are JSON ([`crate::Projection`]): the raw parts need
//! serde_json's deserialiser.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// Entries per part: small enough for the parts to spread evenly over the threads, large enough
/// that a part costs far more to parse than to hand to a thread.
pub const PART: usize = 4_096;

/// Writes `map` as an array of JSON objects of at most [`PART`] entries, in key order.
pub fn serialize<K, V, S>(map: &BTreeMap<K, V>, serializer: S) -> Result<S::Ok, S::Error>
where
    K: Serialize,
    V: Serialize,
    S: Serializer,
{
    let entries: Vec<(&K, &V)> = map.iter().collect();
    serializer.collect_seq(entries.chunks(PART).map(Part))
}

struct Part<'a, K, V>(&'a [(&'a K, &'a V)]);

impl<K: Serialize, V: Serialize> Serialize for Part<'_, K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().copied())
    }
}

/// Reads what [`serialize`] wrote, parsing the parts on every core.
pub fn deserialize<'de, K, V, D>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
where
    K: DeserializeOwned + Ord + Send,
    V: DeserializeOwned + Send,
    D: Deserializer<'de>,
{
    let parts: Vec<Box<RawValue>> = Vec::deserialize(deserializer)?;
    let read = on_every_core(&parts, |part| {
        serde_json::from_str::<Entries<K, V>>(part.get()).map_err(|e| e.to_string())
    });
    let mut joined = Vec::with_capacity(parts.len() * PART);
    for entries in read {
        joined.extend(entries.map_err(D::Error::custom)?.0);
    }
    // Parts come in key order, so this is a bulk build, not a sort.
    Ok(joined.into_iter().collect())
}

/// One part's entries, in the order written: the values are moved once more, into the map, and
/// no map is built per part.
struct Entries<K, V>(Vec<(K, V)>);

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Entries<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Part<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Part<K, V> {
            type Value = Entries<K, V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a part of a map: an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(PART));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Part(PhantomData))
    }
}

/// `f` of each of `items`, in order, worked out on as many threads as there are cores (each
/// thread takes a run of consecutive items).
pub fn on_every_core<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(per_thread)
            .map(|run| scope.spawn(move || run.iter().map(f).collect::<Vec<U>>()))
            .collect();
        // A worker's panic is `f`'s panic: passed on as if `f` had run here.
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Model {
        #[serde(with = "super")]
        entries: BTreeMap<u32, String>,
    }

    #[test]
    fn a_map_of_many_parts_reads_back_whole_and_in_order() {
        for len in [0, 1, PART - 1, PART, PART + 1, 5 * PART + 17] {
            let model = Model {
                entries: (0..len as u32)
                    .rev()
                    .map(|n| (n * 3, format!("entry {n}")))
                    .collect(),
            };
            let json = serde_json::to_string(&model).unwrap();
            let parts: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(
                parts["entries"].as_array().unwrap().len(),
                len.div_ceil(PART)
            );
            let read: Model = serde_json::from_str(&json).unwrap();
            assert_eq!(read, model, "{len} entries");
        }
    }

    #[test]
    fn a_bad_part_is_an_error_not_a_panic() {
        let error = serde_json::from_str::<Model>(r#"{"entries":[{"1":"one"},{"2":3}]}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("expected a string"), "{error}");
        assert!(serde_json::from_str::<Model>(r#"{"entries":{"1":"one"}}"#).is_err());
    }
}
