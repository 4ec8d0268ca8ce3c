//! Profile changes: immediate fields, reviewed fields, and the review of a pending change.

use super::*;

fn new_name() -> Name {
    Name::new("Clúster Minero-Litio del Norte").unwrap()
}

fn firms(n: u64) -> ProfileChanges {
    ProfileChanges {
        number_of_firms: Some(FirmCount::new(n).unwrap()),
        ..Default::default()
    }
}

fn rename() -> ProfileChanges {
    ProfileChanges {
        name: Some(new_name()),
        ..Default::default()
    }
}

fn update(changes: ProfileChanges) -> C {
    C::UpdateProfile {
        changes,
        actor: owner_actor(),
        at: later(),
    }
}

fn proposed(changes: ProfileChanges) -> E {
    E::ProfileChangeProposed {
        changes,
        by: owner(),
        at: later(),
    }
}

fn updated(changes: ProfileChanges) -> E {
    E::ProfileUpdated {
        changes,
        by: owner(),
        at: later(),
    }
}

#[test]
fn before_approval_every_field_applies_at_once() {
    let changes = ProfileChanges {
        name: Some(new_name()),
        location: Some(GeoPoint::new(-24.0, -70.0).unwrap()),
        ..firms(90)
    };
    framework()
        .given(vec![registered()])
        .when(update(changes.clone()))
        .then_expect_events(vec![updated(changes.clone())]);
    let s = state(vec![registered(), updated(changes)]);
    assert_eq!(s.profile().unwrap().name, new_name());
    assert_eq!(s.profile().unwrap().number_of_firms.get(), 90);
}

#[test]
fn after_approval_unreviewed_fields_apply_at_once() {
    let changes = ProfileChanges {
        website: Some(None),
        maturity_stage: Some(MaturityStage::Consolidation),
        ..firms(120)
    };
    framework()
        .given(approved())
        .when(update(changes.clone()))
        .then_expect_events(vec![updated(changes.clone())]);
    let s = state(with(approved(), [updated(changes)]));
    assert_eq!(s.profile().unwrap().website, None);
    assert!(s.pending_change().is_none());
}

#[test]
fn after_approval_reviewed_fields_wait_for_a_moderator() {
    for changes in [
        rename(),
        ProfileChanges {
            kind: Some(InitiativeKind::BusinessNetwork),
            ..Default::default()
        },
        ProfileChanges {
            country: Some(CountryCode::new("AR").unwrap()),
            ..Default::default()
        },
        ProfileChanges {
            region: Some(Region::new("Tarapacá").unwrap()),
            ..Default::default()
        },
        ProfileChanges {
            location: Some(GeoPoint::new(-20.2, -70.1).unwrap()),
            ..Default::default()
        },
    ] {
        framework()
            .given(approved())
            .when(update(changes.clone()))
            .then_expect_events(vec![proposed(changes)]);
    }
    let s = state(with(approved(), [proposed(rename())]));
    assert_eq!(
        s.profile().unwrap().name,
        profile().name,
        "held, not applied"
    );
    assert_eq!(s.pending_change().unwrap().changes, rename());
}

#[test]
fn a_mixed_change_is_split_into_what_applies_and_what_waits() {
    let changes = ProfileChanges {
        name: Some(new_name()),
        ..firms(100)
    };
    framework()
        .given(approved())
        .when(update(changes))
        .then_expect_events(vec![updated(firms(100)), proposed(rename())]);
}

#[test]
fn unchanged_values_record_nothing() {
    let same = ProfileChanges {
        name: Some(profile().name),
        number_of_firms: Some(profile().number_of_firms),
        website: Some(profile().website),
        ..Default::default()
    };
    framework()
        .given(approved())
        .when(update(same))
        .then_expect_events(vec![]);
    framework()
        .given(approved())
        .when(update(ProfileChanges::default()))
        .then_expect_events(vec![]);
}

#[test]
fn only_managers_change_the_profile() {
    for actor in [stranger(), moderator()] {
        let result = framework()
            .given(approved())
            .when(C::UpdateProfile {
                changes: firms(5),
                actor,
                at: later(),
            })
            .inspect_result();
        not_allowed(result);
    }
}

#[test]
fn a_changed_founding_year_may_not_be_in_the_future() {
    let result = framework()
        .given(approved())
        .when(update(ProfileChanges {
            founding_year: Some(FoundingYear::new(2030).unwrap()),
            ..Default::default()
        }))
        .inspect_result();
    rule_violated(result, "in the future");
}

#[test]
fn only_one_reviewed_change_waits_at_a_time() {
    let history = with(approved(), [proposed(rename())]);
    let result = framework()
        .given(history.clone())
        .when(update(ProfileChanges {
            region: Some(Region::new("Atacama").unwrap()),
            ..Default::default()
        }))
        .inspect_result();
    invalid_transition(result, InitiativeStatus::Approved);
    // Fields that need no review still apply meanwhile.
    framework()
        .given(history)
        .when(update(firms(7)))
        .then_expect_events(vec![updated(firms(7))]);
}

