//! A value of a read model's state kept as the JSON it was read back from, and parsed the
//! first time it is needed.
//!
//! The map as of a past moment reads 100,000 initiatives' states from the projection history,
//! folds the few thousand events after that place, and shows every initiative. Parsing every
//! whole state into the domain's types was most of that read's time, yet only the initiatives
//! a later event touches need their whole state; the others need a few fields
//! ([`domain::initiative::InitiativeOutline`]). A [`Stored`] value holds its JSON until then: a
//! range of the snapshot's bytes, which every value read from one snapshot shares, so reading a
//! snapshot copies and scans no value ([`crate::parts`]). Whether those bytes are UTF-8 and JSON
//! is found when they are parsed: checking 144 MB of text up front was, on one thread, a tenth
//! of an as-of read of the map.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::ProjectionError;

/// A value, or the JSON it will be parsed from when first asked for.
pub struct Stored<T> {
    /// The JSON read back, until the value changes.
    json: Option<Json>,
    /// Boxed: a map of many stored values moves small entries, whatever the size of `T`.
    value: OnceLock<Box<T>>,
}

/// A value's JSON: a range of bytes shared with the other values read with it.
#[derive(Clone)]
struct Json {
    bytes: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl Json {
    fn get(&self) -> &[u8] {
        // Checked to lie within the bytes when made (`Stored::read_from`).
        self.bytes.get(self.range.clone()).unwrap_or_default()
    }
}

impl<T> Stored<T> {
    pub fn new(value: T) -> Self {
        Self {
            json: None,
            value: OnceLock::from(Box::new(value)),
        }
    }

    /// A value whose JSON is `range` of `bytes` (read from a snapshot), parsed when first
    /// needed; `None` if the range is not within the bytes. Whether it is JSON of a `T` (and
    /// UTF-8) is found when it is parsed.
    pub fn read_from(bytes: &Arc<Vec<u8>>, range: Range<usize>) -> Option<Self> {
        bytes.get(range.clone())?;
        Some(Self {
            json: Some(Json {
                bytes: Arc::clone(bytes),
                range,
            }),
            value: OnceLock::new(),
        })
    }

    /// The JSON this value was read from, while it has not changed.
    pub fn json(&self) -> Option<&[u8]> {
        self.json.as_ref().map(Json::get)
    }

    /// The value, if it was parsed (or never was JSON).
    pub fn parsed(&self) -> Option<&T> {
        self.value.get().map(|value| &**value)
    }

    /// Whether the value was parsed (or never was JSON).
    pub fn is_parsed(&self) -> bool {
        self.parsed().is_some()
    }

    /// Drops the JSON of a value already parsed: the memory of a model that keeps its values.
    pub fn forget_json(&mut self) {
        if self.is_parsed() {
            self.json = None;
        }
    }
}

impl<T: DeserializeOwned> Stored<T> {
    /// The value, parsed now if it was not yet.
    pub fn get(&self) -> Result<&T, String> {
        if let Some(value) = self.value.get() {
            return Ok(&**value);
        }
        let parsed = self.parse()?;
        // Another thread may have parsed it meanwhile: the same JSON, the same value.
        Ok(&**self.value.get_or_init(|| Box::new(parsed)))
    }

    /// The value, to change: the JSON it was read from no longer says what it is.
    pub fn get_mut(&mut self) -> Result<&mut T, String> {
        if self.value.get().is_none() {
            let parsed = self.parse()?;
            self.value = OnceLock::from(Box::new(parsed));
        }
        self.json = None;
        self.value
            .get_mut()
            .map(|value| &mut **value)
            .ok_or_else(|| "a stored value was neither kept nor read".to_string())
    }

    fn parse(&self) -> Result<T, String> {
        let json = self
            .json()
            .ok_or_else(|| "a stored value was neither kept nor read".to_string())?;
        serde_json::from_slice(json).map_err(|e| e.to_string())
    }
}

/// The value of `map` at `key` to change, made empty if there is none. `model` names the read
/// model in the error of a value that cannot be read.
pub fn entry_mut<'a, K, T>(
    map: &'a mut BTreeMap<K, Stored<T>>,
    key: K,
    model: &str,
) -> Result<&'a mut T, ProjectionError>
where
    K: Ord + Copy + fmt::Display,
    T: DeserializeOwned + Default,
{
    map.entry(key)
        .or_default()
        .get_mut()
        .map_err(|e| ProjectionError(format!("the state of {key} in {model} is unreadable: {e}")))
}

/// Parses every value of `map` not parsed yet, on every core, and drops their JSON: a model that
/// serves queries keeps values, not text, and finds an unreadable one now rather than at the
/// event that changes it. The error names the key of the first unreadable value.
pub fn parse_all<K, T>(map: &mut BTreeMap<K, Stored<T>>) -> Result<(), String>
where
    K: fmt::Display + Sync,
    T: DeserializeOwned + Send + Sync,
{
    let values: Vec<(&K, &Stored<T>)> = map.iter().collect();
    let parsed = crate::parts::on_every_core(&values, |(key, stored)| {
        stored.get().map(|_| ()).map_err(|e| format!("{key}: {e}"))
    });
    parsed.into_iter().collect::<Result<(), String>>()?;
    map.values_mut().for_each(Stored::forget_json);
    Ok(())
}

