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
