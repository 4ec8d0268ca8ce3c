//! Tamper evidence: two hash chains over the event log.
//!
//! * **Per stream.** Every event's `hash` covers its content (aggregate type and id, sequence,
//!   event type and version, payload, metadata) and the hash of the event before it in its
//!   stream. Articula computes it when it appends (the writer knows the stream's last hash: it
//!   loaded the stream to decide the command, and a writer that is behind loses on the stream's
//!   primary key anyway). An edited event, or one removed from the middle of its stream, breaks
//!   the chain there.
//! * **Global.** The feed's order is only final after commit (see [`crate::feed`]), so the global
//!   chain is sealed just after it by [`seal`], which follows the feed: each link covers the
//!   event's hash, its recorded time (to the millisecond, the precision both backends keep) and
//!   the link before it. A deleted, inserted or reordered event breaks it at that place, even the
//!   last event of a stream, which no later event of its stream vouches for.
//!
//! Payload and metadata are hashed in a canonical JSON form (object keys sorted, no whitespace),
//! so the hash is a property of the event, not of how a backend stores its text: an export
//! loaded into the other backend has the same hashes. Hashes are unkeyed SHA-256: someone who can
//! rewrite the database can also rewrite every later hash, which is why the head hash is worth
//! keeping somewhere else (see docs/audit.md).
//!
//! Crypto-shredding does not touch this: personal data sits in payloads sealed with a person's
//! key, the hash covers the sealed bytes, and erasing a person deletes the key, not the bytes.

pub mod read;
pub mod seal;
pub mod verify;

use std::fmt;
use std::str::FromStr;

use serde_json::Value;
use sha2::{Digest, Sha256};

pub use read::{read_chained_after, ChainedEvent};
pub use seal::{backfill_stream_hashes, run_sealer, seal_pending, spawn_sealer, unsealed_count};
pub use verify::{
    check_in_stream, check_stream, count_events, verify, Break, BreakKind, VerifyReport,
};

/// A SHA-256 hash of the chain, shown as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventHash(pub [u8; 32]);

impl EventHash {
    /// What the first event of a stream (and the first link of the global chain) follows.
    pub const GENESIS: Self = Self([0; 32]);

    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventHash({})", self.to_hex())
    }
}

impl FromStr for EventHash {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes)
            .map_err(|_| format!("`{text}` is not a hash (64 hex digits)"))?;
        Ok(Self(bytes))
    }
}

impl serde::Serialize for EventHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for EventHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The parts of an event its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct EventContent<'a> {
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub sequence: i64,
    pub event_type: &'a str,
    pub event_version: &'a str,
    pub payload: &'a Value,
    pub metadata: &'a Value,
}

/// The hash of an event that follows `previous` in its stream ([`EventHash::GENESIS`] for the
/// first). Every variable-length field is length-prefixed, so no two different events encode to
/// the same bytes.
pub fn event_hash(content: &EventContent<'_>, previous: &EventHash) -> EventHash {
    let mut hasher = Sha256::new();
    hasher.update(b"articula/event/v1\0");
    field(&mut hasher, content.aggregate_type.as_bytes());
    field(&mut hasher, content.aggregate_id.as_bytes());
    hasher.update(content.sequence.to_be_bytes());
    field(&mut hasher, content.event_type.as_bytes());
    field(&mut hasher, content.event_version.as_bytes());
    field(&mut hasher, &canonical_json(content.payload));
    field(&mut hasher, &canonical_json(content.metadata));
    hasher.update(previous.0);
    EventHash(hasher.finalize().into())
}

/// The global chain's link for an event: the link before it, the event's own hash and the
/// millisecond it was recorded.
pub fn chain_link(previous: &EventHash, event: &EventHash, recorded_at_ms: i64) -> EventHash {
    let mut hasher = Sha256::new();
    hasher.update(b"articula/chain/v1\0");
    hasher.update(previous.0);
    hasher.update(event.0);
    hasher.update(recorded_at_ms.to_be_bytes());
    EventHash(hasher.finalize().into())
}

fn field(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
}

/// JSON with object keys in sorted order and no whitespace. Written out here rather than relying
/// on `serde_json::Map` being sorted: that changes if any crate in the build enables serde_json's
/// `preserve_order` feature.
pub fn canonical_json(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_compact(key.as_str(), out);
                out.push(b':');
                write_canonical(value, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        // A string (serde_json's escaping, deterministic for a given string) or a scalar.
        text_or_scalar => write_compact(text_or_scalar, out),
    }
}

