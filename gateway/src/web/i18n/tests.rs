//! Every text in every language, every vocabulary code labelled, every key a page asks for
//! defined; and the choice of language.

use std::collections::BTreeSet;
use std::path::Path;

use axum::http::HeaderValue;
use domain::values::{
    CountryCode, FundingSource, InitiativeKind, Lang, MaturityStage, Sector, StrategicFocus,
};

use super::*;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The message ids of the Fluent files of one language (every line that starts an entry).
fn ids(language: &str) -> BTreeSet<String> {
    let dir = Path::new(ROOT).join("locales").join(language);
    let mut ids = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("the locale folder exists") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            let Some((id, _)) = line.split_once(" =") else {
                continue;
            };
            let is_id = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if is_id {
                ids.insert(id.to_owned());
            }
        }
    }
    ids
}

#[test]
fn every_language_has_every_key() {
    let spanish = ids("es");
    assert!(spanish.len() > 200, "{} keys", spanish.len());
    for language in ["pt", "en"] {
        let other = ids(language);
        let missing: Vec<_> = spanish.difference(&other).collect();
        let extra: Vec<_> = other.difference(&spanish).collect();
        assert!(missing.is_empty(), "missing in {language}: {missing:?}");
        assert!(extra.is_empty(), "only in {language}, not in es: {extra:?}");
    }
}

/// The key of every vocabulary code the pages label.
fn vocabulary_keys() -> Vec<String> {
    let key = |vocabulary: &str, code: String| format!("{vocabulary}-{}", code.replace('_', "-"));
    let mut keys: Vec<String> = Vec::new();
    keys.extend(
        Sector::ALL
            .iter()
            .map(|s| key("sector", s.code().to_owned())),
    );
    keys.extend(InitiativeKind::ALL.iter().map(|v| key("kind", code_of(v))));
    keys.extend(
        MaturityStage::ALL
            .iter()
            .map(|v| key("maturity", code_of(v))),
    );
    keys.extend(
        FundingSource::ALL
            .iter()
            .map(|v| key("funding", code_of(v))),
    );
    keys.extend(StrategicFocus::ALL.iter().map(|v| key("focus", code_of(v))));
    keys.extend(
        CountryCode::all()
            .filter(|c| c.is_latin_america_and_caribbean())
            .map(|c| format!("country-{c}")),
    );
    // The library's, communities' and joint projects' codes.
    use domain::publication::{GatheringFormat, Language as ItemLanguage, Topic};
    keys.extend(
        ItemLanguage::ALL
            .iter()
            .map(|l| key("item-language", l.as_str().to_owned())),
    );
    keys.extend(Topic::ALL.iter().map(|v| key("topic", code_of(v))));
    keys.extend(
        GatheringFormat::ALL
            .iter()
            .map(|v| key("format", code_of(v))),
    );
    keys.extend(
        domain::joint_project::ProjectStatus::ALL
            .iter()
            .map(|s| key("project-state", s.as_str().to_owned())),
    );
    for invitation in ["invited", "accepted", "declined"] {
        keys.push(key("invitation", invitation.to_owned()));
    }
    keys
}

