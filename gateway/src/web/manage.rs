//! A manager's page of their initiative (`/initiatives/{id}/edit`): the profile form filled with
//! what is stored (the registration form of `web::register`, parsed the same way), the change
//! waiting for review shown beside the approved profile until a moderator decides it, the
//! reason of a rejected change, re-confirming the profile, and the co-managers (list, add by
//! account id, remove). Also a member's request to manage an initiative, from its public page.
//!
//! Every action is a use case of `app::initiatives::manage`, shared with the JSON API, and
//! carries the version the page was read at: if the initiative changed meanwhile, the page comes
//! back as it is now with a message that says so.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use domain::initiative::{Initiative, InitiativeStatus, Profile};
use domain::values::AccountId;

use super::account::see_other;
use super::form::{Errors, Input};
use super::i18n::{code_of, Arg, Tr};
use super::page::{render, Problem, Reader};
use super::people::Names;
use super::register::{form, form_chrome, profile_fields, PLACES};
use super::review::{changes_of, Change};
use super::session::Fields;
use super::Web;
use crate::access::Caller;
use crate::app::initiatives::{self, manage};
use crate::app::Refusal;
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/initiatives/{id}/edit", get(page).post(save))
        .route("/initiatives/{id}/confirm", post(confirm))
        .route("/initiatives/{id}/managers", post(add_manager))
        .route(
            "/initiatives/{id}/managers/{account}/remove",
            post(remove_manager),
        )
        .route("/initiatives/{id}/request", post(request))
}

/// What a manager's page shows above the form.
pub struct ManagePanel {
    pub notice: String,
    pub status: String,
    pub status_code: String,
    pub change_rejection: String,
    pub last_confirmed: String,
    pub can_confirm: bool,
    pub confirm_action: String,
    pub changes: Vec<Change>,
    /// `(account as shown, the form's action to remove it, empty for the last one)`.
    pub managers: Vec<(String, String)>,
    pub add_action: String,
    pub account: Input,
}

/// The form's fields filled with `profile`.
fn filled(profile: &Profile) -> Fields {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut put = |name: &str, value: String| pairs.push((name.to_owned(), value));
    let g = &profile.governance;
    put("name", profile.name.to_string());
    put("description", profile.description.to_string());
    put("kind", code_of(&profile.kind));
    put("maturity_stage", code_of(&profile.maturity_stage));
    put("founding_year", profile.founding_year.get().to_string());
    put("number_of_firms", profile.number_of_firms.get().to_string());
    put(
        "website",
        profile
            .website
            .as_ref()
            .map(|w| w.to_string())
            .unwrap_or_default(),
    );
    put("country", profile.country.as_str().to_owned());
    put("region", profile.region.to_string());
    put("lat", profile.location.lat().to_string());
    put("lon", profile.location.lon().to_string());
    put("value_chain_focus", profile.value_chain_focus.to_string());
    put(
        "facilitating_organization",
        g.facilitating_organization().to_string(),
    );
    put("private", g.private().to_string());
    put("public", g.public().to_string());
    put("academia", g.academia().to_string());
    put("civil_society", g.civil_society().to_string());
    for sector in profile.sectors.iter() {
        put("sectors", sector.code().to_owned());
    }
    for focus in &profile.strategic_focus {
        put("strategic_focus", code_of(focus));
    }
    for source in &profile.funding_sources {
        put("funding_sources", code_of(source));
    }
    Fields::of(pairs)
}

fn path_of(id: &str, action: &str) -> String {
    format!("/initiatives/{id}/{action}")
}

