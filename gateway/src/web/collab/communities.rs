//! A community of practice for its members (`/communities/{id}/threads`): its threads, joining
//! it (at once when it is open, as a request when it is moderated), taking back one's request,
//! leaving it, starting a thread, and for its facilitators (and moderators) the requests to join
//! waiting for a decision, each by the name of who asks (declined with an optional reason).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use domain::community::{CommunityRole, JoinPolicy, Theme};
use domain::thread::PostBody;
use domain::values::{AccountId, CommunityId, ThreadId, Title};

use super::super::account::see_other;
use super::super::form::{Errors, Input};
use super::super::i18n::Tr;
use super::super::page::{render, Chrome, Problem, Reader, Section};
use super::super::people::Names;
use super::super::session::Fields;
use super::super::Web;
use super::{chrome, metadata, settled, sign_in_first, version};
use crate::app::communities::{self, MembershipAction};
use crate::app::joint_projects::optional_reason;
use crate::app::listing::PageRequest;
use crate::app::{ReadAt, Refusal};
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/communities/{id}/threads", get(page).post(start))
        .route("/communities/{id}/join", post(join))
        .route(
            "/communities/{id}/join-requests/{account}/acceptance",
            post(accept),
        )
        .route(
            "/communities/{id}/join-requests/{account}/decline",
            post(decline),
        )
        .route("/communities/{id}/join-request/withdrawal", post(withdraw))
        .route("/communities/{id}/leave", post(leave))
}

/// Where each field the use case names is shown on the form that starts a thread.
const PLACES: [(&str, &str); 2] = [("title", "th_title"), ("body", "th_body")];

struct ThreadRow {
    href: String,
    title: String,
    replies: String,
    last_activity: String,
}

struct RequestRow {
    account: String,
    /// Who asks, by name.
    label: String,
    at: String,
    /// The optional reason typed for declining, and its error.
    reason_value: String,
    reason_error: String,
}

#[derive(Template)]
#[template(path = "collab/community.html")]
struct CommunityPage {
    t: Tr,
    chrome: Chrome,
    notice: String,
    id: String,
    version: usize,
    name: String,
    theme: String,
    policy: String,
    members: String,
    /// The reader's standing, in words.
    standing: String,
    /// `join` or `ask`: the button the reader gets, if any.
    join: &'static str,
    /// The reader may leave (a member) or take back their request (`leave`, `withdraw`).
    step_back: &'static str,
    may_post: bool,
    moderates: bool,
    requests: Vec<RequestRow>,
    /// Errors of a decision on a request (beside its reason).
    request_errors: Errors,
    threads: Vec<ThreadRow>,
    errors: Errors,
    inputs: Vec<Input>,
}

/// Notices a redirect after an action asks for (`?done=`).
pub(super) const DONE: [&str; 6] = [
    "joined",
    "asked",
    "accepted",
    "declined",
    "left",
    "withdrawn",
];

/// The form field of the reason for declining `account`'s request.
fn decline_field(account: &str) -> String {
    format!("decline-{account}")
}

/// Which kind of form `errors` are about: starting a thread, or deciding a request.
enum Errored {
    Thread(Errors),
    Request(Errors),
}

