//! The outline read from a stored state is the outline of the state itself, at every step of
//! the lifecycle.

use super::*;

#[test]
fn an_outline_read_from_a_stored_state_is_the_states_own() {
    let change = ProfileChanges {
        name: Some(Name::new("Clúster Minero del Norte").unwrap()),
        ..ProfileChanges::default()
    };
    let histories = [
        vec![],
        vec![registered()],
        approved(),
        with(
            approved(),
            [E::InitiativeConfirmed {
                by: owner(),
                at: later(),
            }],
        ),
        with(
            approved(),
            [E::ProfileChangeProposed {
                changes: change,
                by: owner(),
                at: later(),
            }],
        ),
        vec![
            registered(),
            E::InitiativeRejected {
                reason: reason("Falta la ubicación exacta."),
                by: moderator_id(),
                at: later(),
            },
        ],
        with(
            approved(),
            [E::InitiativeRetired {
                reason: Some(reason("El clúster cerró.")),
                by: owner(),
                at: later(),
            }],
        ),
    ];
    for history in histories {
        let initiative = state(history);
        let stored = serde_json::to_string(&initiative).unwrap();
        let outline: InitiativeOutline = serde_json::from_str(&stored).unwrap();
        assert_eq!(outline, initiative.outline(), "{stored}");
        let written = serde_json::to_string(&outline).unwrap();
        assert_eq!(
            serde_json::from_str::<InitiativeOutline>(&written).unwrap(),
            outline
        );
        assert_eq!(outline.status(), initiative.status());
        assert_eq!(outline.confirmation_due(), initiative.confirmation_due());
        assert_eq!(
            outline.profile().map(|p| p.name.as_str()),
            initiative.profile().map(|p| p.name.as_str())
        );
    }
}

#[test]
fn an_outline_folds_a_profile_edit_as_the_state_does() {
    let every_field = ProfileChanges {
        name: Some(Name::new("Clúster Minero del Norte").unwrap()),
        description: Some(Description::new("Proveedores mineros del norte.").unwrap()),
        kind: Some(InitiativeKind::BusinessNetwork),
        country: Some(CountryCode::new("PE").unwrap()),
        region: Some(Region::new("Arequipa").unwrap()),
        location: Some(GeoPoint::new(-16.4, -71.5).unwrap()),
        sectors: Some(Sectors::new(vec![Sector::Mining]).unwrap()),
        number_of_firms: Some(FirmCount::new(120).unwrap()),
        maturity_stage: Some(MaturityStage::Consolidation),
        founding_year: Some(FoundingYear::new(2001).unwrap()),
        website: Some(None),
        ..ProfileChanges::default()
    };
    // Each field alone, all of them, and none.
    let one_each = [
        ProfileChanges {
            name: every_field.name.clone(),
            ..Default::default()
        },
        ProfileChanges {
            description: every_field.description.clone(),
            ..Default::default()
        },
        ProfileChanges {
            kind: every_field.kind,
            ..Default::default()
        },
        ProfileChanges {
            country: every_field.country,
            ..Default::default()
        },
        ProfileChanges {
            region: every_field.region.clone(),
            ..Default::default()
        },
        ProfileChanges {
            location: every_field.location,
            ..Default::default()
        },
        ProfileChanges {
            sectors: every_field.sectors.clone(),
            ..Default::default()
        },
        ProfileChanges {
            number_of_firms: every_field.number_of_firms,
            ..Default::default()
        },
        ProfileChanges {
            maturity_stage: every_field.maturity_stage,
            ..Default::default()
        },
    ];
    let edits = one_each
        .into_iter()
        .chain([every_field, ProfileChanges::default()]);
    for changes in edits {
        for history in [vec![], vec![registered()], approved()] {
            let edit = E::ProfileUpdated {
                changes: changes.clone(),
                by: owner(),
                at: later(),
            };
            assert!(InitiativeOutline::folds(&edit));
            let mut outline = state(history.clone()).outline();
            assert!(outline.apply(&edit));
            assert_eq!(
                outline,
                state(with(history, [edit])).outline(),
                "{changes:?}"
            );
        }
    }

    // Any other event needs the whole state: the outline is left as it is.
    let confirmed = E::InitiativeConfirmed {
        by: owner(),
        at: later(),
    };
    assert!(!InitiativeOutline::folds(&confirmed));
    let mut outline = state(approved()).outline();
    assert!(!outline.apply(&confirmed));
    assert_eq!(outline, state(approved()).outline());
}
