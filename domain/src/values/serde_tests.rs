//! Deserialisation goes through the same checks as the constructors, for arbitrary input, and
//! nothing panics: the value types other than texts (those are in `text_tests.rs`).

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

use super::text_tests::{garbage, json_garbage};
use super::*;

/// The constructor's answer and serde's answer on the same raw input are the same.
fn agree<T>(made: Result<T, ValueError>, json: &str) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    match (made, serde_json::from_str::<T>(json)) {
        (Ok(made), Ok(read)) => {
            prop_assert_eq!(&made, &read);
            let back = serde_json::to_string(&made).expect("serialises");
            prop_assert_eq!(serde_json::from_str::<T>(&back).expect("reads back"), made);
            Ok(())
        }
        (Err(_), Err(_)) => Ok(()),
        (made, read) => Err(TestCaseError::fail(format!(
            "constructor {made:?} but serde {read:?} for {json}"
        ))),
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

fn url_like() -> impl Strategy<Value = String> {
    prop_oneof![
        garbage(),
        "(https?|HTTPS?|Http|ftp|)(://|:/|//)?[a-zA-Z0-9.:@+_~/?#%ñÁ\\[\\]-]{0,30}",
        (
            "https?://",
            "([a-z0-9-]{1,8}\\.){1,3}[a-z]{2,4}\\.?",
            "(:[+0-9]{0,6})?",
            "[/?#][a-zA-Z0-9/?#=&.-]{0,12}|",
        )
            .prop_map(|(s, h, p, t)| format!("{s}{h}{p}{t}")),
    ]
}

/// Shares around and beyond the 0..=100 range, mostly small enough to sum to 100 sometimes.
fn share() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..=100, 1 => 101u32..1000, 1 => any::<u32>()]
}

