//! What the public list pages share (publications, news, gatherings, communities, joint
//! projects): their filters as form fields kept in the URL, a filter the use case refused shown
//! beside its field, and paging by the use case's cursor.
//!
//! A list page reads the query string's filters and paging, hands them to its use case (the
//! same parse functions as the JSON API's lists), and draws the page. A malformed filter (only a
//! hand-edited URL makes one: the form offers valid values) is not a 500 nor an empty error
//! page: the page is drawn again with the error beside the field, in the reader's language,
//! answering 400.

use std::borrow::Cow;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::assets;
use super::form::{Errors, Input};
use super::i18n::{code_of, Tr};
use super::page::{render, with_lang, Chrome, Reader};
use crate::app::listing::{Listed, PageRequest};
use crate::app::Refusal;

/// The filters (and the cursor) of a request that are not empty, in the order given.
pub fn given(reader: &Reader, accepted: &[&str]) -> Vec<(String, String)> {
    reader
        .query
        .iter()
        .filter(|(key, value)| {
            (accepted.contains(&key.as_str()) || key == "cursor") && !value.trim().is_empty()
        })
        .cloned()
        .collect()
}

/// `given` as the use cases' parse functions read parameters.
pub fn parameters(
    given: &[(String, String)],
) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    given
        .iter()
        .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str())))
}

/// The page request of `given` (its `cursor`; the number of rows is the page's own).
pub fn page_request(given: &[(String, String)], rows: usize) -> Result<PageRequest, Refusal> {
    let mut page = PageRequest::parse(parameters(given))?;
    page.limit = rows;
    Ok(page)
}

/// The value of `key` in `given`, or "".
pub fn value<'a>(given: &'a [(String, String)], key: &str) -> &'a str {
    given
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// A select of a vocabulary: "any" first, then each code with its label.
pub fn select<T: serde::Serialize>(
    t: &Tr,
    name: &'static str,
    label_key: &str,
    any_key: &str,
    vocabulary: &str,
    all: &[T],
    given: &[(String, String)],
) -> Input {
    let mut options = vec![(String::new(), t.get(any_key))];
    options.extend(all.iter().map(|value| {
        let code = code_of(value);
        let label = t.label(vocabulary, &code);
        (code, label)
    }));
    Input::new(name, t.get(label_key), "select")
        .options(options)
        .value(value(given, name))
}

/// The text filter (`q`).
pub fn text_input(t: &Tr, given: &[(String, String)]) -> Input {
    Input::new("q", t.get("filter-text"), "search")
        .hint(t.get("filter-text-hint"))
        .value(value(given, "q"))
}

/// The links below a page of results: the next page (by the use case's cursor), and back to
/// the first once past it.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    pub first: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn of<T>(path: &str, given: &[(String, String)], listed: &Listed<T>, t: &Tr) -> Self {
        let filters: Vec<(String, String)> = given
            .iter()
            .filter(|(k, _)| k != "cursor")
            .cloned()
            .collect();
        let next = listed.next_cursor.as_ref().map(|cursor| {
            let mut with_cursor = filters.clone();
            with_cursor.push(("cursor".into(), cursor.clone()));
            with_lang(path, &with_cursor, t.language)
        });
        let first = given
            .iter()
            .any(|(k, _)| k == "cursor")
            .then(|| with_lang(path, &filters, t.language));
        Self { first, next }
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_none() && self.next.is_none()
    }
}

/// The filter form of a list page, and what became of the reader's filters.
pub struct Filters {
    pub inputs: Vec<Input>,
    pub errors: Errors,
    /// Whether any filter is set (the form then offers to clear them).
    pub any: bool,
    pub reset: String,
}

impl Filters {
    /// The form of `inputs` for the page at `path`; `refused`: the filters the use case refused.
    pub fn new(
        t: &Tr,
        path: &str,
        mut inputs: Vec<Input>,
        given: &[(String, String)],
        refused: Option<&Refusal>,
    ) -> Self {
        let errors = refused
            .and_then(|refusal| Errors::of_invalid(t, refusal, &[]))
            .unwrap_or_default();
        errors.place(&mut inputs);
        Self {
            inputs,
            errors,
            any: given.iter().any(|(k, _)| k != "cursor"),
            reset: with_lang(path, &[], t.language),
        }
    }

    /// The answer's status: 400 when a filter was refused.
    pub fn status(&self) -> StatusCode {
        if self.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        }
    }
}

/// A list page's frame: the console's style sheet and the public pages' own.
pub fn chrome(reader: &Reader, web: &super::Web, title: String, path: &str) -> Chrome {
    let mut chrome = Chrome::new(reader, &web.site, title, path);
    chrome.styles.push(assets::url("css/public.css"));
    chrome
}

/// Renders `page` with the status its filters call for.
pub fn answer(filters: &Filters, page: &impl Template) -> Response {
    render(filters.status(), page)
}

/// The use case's answer, or an empty page and the refusal to show beside the filters (a
/// refusal other than a malformed filter is the page's to raise).
pub fn listed_or_refused<T>(
    result: Result<Listed<T>, Refusal>,
) -> Result<(Listed<T>, Option<Refusal>), Refusal> {
    match result {
        Ok(listed) => Ok((listed, None)),
        Err(refusal @ Refusal::Invalid { .. }) => Ok((
            Listed {
                items: Vec::new(),
                next_cursor: None,
                total: 0,
            },
            Some(refusal),
        )),
        Err(other) => Err(other),
    }
}
