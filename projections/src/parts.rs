//! The snapshot of a model with one large map, laid out in lines so that writing and reading it
//! use every core ([`Projection::write_state`](crate::Projection::write_state)).
//!
//! A snapshot is JSON, and serde_json reads a document on one thread: at 100,000 initiatives
//! the map's states took about 600 ms to read back, most of an as-of read. Split into parts
//! inside one document, the parts still had to be found by a scan of the whole (about 190 ms
//! for the map's 107 MB, on one core). So the state is written as lines instead:
//!
//! ```text
//! {"...the rest of the model..."}
//! {"<key>":<value>,... at most PART entries}
//! {"<key>":<value>,...}
//! ```
//!
//! Compact JSON never holds a raw newline (one in a string is written `\n`), so the lines are
//! found with `memchr`, and each is a JSON document of its own, parsed side by side with the
//! others on as many threads as there are cores and joined in key order.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// Entries per part: small enough for the parts to spread evenly over the threads, large enough
/// that a part costs far more to parse than to hand to a thread.
pub const PART: usize = 4_096;

/// `rest` (the model without its map), then `map` in parts of at most [`PART`] entries, one
/// JSON document a line; the parts are written on every core.
pub fn write<R, K, V>(rest: &R, map: &BTreeMap<K, V>) -> Result<Vec<u8>, String>
where
    R: Serialize,
    K: Serialize + Sync,
    V: Serialize + Sync,
{
    let entries: Vec<(&K, &V)> = map.iter().collect();
    let parts: Vec<&[(&K, &V)]> = entries.chunks(PART).collect();
    let written = on_every_core(&parts, |part| {
        serde_json::to_vec(&Part(part)).map_err(|e| e.to_string())
    });
    let mut state = serde_json::to_vec(rest).map_err(|e| e.to_string())?;
    for part in written {
        let part = part?;
        // Cannot happen with serde_json's compact writer; checked because a line is a part.
        if memchr::memchr(b'\n', &part).is_some() {
            return Err("a part of a snapshot holds a line break".into());
        }
        state.push(b'\n');
        state.extend_from_slice(&part);
    }
    Ok(state)
}

struct Part<'a, K, V>(&'a [(&'a K, &'a V)]);

impl<K: Serialize, V: Serialize> Serialize for Part<'_, K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().copied())
    }
}

/// Reads what [`write`] wrote: the rest of the model and the map, its parts parsed on every
/// core.
pub fn read<R, K, V>(state: &[u8]) -> Result<(R, BTreeMap<K, V>), String>
where
    R: DeserializeOwned,
    K: DeserializeOwned + Ord + Send,
    V: DeserializeOwned + Send,
{
    let mut lines = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', state) {
        lines.push(&state[start..end]);
        start = end + 1;
    }
    lines.push(&state[start..]);
    let rest = serde_json::from_slice(lines[0]).map_err(|e| format!("the model: {e}"))?;
    let read = on_every_core(&lines[1..], |line| {
        serde_json::from_slice::<Entries<K, V>>(line).map_err(|e| e.to_string())
    });
    let mut joined = Vec::with_capacity((lines.len() - 1) * PART);
    for (n, entries) in read.into_iter().enumerate() {
        let entries = entries.map_err(|e| format!("part {}: {e}", n + 1))?;
        joined.extend(entries.0);
    }
    if joined.windows(2).any(|pair| pair[0].0 >= pair[1].0) {
        return Err("the parts are not in key order".into());
    }
    // In key order, checked above: a bulk build, not a sort.
    Ok((rest, joined.into_iter().collect()))
}

/// One part's entries, in the order written: the values are moved once more, into the map, and
/// no map is built per part.
struct Entries<K, V>(Vec<(K, V)>);

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Entries<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PartVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for PartVisitor<K, V> {
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
        deserializer.deserialize_map(PartVisitor(PhantomData))
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

    fn map_of(len: usize) -> BTreeMap<u32, String> {
        (0..len as u32)
            .rev()
            .map(|n| (n * 3, format!("entry {n}\nwith a line break")))
            .collect()
    }

    #[test]
    fn a_map_of_many_parts_reads_back_whole_and_in_order() {
        for len in [0, 1, PART - 1, PART, PART + 1, 5 * PART + 17] {
            let map = map_of(len);
            let state = write(&("rest", 7), &map).unwrap();
            let lines = state.split(|b| *b == b'\n').count();
            assert_eq!(lines, 1 + len.div_ceil(PART), "{len} entries");
            let (rest, read): ((String, u32), BTreeMap<u32, String>) = read(&state).unwrap();
            assert_eq!(rest, ("rest".to_string(), 7));
            assert_eq!(read, map, "{len} entries");
        }
    }

    #[test]
    fn a_bad_part_is_an_error_naming_it_not_a_panic() {
        let read = |state: &str| read::<(), u32, String>(state.as_bytes()).unwrap_err();
        let error = read("null\n{\"1\":\"one\"}\n{\"2\":3}");
        assert!(error.starts_with("part 2:"), "{error}");
        assert!(error.contains("expected a string"), "{error}");
        assert!(read("null\n[\"one\"]").contains("an object"));
        assert!(read("{\"rest\":1}\n{}").starts_with("the model:"));
        let error = read("null\n{\"5\":\"five\"}\n{\"2\":\"two\"}");
        assert_eq!(error, "the parts are not in key order");
    }
}
