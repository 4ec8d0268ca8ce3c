//! Where two JSON documents differ: the first few places, as JSON Pointers (RFC 6901), with the
//! value on each side (long values cut short).

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Values whose JSON text is longer than this are shown as the start of that text.
const SHOWN_CHARS: usize = 200;

/// One place where the live model and the rebuilt one differ.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Difference {
    /// A JSON Pointer into the model's JSON, e.g. `/entries/0190…/name` (empty: the whole
    /// model).
    pub path: String,
    /// The live model's value there; absent if the live model has nothing there. A value whose
    /// JSON is longer than 200 characters is given as a string: the start of that JSON and `…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub live: Option<Value>,
    /// The rebuilt model's value there (shown the same way).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub rebuilt: Option<Value>,
}

/// Up to `max` places where `live` and `rebuilt` differ, in document order (object keys sorted).
pub fn first_differences(live: &Value, rebuilt: &Value, max: usize) -> Vec<Difference> {
    let mut found = Vec::new();
    walk(String::new(), Some(live), Some(rebuilt), max, &mut found);
    found
}

fn walk(
    path: String,
    live: Option<&Value>,
    rebuilt: Option<&Value>,
    max: usize,
    found: &mut Vec<Difference>,
) {
    if found.len() >= max || live == rebuilt {
        return;
    }
    match (live, rebuilt) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let child = format!("{path}/{}", escape(key));
                walk(child, a.get(key), b.get(key), max, found);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                walk(format!("{path}/{i}"), a.get(i), b.get(i), max, found);
            }
        }
        _ => found.push(Difference {
            path,
            live: live.map(shown),
            rebuilt: rebuilt.map(shown),
        }),
    }
}

/// RFC 6901: `~` is written `~0` and `/` is written `~1` inside a key.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn shown(value: &Value) -> Value {
    let text = value.to_string();
    if text.chars().count() <= SHOWN_CHARS {
        return value.clone();
    }
    let start: String = text.chars().take(SHOWN_CHARS).collect();
    Value::String(format!("{start}…"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_documents_have_no_differences() {
        let doc = json!({ "a": [1, { "b": null }], "c": "x" });
        assert!(first_differences(&doc, &doc.clone(), 10).is_empty());
    }

    #[test]
    fn each_difference_is_named_by_its_pointer() {
        let live = json!({
            "entries": { "x/1": { "name": "Litio", "firms": 85 }, "y~2": [1, 2, 3] },
            "only_live": true,
        });
        let rebuilt = json!({
            "entries": { "x/1": { "name": "Litio", "firms": 86 }, "y~2": [1, 2] },
            "only_rebuilt": 1,
        });
        let found = first_differences(&live, &rebuilt, 10);
        let paths: Vec<&str> = found.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/entries/x~11/firms",
                "/entries/y~02/2",
                "/only_live",
                "/only_rebuilt"
            ]
        );
        assert_eq!(found[0].live, Some(json!(85)));
        assert_eq!(found[0].rebuilt, Some(json!(86)));
        assert_eq!(found[1].rebuilt, None, "absent on the rebuilt side");
        assert_eq!(found[3].live, None);
    }

    #[test]
    fn at_most_max_are_listed_and_long_values_are_cut() {
        let live = json!((0..50).collect::<Vec<_>>());
        let rebuilt = json!((100..150).collect::<Vec<_>>());
        assert_eq!(first_differences(&live, &rebuilt, 10).len(), 10);

        let long = "é".repeat(500);
        let found = first_differences(&json!({ "k": long }), &json!({ "k": 1 }), 10);
        let shown = found[0].live.as_ref().and_then(Value::as_str).unwrap();
        assert_eq!(shown.chars().count(), SHOWN_CHARS + 1);
        assert!(shown.ends_with('…'));

        let whole = first_differences(&json!(1), &json!("1"), 10);
        assert_eq!(
            whole[0].path, "",
            "the whole document, as RFC 6901 writes it"
        );
    }
}
