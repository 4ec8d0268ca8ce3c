//! The console's languages: which one a reader gets, and every text in it.
//!
//! Texts live in Fluent files under `gateway/locales/<lang>/` (compiled into the binary by
//! fluent-templates); a page's template asks its [`Tr`] for each text by key. The reader's
//! language is, in order: `?lang=`, the `lang` cookie (set when `?lang=` was given), the first
//! of Spanish, Portuguese and English that `Accept-Language` names, else Spanish. Vocabulary
//! labels (sectors, kinds, maturity stages, funding sources, strategic focus, countries) have
//! keys made from their codes: `sector-lithium`, `country-CL`.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use chrono::{DateTime, Datelike, Utc};
use domain::values::Language;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, LanguageIdentifier, Loader};
use serde::Serialize;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "es",
        // No Unicode isolation marks around arguments: the texts are mostly left-to-right and
        // the marks would show in attributes and CSV files.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The name of the cookie that keeps a reader's choice of language.
pub const LANG_COOKIE: &str = "lang";

/// The language of a request: `?lang=`, then the cookie, then `Accept-Language`, else Spanish.
pub fn negotiate(query: Option<&str>, headers: &HeaderMap) -> Language {
    from_query(query)
        .or_else(|| from_cookie(headers))
        .or_else(|| from_accept_language(headers))
        .unwrap_or_default()
}

/// The language `?lang=` asks for, if it names one of ours.
pub fn from_query(query: Option<&str>) -> Option<Language> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == "lang")
        .and_then(|(_, value)| value.parse().ok())
}

fn from_cookie(headers: &HeaderMap) -> Option<Language> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANG_COOKIE)
        .and_then(|(_, value)| value.parse().ok())
}

/// The first of our languages in `Accept-Language` by quality (`pt-BR` is Portuguese).
fn from_accept_language(headers: &HeaderMap) -> Option<Language> {
    let mut ranked: Vec<(f32, usize, Language)> = Vec::new();
    let ranges = headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for (order, range) in ranges.enumerate() {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let primary = tag.split('-').next().unwrap_or_default();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Ok(language) = primary.parse::<Language>() {
            if quality > 0.0 {
                ranked.push((quality, order, language));
            }
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|(_, _, language)| *language)
}

fn identifier(language: Language) -> LanguageIdentifier {
    language
        .code()
        .parse()
        .unwrap_or_else(|_| LanguageIdentifier::default())
}

/// The texts of one language, for templates and handlers.
#[derive(Debug, Clone)]
pub struct Tr {
    pub language: Language,
    id: LanguageIdentifier,
}

impl Tr {
    pub fn new(language: Language) -> Self {
        Self {
            language,
            id: identifier(language),
        }
    }

    /// The ISO 639-1 code, for `<html lang>` and `hreflang`.
    pub fn code(&self) -> &'static str {
        self.language.code()
    }

    /// The text of `key`.
    pub fn get(&self, key: &str) -> String {
        LOCALES.lookup(&self.id, key)
    }

    /// The text of `key`, if this language has one (for keys composed from a name).
    pub fn try_get(&self, key: &str) -> Option<String> {
        LOCALES.try_lookup(&self.id, key)
    }

    /// The text of `key` with the arguments given.
    pub fn with(&self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(text) => FluentValue::from(text.clone()),
                    Arg::Number(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect();
        LOCALES.lookup_with_args(&self.id, key, &args)
    }

    /// The text of `key` for a number: `$count` chooses the plural form, `$shown` is the number
    /// written as this language writes it.
    pub fn count(&self, key: &str, count: u64) -> String {
        self.with(
            key,
            &[
                ("count", Arg::Number(count as f64)),
                ("shown", Arg::Text(self.number(count))),
            ],
        )
    }

    /// The label of a vocabulary code (`sector`, `lithium` → the key `sector-lithium`). Every
    /// code has one (a test checks), except countries outside Latin America and the Caribbean,
    /// which keep their English short name.
    pub fn label(&self, vocabulary: &str, code: &str) -> String {
        let key = format!("{vocabulary}-{}", code.replace('_', "-"));
        LOCALES.try_lookup(&self.id, &key).unwrap_or_else(
            || match domain::values::CountryCode::new(code) {
                Ok(country) if vocabulary == "country" => country.english_name().to_owned(),
                _ => code.to_owned(),
            },
        )
    }

    /// The label of a value whose serde name is its code (kinds, stages, sources, focus).
    pub fn label_of<T: Serialize>(&self, vocabulary: &str, value: &T) -> String {
        self.label(vocabulary, &code_of(value))
    }

    /// A whole number with this language's digit grouping (40.000 in es and pt, 40,000 in en).
    pub fn number(&self, n: u64) -> String {
        let separator = match self.language {
            Language::En => ',',
            Language::Es | Language::Pt => '.',
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(digit);
        }
        out
    }

    /// A date as this language writes it in prose ("14 de marzo de 2025", "14 March 2025").
    pub fn date(&self, at: DateTime<Utc>) -> String {
        let month = self.get(&format!("month-{}", at.month()));
        self.with(
            "date-long",
            &[
                ("day", Arg::Text(at.day().to_string())),
                ("month", Arg::Text(month)),
                ("year", Arg::Text(at.year().to_string())),
            ],
        )
    }

    /// A month (`2024-03`) as this language names it ("mar. 2024").
    pub fn month(&self, key: &str) -> String {
        let Some((year, month)) = key.split_once('-') else {
            return key.to_owned();
        };
        let Ok(month) = month.parse::<u32>() else {
            return key.to_owned();
        };
        format!("{} {year}", self.get(&format!("month-short-{month}")))
    }
}

/// An argument of a text.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

/// The serde name of a unit enum variant: the code stored in events and used in URLs.
pub fn code_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;
