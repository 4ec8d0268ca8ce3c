//! The snapshot of a model with one large map of [`Stored`] values, laid out in lines so that
//! reading it back scans and copies no value, and writing it uses every core
//! ([`Projection::write_state`](crate::Projection::write_state)).
//!
//! A snapshot is JSON, and serde_json reads a document on one thread: at 100,000 initiatives
//! the map's states took about 600 ms to parse, most of an as-of read, and even split into
//! parts inside one document they had to be found by a scan of the whole (about 190 ms for the
//! map's 107 MB). So the state is written as lines, each a JSON document:
//!
//! ```text
//! {"...the rest of the model..."}
//! [["<key>",<length>,<summary>],...]        a part's keys (at most PART), each with the length
//!                                             of its value and a summary of it
//! [<value>,<value>,...]                       their values, in the same order
//! ...                                         (two lines a part)
//! ```
//!
//! Compact JSON never holds a raw line break (one in a string is written `\n`), so the lines are
//! found with `memchr`. Reading parses the rest and the keys' lines (on every core), and each
//! value becomes a [`Stored`] range of the snapshot's bytes, parsed when first needed. The
//! summary is what a model restored for one read needs of every value without parsing it (the
//! map's [`domain::initiative::InitiativeOutline`]; `null` for a model that needs nothing).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::stored::Stored;

/// Entries per part: small enough for the parts to spread evenly over the threads, large enough
/// that a part costs far more to handle than to hand to a thread.
pub const PART: usize = 4_096;

/// `rest` (the model without its map), then `map` in parts of at most [`PART`] entries: a line
/// of keys (each with the `summary` of its value) and a line of values each. A value still as
/// read is written as read.
pub fn write<R, K, T, S>(
    rest: &R,
    map: &BTreeMap<K, Stored<T>>,
    summary: impl Fn(&Stored<T>) -> Result<S, String> + Sync,
) -> Result<Vec<u8>, String>
where
    R: Serialize,
    K: Serialize + Sync,
    T: Serialize + Send + Sync,
    S: Serialize,
{
    let entries: Vec<(&K, &Stored<T>)> = map.iter().collect();
    let parts: Vec<&[(&K, &Stored<T>)]> = entries.chunks(PART).collect();
    let written = on_every_core(&parts, |part| write_part(part, &summary));
    let mut state = serde_json::to_vec(rest).map_err(|e| e.to_string())?;
    for part in written {
        let (keys, values) = part?;
        for line in [keys, values] {
            // Cannot happen with serde_json's compact writer; checked because lines are found
            // by their breaks.
            if memchr::memchr(b'\n', &line).is_some() {
                return Err("a part of a snapshot holds a line break".into());
            }
            state.push(b'\n');
            state.extend_from_slice(&line);
        }
    }
    Ok(state)
}

fn write_part<K: Serialize, T: Serialize, S: Serialize>(
    part: &[(&K, &Stored<T>)],
    summary: impl Fn(&Stored<T>) -> Result<S, String>,
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut keys = Vec::with_capacity(part.len());
    let mut values = vec![b'['];
    for (n, (key, stored)) in part.iter().enumerate() {
        if n > 0 {
            values.push(b',');
        }
        let start = values.len();
        match (stored.json(), stored.parsed()) {
            (Some(json), _) => values.extend_from_slice(json),
            (None, Some(value)) => {
                serde_json::to_writer(&mut values, value).map_err(|e| e.to_string())?;
            }
            (None, None) => return Err("a stored value was neither kept nor read".into()),
        }
        keys.push((*key, values.len() - start, summary(stored)?));
    }
    values.push(b']');
    let keys = serde_json::to_vec(&keys).map_err(|e| e.to_string())?;
    Ok((keys, values))
}

/// What [`read`] read.
pub struct Read<R, K, T, S> {
    pub rest: R,
    pub map: BTreeMap<K, Stored<T>>,
    /// The values' summaries, in the map's order.
    pub summaries: Vec<S>,
}

/// Reads what [`write`] wrote: the rest of the model, the map, whose values are ranges of
/// `state`'s text until they are needed, and their summaries. The keys' lines are parsed on
/// every core.
pub fn read<R, K, T, S>(state: Vec<u8>) -> Result<Read<R, K, T, S>, String>
where
    R: DeserializeOwned,
    K: DeserializeOwned + Ord + Send,
    T: Send,
    S: DeserializeOwned + Send,
{
    // Not checked to be UTF-8 as a whole: each line is where it is parsed, and each value when
    // it is ([`Stored`]), side by side.
    let text = Arc::new(state);
    let mut lines = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', &text) {
        lines.push(start..end);
        start = end + 1;
    }
    lines.push(start..text.len());
    let rest =
        serde_json::from_slice(&text[lines[0].clone()]).map_err(|e| format!("the model: {e}"))?;
    let parts: Vec<&[std::ops::Range<usize>]> = lines[1..].chunks(2).collect();
    let read = on_every_core(&parts, |part| read_part(&text, part));
    let mut joined = Vec::with_capacity(parts.len() * PART);
    let mut summaries = Vec::with_capacity(parts.len() * PART);
    for (n, entries) in read.into_iter().enumerate() {
        for (key, stored, summary) in entries.map_err(|e| format!("part {}: {e}", n + 1))? {
            joined.push((key, stored));
            summaries.push(summary);
        }
    }
    if joined.windows(2).any(|pair| pair[0].0 >= pair[1].0) {
        return Err("the parts are not in key order".into());
    }
    Ok(Read {
        rest,
        // In key order, checked above: a bulk build, not a sort.
        map: joined.into_iter().collect(),
        summaries,
    })
}

