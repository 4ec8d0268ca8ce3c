//! A thread of a community, for its members (`/communities/{id}/threads/{thread}`): its posts
//! in order with their authors' names, replying, editing or deleting one's own post, and for
//! facilitators and moderators hiding a post with a reason and restoring a hidden one (the
//! API's `POST` and `DELETE /v1/threads/{id}/posts/{post}/hiding`). A hidden post is gone for
//! everyone else: they see only that a post was hidden, as the API shows it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use domain::community::CommunityRole;
use domain::thread::{PostBody, PostState};
use domain::values::{PostId, Reason, ThreadId};

use super::super::account::see_other;
use super::super::form::{Errors, Input};
use super::super::i18n::{Arg, Tr};
use super::super::page::{render, Chrome, Problem, Reader, Section};
use super::super::people::Names;
use super::super::session::Fields;
use super::super::Web;
use super::{chrome, metadata, settled, sign_in_first, version};
use crate::app::communities::{self, PostAction};
use crate::app::Refusal;
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/communities/{id}/threads/{thread}", get(page))
        .route("/communities/{id}/threads/{thread}/posts", post(reply))
        .route(
            "/communities/{id}/threads/{thread}/posts/{post}/edit",
            post(edit),
        )
        .route(
            "/communities/{id}/threads/{thread}/posts/{post}/deletion",
            post(delete),
        )
        .route(
            "/communities/{id}/threads/{thread}/posts/{post}/hiding",
            post(hide),
        )
        .route(
            "/communities/{id}/threads/{thread}/posts/{post}/restoration",
            post(restore),
        )
}

struct PostRow {
    id: String,
    /// `visible`, `hidden` or `deleted`.
    state: &'static str,
    author: String,
    at: String,
    /// Empty when the reader may not see it (hidden from them, or deleted).
    body: String,
    /// Why it was hidden, for facilitators and moderators.
    hidden_reason: String,
    own: bool,
    /// The forms on this post: its new text (its author's) and the reason to hide it
    /// (facilitators'), each with what was typed and its error.
    edit_value: String,
    edit_error: String,
    reason_value: String,
    reason_error: String,
}

#[derive(Template)]
#[template(path = "collab/thread.html")]
struct ThreadPage {
    t: Tr,
    chrome: Chrome,
    notice: String,
    community_href: String,
    action_base: String,
    version: usize,
    title: String,
    posts: Vec<PostRow>,
    moderates: bool,
    may_post: bool,
    errors: Errors,
    reply: Input,
}

pub(super) const DONE: [&str; 6] = [
    "started", "replied", "edited", "deleted", "hidden", "restored",
];

/// The thread `thread` of community `community` (not found if it is another community's),
/// with errors of a form beside its field.
async fn form(
    web: &Web,
    reader: &Reader,
    (community, thread): (&str, &str),
    typed: &Fields,
    errors: Errors,
) -> Result<ThreadPage, Problem> {
    let refused = |r| reader.refused(r);
    let t = &reader.t;
    let actor = reader.actor().map_err(refused)?;
    let community_id = communities::parse_id(community).map_err(refused)?;
    let thread_id = parse_thread(thread).map_err(refused)?;
    let seen = communities::read_thread(&web.app, &reader.caller, thread_id)
        .await
        .map_err(refused)?;
    if seen.community_id != community_id {
        return Err(refused(communities::no_thread()));
    }
    let header = seen
        .thread
        .header()
        .ok_or_else(|| refused(communities::no_thread()))?;
    let community = seen.community.as_ref();
    let role = community.and_then(|c| c.role_of(&actor.account));
    let moderates = actor.is_moderator() || role == Some(CommunityRole::Facilitator);
    let names = Names::of(web, reader, seen.thread.posts().iter().map(|p| p.author)).await?;
    let mut posts = Vec::new();
    for post in seen.thread.posts() {
        let state = post.state();
        let own = post.author == actor.account;
        let concealed = state == PostState::Hidden && !moderates;
        let author_role = community.and_then(|c| c.role_of(&post.author));
        let author = if concealed {
            String::new()
        } else if own {
            t.get("collab-author-you")
        } else if author_role == Some(CommunityRole::Facilitator) {
            t.with(
                "collab-author-named-facilitator",
                &[("name", Arg::Text(names.name(post.author)))],
            )
        } else {
            names.name(post.author)
        };
        let id = post.id.to_string();
        let typed_here = typed.raw("post") == id;
        let edit_error = errors.of_field(&format!("edit-{id}"));
        let reason_error = errors.of_field(&format!("reason-{id}"));
        let edit_value = if typed_here && !edit_error.is_empty() {
            typed.raw("body")
        } else {
            post.body
                .as_ref()
                .map(|b| b.to_string())
                .unwrap_or_default()
        };
        let reason_value = if typed_here {
            typed.text("reason")
        } else {
            String::new()
        };
        posts.push(PostRow {
            state: state.as_str(),
            author,
            at: t.date(post.posted_at),
            body: if concealed {
                String::new()
            } else {
                post.body
                    .as_ref()
                    .map(|b| b.to_string())
                    .unwrap_or_default()
            },
            hidden_reason: post
                .hidden
                .as_ref()
                .filter(|_| moderates)
                .map(|h| h.reason.to_string())
                .unwrap_or_default(),
            own,
            edit_value,
            edit_error,
            reason_value,
            reason_error,
            id,
        });
    }
    let mut reply = [
        Input::new("reply_body", t.get("collab-reply-label"), "textarea")
            .value(typed.raw("reply_body"))
            .required(),
    ];
    errors.place(&mut reply);
    let [reply] = reply;
    let path = format!("/communities/{community_id}/threads/{thread_id}");
    Ok(ThreadPage {
        t: t.clone(),
        chrome: chrome(reader, &web.site, header.title.to_string(), &path),
        notice: reader
            .param("done")
            .filter(|d| DONE.contains(d))
            .map(|d| t.get(&format!("collab-thread-done-{d}")))
            .unwrap_or_default(),
        community_href: format!("/communities/{community_id}/threads"),
        action_base: path,
        version: seen.version,
        title: header.title.to_string(),
        posts,
        moderates,
        may_post: role.is_some() || actor.is_moderator(),
        errors,
        reply,
    })
}

