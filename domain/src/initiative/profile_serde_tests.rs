//! Property tests of `Profile` and `ProfileChanges` as the gateway reads them and the event log
//! stores them: arbitrary valid profiles and changes round-trip (absent and `null` website
//! kept apart), a single invalid field makes the whole thing unreadable, unknown fields are
//! refused, and splitting or trimming changes never changes what applying them does.

use proptest::prelude::*;
use std::collections::BTreeSet;

use super::{Profile, ProfileChanges};
use crate::values::text_tests::{json_garbage, valid_text};
use crate::values::*;

fn text<R: TextRules>() -> impl Strategy<Value = Text<R>> {
    valid_text::<R>().prop_map(|t| Text::new(t.input).expect("valid"))
}

fn subset<T: Copy + Ord + std::fmt::Debug>(
    all: &'static [T],
) -> impl Strategy<Value = BTreeSet<T>> {
    proptest::sample::subsequence(all, 0..=all.len()).prop_map(|v| v.into_iter().collect())
}

fn governance() -> impl Strategy<Value = Governance> {
    (text::<NameRules>(), 0u32..=100, 0u32..=100, 0u32..=100).prop_map(|(org, a, b, c)| {
        let (b, c) = (b.min(100 - a), c.min(100 - a - b.min(100 - a)));
        Governance::new(org.as_str(), a, b, c, 100 - a - b - c).expect("sums to 100")
    })
}

fn website() -> impl Strategy<Value = Option<Website>> {
    proptest::option::of(
        "https?://[a-z0-9]{1,10}\\.(cl|org|com\\.br)(/[a-z0-9-]{0,8})?"
            .prop_map(|s| Website::new(s).expect("valid")),
    )
}

fn profile() -> impl Strategy<Value = Profile> {
    let countries: Vec<CountryCode> = CountryCode::all().collect();
    (
        (
            text::<NameRules>(),
            text::<DescriptionRules>(),
            proptest::sample::select(InitiativeKind::ALL),
        ),
        (
            proptest::sample::select(countries),
            text::<RegionRules>(),
            -90.0f64..=90.0,
            -180.0f64..=180.0,
        ),
        (
            proptest::sample::subsequence(Sector::ALL, 1..=Sectors::MAX),
            text::<ValueChainFocusRules>(),
        ),
        (
            subset(StrategicFocus::ALL),
            1u64..=1_000_000,
            governance(),
            subset(FundingSource::ALL),
        ),
        (
            proptest::sample::select(MaturityStage::ALL),
            1900i64..=2999,
            website(),
        ),
    )
        .prop_map(
            |(
                (name, description, kind),
                (country, region, lat, lon),
                (sectors, focus),
                (strategic, firms, governance, funding),
                (stage, year, website),
            )| Profile {
                name,
                description,
                kind,
                country,
                region,
                location: GeoPoint::new(lat, lon).expect("in range"),
                sectors: Sectors::new(sectors).expect("1 to 10, no duplicates"),
                value_chain_focus: focus,
                strategic_focus: strategic,
                number_of_firms: FirmCount::new(firms).expect("in range"),
                governance,
                funding_sources: funding,
                maturity_stage: stage,
                founding_year: FoundingYear::new(year).expect("in range"),
                website,
            },
        )
}

/// The fields of `to` picked by `mask`, as changes.
fn changes_towards(to: &Profile, mask: [bool; 15]) -> ProfileChanges {
    let pick = |i: usize| mask[i];
    let to = to.clone();
    ProfileChanges {
        name: pick(0).then_some(to.name),
        description: pick(1).then_some(to.description),
        kind: pick(2).then_some(to.kind),
        country: pick(3).then_some(to.country),
        region: pick(4).then_some(to.region),
        location: pick(5).then_some(to.location),
        sectors: pick(6).then_some(to.sectors),
        value_chain_focus: pick(7).then_some(to.value_chain_focus),
        strategic_focus: pick(8).then_some(to.strategic_focus),
        number_of_firms: pick(9).then_some(to.number_of_firms),
        governance: pick(10).then_some(to.governance),
        funding_sources: pick(11).then_some(to.funding_sources),
        maturity_stage: pick(12).then_some(to.maturity_stage),
        founding_year: pick(13).then_some(to.founding_year),
        website: pick(14).then_some(to.website),
    }
}

/// For each field, JSON values its type refuses.
fn invalid_field() -> impl Strategy<Value = (&'static str, serde_json::Value)> {
    use serde_json::json;
    let cases = vec![
        ("name", json!("")),
        ("name", json!("a".repeat(201))),
        ("name", json!("Clúster\u{202E}")),
        ("description", json!("d".repeat(5001))),
        ("description", json!("x\u{0}y")),
        ("kind", json!("cluster")),
        ("country", json!("XK")),
        ("country", json!("Chile")),
        ("region", json!("línea\nnueva")),
        ("location", json!({ "lat": 91.0, "lon": 0.0 })),
        ("location", json!({ "lat": 0.0, "lon": -180.5 })),
        ("sectors", json!([])),
        ("sectors", json!(["lithium", "lithium"])),
        ("sectors", json!(["steel"])),
        ("value_chain_focus", json!("v".repeat(1001))),
        ("strategic_focus", json!(["innovation", "growth"])),
        ("number_of_firms", json!(0)),
        ("number_of_firms", json!(1_000_001)),
        (
            "governance",
            json!({ "facilitating_organization": "X", "private": 50, "public": 49, "academia": 0, "civil_society": 0 }),
        ),
        ("funding_sources", json!(["lottery"])),
        ("maturity_stage", json!("mature")),
        ("founding_year", json!(1899)),
        ("founding_year", json!(3000)),
        ("website", json!("ftp://example.org")),
        ("website", json!("https://localhost")),
    ];
    proptest::sample::select(cases)
}

