//! The opaque cursor of `GET /v1/audit/events`: base64url of `{"after": "tx:position", "q":
//! "<digest of the filters>"}`. It says where the next page starts and which query it belongs
//! to, so that a cursor sent with other filters is refused instead of silently skipping events.
//! It is not a secret: a client that forges one only chooses where its own read starts.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use store::FeedPosition;

use crate::app::Refusal;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    after: String,
    q: String,
}

/// The cursor that continues the query with `digest` after `after`.
pub fn encode(after: FeedPosition, digest: &str) -> String {
    let body = Body {
        after: after.to_string(),
        q: digest.to_string(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

/// Where a cursor continues, if it was handed out for the query with `digest`.
pub fn decode(text: &str, digest: &str) -> Result<FeedPosition, Refusal> {
    let garbled = || {
        Refusal::invalid_input(
            "cursor is not one this API handed out: pass `next_cursor` from the previous page \
             unchanged, or leave it out to start from the beginning",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| garbled())?;
    let body: Body = serde_json::from_slice(&bytes).map_err(|_| garbled())?;
    let after: FeedPosition = body.after.parse().map_err(|_| garbled())?;
    if after.tx < 0 || after.position < 0 {
        return Err(garbled());
    }
    if body.q != digest {
        return Err(Refusal::invalid_input(
            "this cursor belongs to another query: send it with the same filters as the page \
             that gave it (only `limit` may change), or leave it out to start again",
        ));
    }
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<FeedPosition, Refusal>) -> String {
        match result {
            Err(Refusal::Invalid { message, .. }) => message,
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn a_cursor_round_trips_with_its_query_only() {
        let at = FeedPosition {
            tx: 812,
            position: 77,
        };
        let cursor = encode(at, "abc");
        assert_eq!(decode(&cursor, "abc").unwrap(), at);
        assert!(message(decode(&cursor, "abd")).contains("another query"));
    }

    #[test]
    fn garbled_cursors_are_refused() {
        let forged = |json: &str| URL_SAFE_NO_PAD.encode(json);
        for text in [
            "not base64!".to_string(),
            forged("not json"),
            forged(r#"{"after": "12", "q": "abc"}"#),
            forged(r#"{"after": "-1:3", "q": "abc"}"#),
            forged(r#"{"after": "1:3", "q": "abc", "extra": 1}"#),
        ] {
            assert!(
                message(decode(&text, "abc")).contains("handed out"),
                "{text}"
            );
        }
    }
}