/// The manager's page of `initiative` at `version`, with the form showing `typed`.
#[allow(clippy::too_many_arguments)]
async fn manage_page(
    reader: &Reader,
    web: &Web,
    id: &str,
    initiative: &Initiative,
    version: usize,
    typed: &Fields,
    errors: Errors,
    notice: String,
    account_error: String,
) -> Result<Response, Problem> {
    let t = &reader.t;
    let names = Names::of(web, reader, initiative.managers().iter().copied()).await?;
    let link = |p: String| super::page::with_lang(&p, &[], t.language);
    let name = initiative
        .profile()
        .map(|p| p.name.to_string())
        .unwrap_or_default();
    let mut page = form(reader, web, typed, errors);
    let edit = path_of(id, "edit");
    page.chrome = form_chrome(
        reader,
        web,
        t.with("manage-title", &[("name", Arg::Text(name.clone()))]),
        &edit,
    );
    page.chrome
        .styles
        .push(super::assets::url("css/moderation.css"));
    page.action = link(edit);
    page.heading = t.with("manage-title", &[("name", Arg::Text(name))]);
    page.intro = t.get("manage-intro");
    page.submit = t.get("manage-save");
    page.version = version.to_string();
    let status_code = code_of(&initiative.status());
    let last_confirmed = initiative
        .last_confirmed_at()
        .max(initiative.approved_at())
        .map(|at| t.with("manage-last-confirmed", &[("date", Arg::Text(t.date(at)))]))
        .unwrap_or_else(|| t.get("manage-never-confirmed"));
    let only_one = initiative.managers().len() <= 1;
    let me = reader.caller.actor().map(|a| a.account);
    page.manage = Some(ManagePanel {
        notice,
        status: t.get(&format!("status-{status_code}")),
        status_code,
        change_rejection: initiative
            .change_rejection_reason()
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default(),
        last_confirmed,
        can_confirm: initiative.status() == InitiativeStatus::Approved,
        confirm_action: link(path_of(id, "confirm")),
        changes: changes_of(t, initiative),
        managers: initiative
            .managers()
            .iter()
            .map(|account| {
                // The name, and the id by which a co-manager is added.
                let mut shown = format!("{} ({account})", names.name(*account));
                if Some(*account) == me {
                    shown = t.with("manage-you", &[("account", Arg::Text(shown))]);
                }
                let remove = if only_one {
                    String::new()
                } else {
                    link(format!("/initiatives/{id}/managers/{account}/remove"))
                };
                (shown, remove)
            })
            .collect(),
        add_action: link(path_of(id, "managers")),
        account: {
            let mut input = Input::new("account", t.get("manage-account"), "text")
                .hint(t.get("manage-account-hint"));
            input.error = account_error;
            input
        },
    });
    let status = if page.errors.is_empty()
        && page
            .manage
            .as_ref()
            .is_some_and(|p| p.account.error.is_empty())
    {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render(status, &page))
}

/// The initiative, if the reader manages it (or moderates); refused otherwise.
async fn managed(
    web: &Web,
    reader: &Reader,
    id: &str,
) -> Result<(Arc<Initiative>, usize), Problem> {
    let seen = initiatives::read(&web.app, &reader.caller, id)
        .await
        .map_err(|r| reader.refused(r))?;
    if !seen.insider {
        return Err(reader.refused(Refusal::NotAllowed(
            "only its managers may edit an initiative".into(),
        )));
    }
    Ok((seen.initiative, seen.version))
}

fn notice_of(t: &Tr, reader: &Reader) -> String {
    match reader.param("done") {
        Some(done) => t
            .try_get(&format!("manage-done-{done}"))
            .unwrap_or_default(),
        None => String::new(),
    }
}

async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    if reader.actor().is_err() {
        return Ok(see_other(
            &reader,
            &format!("/sign-in?next=/initiatives/{id}/edit"),
        ));
    }
    let (initiative, version) = managed(&web, &reader, &id).await?;
    let typed = initiative.profile().map(filled).unwrap_or_default();
    let notice = notice_of(&reader.t, &reader);
    manage_page(
        &reader,
        &web,
        &id,
        &initiative,
        version,
        &typed,
        Errors::default(),
        notice,
        String::new(),
    )
    .await
}

/// The version the form was read at; a missing or garbled one matches no version.
fn version_of(fields: &Fields) -> Option<usize> {
    Some(
        fields
            .text("version")
            .parse::<usize>()
            .unwrap_or(usize::MAX),
    )
}