proptest! {
    #[test]
    fn profiles_round_trip(p in profile()) {
        let json = serde_json::to_value(&p).expect("serialises");
        prop_assert_eq!(json.as_object().map(|o| o.len()), Some(15), "every field is written");
        prop_assert_eq!(serde_json::from_value::<Profile>(json).expect("reads back"), p);
    }

    #[test]
    fn one_invalid_field_makes_profile_and_changes_unreadable(p in profile(), (field, bad) in invalid_field()) {
        let mut json = serde_json::to_value(&p).expect("serialises");
        json[field] = bad.clone();
        prop_assert!(serde_json::from_value::<Profile>(json).is_err(), "{} = {}", field, bad);
        let changes = serde_json::json!({ field: bad });
        prop_assert!(serde_json::from_value::<ProfileChanges>(changes).is_err(), "{} = {}", field, bad);
    }

    #[test]
    fn unknown_and_missing_fields_are_refused(p in profile(), key in "[a-z_]{1,12}", drop in 0usize..15) {
        let json = serde_json::to_value(&p).expect("serialises");
        let fields: Vec<String> = json.as_object().expect("an object").keys().cloned().collect();
        prop_assume!(!fields.contains(&key));
        let mut extra = json.clone();
        extra[&key] = serde_json::json!(1);
        prop_assert!(serde_json::from_value::<Profile>(extra).is_err());
        let unknown = serde_json::json!({ key.as_str(): 1 });
        prop_assert!(serde_json::from_value::<ProfileChanges>(unknown).is_err());
        let mut missing = json;
        let dropped = &fields[drop];
        missing.as_object_mut().expect("an object").remove(dropped);
        let read = serde_json::from_value::<Profile>(missing);
        let optional = ["description", "value_chain_focus", "strategic_focus", "funding_sources", "website"];
        prop_assert_eq!(read.is_ok(), optional.contains(&dropped.as_str()), "without {}", dropped);
    }

    #[test]
    fn changes_round_trip_and_tell_absent_from_null(to in profile(), mask in any::<[bool; 15]>(), clear in any::<bool>()) {
        let mut changes = changes_towards(&to, mask);
        if clear && changes.website.is_some() {
            changes.website = Some(None);
        }
        let json = serde_json::to_value(&changes).expect("serialises");
        prop_assert_eq!(json.as_object().map(|o| o.len()), Some(mask.iter().filter(|m| **m).count()));
        prop_assert_eq!(json.get("website").map(serde_json::Value::is_null), changes.website.as_ref().map(Option::is_none));
        prop_assert_eq!(serde_json::from_value::<ProfileChanges>(json).expect("reads back"), changes.clone());
        prop_assert_eq!(changes.is_empty(), !mask.contains(&true));
    }

    #[test]
    fn splitting_and_trimming_changes_apply_the_same(from in profile(), to in profile(), mask in any::<[bool; 15]>()) {
        let changes = changes_towards(&to, mask);
        let mut whole = from.clone();
        changes.clone().apply_to(&mut whole);
        let mut trimmed = from.clone();
        changes.clone().without_no_ops(&from).apply_to(&mut trimmed);
        prop_assert_eq!(&trimmed, &whole);
        let (review, immediate) = changes.split_for_review();
        let mut split = from.clone();
        review.clone().apply_to(&mut split);
        immediate.clone().apply_to(&mut split);
        prop_assert_eq!(&split, &whole);
        prop_assert!(immediate.name.is_none() && immediate.kind.is_none() && immediate.country.is_none());
        prop_assert!(immediate.region.is_none() && immediate.location.is_none());
        prop_assert!(review.description.is_none() && review.website.is_none() && review.sectors.is_none());
    }

    #[test]
    fn garbage_json_never_panics(json in json_garbage()) {
        let _ = serde_json::from_str::<Profile>(&json);
        let _ = serde_json::from_str::<ProfileChanges>(&json);
    }
}

#[test]
fn a_profile_without_optional_fields_reads_with_defaults() {
    let json = serde_json::json!({
        "name": "Red de Turismo Rural", "kind": "business_network", "country": "pe",
        "region": "Cusco", "location": { "lat": -13.53, "lon": -71.97 },
        "sectors": ["tourism"], "number_of_firms": 12,
        "governance": { "facilitating_organization": "Municipalidad", "private": 60, "public": 40, "academia": 0, "civil_society": 0 },
        "maturity_stage": "launch", "founding_year": 2021,
    });
    let p: Profile = serde_json::from_value(json).expect("reads");
    assert_eq!(p.country.as_str(), "PE");
    assert!(p.description.is_empty() && p.value_chain_focus.is_empty());
    assert!(p.strategic_focus.is_empty() && p.funding_sources.is_empty());
    assert_eq!(p.website, None);
    let none: ProfileChanges = serde_json::from_str(r#"{"website":null}"#).expect("reads");
    assert_eq!(none.website, Some(None));
    assert!(serde_json::from_str::<ProfileChanges>("{}")
        .expect("reads")
        .is_empty());
}