async fn form(
    web: &Web,
    reader: &Reader,
    raw_id: &str,
    typed: &Fields,
    errored: Errored,
) -> Result<CommunityPage, Problem> {
    let (errors, request_errors) = match errored {
        Errored::Thread(errors) => (errors, Errors::default()),
        Errored::Request(errors) => (Errors::default(), errors),
    };
    let refused = |r| reader.refused(r);
    let t = &reader.t;
    let actor = reader.actor().map_err(refused)?;
    let id = communities::parse_id(raw_id).map_err(refused)?;
    let (community, version) = communities::read(&web.app, id).await.map_err(refused)?;
    let profile = community
        .profile()
        .ok_or_else(|| refused(communities::not_found()))?;
    let role = community.role_of(&actor.account);
    let requested = community.has_pending_request(&actor.account);
    let moderates = actor.is_moderator() || role == Some(CommunityRole::Facilitator);
    let standing = match (role, requested) {
        (Some(role), _) => t.get(&format!("collab-standing-{}", role_code(role))),
        (None, true) => t.get("collab-standing-requested"),
        (None, false) => t.get("collab-standing-none"),
    };
    let join = match (role, requested, profile.join_policy) {
        (None, false, JoinPolicy::Open) => "join",
        (None, false, JoinPolicy::Moderated) => "ask",
        _ => "",
    };
    let mut requests: Vec<(AccountId, chrono::DateTime<chrono::Utc>)> = community
        .join_requests()
        .iter()
        .map(|(a, at)| (*a, *at))
        .collect();
    requests.sort_by_key(|(_, at)| *at);
    if !moderates {
        requests.clear();
    }
    let names = Names::of(web, reader, requests.iter().map(|(a, _)| *a)).await?;
    let requests = requests
        .into_iter()
        .map(|(account, at)| {
            let field = decline_field(&account.to_string());
            RequestRow {
                account: account.to_string(),
                label: names.name(account),
                at: t.date(at),
                reason_value: typed.text(&field),
                reason_error: request_errors.of_field(&field),
            }
        })
        .collect();
    let page = PageRequest {
        after: None,
        limit: 100,
    };
    let listed = communities::threads(&web.app, &reader.caller, id, &page, &ReadAt::LIVE)
        .await
        .map_err(refused)?;
    let threads = listed
        .items
        .into_iter()
        .map(|thread| ThreadRow {
            href: format!("/communities/{id}/threads/{}", thread.id),
            title: thread.title,
            replies: t.count("collab-replies", thread.replies as u64),
            last_activity: t.date(thread.last_activity),
        })
        .collect();
    let mut inputs = vec![
        Input::new("th_title", t.get("collab-thread-title"), "text")
            .value(typed.text("th_title"))
            .required(),
        Input::new("th_body", t.get("collab-thread-body"), "textarea")
            .value(typed.raw("th_body"))
            .required(),
    ];
    errors.place(&mut inputs);
    let path = format!("/communities/{id}/threads");
    Ok(CommunityPage {
        t: t.clone(),
        chrome: chrome(reader, &web.site, profile.name.to_string(), &path),
        notice: reader
            .param("done")
            .filter(|d| DONE.contains(d))
            .map(|d| t.get(&format!("collab-community-done-{d}")))
            .unwrap_or_default(),
        id: id.to_string(),
        version,
        name: profile.name.to_string(),
        theme: match &profile.theme {
            Theme::Sector(sector) => t.label("sector", sector.code()),
            Theme::Topic(topic) => topic.to_string(),
        },
        policy: t.get(match profile.join_policy {
            JoinPolicy::Open => "collab-policy-open",
            JoinPolicy::Moderated => "collab-policy-moderated",
        }),
        members: t.count("collab-members", community.members().len() as u64),
        standing,
        join,
        step_back: match (role, requested) {
            (Some(_), _) => "leave",
            (None, true) => "withdraw",
            (None, false) => "",
        },
        may_post: role.is_some() || actor.is_moderator(),
        moderates,
        requests,
        request_errors,
        threads,
        errors,
        inputs,
    })
}

fn role_code(role: CommunityRole) -> &'static str {
    match role {
        CommunityRole::Member => "member",
        CommunityRole::Facilitator => "facilitator",
    }
}

