//! Property tests of a community's theme and name as they travel through serde: in a theme, in
//! the `CreateCommunity` command and in the `CommunityCreated` event. (The `Name` rules
//! themselves are in `values`.)

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;
use crate::values::text_tests::{garbage, json_garbage, valid_text};
use crate::values::{CommunityId, NameRules};

fn sector() -> impl Strategy<Value = Sector> {
    proptest::sample::select(Sector::ALL)
}

fn theme() -> impl Strategy<Value = Theme> {
    prop_oneof![
        sector().prop_map(Theme::Sector),
        valid_text::<NameRules>().prop_map(|t| Theme::Topic(Name::new(t.input).expect("valid"))),
    ]
}

fn round_trips<T>(v: &T) -> Result<(), TestCaseError>
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + fmt::Debug,
{
    let json = serde_json::to_string(v).expect("serialises");
    prop_assert_eq!(&serde_json::from_str::<T>(&json).expect("reads back"), v);
    Ok(())
}

fn created(name: Name, theme: Theme) -> CommunityEvent {
    CommunityEvent::CommunityCreated {
        community_id: CommunityId::from_uuid(Uuid::from_u128(7)),
        name,
        theme,
        join_policy: JoinPolicy::Open,
        created_by: AccountId::from_uuid(Uuid::from_u128(1)),
        at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("in range"),
    }
}

fn create(name: Name, theme: Theme) -> CommunityCommand {
    CommunityCommand::CreateCommunity {
        community_id: CommunityId::from_uuid(Uuid::from_u128(7)),
        actor: Actor::moderator(AccountId::from_uuid(Uuid::from_u128(1))),
        name,
        theme,
        join_policy: JoinPolicy::Moderated,
        at: DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("in range"),
    }
}

proptest! {
    #[test]
    fn themes_round_trip_in_themselves_commands_and_events(theme in theme(), name in valid_text::<NameRules>()) {
        let name = Name::new(&name.input).expect("valid");
        round_trips(&theme)?;
        round_trips(&create(name.clone(), theme.clone()))?;
        round_trips(&created(name, theme))?;
    }

    #[test]
    fn a_topic_is_read_only_if_it_is_a_valid_name(raw in garbage()) {
        let json = serde_json::json!({ "topic": raw }).to_string();
        let read = serde_json::from_str::<Theme>(&json);
        // History reads what the rules of stored text admit (see `Text::stored`).
        match Name::stored(&raw) {
            Ok(name) => prop_assert_eq!(read.expect("a valid topic is read"), Theme::Topic(name)),
            Err(_) => prop_assert!(read.is_err(), "topic {:?} was read", raw),
        }
    }

    #[test]
    fn a_sector_theme_is_read_only_by_its_exact_code(raw in prop_oneof![garbage(), sector().prop_map(|s| s.code().to_owned()), "[a-z_]{2,14}"]) {
        let json = serde_json::json!({ "sector": raw }).to_string();
        let read = serde_json::from_str::<Theme>(&json).ok();
        let listed = Sector::ALL.iter().copied().find(|s| s.code() == raw);
        prop_assert_eq!(read, listed.map(Theme::Sector));
    }

    #[test]
    fn invalid_names_are_not_read_in_commands_or_events(raw in garbage(), theme in theme()) {
        prop_assume!(Name::stored(&raw).is_err());
        let valid = Name::new("Comunidad").expect("valid");
        for mut json in [
            serde_json::to_value(create(valid.clone(), theme.clone())).expect("serialises"),
            serde_json::to_value(created(valid.clone(), theme.clone())).expect("serialises"),
        ] {
            let body = json.as_object_mut().and_then(|o| o.values_mut().next()).expect("one variant");
            body["name"] = serde_json::Value::String(raw.clone());
            let text = json.to_string();
            prop_assert!(serde_json::from_str::<CommunityCommand>(&text).is_err());
            prop_assert!(serde_json::from_str::<CommunityEvent>(&text).is_err());
        }
    }

    #[test]
    fn garbage_json_never_panics(json in json_garbage()) {
        let _ = serde_json::from_str::<Theme>(&json);
        let _ = serde_json::from_str::<CommunityCommand>(&json);
        let _ = serde_json::from_str::<CommunityEvent>(&json);
        let _ = serde_json::from_str::<Community>(&json);
    }
}

#[test]
fn themes_have_one_json_shape() {
    assert_eq!(
        serde_json::to_value(Theme::Sector(Sector::GreenHydrogen)).unwrap(),
        serde_json::json!({ "sector": "green_hydrogen" })
    );
    assert_eq!(
        serde_json::to_value(Theme::Topic(Name::new(" Mujeres en la minería ").unwrap())).unwrap(),
        serde_json::json!({ "topic": "Mujeres en la minería" })
    );
    for bad in [
        r#"{"sector":"lithium","topic":"Litio"}"#,
        r#"{"sector":"Lithium"}"#,
        r#"{"topic":""}"#,
        r#"{"topic":null}"#,
        r#""lithium""#,
        r#"{"Sector":"lithium"}"#,
        "{}",
    ] {
        assert!(serde_json::from_str::<Theme>(bad).is_err(), "{bad}");
    }
}
