//! Granting and revoking platform roles.

use super::*;

fn grant(role: Role, by: Authority) -> C {
    C::GrantRole { role, by }
}

fn revoke(role: Role, by: Authority) -> C {
    C::RevokeRole { role, by }
}

#[test]
fn an_admin_or_the_cli_grants_a_role() {
    framework()
        .given(vec![registered()])
        .when(grant(Role::Moderator, as_admin()))
        .then_expect_events(vec![granted(Role::Moderator)]);
    framework()
        .given(vec![invited()])
        .when(grant(Role::Admin, as_cli()))
        .then_expect_events(vec![E::RoleGranted {
            role: Role::Admin,
            by: Grantor::System("articula admin create".into()),
        }]);
    let s = state(vec![registered(), granted(Role::Moderator)]);
    assert_eq!(s.roles(), [Role::Member, Role::Moderator].into());
    assert_eq!(s.granted_roles(), &[Role::Moderator].into());
    assert!(s.has_role(Role::Moderator) && s.has_role(Role::Member));
    assert_eq!(s.actor(), Some(Actor::moderator(holder())));
}

#[test]
fn only_admins_grant_or_revoke() {
    let history = vec![registered(), granted(Role::Auditor)];
    for actor in [holder_actor(), stranger()] {
        for command in [
            grant(Role::Admin, Authority::Actor(actor.clone())),
            revoke(Role::Auditor, Authority::Actor(actor.clone())),
        ] {
            let result = framework()
                .given(history.clone())
                .when(command)
                .inspect_result();
            not_allowed(result);
        }
    }
}

#[test]
fn member_is_implicit_and_never_granted_or_revoked() {
    for command in [
        grant(Role::Member, as_admin()),
        revoke(Role::Member, as_admin()),
    ] {
        let result = framework()
            .given(vec![registered()])
            .when(command)
            .inspect_result();
        rule_violated(result, "member role cannot be granted or revoked");
    }
}

#[test]
fn a_held_role_is_not_granted_twice() {
    let result = framework()
        .given(vec![registered(), granted(Role::Auditor)])
        .when(grant(Role::Auditor, as_admin()))
        .inspect_result();
    rule_violated(result, "already has the auditor role");
}

#[test]
fn an_admin_or_the_cli_revokes_a_held_role() {
    let history = vec![registered(), granted(Role::Auditor)];
    framework()
        .given(history.clone())
        .when(revoke(Role::Auditor, as_admin()))
        .then_expect_events(vec![E::RoleRevoked {
            role: Role::Auditor,
            by: Grantor::Admin(admin_id()),
        }]);
    framework()
        .given(history)
        .when(revoke(Role::Auditor, as_cli()))
        .then_expect_events(vec![E::RoleRevoked {
            role: Role::Auditor,
            by: Grantor::System("articula admin create".into()),
        }]);
    let s = state(vec![
        registered(),
        granted(Role::Auditor),
        E::RoleRevoked {
            role: Role::Auditor,
            by: Grantor::Admin(admin_id()),
        },
    ]);
    assert_eq!(s.roles(), [Role::Member].into());
}

#[test]
fn a_role_not_held_is_not_revoked() {
    let result = framework()
        .given(vec![registered(), granted(Role::Moderator)])
        .when(revoke(Role::Admin, as_admin()))
        .inspect_result();
    rule_violated(result, "does not have the administrator role");
}

#[test]
fn roles_need_an_existing_account() {
    for (history, status) in [
        (vec![], AccountStatus::Unregistered),
        (vec![registered(), erased_event()], AccountStatus::Erased),
    ] {
        for command in [
            grant(Role::Moderator, as_admin()),
            revoke(Role::Moderator, as_cli()),
        ] {
            let result = framework()
                .given(history.clone())
                .when(command)
                .inspect_result();
            invalid_transition(result, status);
        }
    }
}

#[test]
fn authority_and_grantor_have_stable_json() {
    assert_eq!(
        serde_json::to_value(Grantor::Admin(admin_id())).unwrap(),
        serde_json::json!({"admin": admin_id().to_string()})
    );
    assert_eq!(
        serde_json::to_value(Grantor::System("articula admin create".into())).unwrap(),
        serde_json::json!({"system": "articula admin create"})
    );
    let back: Authority =
        serde_json::from_value(serde_json::json!({"system": "articula admin"})).unwrap();
    assert_eq!(back, Authority::System("articula admin".into()));
    assert_eq!(as_admin().grantor(), Some(Grantor::Admin(admin_id())));
    assert_eq!(Authority::Actor(stranger()).grantor(), None);
}

#[test]
fn has_role_answers_as_the_set_of_roles_does() {
    let histories = [
        vec![],
        vec![registered()],
        vec![invited()],
        vec![registered(), granted(Role::Moderator)],
        vec![registered(), granted(Role::Admin), erased_event()],
    ];
    for history in histories {
        let s = state(history.clone());
        for role in [Role::Member, Role::Moderator, Role::Auditor, Role::Admin] {
            assert_eq!(
                s.has_role(role),
                s.roles().contains(&role),
                "{role:?} after {history:?}"
            );
        }
    }
}
