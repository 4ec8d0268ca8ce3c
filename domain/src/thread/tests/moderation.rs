//! Hiding and unhiding posts, plus replayed state.

use cqrs_es::{Aggregate, DomainEvent};

use super::*;

fn hide(actor: Actor, actor_role: Option<CommunityRole>, id: u128) -> Cmd {
    Cmd::HidePost {
        post_id: post(id),
        actor,
        actor_role,
        reason: reason("Publicidad"),
        at: at(),
    }
}

fn unhide(actor: Actor, actor_role: Option<CommunityRole>, id: u128) -> Cmd {
    Cmd::UnhidePost {
        post_id: post(id),
        actor,
        actor_role,
        at: at(),
    }
}

#[test]
fn a_facilitator_hides_a_post_with_a_reason() {
    framework()
        .given(conversation())
        .when(hide(member(FACILITATOR), AS_FACILITATOR, REPLY))
        .then_expect_events(vec![hidden(REPLY)]);
}

#[test]
fn a_moderator_hides_a_post_without_being_a_member() {
    framework()
        .given(conversation())
        .when(hide(moderator(), AS_OUTSIDER, REPLY))
        .then_expect_events(vec![Ev::PostHidden {
            post_id: post(REPLY),
            reason: reason("Publicidad"),
            hidden_by: account(MODERATOR),
            at: at(),
        }]);
}

#[test]
fn a_plain_member_cannot_hide_a_post() {
    framework()
        .given(conversation())
        .when(hide(member(AUTHOR), AS_MEMBER, REPLY))
        .then_expect_error(ThreadError::NotAllowed {
            action: "hide a post",
            who: "a facilitator of the community or a moderator",
        });
}

#[test]
fn an_unknown_post_cannot_be_hidden() {
    framework()
        .given(conversation())
        .when(hide(moderator(), AS_OUTSIDER, 999))
        .then_expect_error(ThreadError::RuleViolated(ThreadRule::UnknownPost));
}

#[test]
fn a_post_cannot_be_hidden_twice() {
    framework()
        .given(vec![started(), replied(), hidden(REPLY)])
        .when(hide(moderator(), AS_OUTSIDER, REPLY))
        .then_expect_error(ThreadError::PostInvalidTransition {
            post_id: post(REPLY),
            action: "hide the post",
            current: PostState::Hidden,
        });
}

#[test]
fn a_deleted_post_cannot_be_hidden() {
    framework()
        .given(vec![started(), replied(), deleted(REPLY)])
        .when(hide(moderator(), AS_OUTSIDER, REPLY))
        .then_expect_error(ThreadError::PostInvalidTransition {
            post_id: post(REPLY),
            action: "hide the post",
            current: PostState::Deleted,
        });
}

#[test]
fn a_facilitator_unhides_a_post() {
    framework()
        .given(vec![started(), replied(), hidden(REPLY)])
        .when(unhide(member(FACILITATOR), AS_FACILITATOR, REPLY))
        .then_expect_events(vec![Ev::PostUnhidden {
            post_id: post(REPLY),
            unhidden_by: account(FACILITATOR),
            at: at(),
        }]);
}

#[test]
fn a_plain_member_cannot_unhide_a_post() {
    framework()
        .given(vec![started(), replied(), hidden(REPLY)])
        .when(unhide(member(OTHER), AS_MEMBER, REPLY))
        .then_expect_error(ThreadError::NotAllowed {
            action: "unhide a post",
            who: "a facilitator of the community or a moderator",
        });
}

#[test]
fn an_unknown_post_cannot_be_unhidden() {
    framework()
        .given(conversation())
        .when(unhide(moderator(), AS_OUTSIDER, 999))
        .then_expect_error(ThreadError::RuleViolated(ThreadRule::UnknownPost));
}

#[test]
fn a_visible_post_cannot_be_unhidden() {
    let error = framework()
        .given(conversation())
        .when(unhide(moderator(), AS_OUTSIDER, REPLY))
        .inspect_result()
        .unwrap_err();
    assert_eq!(
        error,
        ThreadError::PostInvalidTransition {
            post_id: post(REPLY),
            action: "unhide the post",
            current: PostState::Visible,
        }
    );
    assert_eq!(
        error.to_string(),
        format!("cannot unhide the post: post {} is visible", post(REPLY))
    );
}

fn replay(events: Vec<Ev>) -> Thread {
    let mut thread = Thread::default();
    for event in events {
        thread.apply(event);
    }
    thread
}

#[test]
fn replayed_state_keeps_order_edits_hiding_and_deletion() {
    let events = vec![
        started(),
        replied(),
        Ev::PostEdited {
            post_id: post(OPENING),
            body: body("Editado"),
            at: at(),
        },
        hidden(REPLY),
        Ev::PostUnhidden {
            post_id: post(REPLY),
            unhidden_by: account(MODERATOR),
            at: at(),
        },
        hidden(REPLY),
        deleted(OPENING),
    ];
    let thread = replay(events.clone());
    assert_eq!(thread.state(), ThreadState::Open);
    assert_eq!(thread.header().unwrap().community_id, community_id());
    let ids: Vec<_> = thread.posts().iter().map(|p| p.id).collect();
    assert_eq!(ids, vec![post(OPENING), post(REPLY)]);
    let opening = thread.post(&post(OPENING)).unwrap();
    assert_eq!(opening.state(), PostState::Deleted);
    assert!(opening.body.is_none());
    assert_eq!(opening.edited_at, Some(at()));
    let reply = thread.post(&post(REPLY)).unwrap();
    assert_eq!(reply.state(), PostState::Hidden);
    assert_eq!(reply.hidden.as_ref().unwrap().reason, reason("Publicidad"));

    let json = serde_json::to_string(&thread).unwrap();
    assert_eq!(serde_json::from_str::<Thread>(&json).unwrap(), thread);
    for event in events {
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<Ev>(&json).unwrap(), event);
        assert_eq!(event.event_version(), "1");
        assert!(event.event_type().starts_with("Thread"));
    }
}

#[test]
fn a_post_body_is_never_empty() {
    assert!(PostBody::new("   ").is_err());
    assert!(PostBody::new("x".repeat(10_001)).is_err());
    assert!(PostBody::new("línea uno\nlínea dos").is_ok());
}