/// Keys that pages make from a name or a number rather than write out.
fn composed_keys() -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for kind in [
        "invalid",
        "not-allowed",
        "not-found",
        "refused",
        "too-many",
        "unavailable",
        "internal",
        "forged",
    ] {
        keys.push(format!("problem-{kind}-title"));
        keys.push(format!("problem-{kind}-text"));
    }
    for table in ["countries", "sectors", "kinds", "maturity", "growth"] {
        keys.push(format!("statistics-{table}"));
        keys.push(format!("statistics-{table}-key"));
    }
    for month in 1..=12 {
        keys.push(format!("month-{month}"));
        keys.push(format!("month-short-{month}"));
    }
    for language in ["es", "pt", "en"] {
        keys.push(format!("language-{language}"));
    }
    // Forms: errors beside the fields of the use cases' own names, pages made from a prefix,
    // the kinds of mail and the roles.
    for field in [
        "email",
        "display-name",
        "password",
        "new-password",
        "current-password",
        "phone",
        "language",
    ] {
        keys.push(format!("error-{field}"));
    }
    for page in [
        "confirm",
        "activate",
        "sign-in",
        "sign-up",
        "sign-up-received",
    ] {
        keys.push(format!("{page}-title"));
    }
    for page in ["confirm", "activate"] {
        keys.push(format!("{page}-intro"));
    }
    for kind in domain::account::NotificationKind::ALL {
        keys.push(format!("mail-kind-{}", kind.as_str().replace('_', "-")));
    }
    for role in ["member", "moderator", "auditor", "admin"] {
        keys.push(format!("role-{role}"));
    }
    for status in ["submitted", "approved", "rejected", "retired"] {
        keys.push(format!("status-{status}"));
    }
    for role in ["member", "facilitator"] {
        keys.push(format!("community-role-{role}"));
    }
    // The library's shelves and the states of an item its author sees.
    for shelf in ["publications", "news", "gatherings"] {
        for part in ["title", "heading", "intro", "count", "back"] {
            keys.push(format!("library-{shelf}-{part}"));
        }
        keys.push(format!("library-kind-{shelf}"));
    }
    for status in ["submitted", "rejected", "withdrawn"] {
        keys.push(format!("library-status-{status}"));
    }
    for when in ["upcoming", "past", "all"] {
        keys.push(format!("library-when-{when}"));
    }
    // The list pages' filters, as the use cases name them when they refuse one.
    for field in [
        "q",
        "language",
        "topic",
        "format",
        "when",
        "from",
        "to",
        "cursor",
        "limit",
        "sector",
        "policy",
        "state",
        "country",
        "open-call",
    ] {
        keys.push(format!("error-{field}"));
    }
    for kind in crate::app::audit::known::AGGREGATES {
        keys.push(format!("audit-kind-{}", kind.name.replace('_', "-")));
    }
    for field in [
        "aggregate-type",
        "aggregate-id",
        "event-type",
        "actor",
        "correlation-id",
        "from",
        "to",
        "as-of",
        "at-position",
    ] {
        keys.push(format!("audit-error-{field}"));
    }
    for done in ["granted", "revoked", "signed-out", "erased", "retried"] {
        keys.push(format!("admin-done-{done}"));
    }
    for status in [
        "unregistered",
        "pending-activation",
        "pending-confirmation",
        "active",
        "erased",
    ] {
        keys.push(format!("account-status-{status}"));
    }
    for field in [
        "name",
        "kind",
        "country",
        "region",
        "lat",
        "lon",
        "sectors",
        "number-of-firms",
        "governance",
        "facilitating-organization",
        "maturity-stage",
        "founding-year",
        "website",
    ] {
        keys.push(format!("error-{field}"));
    }
    keys
}

#[test]
fn every_vocabulary_code_and_composed_key_has_a_text_in_every_language() {
    for language in ["es", "pt", "en"] {
        let defined = ids(language);
        let missing: Vec<String> = vocabulary_keys()
            .into_iter()
            .chain(composed_keys())
            .filter(|k| !defined.contains(k))
            .collect();
        assert!(missing.is_empty(), "missing in {language}: {missing:?}");
    }
}

#[test]
fn sector_labels_are_the_domains_own() {
    for (language, lang) in [
        (Language::Es, Lang::Es),
        (Language::Pt, Lang::Pt),
        (Language::En, Lang::En),
    ] {
        let t = Tr::new(language);
        for sector in Sector::ALL {
            assert_eq!(t.label("sector", sector.code()), sector.label(lang));
        }
    }
}