proptest! {
    #[test]
    fn digests_are_64_lowercase_hex(hex in "[0-9a-f]{64}", bad in "[0-9a-fA-Z ]{0,70}") {
        let d = EmailDigest::from_hex(hex.clone()).unwrap();
        prop_assert_eq!(d.as_str(), hex.as_str());
        agree(Ok(d), &quoted(&hex))?;
        let valid = bad.len() == 64 && bad.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let err = EmailDigest::from_hex(bad.clone());
        prop_assert_eq!(err.is_ok(), valid, "{}", bad);
        if let Err(err) = err {
            prop_assert_eq!(err.field.as_str(), "email_digest");
        }
    }

    #[test]
    fn websites_read_as_they_are_made(raw in url_like()) {
        let made = Website::new(&raw);
        if let Ok(w) = &made {
            let s = w.as_str();
            prop_assert!(s.starts_with("https://") || s.starts_with("http://"), "{}", s);
            prop_assert!(s.chars().count() <= Website::MAX);
            prop_assert!(!s.chars().any(|c| c.is_whitespace() || c.is_control()), "{:?}", s);
            let authority = s.split("://").nth(1).unwrap_or("").split(['/', '?', '#']).next().unwrap_or("");
            prop_assert!(!authority.contains('@'), "{}", s);
            prop_assert_eq!(&Website::new(s).unwrap(), w, "normalising twice changes it");
            // What a person may type, history reads back the same.
            prop_assert_eq!(&Website::stored(&raw).unwrap(), w);
        } else if let Err(err) = &made {
            prop_assert_eq!(err.field.as_str(), "website");
        }
        agree(Website::stored(&raw), &quoted(&raw))?;
    }

    #[test]
    fn over_long_websites_are_refused(n in Website::MAX - 30..Website::MAX + 30) {
        let raw = format!("https://example.org/{}", "a".repeat(n - "https://example.org/".len()));
        prop_assert_eq!(Website::new(&raw).is_ok(), n <= Website::MAX);
        agree(Website::stored(&raw), &quoted(&raw))?;
    }

    #[test]
    fn country_codes_read_as_they_are_made(raw in prop_oneof![garbage(), "[ ]?[a-zA-Z]{1,3}[ ]?", "[A-Z]{2}"]) {
        let made = CountryCode::new(&raw);
        if let Ok(c) = &made {
            prop_assert_eq!(c.as_str(), raw.trim().to_ascii_uppercase());
            prop_assert_eq!(serde_json::to_string(c).unwrap(), quoted(c.as_str()));
        }
        agree(made, &quoted(&raw))?;
    }

    #[test]
    fn points_read_as_they_are_made(lat in prop_oneof![any::<f64>(), -91.0f64..91.0], lon in prop_oneof![any::<f64>(), -181.0f64..181.0]) {
        // Through JSON text, as the event log stores it; NaN and infinities become `null`.
        let (jlat, jlon) = (serde_json::to_string(&lat).unwrap(), serde_json::to_string(&lon).unwrap());
        let json = format!(r#"{{"lat":{jlat},"lon":{jlon}}}"#);
        let made = match (serde_json::from_str::<f64>(&jlat), serde_json::from_str::<f64>(&jlon)) {
            (Ok(la), Ok(lo)) => GeoPoint::new(la, lo),
            _ => Err(ValueError::new("location", "not a number")),
        };
        agree(made, &json)?;
    }

    #[test]
    fn counts_and_years_read_as_they_are_made(n in prop_oneof![any::<i64>(), -10i64..10, 999_990i64..1_000_010, 1890i64..3010]) {
        let firms = if n < 0 { Err(ValueError::new("number_of_firms", "negative")) } else { FirmCount::new(n.unsigned_abs()) };
        prop_assert_eq!(firms.is_ok(), (1..=1_000_000).contains(&n));
        agree(firms, &n.to_string())?;
        let year = FoundingYear::new(n);
        prop_assert_eq!(year.is_ok(), (1900..=2999).contains(&n));
        agree(year, &n.to_string())?;
    }

    #[test]
    fn governance_reads_back_with_the_rules_of_stored_text(org in prop_oneof![Just("CORFO".to_string()), garbage()], p in share(), q in share(), r in share(), s in share()) {
        let shares_fit = [p, q, r, s].iter().all(|x| *x <= 100) && p + q + r + s == 100;
        let made = Governance::new(&org, p, q, r, s);
        prop_assert_eq!(made.is_ok(), shares_fit && Name::new(&org).is_ok());
        // Read back from an event or a snapshot, the name meets the rules every stored text has
        // always met (as every text does), so that tightening what may be typed never makes
        // the history unreadable.
        let json = serde_json::json!({
            "facilitating_organization": org, "private": p, "public": q, "academia": r, "civil_society": s,
        });
        let read = serde_json::from_value::<Governance>(json);
        prop_assert_eq!(read.is_ok(), shares_fit && Name::stored(&org).is_ok());
        if let Ok(read) = read {
            prop_assert_eq!(read.facilitating_organization(), &Name::stored(&org).unwrap());
            prop_assert_eq!(
                (read.private(), read.public(), read.academia(), read.civil_society()),
                (p as u8, q as u8, r as u8, s as u8)
            );
        }
    }

    #[test]
    fn sectors_read_as_they_are_parsed(raw in prop_oneof![garbage(), proptest::sample::select(Sector::ALL).prop_map(|s| format!(" {} ", s.code())), "[a-z_]{2,12}"]) {
        let listed = |code: &str| Sector::ALL.iter().copied().find(|s| s.code() == code);
        // Parsing forgives surrounding spaces; serde takes the exact code.
        prop_assert_eq!(raw.parse::<Sector>().ok(), listed(raw.trim()));
        prop_assert_eq!(serde_json::from_str::<Sector>(&quoted(&raw)).ok(), listed(&raw));
        if let Err(err) = raw.parse::<Sector>() {
            prop_assert_eq!(err.field.as_str(), "sectors");
        }
    }

    #[test]
    fn ids_parse_garbage_without_panicking(raw in prop_oneof![garbage(), "[0-9a-fA-F-]{30,40}"]) {
        if let Ok(id) = raw.parse::<ThreadId>() {
            prop_assert_eq!(id.to_string().parse::<ThreadId>().unwrap(), id);
            agree(Ok(id), &quoted(&id.to_string()))?;
        }
    }

    #[test]
    fn garbage_json_never_panics(json in json_garbage()) {
        let _ = serde_json::from_str::<EmailDigest>(&json);
        let _ = serde_json::from_str::<Website>(&json);
        let _ = serde_json::from_str::<CountryCode>(&json);
        let _ = serde_json::from_str::<GeoPoint>(&json);
        let _ = serde_json::from_str::<Governance>(&json);
        let _ = serde_json::from_str::<FirmCount>(&json);
        let _ = serde_json::from_str::<FoundingYear>(&json);
        let _ = serde_json::from_str::<Sectors>(&json);
        let _ = serde_json::from_str::<Sealed>(&json);
        let _ = serde_json::from_str::<AccountId>(&json);
    }
}

#[test]
fn structured_values_refuse_unknown_and_missing_fields() {
    for json in [
        r#"{"lat":1,"lon":2,"alt":0}"#,
        r#"{"lat":1}"#,
        r#"{"lat":"1","lon":2}"#,
    ] {
        assert!(serde_json::from_str::<GeoPoint>(json).is_err(), "{json}");
    }
    let ok = r#"{"facilitating_organization":"CORFO","private":40,"public":30,"academia":20,"civil_society":10"#;
    assert!(serde_json::from_str::<Governance>(&format!("{ok}}}")).is_ok());
    assert!(serde_json::from_str::<Governance>(&format!(r#"{ok},"other":0}}"#)).is_err());
    assert!(serde_json::from_str::<Governance>(r#"{"private":100}"#).is_err());
    assert!(serde_json::from_str::<FirmCount>("1.5").is_err());
    assert!(serde_json::from_str::<FoundingYear>("\"2000\"").is_err());
}

/// A digest read from JSON (an event, a stream id) goes through `from_hex` like any other.
#[test]
fn digests_deserialise_through_from_hex() {
    for bad in ["", "not-a-digest", &"A".repeat(64), &"a".repeat(63)] {
        assert!(EmailDigest::from_hex(bad).is_err(), "{bad:?}");
        assert!(
            serde_json::from_str::<EmailDigest>(&quoted(bad)).is_err(),
            "serde accepted the digest {bad:?}"
        );
    }
}

/// A port is digits only (RFC 3986: `port = *DIGIT`); `str::parse::<u16>` alone would take
/// `:+443`, which browsers refuse.
#[test]
fn ports_are_digits_only() {
    let err = Website::new("https://example.org:+443/").map(|w| w.as_str().to_owned());
    assert!(err.is_err(), "accepted as {err:?}");
}

/// Years after `FoundingYear::LATEST` (2999) are refused with a message that names that bound.
#[test]
fn founding_year_messages_state_the_bound_that_was_broken() {
    let err = FoundingYear::new(3000).unwrap_err();
    assert!(err.message.contains("2999"), "{}", err.message);
}
