//! An event's payload as an auditor reads it: every field with its value, except personal data,
//! which the log holds only sealed (encrypted with the person's key, DESIGN §6). It is never
//! opened here: a sealed value shows as personal data kept sealed while the person's key
//! exists, and as erased once the key has been deleted (the person was erased).

use std::collections::HashMap;

use domain::values::AccountId;
use serde_json::Value;
use store::chain::ChainedEvent;

use crate::app::Refusal;
use crate::state::AppState;

/// One field of a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// The value as JSON text (nested sealed values shown as `"[sealed]"`).
    Value(String),
    /// Personal data, sealed; the person's key still exists.
    Sealed,
    /// Personal data whose key has been deleted: unreadable for ever.
    Erased,
}

/// Whether the people whose data the events seal still have their keys.
#[derive(Debug, Default)]
pub struct Keys(HashMap<String, bool>);

impl Keys {
    /// Looks up the key of every account whose stream is among `events` (personal data is only
    /// ever sealed in an account's own stream, under its id).
    pub async fn of(state: &AppState, events: &[ChainedEvent]) -> Result<Self, Refusal> {
        let mut keys = HashMap::new();
        for event in events.iter().filter(|e| e.aggregate_type == "account") {
            if keys.contains_key(&event.aggregate_id) {
                continue;
            }
            let Ok(account) = event.aggregate_id.parse::<AccountId>() else {
                continue;
            };
            let held = state.accounts.vault().key(account).await?.is_some();
            keys.insert(event.aggregate_id.clone(), held);
        }
        Ok(Self(keys))
    }

    fn held(&self, stream: &str) -> bool {
        self.0.get(stream).copied().unwrap_or(false)
    }
}

/// The fields of `event`'s payload, by name; a payload that is not a
/// JSON object (edited behind the store's back) is one field named `""`.
pub fn payload(event: &ChainedEvent, keys: &Keys) -> Vec<(String, Field)> {
    let Ok(value) = serde_json::from_str::<Value>(&event.payload) else {
        return vec![(String::new(), Field::Value(event.payload.clone()))];
    };
    let sealed = || {
        if keys.held(&event.aggregate_id) {
            Field::Sealed
        } else {
            Field::Erased
        }
    };
    // Payloads are `{"VariantName": {fields}}` (cqrs-es's serialised enum); show the fields.
    let fields = match value {
        Value::Object(outer) if outer.len() == 1 => match outer.into_iter().next() {
            Some((_, Value::Object(inner))) => inner,
            Some((name, other)) => [(name, other)].into_iter().collect(),
            None => serde_json::Map::new(),
        },
        Value::Object(fields) => fields,
        other => return vec![(String::new(), Field::Value(other.to_string()))],
    };
    let mut shown: Vec<(String, Field)> = fields
        .into_iter()
        .map(|(name, value)| {
            let shown = if is_sealed(&value) {
                sealed()
            } else {
                Field::Value(without_sealed(value).to_string())
            };
            (name, shown)
        })
        .collect();
    shown.sort_by(|a, b| a.0.cmp(&b.0));
    shown
}

/// A sealed value's shape: `{"alg", "nonce", "ciphertext"}`.
fn is_sealed(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.len() == 3
                && ["alg", "nonce", "ciphertext"]
                    .iter()
                    .all(|k| map.get(*k).is_some_and(Value::is_string))
        }
        _ => false,
    }
}

fn without_sealed(value: Value) -> Value {
    match value {
        _ if is_sealed(&value) => Value::String("[sealed]".into()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, without_sealed(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_sealed).collect()),
        other => other,
    }
}

/// A field of `event`'s metadata (`actor`, `request_id`, `correlation_id`, `causation_id`,
/// `command`, `client`), or empty.
pub fn metadata(event: &ChainedEvent, field: &str) -> String {
    serde_json::from_str::<Value>(&event.metadata)
        .ok()
        .and_then(|m| m.get(field).and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(payload: &str) -> ChainedEvent {
        ChainedEvent {
            position: 1,
            tx: 0,
            aggregate_type: "account".into(),
            aggregate_id: "0190f5c2-8a3e-7c1d-9b2a-4f6e8d0c1a2b".into(),
            sequence: 1,
            event_type: "AccountRegistered".into(),
            event_version: "1".into(),
            payload: payload.into(),
            metadata: r#"{"actor":"anonymous"}"#.into(),
            recorded_at: chrono::Utc::now(),
            hash: None,
            sealed: None,
        }
    }

    #[test]
    fn sealed_fields_are_never_shown_and_say_whether_the_key_is_gone() {
        let stored = r#"{"AccountRegistered":{"language":"es","personal":{"alg":"x","nonce":"n","ciphertext":"c"},"list":[{"alg":"x","nonce":"n","ciphertext":"c"}]}}"#;
        let e = event(stored);
        let erased = payload(&e, &Keys::default());
        assert_eq!(
            erased,
            [
                ("language".into(), Field::Value("\"es\"".into())),
                ("list".into(), Field::Value("[\"[sealed]\"]".into())),
                ("personal".into(), Field::Erased),
            ]
        );
        let held = Keys([(e.aggregate_id.clone(), true)].into_iter().collect());
        assert_eq!(payload(&e, &held)[2].1, Field::Sealed);
        assert_eq!(
            payload(&event("not json"), &held),
            [(String::new(), Field::Value("not json".into()))]
        );
    }
}