/// Below this many values to parse, threads cost more than they save.
const PARSE_AHEAD_FROM: usize = 64;

/// Parses, on every core, the values of `map` that `events` are about to change (`key_of` an
/// event: the key of the value it changes, if any; [`crate::Projection::prepare`]), so that
/// applying the events one by one finds them parsed: in an as-of fold, parsing the states a
/// span of events touches was a third of its time. An unreadable value is left as it is, to
/// fail the event that changes it, naming that event.
pub fn parse_ahead<K, T>(
    map: &BTreeMap<K, Stored<T>>,
    events: &[crate::Envelope],
    key_of: impl Fn(&crate::Envelope) -> Option<K>,
) where
    K: Ord,
    T: DeserializeOwned + Send + Sync,
{
    let mut unparsed: Vec<&Stored<T>> = events
        .iter()
        .filter_map(|event| map.get(&key_of(event)?))
        .filter(|stored| !stored.is_parsed())
        .collect();
    if unparsed.len() < PARSE_AHEAD_FROM {
        return;
    }
    unparsed.sort_unstable_by_key(|stored| std::ptr::from_ref(*stored));
    unparsed.dedup_by(|a, b| std::ptr::eq(*a, *b));
    crate::parts::on_every_core(&unparsed, |stored| {
        let _ = stored.get();
    });
}

impl<T: Default> Default for Stored<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: Clone> Clone for Stored<T> {
    fn clone(&self) -> Self {
        Self {
            json: self.json.clone(),
            value: self.value.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Stored<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.value.get(), self.json()) {
            (Some(value), _) => value.fmt(f),
            (None, Some(json)) => write!(f, "Stored({})", String::from_utf8_lossy(json)),
            (None, None) => f.write_str("Stored(?)"),
        }
    }
}

impl<T: Serialize> Serialize for Stored<T> {
    /// The JSON read back when it still says what the value is (written as it is, not parsed
    /// and written again), or else the value.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.json(), self.value.get()) {
            (Some(json), _) => String::from_utf8(json.to_vec())
                .map_err(serde::ser::Error::custom)
                .and_then(|json| RawValue::from_string(json).map_err(serde::ser::Error::custom))?
                .serialize(serializer),
            (None, Some(value)) => value.serialize(serializer),
            (None, None) => Err(serde::ser::Error::custom(
                "a stored value was neither kept nor read",
            )),
        }
    }
}

impl<'de, T> Deserialize<'de> for Stored<T> {
    /// Keeps the JSON (checked to be well formed), parsing nothing: serde_json only. Snapshots
    /// do not come this way ([`crate::parts`]).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = Box::<RawValue>::deserialize(deserializer)?;
        let bytes = Arc::new(json.get().as_bytes().to_vec());
        let range = 0..bytes.len();
        Ok(Self {
            json: Some(Json { bytes, range }),
            value: OnceLock::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Value {
        name: String,
        count: u32,
    }

    fn read(json: &str) -> Stored<Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_value_is_parsed_when_first_asked_for_and_written_back_as_read() {
        let json = r#"{"name":"Clúster","count":3}"#;
        let stored = read(json);
        assert_eq!(stored.json(), Some(json.as_bytes()));
        assert_eq!(serde_json::to_string(&stored).unwrap(), json);
        assert_eq!(stored.get().unwrap().count, 3);
        assert_eq!(serde_json::to_string(&stored).unwrap(), json);
    }

    #[test]
    fn a_changed_value_is_written_as_it_now_is() {
        let mut stored = read(r#"{"name":"Clúster","count":3}"#);
        stored.get_mut().unwrap().count = 4;
        assert_eq!(stored.json(), None);
        assert_eq!(
            serde_json::to_string(&stored).unwrap(),
            r#"{"name":"Clúster","count":4}"#
        );
        assert_eq!(
            serde_json::to_string(&Stored::new(Value {
                name: "Red".into(),
                count: 1
            }))
            .unwrap(),
            r#"{"name":"Red","count":1}"#
        );
    }

    #[test]
    fn json_of_another_shape_is_an_error_when_asked_for() {
        let mut stored = read(r#"{"name":"Clúster","count":-1}"#);
        assert!(stored.get().unwrap_err().contains("invalid value"));
        assert!(stored.get_mut().is_err());
        assert!(serde_json::from_str::<Stored<Value>>(r#"{"name":"#).is_err());
    }

    #[test]
    fn a_parsed_value_can_forget_its_json() {
        let mut stored = read(r#"{"name":"Clúster","count":3}"#);
        stored.forget_json();
        assert!(
            stored.json().is_some(),
            "nothing parsed yet: the JSON stays"
        );
        stored.get().unwrap();
        stored.forget_json();
        assert_eq!(stored.json(), None);
        assert_eq!(stored.get().unwrap().count, 3);
    }
}
