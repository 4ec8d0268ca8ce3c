//! Submission, editing, moderation and withdrawal.

use cqrs_es::{Aggregate, DomainEvent};

use super::*;

fn submit(content: PublicationContent) -> Cmd {
    Cmd::Submit {
        publication_id: publication_id(),
        actor: author(),
        content,
        at: at(),
    }
}

#[test]
fn a_member_submits_news() {
    framework()
        .given_no_previous_events()
        .when(submit(news("Convocatoria 2024")))
        .then_expect_events(vec![submitted(news("Convocatoria 2024"))]);
}

#[test]
fn an_item_is_submitted_once() {
    framework()
        .given(vec![submitted(news("a"))])
        .when(submit(news("a")))
        .then_expect_error(conflict("submit", PublicationStatus::Submitted));
}

fn edit(actor: Actor, content: PublicationContent) -> Cmd {
    Cmd::Edit {
        actor,
        content,
        at: at(),
    }
}

fn edited(content: PublicationContent) -> Ev {
    Ev::PublicationEdited {
        content,
        edited_by: account(AUTHOR),
        at: at(),
    }
}

#[test]
fn the_author_edits_before_approval() {
    framework()
        .given(vec![submitted(news("a"))])
        .when(edit(author(), news("b")))
        .then_expect_events(vec![edited(news("b"))]);
}

#[test]
fn an_edit_that_changes_nothing_records_nothing() {
    framework()
        .given(vec![submitted(news("a"))])
        .when(edit(author(), news("a")))
        .then_expect_events(vec![]);
}

#[test]
fn editing_a_rejected_item_sends_it_back_to_the_queue() {
    let given = vec![submitted(news("a")), rejected()];
    framework()
        .given(given.clone())
        .when(edit(author(), news("a")))
        .then_expect_events(vec![edited(news("a"))]);
    let mut item = Publication::default();
    for event in given.into_iter().chain([edited(news("a"))]) {
        item.apply(event);
    }
    assert_eq!(item.status(), PublicationStatus::Submitted);
    assert_eq!(item.rejection_reason(), None);
}

#[test]
fn only_the_author_edits() {
    framework()
        .given(vec![submitted(news("a"))])
        .when(edit(moderator(), news("b")))
        .then_expect_error(not_allowed("edit it", "its author"));
}

#[test]
fn an_approved_item_cannot_be_edited() {
    framework()
        .given(vec![submitted(news("a")), approved()])
        .when(edit(author(), news("b")))
        .then_expect_error(conflict("edit", PublicationStatus::Approved));
}

#[test]
fn a_moderator_approves() {
    framework()
        .given(vec![submitted(news("a"))])
        .when(Cmd::Approve {
            actor: moderator(),
            at: at(),
        })
        .then_expect_events(vec![approved()]);
}

#[test]
fn only_a_moderator_approves() {
    framework()
        .given(vec![submitted(news("a"))])
        .when(Cmd::Approve {
            actor: author(),
            at: at(),
        })
        .then_expect_error(not_allowed("approve it", "a moderator"));
}

#[test]
fn an_approved_item_is_not_approved_again() {
    framework()
        .given(vec![submitted(news("a")), approved()])
        .when(Cmd::Approve {
            actor: moderator(),
            at: at(),
        })
        .then_expect_error(conflict("approve", PublicationStatus::Approved));
}

fn reject(actor: Actor) -> Cmd {
    Cmd::Reject {
        actor,
        reason: reason("Fuera de tema"),
        at: at(),
    }
}

#[test]
fn a_moderator_rejects_with_a_reason() {
    framework()
        .given(vec![submitted(news("a"))])
        .when(reject(moderator()))
        .then_expect_events(vec![rejected()]);
}

#[test]
fn only_a_moderator_rejects() {
    framework()
        .given(vec![submitted(news("a"))])
        .when(reject(author()))
        .then_expect_error(not_allowed("reject it", "a moderator"));
}

#[test]
fn a_moderator_never_reviews_what_they_wrote() {
    let moderator_author = Actor::moderator(account(AUTHOR));
    framework()
        .given(vec![submitted(news("a"))])
        .when(Cmd::Approve {
            actor: moderator_author.clone(),
            at: at(),
        })
        .then_expect_error(not_allowed(
            "approve it",
            "a moderator other than its author",
        ));
    framework()
        .given(vec![submitted(news("a"))])
        .when(reject(moderator_author))
        .then_expect_error(not_allowed(
            "reject it",
            "a moderator other than its author",
        ));
}

#[test]
fn a_withdrawn_item_cannot_be_rejected() {
    framework()
        .given(vec![submitted(news("a")), withdrawn()])
        .when(reject(moderator()))
        .then_expect_error(conflict("reject", PublicationStatus::Withdrawn));
}

fn withdraw(actor: Actor) -> Cmd {
    Cmd::Withdraw { actor, at: at() }
}

#[test]
fn the_author_withdraws_whether_pending_approved_or_rejected() {
    for given in [
        vec![submitted(news("a"))],
        vec![submitted(news("a")), approved()],
        vec![submitted(news("a")), rejected()],
    ] {
        framework()
            .given(given)
            .when(withdraw(author()))
            .then_expect_events(vec![withdrawn()]);
    }
}

#[test]
fn only_the_author_withdraws() {
    framework()
        .given(vec![submitted(news("a")), approved()])
        .when(withdraw(Actor::member(account(OTHER))))
        .then_expect_error(not_allowed("withdraw it", "its author"));
}

#[test]
fn withdrawing_needs_something_to_withdraw() {
    framework()
        .given(vec![submitted(news("a")), withdrawn()])
        .when(withdraw(author()))
        .then_expect_error(conflict("withdraw", PublicationStatus::Withdrawn));
    let error = framework()
        .given_no_previous_events()
        .when(withdraw(author()))
        .inspect_result()
        .unwrap_err();
    assert_eq!(error, conflict("withdraw", PublicationStatus::NotSubmitted));
    assert_eq!(
        error.to_string(),
        "cannot withdraw: the item is not submitted"
    );
}

#[test]
fn state_and_events_round_trip_through_json() {
    let events = vec![
        submitted(gathering(santiago())),
        rejected(),
        edited(news("b")),
        approved(),
    ];
    let mut item = Publication::default();
    for event in events.clone() {
        item.apply(event);
    }
    assert_eq!(item.status(), PublicationStatus::Approved);
    assert_eq!(item.author(), Some(account(AUTHOR)));
    assert_eq!(item.id(), Some(publication_id()));
    assert_eq!(item.submitted_at(), Some(at()));
    assert_eq!(item.content().unwrap().kind.as_str(), "news");
    let json = serde_json::to_string(&item).unwrap();
    assert_eq!(serde_json::from_str::<Publication>(&json).unwrap(), item);
    for event in events {
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<Ev>(&json).unwrap(), event);
        assert_eq!(event.event_version(), "1");
        assert!(event.event_type().starts_with("Publication"));
    }
}
