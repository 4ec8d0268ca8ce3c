//! An erased person leaves every list of the community, and is never made a facilitator.

use cqrs_es::Aggregate;

use super::*;

fn remove(n: u128, account_erased: bool) -> Cmd {
    Cmd::RemoveErasedAccount {
        account: account(n),
        account_erased,
        at: at(),
    }
}

fn removed(n: u128) -> Ev {
    Ev::ErasedAccountRemoved {
        account: account(n),
        at: at(),
    }
}

#[test]
fn an_erased_facilitator_member_or_applicant_is_removed() {
    let history = with(populated(), requested(STRANGER));
    for n in [FACILITATOR, MEMBER, STRANGER] {
        framework()
            .given(history.clone())
            .when(remove(n, true))
            .then_expect_events(vec![removed(n)]);
    }
    let mut community = Community::default();
    for event in history
        .into_iter()
        .chain([removed(FACILITATOR), removed(STRANGER)])
    {
        community.apply(event);
    }
    assert_eq!(community.role_of(&account(FACILITATOR)), None);
    assert!(!community.has_pending_request(&account(STRANGER)));
    assert_eq!(
        community.role_of(&account(MEMBER)),
        Some(CommunityRole::Member)
    );
}

#[test]
fn removing_someone_who_is_not_there_records_nothing() {
    framework()
        .given(populated())
        .when(remove(STRANGER, true))
        .then_expect_events(vec![]);
}

#[test]
fn only_an_erasure_removes_a_person_this_way() {
    framework()
        .given(populated())
        .when(remove(MEMBER, false))
        .then_expect_error(CommunityError::NotAllowed {
            action: "remove a person this way",
            who: "the erasure of that person",
        });
}

#[test]
fn an_account_that_is_not_active_is_never_made_a_facilitator() {
    framework()
        .given(populated())
        .when(Cmd::PromoteToFacilitator {
            actor: moderator(),
            account: account(MEMBER),
            account_active: false,
            at: at(),
        })
        .then_expect_error(rule(CommunityRule::AccountNotActive));
}