/// Every literal key in the templates and in the console's code (`t.get("…")`, `t.count("…"`,
/// `t.with("…"`).
fn keys_used() -> BTreeSet<String> {
    let mut files = Vec::new();
    for dir in ["templates", "src/web"] {
        let mut stack = vec![Path::new(ROOT).join(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path.extension().is_some_and(|e| e == "html" || e == "rs") {
                files.push(path);
            }
        }
    }
    let mut keys = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for call in ["t.get(\"", "t.count(\"", "t.with(\""] {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                let key = rest.split('"').next().unwrap_or_default();
                // Not a key: this file's own description of the calls it looks for.
                if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    keys.insert(key.to_owned());
                }
            }
        }
    }
    keys
}

#[test]
fn every_key_a_page_asks_for_exists() {
    let used = keys_used();
    assert!(used.contains("map-heading") && used.contains("skip-to-content"));
    let defined = ids("es");
    let unknown: Vec<_> = used.iter().filter(|k| !defined.contains(*k)).collect();
    assert!(unknown.is_empty(), "keys used but not defined: {unknown:?}");
}

#[test]
fn texts_take_their_arguments_and_numbers_are_written_as_each_language_writes_them() {
    let es = Tr::new(Language::Es);
    let en = Tr::new(Language::En);
    assert_eq!(es.count("map-count", 40_000), "40.000 iniciativas");
    assert_eq!(en.count("map-count", 1), "1 initiative");
    assert_eq!(en.count("map-count", 0), "No initiative matches");
    assert_eq!(es.number(1234567), "1.234.567");
    assert_eq!(en.number(999), "999");
    let at = chrono::DateTime::parse_from_rfc3339("2025-03-14T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(es.date(at), "14 de marzo de 2025");
    assert_eq!(en.date(at), "14 March 2025");
    assert_eq!(Tr::new(Language::Pt).month("2024-09"), "set. 2024");
    assert_eq!(es.label("country", "PE"), "Perú");
    assert_eq!(
        es.label("country", "FR"),
        "France",
        "outside the region: English name"
    );
}

fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.append(name.clone(), HeaderValue::from_str(value).unwrap());
    }
    headers
}

#[test]
fn the_language_comes_from_the_query_then_the_cookie_then_accept_language_else_spanish() {
    let browser = headers(&[
        (header::ACCEPT_LANGUAGE, "fr-FR,pt-BR;q=0.8,en;q=0.9"),
        (header::COOKIE, "a=b; lang=pt"),
    ]);
    assert_eq!(negotiate(Some("lang=en&q=x"), &browser), Language::En);
    assert_eq!(negotiate(Some("lang=fr"), &browser), Language::Pt, "cookie");
    let no_cookie = headers(&[(header::ACCEPT_LANGUAGE, "fr-FR,pt-BR;q=0.8,en;q=0.9")]);
    assert_eq!(negotiate(None, &no_cookie), Language::En, "by quality");
    let portuguese = headers(&[(header::ACCEPT_LANGUAGE, "pt-BR,pt;q=0.9")]);
    assert_eq!(negotiate(None, &portuguese), Language::Pt);
    let refused = headers(&[(header::ACCEPT_LANGUAGE, "en;q=0, de")]);
    assert_eq!(negotiate(None, &refused), Language::Es);
    assert_eq!(negotiate(None, &HeaderMap::new()), Language::Es);
}

#[test]
fn the_platform_as_it_was_is_told_in_the_singular_and_the_plural() {
    let summary = |language, initiatives: f64, firms: f64| {
        Tr::new(language).with(
            "audit-as-of-summary",
            &[
                ("moment", Arg::Text("2026-01-01".into())),
                ("initiatives", Arg::Number(initiatives)),
                ("firms", Arg::Number(firms)),
            ],
        )
    };
    let one = summary(Language::Es, 1.0, 1.0);
    assert!(one.contains("1 iniciativa con 1 empresa."), "{one}");
    let many = summary(Language::Es, 2.0, 85.0);
    assert!(many.contains("2 iniciativas con 85 empresas."), "{many}");
    let one = summary(Language::Pt, 1.0, 85.0);
    assert!(one.contains("1 iniciativa com 85 empresas."), "{one}");
    let one = summary(Language::En, 1.0, 1.0);
    assert!(one.contains("1 initiative with 1 firm."), "{one}");
}
