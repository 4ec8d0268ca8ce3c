//! Starting threads, replying, editing and deleting one's posts.

use super::*;

fn start(actor: Actor, actor_role: Option<CommunityRole>) -> Cmd {
    Cmd::StartThread {
        thread_id: thread_id(),
        community_id: community_id(),
        opening_post_id: post(OPENING),
        actor,
        actor_role,
        title: title("¿Cómo medir la articulación productiva?"),
        body: body("Compartan indicadores que les funcionen."),
        at: at(),
    }
}

#[test]
fn a_member_starts_a_thread() {
    framework()
        .given_no_previous_events()
        .when(start(member(AUTHOR), AS_MEMBER))
        .then_expect_events(vec![started()]);
}

#[test]
fn a_moderator_starts_a_thread_without_being_a_member() {
    let mut expected = started();
    if let Ev::ThreadStarted { author, .. } = &mut expected {
        *author = account(MODERATOR);
    }
    framework()
        .given_no_previous_events()
        .when(start(moderator(), AS_OUTSIDER))
        .then_expect_events(vec![expected]);
}

#[test]
fn an_outsider_cannot_start_a_thread() {
    framework()
        .given_no_previous_events()
        .when(start(member(OTHER), AS_OUTSIDER))
        .then_expect_error(ThreadError::NotAllowed {
            action: "start a thread",
            who: "a member of the community or a moderator",
        });
}

#[test]
fn a_thread_cannot_be_started_twice() {
    framework()
        .given(conversation())
        .when(start(member(AUTHOR), AS_MEMBER))
        .then_expect_error(ThreadError::InvalidTransition {
            action: "start the thread",
            current: ThreadState::Open,
        });
}

#[test]
fn nobody_can_reply_to_a_thread_that_was_never_started() {
    framework()
        .given_no_previous_events()
        .when(reply(member(OTHER), AS_MEMBER, REPLY))
        .then_expect_error(ThreadError::InvalidTransition {
            action: "reply",
            current: ThreadState::NotStarted,
        });
}

fn reply(actor: Actor, actor_role: Option<CommunityRole>, id: u128) -> Cmd {
    Cmd::Reply {
        post_id: post(id),
        actor,
        actor_role,
        body: body("Nosotros usamos encadenamientos con proveedores locales."),
        at: at(),
    }
}

#[test]
fn a_member_replies() {
    framework()
        .given(vec![started()])
        .when(reply(member(OTHER), AS_MEMBER, REPLY))
        .then_expect_events(vec![replied()]);
}

#[test]
fn an_outsider_cannot_reply() {
    framework()
        .given(vec![started()])
        .when(reply(member(OTHER), AS_OUTSIDER, REPLY))
        .then_expect_error(ThreadError::NotAllowed {
            action: "reply in a thread",
            who: "a member of the community or a moderator",
        });
}

#[test]
fn a_post_id_cannot_be_reused() {
    framework()
        .given(conversation())
        .when(reply(member(OTHER), AS_MEMBER, OPENING))
        .then_expect_error(ThreadError::RuleViolated(ThreadRule::DuplicatePostId));
}

fn edit(actor: Actor, id: u128, text: &str) -> Cmd {
    Cmd::EditPost {
        post_id: post(id),
        actor,
        body: body(text),
        at: at(),
    }
}

#[test]
fn an_author_edits_their_post() {
    framework()
        .given(conversation())
        .when(edit(
            member(OTHER),
            REPLY,
            "Corrijo: proveedores regionales.",
        ))
        .then_expect_events(vec![Ev::PostEdited {
            post_id: post(REPLY),
            body: body("Corrijo: proveedores regionales."),
            at: at(),
        }]);
}

#[test]
fn an_edit_that_changes_nothing_records_nothing() {
    framework()
        .given(conversation())
        .when(edit(
            member(OTHER),
            REPLY,
            "Nosotros usamos encadenamientos con proveedores locales.",
        ))
        .then_expect_events(vec![]);
}

#[test]
fn nobody_edits_someone_elses_post_not_even_a_moderator() {
    framework()
        .given(conversation())
        .when(edit(moderator(), REPLY, "x"))
        .then_expect_error(ThreadError::NotAllowed {
            action: "edit a post",
            who: "the author of the post",
        });
}

#[test]
fn an_unknown_post_cannot_be_edited() {
    framework()
        .given(conversation())
        .when(edit(member(OTHER), 999, "x"))
        .then_expect_error(ThreadError::RuleViolated(ThreadRule::UnknownPost));
}

#[test]
fn a_hidden_post_cannot_be_edited() {
    framework()
        .given(vec![started(), replied(), hidden(REPLY)])
        .when(edit(member(OTHER), REPLY, "x"))
        .then_expect_error(ThreadError::PostInvalidTransition {
            post_id: post(REPLY),
            action: "edit the post",
            current: PostState::Hidden,
        });
}

#[test]
fn a_deleted_post_cannot_be_edited() {
    framework()
        .given(vec![started(), replied(), deleted(REPLY)])
        .when(edit(member(OTHER), REPLY, "x"))
        .then_expect_error(ThreadError::PostInvalidTransition {
            post_id: post(REPLY),
            action: "edit the post",
            current: PostState::Deleted,
        });
}

fn delete(actor: Actor, id: u128) -> Cmd {
    Cmd::DeletePost {
        post_id: post(id),
        actor,
        at: at(),
    }
}

#[test]
fn an_author_deletes_their_post() {
    framework()
        .given(conversation())
        .when(delete(member(AUTHOR), OPENING))
        .then_expect_events(vec![deleted(OPENING)]);
}

#[test]
fn an_author_may_delete_a_hidden_post() {
    framework()
        .given(vec![started(), replied(), hidden(REPLY)])
        .when(delete(member(OTHER), REPLY))
        .then_expect_events(vec![deleted(REPLY)]);
}

#[test]
fn nobody_deletes_someone_elses_post() {
    framework()
        .given(conversation())
        .when(delete(member(FACILITATOR), REPLY))
        .then_expect_error(ThreadError::NotAllowed {
            action: "delete a post",
            who: "the author of the post",
        });
}

#[test]
fn an_unknown_post_cannot_be_deleted() {
    framework()
        .given(conversation())
        .when(delete(member(OTHER), 999))
        .then_expect_error(ThreadError::RuleViolated(ThreadRule::UnknownPost));
}

#[test]
fn a_post_cannot_be_deleted_twice() {
    framework()
        .given(vec![started(), replied(), deleted(REPLY)])
        .when(delete(member(OTHER), REPLY))
        .then_expect_error(ThreadError::PostInvalidTransition {
            post_id: post(REPLY),
            action: "delete the post",
            current: PostState::Deleted,
        });
}