/// After a refused action: the page as the initiative is now, with what went wrong.
async fn again(
    web: &Web,
    reader: &Reader,
    id: &str,
    refusal: Refusal,
    typed: Option<&Fields>,
    account_error: bool,
) -> Result<Response, Problem> {
    let t = &reader.t;
    let (initiative, version) = managed(web, reader, id).await?;
    let errors = match &refusal {
        Refusal::Invalid { .. } if typed.is_some() => {
            Errors::of_invalid(t, &refusal, &PLACES).unwrap_or_default()
        }
        Refusal::Changed(_) => Errors::whole(t.get("manage-changed")),
        Refusal::RuleBroken(_) if typed.is_some() => Errors::whole(t.get("register-rule-broken")),
        Refusal::RuleBroken(_) | Refusal::Conflict { .. } | Refusal::NotAllowed(_)
            if !account_error =>
        {
            Errors::whole(t.get("manage-refused"))
        }
        Refusal::Invalid { .. } | Refusal::RuleBroken(_) | Refusal::Conflict { .. }
            if account_error =>
        {
            Errors::default()
        }
        _ => return Err(reader.refused(refusal)),
    };
    let account_error = if account_error && errors.is_empty() {
        t.get("manage-account-error")
    } else {
        String::new()
    };
    // A changed initiative shows what it is now; otherwise what was typed stays.
    let fresh = initiative.profile().map(filled).unwrap_or_default();
    let typed = match (&refusal, typed) {
        (Refusal::Changed(_), _) | (_, None) => &fresh,
        (_, Some(typed)) => typed,
    };
    let mut response = manage_page(
        reader,
        web,
        id,
        &initiative,
        version,
        typed,
        errors,
        String::new(),
        account_error,
    )
    .await?;
    let status = match refusal {
        Refusal::Changed(_) => StatusCode::PRECONDITION_FAILED,
        Refusal::Conflict { .. } => StatusCode::CONFLICT,
        Refusal::NotAllowed(_) => StatusCode::FORBIDDEN,
        Refusal::RuleBroken(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    };
    *response.status_mut() = status;
    Ok(response)
}

/// Waits until this instance's read models show the write (the dashboard and the map read
/// them), then goes to the manager's page with `done`.
async fn done(
    web: &Web,
    reader: &Reader,
    id: &str,
    last: Option<store::FeedPosition>,
    done: &str,
) -> Response {
    if let Some(at) = last {
        web.app.engine.wait_for(at, web.app.read_wait).await;
    }
    see_other(reader, &format!("/initiatives/{id}/edit?done={done}"))
}

async fn save(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let (profile, early) = profile_fields(&fields);
    let outcome = match profile.into_profile(early) {
        Ok(profile) => {
            let metadata =
                context.metadata(&Caller::Account(actor.clone()), "UpdateInitiativeProfile");
            manage::update_profile(
                &web.app,
                &actor,
                &id,
                manage::changes_to(profile),
                version_of(&fields),
                metadata,
            )
            .await
        }
        Err(refusal) => Err(refusal),
    };
    match outcome {
        Ok(committed) => Ok(done(&web, &reader, &id, committed.last, "saved").await),
        Err(refusal) => again(&web, &reader, &id, refusal, Some(&fields), false).await,
    }
}

async fn confirm(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let metadata = context.metadata(&Caller::Account(actor.clone()), "ConfirmInitiative");
    match manage::confirm(&web.app, &actor, &id, version_of(&fields), metadata).await {
        Ok(committed) => Ok(done(&web, &reader, &id, committed.last, "confirmed").await),
        Err(refusal) => again(&web, &reader, &id, refusal, None, false).await,
    }
}

async fn add_manager(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let outcome = match fields.text("account").parse::<AccountId>() {
        Ok(account) => {
            let metadata = context.metadata(&Caller::Account(actor.clone()), "AddManager");
            manage::add_manager(
                &web.app,
                &actor,
                &id,
                account,
                version_of(&fields),
                metadata,
            )
            .await
        }
        Err(e) => Err(Refusal::invalid(vec![e.in_field("account")])),
    };
    match outcome {
        Ok(committed) => Ok(done(&web, &reader, &id, committed.last, "added").await),
        Err(refusal) => again(&web, &reader, &id, refusal, None, true).await,
    }
}

async fn remove_manager(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((id, account)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let account = account
        .parse::<AccountId>()
        .map_err(|e| reader.refused(Refusal::invalid(vec![e.in_field("account")])))?;
    let metadata = context.metadata(&Caller::Account(actor.clone()), "RemoveManager");
    match manage::remove_manager(
        &web.app,
        &actor,
        &id,
        account,
        version_of(&fields),
        metadata,
    )
    .await
    {
        Ok(committed) => {
            // Removing oneself ends one's access to this page: the dashboard instead.
            if account == actor.account {
                if let Some(at) = committed.last {
                    web.app.engine.wait_for(at, web.app.read_wait).await;
                }
                return Ok(see_other(&reader, "/dashboard"));
            }
            Ok(done(&web, &reader, &id, committed.last, "removed").await)
        }
        Err(refusal) => again(&web, &reader, &id, refusal, None, false).await,
    }
}

/// A member asks to manage the initiative (from its public page); the dashboard lists the
/// request while it waits.
async fn request(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    _fields: Fields,
) -> Result<Response, Problem> {
    let Ok(actor) = reader.actor().cloned() else {
        return Ok(see_other(
            &reader,
            &format!("/sign-in?next=/initiatives/{id}"),
        ));
    };
    let metadata = context.metadata(&Caller::Account(actor.clone()), "RequestManagement");
    let committed = manage::request_management(&web.app, &actor, &id, None, metadata)
        .await
        .map_err(|r| match r {
            Refusal::RuleBroken(_) => reader.refused_as(r, "already-asked"),
            other => reader.refused(other),
        })?;
    if let Some(at) = committed.last {
        web.app.engine.wait_for(at, web.app.read_wait).await;
    }
    Ok(see_other(&reader, "/dashboard?requested=1"))
}

/// What the public page offers the reader about managing `initiative`: its manager's page, or
/// asking to manage it.
pub fn offer(initiative: &Initiative, caller: &Caller) -> (bool, bool) {
    match caller.actor() {
        Some(actor) if initiative.is_manager(actor.account) => (true, false),
        Some(actor) => (
            false,
            !initiative.management_requests().contains(&actor.account),
        ),
        None => (false, false),
    }
}