fn parse_thread(raw: &str) -> Result<ThreadId, Refusal> {
    raw.parse::<ThreadId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("thread")]))
}

fn parse_post(raw: &str) -> Result<PostId, Refusal> {
    raw.parse::<PostId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("post")]))
}

async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path((community, thread)): Path<(String, String)>,
) -> Result<Response, Problem> {
    if reader.actor().is_err() {
        let path = format!("/communities/{community}/threads/{thread}");
        return Ok(sign_in_first(&reader, &path));
    }
    let ids = (community.as_str(), thread.as_str());
    let page = form(&web, &reader, ids, &Fields::default(), Errors::default()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// What a post's form asks, and where its errors go.
enum Write {
    Reply(Result<PostBody, Refusal>),
    /// The action on a post, and the field of the form it came from.
    OnPost(PostId, Result<PostAction, Refusal>, String),
}

/// Runs `write` in the thread, then shows it again with the notice `done`; an invalid text
/// comes back beside its field, what was typed kept.
async fn write(
    web: &Web,
    reader: &Reader,
    context: &RequestContext,
    fields: &Fields,
    (community, thread): (&str, &str),
    write: Write,
    done: &str,
) -> Result<Response, Problem> {
    let refused = |r| reader.refused(r);
    let actor = reader.actor().map_err(refused)?;
    let thread_id = parse_thread(thread).map_err(refused)?;
    let expected = version(fields);
    let (result, field) = match write {
        Write::Reply(body) => {
            let result = match body {
                Ok(body) => {
                    let metadata = metadata(context, actor, "Reply");
                    let post = PostId::new();
                    communities::reply(&web.app, actor, thread_id, post, body, metadata, expected)
                        .await
                }
                Err(refusal) => Err(refusal),
            };
            (result, "reply_body".to_owned())
        }
        Write::OnPost(post, action, field) => {
            let result = match action {
                Ok(action) => {
                    let metadata = metadata(context, actor, action.name());
                    communities::on_post(
                        &web.app,
                        actor,
                        (thread_id, post),
                        action,
                        metadata,
                        expected,
                    )
                    .await
                }
                Err(refusal) => Err(refusal),
            };
            (result, field)
        }
    };
    match result {
        Ok(committed) => {
            settled(web, &committed).await;
            Ok(see_other(
                reader,
                &format!("/communities/{community}/threads/{thread}?done={done}"),
            ))
        }
        Err(Refusal::Invalid { .. }) => {
            let errors = Errors {
                summary: reader.t.get("form-has-errors"),
                fields: vec![(field, reader.t.get("error-collab-post"))],
            };
            let page = form(web, reader, (community, thread), fields, errors).await?;
            Ok(render(StatusCode::BAD_REQUEST, &page))
        }
        Err(refusal) => Err(refused(refusal)),
    }
}

fn body_of(fields: &Fields, name: &str) -> Result<PostBody, Refusal> {
    PostBody::new(fields.raw(name).trim()).map_err(|e| Refusal::invalid(vec![e]))
}

async fn reply(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((community, thread)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let ids = (community.as_str(), thread.as_str());
    let w = Write::Reply(body_of(&fields, "reply_body"));
    write(&web, &reader, &context, &fields, ids, w, "replied").await
}

async fn edit(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((community, thread, post)): Path<(String, String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let post = parse_post(&post).map_err(|r| reader.refused(r))?;
    let ids = (community.as_str(), thread.as_str());
    let w = Write::OnPost(
        post,
        body_of(&fields, "body").map(PostAction::Edit),
        format!("edit-{post}"),
    );
    write(&web, &reader, &context, &fields, ids, w, "edited").await
}

async fn delete(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((community, thread, post)): Path<(String, String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let post = parse_post(&post).map_err(|r| reader.refused(r))?;
    let ids = (community.as_str(), thread.as_str());
    let w = Write::OnPost(post, Ok(PostAction::Delete), String::new());
    write(&web, &reader, &context, &fields, ids, w, "deleted").await
}

async fn hide(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((community, thread, post)): Path<(String, String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let post = parse_post(&post).map_err(|r| reader.refused(r))?;
    let ids = (community.as_str(), thread.as_str());
    let reason = Reason::new(fields.text("reason"))
        .map(PostAction::Hide)
        .map_err(|e| Refusal::invalid(vec![e]));
    let w = Write::OnPost(post, reason, format!("reason-{post}"));
    write(&web, &reader, &context, &fields, ids, w, "hidden").await
}

async fn restore(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((community, thread, post)): Path<(String, String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let post = parse_post(&post).map_err(|r| reader.refused(r))?;
    let ids = (community.as_str(), thread.as_str());
    let w = Write::OnPost(post, Ok(PostAction::Unhide), String::new());
    write(&web, &reader, &context, &fields, ids, w, "restored").await
}