async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    if reader.actor().is_err() {
        return Ok(sign_in_first(
            &reader,
            &format!("/communities/{id}/threads"),
        ));
    }
    let errors = Errored::Thread(Errors::default());
    let page = form(&web, &reader, &id, &Fields::default(), errors).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn start(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(raw_id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let refused = |r| reader.refused(r);
    let actor = reader.actor().map_err(refused)?;
    let id = communities::parse_id(&raw_id).map_err(refused)?;
    let title = Title::new(fields.text("th_title"));
    let body = PostBody::new(fields.raw("th_body").trim());
    let thread_id = ThreadId::new();
    let result = match (title, body) {
        (Ok(title), Ok(body)) => {
            let metadata = metadata(&context, actor, "StartThread");
            communities::start(
                &web.app,
                actor,
                id,
                thread_id,
                title,
                body,
                metadata,
                Some(0),
            )
            .await
        }
        (title, body) => Err(Refusal::invalid(
            [title.err(), body.err()].into_iter().flatten().collect(),
        )),
    };
    match result {
        Ok(committed) => {
            settled(&web, &committed).await;
            Ok(see_other(
                &reader,
                &format!("/communities/{id}/threads/{thread_id}?done=started"),
            ))
        }
        Err(refusal @ Refusal::Invalid { .. }) => {
            let errors = Errors::of_invalid(&reader.t, &refusal, &PLACES).unwrap_or_default();
            let page = form(&web, &reader, &raw_id, &fields, Errored::Thread(errors)).await?;
            Ok(render(StatusCode::BAD_REQUEST, &page))
        }
        Err(refusal) => Err(refused(refusal)),
    }
}

/// Runs `action` in community `raw_id`, then shows its page with the notice `done`; an
/// invalid reason comes back beside `field`.
async fn act(
    web: &Web,
    reader: &Reader,
    context: &RequestContext,
    (fields, field): (&Fields, &str),
    raw_id: &str,
    action: Result<MembershipAction, Refusal>,
    done: &str,
) -> Result<Response, Problem> {
    let refused = |r| reader.refused(r);
    let actor = reader.actor().map_err(refused)?;
    let id: CommunityId = communities::parse_id(raw_id).map_err(refused)?;
    let result = match action {
        Ok(action) => {
            let metadata = metadata(context, actor, action.name());
            communities::act(&web.app, actor, id, action, metadata, version(fields)).await
        }
        Err(refusal) => Err(refusal),
    };
    match result {
        Ok(committed) => {
            settled(web, &committed).await;
            Ok(see_other(
                reader,
                &format!("/communities/{id}/threads?done={done}"),
            ))
        }
        Err(Refusal::Invalid { .. }) if !field.is_empty() => {
            let errors = Errored::Request(Errors::reason(&reader.t, field));
            let page = form(web, reader, raw_id, fields, errors).await?;
            Ok(render(StatusCode::BAD_REQUEST, &page))
        }
        Err(refusal) => Err(refused(refusal)),
    }
}

fn account(raw: &str) -> Result<AccountId, Refusal> {
    raw.parse::<AccountId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("account")]))
}

async fn join(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let done = if fields.text("ask") == "true" {
        "asked"
    } else {
        "joined"
    };
    let action = Ok(MembershipAction::Join);
    act(&web, &reader, &context, (&fields, ""), &id, action, done).await
}

async fn leave(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = Ok(MembershipAction::Leave);
    act(&web, &reader, &context, (&fields, ""), &id, action, "left").await
}

async fn withdraw(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = Ok(MembershipAction::WithdrawJoinRequest);
    act(
        &web,
        &reader,
        &context,
        (&fields, ""),
        &id,
        action,
        "withdrawn",
    )
    .await
}

async fn accept(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((id, who)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = account(&who).map(MembershipAction::AcceptJoinRequest);
    act(
        &web,
        &reader,
        &context,
        (&fields, ""),
        &id,
        action,
        "accepted",
    )
    .await
}

/// Declines `who`'s request, with the reason typed beside it, if any.
async fn decline(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((id, who)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let field = decline_field(&who);
    let action = account(&who).and_then(|who| {
        let reason = optional_reason(fields.optional(&field))?;
        Ok(MembershipAction::DeclineJoinRequest(who, reason))
    });
    let form = (&fields, field.as_str());
    act(&web, &reader, &context, form, &id, action, "declined").await
}