/// serde_json's compact text of `value`, written straight into `out`: the bytes `Value`'s
/// `to_string()` gives, without its copy of each string and its trip through `fmt::Formatter`
/// a piece at a time (about 2% of the server's CPU per registration). Writing into a `Vec`
/// cannot fail, and neither can serialising a string or a JSON scalar.
fn write_compact<T: serde::Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(out, value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The canonical text as it was written before `write_compact`: every string and scalar
    /// through `Value`'s `to_string()`. Hashes of stored events depend on these bytes.
    fn canonical_as_before(value: &Value) -> Vec<u8> {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let parts: Vec<Vec<u8>> = entries
                    .into_iter()
                    .map(|(key, value)| {
                        let mut part = Value::String(key.clone()).to_string().into_bytes();
                        part.push(b':');
                        part.extend(canonical_as_before(value));
                        part
                    })
                    .collect();
                [b"{".to_vec(), parts.join(&b',')[..].to_vec(), b"}".to_vec()].concat()
            }
            Value::Array(items) => {
                let parts: Vec<Vec<u8>> = items.iter().map(canonical_as_before).collect();
                [b"[".to_vec(), parts.join(&b',')[..].to_vec(), b"]".to_vec()].concat()
            }
            scalar => scalar.to_string().into_bytes(),
        }
    }

    #[test]
    fn every_character_and_scalar_is_written_as_value_wrote_it() {
        let every_character: String = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .collect();
        for text in [
            every_character.as_str(),
            "",
            "\"\\/\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}",
            "Clúster del Salmón 🐟 São Paulo",
        ] {
            let value = Value::String(text.to_owned());
            assert_eq!(canonical_json(&value), canonical_as_before(&value));
        }
        for scalar in [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(-0.0),
            json!(1.5),
            json!(-1e300),
            json!(f64::MIN_POSITIVE),
            json!(0.1),
            json!(u64::MAX),
            json!(i64::MIN),
        ] {
            assert_eq!(
                canonical_json(&scalar),
                canonical_as_before(&scalar),
                "{scalar}"
            );
        }
        let nested = json!({
            "z": [1, {"b": "é\n", "a": null}, [], {}],
            "a": {"y": -2.25, "x": "\u{1}"},
            "\u{7f}key\"": true
        });
        assert_eq!(canonical_json(&nested), canonical_as_before(&nested));
    }

    fn content<'a>(payload: &'a Value, metadata: &'a Value) -> EventContent<'a> {
        EventContent {
            aggregate_type: "Initiative",
            aggregate_id: "0190",
            sequence: 1,
            event_type: "InitiativeSubmitted",
            event_version: "1",
            payload,
            metadata,
        }
    }

    #[test]
    fn key_order_and_whitespace_do_not_change_the_hash() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": {"y": [1, 2], "x": "é"}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":"é","y":[1,2]},"b":1}"#).unwrap();
        let meta = json!({"actor": "anonymous"});
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"x":"é","y":[1,2]},"b":1}"#.as_bytes().to_vec()
        );
        assert_eq!(
            event_hash(&content(&a, &meta), &EventHash::GENESIS),
            event_hash(&content(&b, &meta), &EventHash::GENESIS)
        );
    }

    #[test]
    fn every_covered_part_changes_the_hash() {
        let payload = json!({"name": "Clúster del Salmón"});
        let metadata = json!({"actor": "anonymous", "command": "Submit"});
        let base = content(&payload, &metadata);
        let original = event_hash(&base, &EventHash::GENESIS);
        let other_payload = json!({"name": "Clúster del Salmon"});
        let other_metadata = json!({"actor": "system:seed", "command": "Submit"});
        let variants = [
            EventContent {
                aggregate_type: "Community",
                ..base
            },
            EventContent {
                aggregate_id: "0191",
                ..base
            },
            EventContent {
                sequence: 2,
                ..base
            },
            EventContent {
                event_type: "InitiativeApproved",
                ..base
            },
            EventContent {
                event_version: "2",
                ..base
            },
            EventContent {
                payload: &other_payload,
                ..base
            },
            EventContent {
                metadata: &other_metadata,
                ..base
            },
        ];
        for variant in variants {
            assert_ne!(
                event_hash(&variant, &EventHash::GENESIS),
                original,
                "{variant:?}"
            );
        }
        assert_ne!(
            event_hash(&base, &original),
            original,
            "the previous hash is covered"
        );
    }

    #[test]
    fn fields_cannot_slide_into_each_other() {
        let payload = json!({});
        let metadata = json!({});
        let a = EventContent {
            aggregate_type: "ab",
            aggregate_id: "c",
            ..content(&payload, &metadata)
        };
        let b = EventContent {
            aggregate_type: "a",
            aggregate_id: "bc",
            ..content(&payload, &metadata)
        };
        assert_ne!(
            event_hash(&a, &EventHash::GENESIS),
            event_hash(&b, &EventHash::GENESIS)
        );
    }

    #[test]
    fn links_cover_the_previous_link_the_event_and_the_time() {
        let event = EventHash([7; 32]);
        let link = chain_link(&EventHash::GENESIS, &event, 1_700_000_000_000);
        assert_ne!(
            link,
            chain_link(&EventHash([1; 32]), &event, 1_700_000_000_000)
        );
        assert_ne!(
            link,
            chain_link(&EventHash::GENESIS, &EventHash([8; 32]), 1_700_000_000_000)
        );
        assert_ne!(
            link,
            chain_link(&EventHash::GENESIS, &event, 1_700_000_000_001)
        );
    }

    #[test]
    fn hashes_round_trip_through_hex() {
        let hash = EventHash([0xab; 32]);
        assert_eq!(hash.to_hex().parse::<EventHash>(), Ok(hash));
        assert!("abc".parse::<EventHash>().is_err());
        assert!("zz".repeat(32).parse::<EventHash>().is_err());
    }
}