/// One part's keys, each with its value (a range of `text`) and its summary.
fn read_part<K: DeserializeOwned, T, S: DeserializeOwned>(
    text: &Arc<Vec<u8>>,
    lines: &[std::ops::Range<usize>],
) -> Result<Vec<(K, Stored<T>, S)>, String> {
    let [keys, values] = lines else {
        return Err("a line of keys without its line of values".into());
    };
    let keys: Vec<(K, usize, S)> =
        serde_json::from_slice(&text[keys.clone()]).map_err(|e| format!("the keys: {e}"))?;
    let bytes = text.as_slice();
    let misplaced = || "the values are not where their lengths put them".to_string();
    if bytes.get(values.start) != Some(&b'[') {
        return Err(misplaced());
    }
    let mut at = values.start + 1;
    let count = keys.len();
    let mut entries = Vec::with_capacity(count);
    for (n, (key, length, summary)) in keys.into_iter().enumerate() {
        let end = at + length;
        let after = if n + 1 == count { b']' } else { b',' };
        if end >= values.end || bytes[end] != after {
            return Err(misplaced());
        }
        let stored = Stored::read_from(text, at..end).ok_or_else(misplaced)?;
        entries.push((key, stored, summary));
        at = end + 1;
    }
    if at != values.end {
        return Err(misplaced());
    }
    Ok(entries)
}

/// How many threads work side by side on the read models: the store's count of cores.
pub use store::cores;

/// `f` of each of `items`, in order, worked out on as many threads as there are cores (each
/// thread takes a run of consecutive items).
pub fn on_every_core<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = cores().clamp(1, items.len().max(1));
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

    type Map = BTreeMap<u32, Stored<String>>;

    fn map_of(len: usize) -> Map {
        (0..len as u32)
            .rev()
            .map(|n| (n * 3, Stored::new(format!("entry {n}\nwith a line break"))))
            .collect()
    }

    fn values(map: &Map) -> Vec<(u32, String)> {
        map.iter()
            .map(|(k, v)| (*k, v.get().unwrap().clone()))
            .collect()
    }

    /// A value's length in characters, as its summary.
    fn length(stored: &Stored<String>) -> Result<usize, String> {
        Ok(stored.get()?.chars().count())
    }

    #[test]
    fn a_map_of_many_parts_reads_back_whole_and_in_order() {
        for len in [0, 1, PART - 1, PART, PART + 1, 5 * PART + 17] {
            let map = map_of(len);
            let state = write(&("rest", 7), &map, length).unwrap();
            let lines = state.split(|b| *b == b'\n').count();
            assert_eq!(lines, 1 + 2 * len.div_ceil(PART), "{len} entries");
            let read: Read<(String, u32), u32, String, usize> = read(state.clone()).unwrap();
            assert_eq!(read.rest, ("rest".to_string(), 7));
            assert!(
                read.map.values().all(|v| !v.is_parsed()),
                "nothing parsed yet"
            );
            let lengths: Vec<usize> = map.values().map(|v| length(v).unwrap()).collect();
            assert_eq!(read.summaries, lengths);
            assert_eq!(values(&read.map), values(&map), "{len} entries");
            // Read again and written unparsed: the same bytes.
            let unparsed: Read<(String, u32), u32, String, usize> =
                super::read(state.clone()).unwrap();
            assert_eq!(write(&("rest", 7), &unparsed.map, length).unwrap(), state);
        }
    }

    #[test]
    fn a_bad_part_is_an_error_naming_it_not_a_panic() {
        let read = |state: &str| {
            read::<(), u32, String, ()>(state.as_bytes().to_vec())
                .err()
                .unwrap()
        };
        let error = read("null\n[[1,5,null]]\n[\"one\"]\n[[2,5,null]]\n[\"two\"");
        assert_eq!(
            error,
            "part 2: the values are not where their lengths put them"
        );
        assert!(read("null\n[[1,4,null]]\n[\"one\"]").ends_with("where their lengths put them"));
        assert!(read("null\n[[1,5,null]]").contains("without its line of values"));
        assert!(read("null\n{\"1\":5}\n[\"one\"]").starts_with("part 1: the keys:"));
        assert!(read("{\"rest\":1}").starts_with("the model:"));
        let error = read("null\n[[5,4,null]]\n[\"fi\"]\n[[2,5,null]]\n[\"two\"]");
        assert_eq!(error, "the parts are not in key order");
        // A value that is not JSON of its type is found when it is parsed.
        let read: Read<(), u32, String, ()> =
            super::read("null\n[[1,1,null]]\n[7]".as_bytes().to_vec()).unwrap();
        assert!(read.map[&1]
            .get()
            .unwrap_err()
            .contains("expected a string"));
        // So is one that is not UTF-8, which reading does not look for.
        let read: Read<(), u32, String, ()> =
            super::read(b"null\n[[1,3,null]]\n[\"\xff\"]".to_vec()).unwrap();
        assert!(read.map[&1].get().unwrap_err().contains("invalid unicode"));
    }
}
