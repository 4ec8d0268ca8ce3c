//! What every list use case shares: reading a page request (`cursor`, `limit`) and the common
//! filters (`q`, comma-separated codes), and answering a page with an opaque cursor.
//!
//! The cursor is base64url of the last item's sort key (see `projections::SortKey`): it says
//! where the next page starts and nothing else. It is not a secret: a client that forges one
//! only chooses where its own read starts.

use std::borrow::Cow;
use std::collections::BTreeSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use projections::{Page, SortKey, TextQuery, Viewer, DEFAULT_PAGE, MAX_PAGE};
use serde::Serialize;

use super::map::{invalid, one_of, values};
use super::Refusal;
use crate::access::Caller;

/// The parameters every list reads besides its own filters.
pub const PAGING: [&str; 2] = ["cursor", "limit"];

/// Which page to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Start after this item (the previous page's last); `None`: from the start.
    pub after: Option<SortKey>,
    pub limit: usize,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            after: None,
            limit: DEFAULT_PAGE,
        }
    }
}

impl PageRequest {
    /// Reads `cursor` and `limit` from query parameters, ignoring the others.
    pub fn parse<'a>(
        parameters: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
    ) -> Result<Self, Refusal> {
        let mut page = Self::default();
        for (key, value) in parameters {
            match key.as_ref() {
                "cursor" => page.after = Some(decode(&value)?),
                "limit" => {
                    page.limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_PAGE).contains(n))
                        .ok_or_else(|| {
                            invalid(
                                "limit",
                                format!(
                                    "limit must be a whole number from 1 to {MAX_PAGE} (got \
                                     `{value}`)"
                                ),
                            )
                        })?
                }
                _ => {}
            }
        }
        Ok(page)
    }
}

/// A page as every adapter shows it: the items, the cursor of the next page (none on the last),
/// and how many items the whole selection holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub total: usize,
}

impl<T> From<Page<T>> for Listed<T> {
    fn from(page: Page<T>) -> Self {
        Self {
            items: page.items,
            next_cursor: page.next.as_ref().map(encode),
            total: page.total,
        }
    }
}

impl<T> Listed<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Listed<U> {
        Listed {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
            total: self.total,
        }
    }
}

pub fn encode(key: &SortKey) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

fn decode(text: &str) -> Result<SortKey, Refusal> {
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            invalid(
                "cursor",
                "cursor is not one this API handed out: pass `next_cursor` from the previous \
                 page unchanged, or leave it out to start from the beginning",
            )
        })
}

/// Who reads, as the library's visibility rule needs it.
pub fn viewer(caller: &Caller) -> Viewer {
    caller.actor().map_or(Viewer::VISITOR, |actor| Viewer {
        account: Some(actor.account),
        moderator: actor.is_moderator(),
    })
}

/// `q`: words to find, ignoring case and accents.
pub fn text(value: &str) -> Result<TextQuery, Refusal> {
    TextQuery::new(value).map_err(|m| invalid("q", m))
}

/// Adds the codes of a comma-separated parameter to `set`.
pub fn codes<T: Copy + Ord + Serialize>(
    set: &mut BTreeSet<T>,
    key: &str,
    value: &str,
    all: &[T],
    what: &str,
) -> Result<(), Refusal> {
    for code in values(key, value)? {
        set.insert(one_of(key, code, all, what)?);
    }
    Ok(())
}

/// A `true` or `false` parameter.
pub fn flag(key: &str, value: &str) -> Result<bool, Refusal> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(invalid(
            key,
            format!("{key} must be `true` or `false` (got `{other}`)"),
        )),
    }
}
