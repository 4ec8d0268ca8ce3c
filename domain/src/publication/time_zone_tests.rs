//! Property tests of `IanaTimeZone`: exactly the names of the bundled database are accepted,
//! spelled as the database spells them, and serde reads what the constructor makes.

use chrono_tz::{Tz, TZ_VARIANTS};
use proptest::prelude::*;
use std::collections::BTreeSet;

use super::IanaTimeZone;
use crate::values::text_tests::{garbage, json_garbage};

fn names() -> BTreeSet<&'static str> {
    TZ_VARIANTS.iter().map(|tz| tz.name()).collect()
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// A real name, changed a little: case, one character dropped, doubled or replaced, a suffix.
fn near_miss() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(&TZ_VARIANTS[..]),
        0usize..5,
        any::<proptest::sample::Index>(),
        proptest::char::range(' ', '~'),
    )
        .prop_map(|(tz, how, at, c)| {
            let name = tz.name();
            let mut chars: Vec<char> = name.chars().collect();
            let i = at.index(chars.len());
            match how {
                0 => name.to_lowercase(),
                1 => name.to_uppercase(),
                2 => {
                    chars.remove(i);
                    chars.into_iter().collect()
                }
                3 => {
                    chars.insert(i, c);
                    chars.into_iter().collect()
                }
                _ => {
                    chars[i] = c;
                    chars.into_iter().collect()
                }
            }
        })
}

#[test]
fn every_name_of_the_database_is_accepted_as_spelled_and_round_trips() {
    assert_eq!(TZ_VARIANTS.len(), names().len(), "names are unique");
    for tz in TZ_VARIANTS {
        let zone = IanaTimeZone::new(tz.name()).unwrap_or_else(|e| panic!("{}: {e}", tz.name()));
        assert_eq!(zone.as_str(), tz.name());
        assert_eq!(zone.to_string(), tz.name());
        assert_eq!(zone.tz(), tz);
        let json = serde_json::to_string(&zone).unwrap();
        assert_eq!(json, quoted(tz.name()));
        assert_eq!(serde_json::from_str::<IanaTimeZone>(&json).unwrap(), zone);
        assert_eq!(IanaTimeZone::try_from(tz.name()).unwrap(), zone);
        assert_eq!(String::from(zone), tz.name());
    }
}

proptest! {
    #[test]
    fn names_are_accepted_with_surrounding_spaces(tz in proptest::sample::select(&TZ_VARIANTS[..]), before in "[ \t\n]{0,3}", after in "[ \t\n]{0,3}") {
        let raw = format!("{before}{}{after}", tz.name());
        let zone = IanaTimeZone::new(&raw).unwrap();
        prop_assert_eq!(zone.as_str(), tz.name());
        prop_assert_eq!(serde_json::from_str::<IanaTimeZone>(&quoted(&raw)).unwrap(), zone);
    }

    #[test]
    fn strings_that_are_not_names_are_refused(raw in prop_oneof![near_miss(), garbage(), "[A-Za-z]{1,12}(/[A-Za-z_+-]{1,14}){0,2}", "(UTC|GMT)[+-][0-9]{1,2}(:[0-9]{2})?"]) {
        let known = names().contains(raw.trim());
        let made = IanaTimeZone::new(&raw);
        let read = serde_json::from_str::<IanaTimeZone>(&quoted(&raw));
        prop_assert_eq!(made.is_ok(), known, "{:?}", raw);
        prop_assert_eq!(read.is_ok(), known, "{:?}", raw);
        match (made, read) {
            (Ok(made), Ok(read)) => {
                prop_assert_eq!(&made, &read);
                prop_assert_eq!(made.as_str(), raw.trim());
                prop_assert_eq!(made.tz(), raw.trim().parse::<Tz>().unwrap());
            }
            (Err(err), _) => {
                prop_assert_eq!(err.field.as_str(), "time_zone");
                prop_assert!(err.message.contains("not a known IANA time zone"), "{}", err.message);
            }
            _ => unreachable!("both agree with `known`"),
        }
    }

    #[test]
    fn garbage_json_never_panics(json in json_garbage()) {
        if let Ok(zone) = serde_json::from_str::<IanaTimeZone>(&json) {
            prop_assert!(names().contains(zone.as_str()));
        }
    }
}
