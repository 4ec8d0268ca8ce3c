//! Property and example tests of the value types.

use super::*;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

fn round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(v: &T) {
    let json = serde_json::to_string(v).expect("serialises");
    let back: T = serde_json::from_str(&json).expect("deserialises what it serialised");
    assert_eq!(&back, v, "round trip through {json}");
}

fn rejects<T: DeserializeOwned + Debug>(json: &str) {
    assert!(
        serde_json::from_str::<T>(json).is_err(),
        "{json} should not deserialise"
    );
}

// Printable text without control characters, possibly with inner spaces.
fn printable(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof!["[a-zA-Z0-9]", "[áéíóúñçãõÁÉÍÓÚÑ]", Just(" ".to_string())],
        len,
    )
    .prop_map(|v| v.concat())
    .prop_filter("not blank at the ends", |s| s.trim() == s && !s.is_empty())
}

proptest! {
    #[test]
    fn names_within_bounds_are_accepted_and_round_trip(s in printable(1..=200)) {
        let name = Name::new(&s).unwrap();
        prop_assert_eq!(name.as_str(), s.as_str());
        round_trips(&name);
    }

    #[test]
    fn names_are_trimmed(s in printable(1..=100), pad in "[ \t]{0,5}") {
        let name = Name::new(format!("{pad}{s}{pad}")).unwrap();
        prop_assert_eq!(name.as_str(), s.as_str());
    }

    #[test]
    fn over_long_names_are_rejected(n in 201usize..400) {
        let err = Name::new("a".repeat(n)).unwrap_err();
        prop_assert_eq!(err.field.as_str(), "name");
        prop_assert!(err.message.contains("at most 200"), "{}", err.message);
        rejects::<Name>(&serde_json::to_string(&"a".repeat(n)).unwrap());
    }

    #[test]
    fn control_characters_are_rejected(s in printable(1..=50), c in (0u32..0x20).prop_filter("not whitespace", |c| ![9, 10, 13].contains(c))) {
        let c = char::from_u32(c).unwrap();
        let err = Name::new(format!("{s}{c}{s}")).unwrap_err();
        prop_assert!(err.message.contains("control character"), "{}", err.message);
        let with_control = format!("{s}{c}{s}");
        prop_assert!(Description::new(with_control).is_err());
    }

    #[test]
    fn descriptions_keep_lines_and_round_trip(lines in proptest::collection::vec(printable(1..=80), 1..20)) {
        let text = lines.join("\r\n");
        let d = Description::new(&text).unwrap();
        prop_assert_eq!(d.as_str(), lines.join("\n"));
        round_trips(&d);
    }

    #[test]
    fn reasons_must_fit_in_1000(n in 1001usize..3000) {
        prop_assert!(Reason::new("x".repeat(n)).is_err());
        prop_assert!(Reason::new("x".repeat(n.min(1000))).is_ok());
    }

    #[test]
    fn valid_points_are_accepted_and_round_trip(lat in -90.0f64..=90.0, lon in -180.0f64..=180.0) {
        let p = GeoPoint::new(lat, lon).unwrap();
        prop_assert!((p.lat() - lat).abs() <= 0.6e-7 && (p.lon() - lon).abs() <= 0.6e-7);
        round_trips(&p);
        // Quantising is idempotent, so a stored point reads back as itself.
        prop_assert_eq!(GeoPoint::new(p.lat(), p.lon()).unwrap(), p);
    }

    #[test]
    fn out_of_range_latitudes_are_rejected(lat in prop_oneof![90.000001f64..1e9, -1e9f64..-90.000001], lon in -180.0f64..=180.0) {
        let err = GeoPoint::new(lat, lon).unwrap_err();
        prop_assert_eq!(err.field.as_str(), "location.lat");
        rejects::<GeoPoint>(&format!(r#"{{"lat":{lat},"lon":{lon}}}"#));
    }

    #[test]
    fn out_of_range_longitudes_are_rejected(lat in -90.0f64..=90.0, lon in prop_oneof![180.000001f64..1e9, -1e9f64..-180.000001]) {
        let err = GeoPoint::new(lat, lon).unwrap_err();
        prop_assert_eq!(err.field.as_str(), "location.lon");
    }

    #[test]
    fn every_assigned_country_code_parses_in_any_case(i in 0usize..249, lower in any::<bool>()) {
        let code = CountryCode::all().nth(i).unwrap();
        let input = if lower { code.as_str().to_lowercase() } else { code.as_str().to_string() };
        prop_assert_eq!(CountryCode::new(&input).unwrap(), code);
        round_trips(&code);
    }

    #[test]
    fn unassigned_codes_are_rejected(s in "[A-Z]{2}|[A-Z]{3,5}|[0-9]{2}") {
        let assigned = CountryCode::all().any(|c| c.as_str() == s);
        prop_assert_eq!(CountryCode::new(&s).is_ok(), assigned);
    }

    #[test]
    fn sector_lists_without_duplicates_are_accepted(idx in proptest::sample::subsequence((0..Sector::ALL.len()).collect::<Vec<_>>(), 1..=10)) {
        let list: Vec<Sector> = idx.into_iter().map(|i| Sector::ALL[i]).collect();
        let s = Sectors::new(list.clone()).unwrap();
        prop_assert_eq!(s.as_slice(), list.as_slice());
        round_trips(&s);
    }

    #[test]
    fn sector_lists_with_duplicates_or_too_many_are_rejected(idx in proptest::sample::subsequence((0..Sector::ALL.len()).collect::<Vec<_>>(), 1..=10), extra in 0usize..26) {
        let mut list: Vec<Sector> = idx.iter().map(|&i| Sector::ALL[i]).collect();
        list.push(list[extra % list.len()]);
        prop_assert!(Sectors::new(list.clone()).is_err());
        rejects::<Sectors>(&serde_json::to_string(&list).unwrap());
        let many: Vec<Sector> = Sector::ALL.iter().copied().take(11 + extra % 10).collect();
        prop_assert!(Sectors::new(many).is_err());
    }

    #[test]
    fn governance_shares_summing_to_100_are_accepted((a, b, c) in (0u32..=100).prop_flat_map(|a| (Just(a), 0..=100 - a)).prop_flat_map(|(a, b)| (Just(a), Just(b), 0..=100 - a - b))) {
        let g = Governance::new("Agencia de Desarrollo", a, b, c, 100 - a - b - c).unwrap();
        round_trips(&g);
    }

    #[test]
    fn governance_shares_not_summing_to_100_are_rejected(a in 0u32..=100, b in 0u32..=100, c in 0u32..=100, d in 0u32..=100) {
        prop_assume!(a + b + c + d != 100);
        let err = Governance::new("Agencia", a, b, c, d).unwrap_err();
        prop_assert!(err.field.starts_with("governance"));
    }

    #[test]
    fn firm_counts_in_range_round_trip(n in 1u64..=1_000_000) {
        round_trips(&FirmCount::new(n).unwrap());
    }

    #[test]
    fn firm_counts_out_of_range_are_rejected(n in prop_oneof![Just(0u64), 1_000_001u64..u64::MAX]) {
        prop_assert!(FirmCount::new(n).is_err());
        rejects::<FirmCount>(&n.to_string());
    }

    #[test]
    fn founding_years_from_1900_round_trip(y in 1900i64..=2999) {
        round_trips(&FoundingYear::new(y).unwrap());
    }

    #[test]
    fn founding_years_before_1900_are_rejected(y in -100_000i64..1900) {
        prop_assert!(FoundingYear::new(y).is_err());
    }

    #[test]
    fn websites_are_accepted_and_round_trip(https in any::<bool>(), labels in proptest::collection::vec("[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", 1..4), tld in "[a-z]{2,6}", path in "(/[a-zA-Z0-9_.~-]{0,12}){0,3}(\\?[a-z]=[0-9]{1,3})?") {
        // Labels with hyphens in their third and fourth places are reserved for encodings such as
        // punycode's `xn--` (RFC 5891 §4.2.3.1); a random one is not a valid encoded name.
        prop_assume!(labels.iter().all(|label| label.get(2..4) != Some("--")));
        let url = format!("{}://{}.{tld}{path}", if https { "https" } else { "http" }, labels.join("."));
        let w = Website::new(&url).unwrap();
        prop_assert_eq!(w.as_str(), url.as_str());
        round_trips(&w);
    }

    #[test]
    fn websites_without_http_scheme_are_rejected(scheme in "(ftp|mailto|javascript|file|)", host in "[a-z]{1,10}\\.[a-z]{2,4}") {
        let sep = if scheme.is_empty() { "" } else { "://" };
        let address = format!("{scheme}{sep}{host}");
        prop_assert!(Website::new(address).is_err());
    }

    #[test]
    fn ids_round_trip(n in any::<u128>()) {
        let id = InitiativeId::from_uuid(uuid::Uuid::from_u128(n));
        round_trips(&id);
        prop_assert_eq!(id.to_string().parse::<InitiativeId>().unwrap(), id);
    }
}

#[test]
fn the_country_table_is_complete_sorted_and_unique() {
    let codes: Vec<&str> = CountryCode::all().map(|c| c.as_str()).collect();
    assert_eq!(codes.len(), 249, "ISO 3166-1 assigns 249 codes");
    assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    let lac = CountryCode::all()
        .filter(|c| c.is_latin_america_and_caribbean())
        .count();
    assert_eq!(lac, 52, "UN M49 region 419 has 52 entries");
    for code in [
        "AR", "BR", "CL", "CO", "MX", "PE", "UY", "CR", "DO", "JM", "TT", "HT", "CU",
    ] {
        assert!(CountryCode::new(code)
            .unwrap()
            .is_latin_america_and_caribbean());
    }
    assert!(!CountryCode::new("DE")
        .unwrap()
        .is_latin_america_and_caribbean());
    assert_eq!(CountryCode::new(" br ").unwrap().english_name(), "Brazil");
}

#[test]
fn country_errors_name_the_field_and_the_fix() {
    let err = CountryCode::new("XK").unwrap_err();
    assert_eq!(err.field, "country");
    assert!(err.message.contains("not an assigned"), "{}", err.message);
    let err = CountryCode::new("Brazil").unwrap_err();
    assert!(err.message.contains("two-letter"), "{}", err.message);
}

#[test]
fn non_finite_coordinates_are_rejected() {
    assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
    assert!(GeoPoint::new(0.0, f64::INFINITY).is_err());
    rejects::<GeoPoint>(r#"{"lat":1,"lon":2,"alt":3}"#);
}

#[test]
fn empty_and_blank_texts_are_refused_where_required() {
    assert_eq!(Name::new("   ").unwrap_err().message, "must not be empty");
    assert!(Region::new("").is_err());
    assert!(Description::new("").unwrap().is_empty());
    assert!(Name::new("a\nb")
        .unwrap_err()
        .message
        .contains("single line"));
}

#[test]
fn sectors_have_stable_codes_and_labels() {
    assert_eq!(Sector::ALL.len(), 26);
    assert_eq!(
        serde_json::to_string(&Sector::AgriFoodFishing).unwrap(),
        "\"agri_food_fishing\""
    );
    assert_eq!(
        serde_json::to_string(&Sector::GreenHydrogen).unwrap(),
        "\"green_hydrogen\""
    );
    for s in Sector::ALL {
        assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        assert_eq!(s.code().parse::<Sector>().unwrap(), *s);
        for lang in [Lang::Es, Lang::Pt, Lang::En] {
            assert!(!s.label(lang).is_empty());
        }
    }
    assert_eq!(
        Sector::ALL.iter().filter(|s| s.is_driving_sector()).count(),
        14
    );
    assert!("steel"
        .parse::<Sector>()
        .unwrap_err()
        .message
        .contains("lithium"));
}

#[test]
fn complementarity_is_symmetric_irreflexive_and_documented() {
    assert!(COMPLEMENTARY_PAIRS.len() >= 20);
    for &a in Sector::ALL {
        assert!(!are_complementary(a, a), "{a} complements itself");
        for &b in a.complements() {
            assert!(b.complements().contains(&a), "{a} → {b} but not back");
            assert!(Sector::complementarity_reason(a, b).is_some());
        }
    }
    assert!(are_complementary(Sector::Lithium, Sector::Electromobility));
    assert!(are_complementary(Sector::Electromobility, Sector::Lithium));
    assert!(are_complementary(
        Sector::Logistics,
        Sector::AgriFoodFishing
    ));
    assert!(are_complementary(
        Sector::GreenHydrogen,
        Sector::EnergyTransition
    ));
    assert!(are_complementary(Sector::Mining, Sector::Lithium));
    assert!(!are_complementary(Sector::Tourism, Sector::Lithium));
    // No pair is listed twice (in either order).
    for (i, (a, b, _)) in COMPLEMENTARY_PAIRS.iter().enumerate() {
        assert!(COMPLEMENTARY_PAIRS[..i]
            .iter()
            .all(|(x, y, _)| !((x == a && y == b) || (x == b && y == a))));
    }
}

#[test]
fn governance_and_enums_serialise_as_documented() {
    let g: Governance = serde_json::from_str(
        r#"{"facilitating_organization":"CORFO","private":40,"public":30,"academia":20,"civil_society":10}"#,
    )
    .unwrap();
    assert_eq!(g.private(), 40);
    assert_eq!(
        serde_json::to_string(&MaturityStage::PreIncubation).unwrap(),
        "\"pre_incubation\""
    );
    assert_eq!(
        serde_json::to_string(&InitiativeKind::SupplierDevelopmentProgramme).unwrap(),
        "\"supplier_development_programme\""
    );
    let err = Governance::new("", 100, 0, 0, 0).unwrap_err();
    assert_eq!(err.field, "governance.facilitating_organization");
    let err = Governance::new("X", 50, 40, 0, 0).unwrap_err();
    assert!(err.message.contains("add up to 90"), "{}", err.message);
}

#[test]
fn websites_are_normalised_and_suspicious_ones_refused() {
    assert_eq!(
        Website::new("HTTPS://Cluster.Example.CL/Inicio")
            .unwrap()
            .as_str(),
        "https://cluster.example.cl/Inicio"
    );
    assert!(Website::new("https://clúster.cl").is_ok());
    assert!(Website::new("https://xn--clster-qya.cl").is_ok());
    assert!(Website::new("https://example.org:8080/x").is_ok());
    for bad in [
        "https://localhost",
        "https://user:pw@example.org",
        "https://exa mple.org",
        "https://-bad.org",
        "https://example.org:0",
        "https://example.org:99999",
        "https://192.168.0.1",
        "https://",
        "example.org",
        "https://example.org/\"><script>alert(1)</script>",
        "https://example.org/a<b",
        "https://example.org/%zz",
        "https://example.org/%4",
        "https://example.org/a\\b",
        "https://example.org/{x}",
        "https://example.org/\u{200B}",
        "https://example.\u{FEFF}org",
        "https://bvr.f.xn--s8z4.uuetbf",
    ] {
        let err = Website::new(bad).unwrap_err();
        assert_eq!(err.field, "website", "{bad}");
    }
    // Well-formed tails stay as written, including percent-encoding and IRI letters.
    for good in [
        "https://example.org/a%20b?q=1&r=a,b;c#top",
        "https://example.org/informe-año-2024",
        "https://example.org/~x/(y)/*z*/!$'@:",
    ] {
        assert_eq!(Website::new(good).unwrap().as_str(), good);
    }
}

#[test]
fn history_reads_addresses_stored_before_the_stricter_rules() {
    let stored = "\"https://example.org/a<b\"";
    let read: Website = serde_json::from_str(stored).expect("history stays readable");
    assert_eq!(read.as_str(), "https://example.org/a<b");
}