#[test]
fn a_moderator_approves_the_pending_change() {
    let approved_change = E::ProfileChangeApproved {
        by: moderator_id(),
        at: later(),
    };
    framework()
        .given(with(approved(), [proposed(rename())]))
        .when(C::ApproveProfileChange {
            actor: moderator(),
            at: later(),
        })
        .then_expect_events(vec![approved_change.clone()]);
    let s = state(with(approved(), [proposed(rename()), approved_change]));
    assert_eq!(s.profile().unwrap().name, new_name());
    assert!(s.pending_change().is_none());
}

#[test]
fn a_moderator_rejects_the_pending_change() {
    let rejected = E::ProfileChangeRejected {
        reason: reason("El nuevo nombre no coincide con el registro oficial."),
        by: moderator_id(),
        at: later(),
    };
    framework()
        .given(with(approved(), [proposed(rename())]))
        .when(C::RejectProfileChange {
            reason: reason("El nuevo nombre no coincide con el registro oficial."),
            actor: moderator(),
            at: later(),
        })
        .then_expect_events(vec![rejected.clone()]);
    let s = state(with(approved(), [proposed(rename()), rejected]));
    assert_eq!(s.profile().unwrap().name, profile().name);
    assert!(s.pending_change().is_none());
}

#[test]
fn only_independent_moderators_review_changes() {
    let history = with(approved(), [proposed(rename())]);
    for actor in [owner_actor(), stranger(), Actor::moderator(owner())] {
        let result = framework()
            .given(history.clone())
            .when(C::ApproveProfileChange {
                actor: actor.clone(),
                at: later(),
            })
            .inspect_result();
        not_allowed(result);
        let result = framework()
            .given(history.clone())
            .when(C::RejectProfileChange {
                reason: reason("no"),
                actor,
                at: later(),
            })
            .inspect_result();
        not_allowed(result);
    }
}

#[test]
fn there_must_be_a_pending_change_to_review_or_withdraw() {
    for command in [
        C::ApproveProfileChange {
            actor: moderator(),
            at: later(),
        },
        C::RejectProfileChange {
            reason: reason("no"),
            actor: moderator(),
            at: later(),
        },
        C::WithdrawProfileChange {
            actor: owner_actor(),
            at: later(),
        },
    ] {
        let result = framework().given(approved()).when(command).inspect_result();
        invalid_transition(result, InitiativeStatus::Approved);
    }
}

#[test]
fn a_manager_withdraws_the_pending_change() {
    framework()
        .given(with(approved(), [proposed(rename())]))
        .when(C::WithdrawProfileChange {
            actor: owner_actor(),
            at: later(),
        })
        .then_expect_events(vec![E::ProfileChangeWithdrawn {
            by: owner(),
            at: later(),
        }]);
    let result = framework()
        .given(with(approved(), [proposed(rename())]))
        .when(C::WithdrawProfileChange {
            actor: stranger(),
            at: later(),
        })
        .inspect_result();
    not_allowed(result);
}

#[test]
fn profile_changes_tell_absent_from_null() {
    let remove: ProfileChanges = serde_json::from_str(r#"{"website":null}"#).unwrap();
    assert_eq!(remove.website, Some(None));
    let keep: ProfileChanges = serde_json::from_str(r#"{"number_of_firms":3}"#).unwrap();
    assert_eq!(keep.website, None);
    assert_eq!(
        serde_json::to_string(&remove).unwrap(),
        r#"{"website":null}"#
    );
    assert_eq!(
        serde_json::to_string(&keep).unwrap(),
        r#"{"number_of_firms":3}"#
    );
    assert!(serde_json::from_str::<ProfileChanges>(r#"{"nmae":"x"}"#).is_err());
    assert!(serde_json::from_str::<ProfileChanges>(r#"{"country":"ZZ"}"#).is_err());
}

#[test]
fn a_profile_reads_from_json_with_optional_fields_defaulted() {
    let json = serde_json::json!({
        "name": "Red de Turismo Rural",
        "kind": "business_network",
        "country": "pe",
        "region": "Cusco",
        "location": {"lat": -13.53, "lon": -71.97},
        "sectors": ["sustainable_tourism", "agri_food_fishing"],
        "number_of_firms": 40,
        "governance": {"facilitating_organization": "Municipalidad", "private": 60, "public": 40, "academia": 0, "civil_society": 0},
        "maturity_stage": "launch",
        "founding_year": 2021
    });
    let p: Profile = serde_json::from_value(json).unwrap();
    assert_eq!(p.country.as_str(), "PE");
    assert!(p.description.is_empty() && p.website.is_none() && p.strategic_focus.is_empty());
}
