//! `/admin/accounts`: administrators find accounts (by email, or page through all), open one,
//! grant and revoke its roles, sign it out everywhere, and erase the person after a page that
//! says what erasure does and does not remove. Each form calls `app::administration`, the same
//! use cases as the JSON API's `/v1/accounts…`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::actor::Role;
use domain::values::AccountId;

use super::super::account::see_other;
use super::super::form::{Errors, Input};
use super::super::i18n::{code_of, Tr};
use super::super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::super::session::Fields;
use super::super::Web;
use super::gate;
use crate::access::accounts::AccountView;
use crate::access::Access;
use crate::app::administration::{self, AccountSearch};
use crate::app::Refusal;
use crate::http::context::RequestContext;

/// Accounts per page of the list.
const PER_PAGE: usize = 50;

/// The roles an administrator grants and revokes.
const ROLES: [Role; 3] = [Role::Moderator, Role::Auditor, Role::Admin];

/// An account as a row or a page shows it (an erased person's name is gone: "erased").
struct Shown {
    id: String,
    href: String,
    name: String,
    email: String,
    status: String,
    roles: Vec<(String, String)>,
    erased: bool,
}

fn shown(t: &Tr, view: &AccountView) -> Shown {
    let erased_text = t.get("audit-erased");
    let roles = view
        .roles
        .iter()
        .map(|r| (code_of(r), t.get(&format!("role-{}", code_of(r)))))
        .collect();
    Shown {
        id: view.id.to_string(),
        href: with_lang(&format!("/admin/accounts/{}", view.id), &[], t.language),
        name: if view.erased {
            erased_text.clone()
        } else {
            view.display_name.clone().unwrap_or_default()
        },
        email: if view.erased {
            erased_text
        } else {
            view.email.clone().unwrap_or_default()
        },
        status: t.get(&format!(
            "account-status-{}",
            code_of(&view.status).replace('_', "-")
        )),
        roles,
        erased: view.erased,
    }
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct ListPage {
    t: Tr,
    chrome: Chrome,
    search: Input,
    errors: Errors,
    accounts: Vec<Shown>,
    next: String,
}

pub async fn list(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::ADMINS) {
        return answer;
    }
    let t = reader.t.clone();
    let email = reader.param("email").map(|e| e.trim().to_owned());
    let after = match reader.param("after") {
        Some(raw) => Some(
            raw.parse::<AccountId>()
                .map_err(|e| reader.refused(Refusal::invalid(vec![e])))?,
        ),
        None => None,
    };
    let search = AccountSearch {
        email: email.clone(),
        after,
        limit: PER_PAGE,
    };
    let mut errors = Errors::default();
    let mut status = StatusCode::OK;
    let (accounts, next) = match administration::list(&web.app, &reader.caller, &search).await {
        Ok(page) => (
            page.accounts.iter().map(|a| shown(&t, a)).collect(),
            page.next_after
                .map(|id| {
                    with_lang(
                        "/admin/accounts",
                        &[("after".into(), id.to_string())],
                        t.language,
                    )
                })
                .unwrap_or_default(),
        ),
        Err(Refusal::Invalid { .. }) => {
            errors = Errors {
                summary: t.get("form-has-errors"),
                fields: vec![("email".into(), t.get("error-email"))],
            };
            status = StatusCode::BAD_REQUEST;
            (Vec::new(), String::new())
        }
        Err(other) => return Err(reader.refused(other)),
    };
    let mut search = Input::new("email", t.get("admin-search-email"), "email")
        .value(email.unwrap_or_default())
        .hint(t.get("admin-search-hint"));
    errors.place(std::slice::from_mut(&mut search));
    let chrome = Chrome::new(
        &reader,
        &web.site,
        t.get("admin-accounts-title"),
        "/admin/accounts",
    )
    .private()
    .in_section(Section::Admin);
    let page = ListPage {
        t,
        chrome,
        search,
        errors,
        accounts,
        next,
    };
    Ok(render(status, &page))
}

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    t: Tr,
    chrome: Chrome,
    account: Shown,
    notice: String,
    errors: Errors,
    grant: Input,
    history_href: String,
    erase_href: String,
}

fn parse_id(reader: &Reader, raw: &str) -> Result<AccountId, Problem> {
    raw.parse::<AccountId>()
        .map_err(|_| reader.refused(Refusal::NotFound("no such account".into())))
}

pub async fn one(
    State(web): State<Web>,
    reader: Reader,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    show(&web, &reader, &raw, Errors::default(), StatusCode::OK).await
}

async fn show(
    web: &Web,
    reader: &Reader,
    raw: &str,
    errors: Errors,
    status: StatusCode,
) -> Result<Response, Problem> {
    if let Some(answer) = gate(reader, Access::ADMINS) {
        return answer;
    }
    let t = reader.t.clone();
    let id = parse_id(reader, raw)?;
    let view = administration::view(&web.app, &reader.caller, id)
        .await
        .map_err(|r| reader.refused(r))?;
    let account = shown(&t, &view);
    let notice = match reader.param("done") {
        Some(done @ ("granted" | "revoked" | "signed-out" | "erased")) => {
            t.get(&format!("admin-done-{done}"))
        }
        _ => String::new(),
    };
    let mut grant = Input::new("role", t.get("admin-role"), "select").options(
        ROLES
            .iter()
            .filter(|r| !view.roles.contains(r))
            .map(|r| (code_of(r), t.get(&format!("role-{}", code_of(r)))))
            .collect(),
    );
    errors.place(std::slice::from_mut(&mut grant));
    let path = format!("/admin/accounts/{id}");
    let chrome = Chrome::new(reader, &web.site, t.get("admin-account-title"), &path)
        .private()
        .in_section(Section::Admin);
    let page = AccountPage {
        history_href: with_lang(&format!("/audit/records/account/{id}"), &[], t.language),
        erase_href: with_lang(&format!("{path}/erasure"), &[], t.language),
        t,
        chrome,
        account,
        notice,
        errors,
        grant,
    };
    Ok(render(status, &page))
}

/// Grants the role chosen (`grant=<role>`), or revokes one (`revoke=<role>`).
pub async fn change_role(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(raw): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::ADMINS) {
        return answer;
    }
    let t = &reader.t;
    let id = parse_id(&reader, &raw)?;
    let (grant, code) = match (fields.optional("role"), fields.optional("revoke")) {
        (_, Some(revoke)) => (false, revoke),
        (Some(role), None) => (true, role),
        (None, None) => (true, String::new()),
    };
    let role = match administration::parse_role(&code) {
        Ok(role) if role != Role::Member => role,
        _ => {
            let errors = Errors {
                summary: t.get("form-has-errors"),
                fields: vec![("role".into(), t.get("admin-error-role"))],
            };
            return show(&web, &reader, &raw, errors, StatusCode::BAD_REQUEST).await;
        }
    };
    let command = if grant { "GrantRole" } else { "RevokeRole" };
    let metadata = context.metadata(&reader.caller, command);
    match administration::change_role(&web.app, &reader.caller, id, role, grant, &metadata).await {
        Ok(_) => {
            let done = if grant { "granted" } else { "revoked" };
            Ok(see_other(
                &reader,
                &format!("/admin/accounts/{id}?done={done}"),
            ))
        }
        Err(Refusal::RuleBroken(_) | Refusal::Conflict { .. }) => {
            let errors = Errors::whole(t.get("admin-error-role-refused"));
            show(
                &web,
                &reader,
                &raw,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(reader.refused(other)),
    }
}

pub async fn sign_out_everywhere(
    State(web): State<Web>,
    reader: Reader,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::ADMINS) {
        return answer;
    }
    let id = parse_id(&reader, &raw)?;
    administration::sign_out_everywhere(&web.app, &reader.caller, id)
        .await
        .map_err(|r| reader.refused(r))?;
    Ok(see_other(
        &reader,
        &format!("/admin/accounts/{id}?done=signed-out"),
    ))
}

#[derive(Template)]
#[template(path = "admin/erasure.html")]
struct ErasurePage {
    t: Tr,
    chrome: Chrome,
    account: Shown,
    errors: Errors,
    back: String,
}

/// The page that says what erasure does and does not remove, with the button that does it.
pub async fn confirm_erasure(
    State(web): State<Web>,
    reader: Reader,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    confirm(&web, &reader, &raw, Errors::default(), StatusCode::OK).await
}

async fn confirm(
    web: &Web,
    reader: &Reader,
    raw: &str,
    errors: Errors,
    status: StatusCode,
) -> Result<Response, Problem> {
    if let Some(answer) = gate(reader, Access::ADMINS) {
        return answer;
    }
    let t = reader.t.clone();
    let id = parse_id(reader, raw)?;
    let view = administration::view(&web.app, &reader.caller, id)
        .await
        .map_err(|r| reader.refused(r))?;
    let path = format!("/admin/accounts/{id}/erasure");
    let chrome = Chrome::new(reader, &web.site, t.get("admin-erasure-title"), &path)
        .private()
        .in_section(Section::Admin);
    let page = ErasurePage {
        account: shown(&t, &view),
        back: with_lang(&format!("/admin/accounts/{id}"), &[], t.language),
        t,
        chrome,
        errors,
    };
    Ok(render(status, &page))
}

/// Erases the person once the administrator has ticked the confirmation.
pub async fn erase(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(raw): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::ADMINS) {
        return answer;
    }
    let t = &reader.t;
    let id = parse_id(&reader, &raw)?;
    if fields.optional("confirm").as_deref() != Some("yes") {
        let errors = Errors {
            summary: t.get("form-has-errors"),
            fields: vec![("confirm".into(), t.get("admin-error-confirm"))],
        };
        return confirm(&web, &reader, &raw, errors, StatusCode::BAD_REQUEST).await;
    }
    let metadata = context.metadata(&reader.caller, "ErasePerson");
    match administration::erase(&web.app, &reader.caller, id, &metadata).await {
        Ok(_) => Ok(see_other(
            &reader,
            &format!("/admin/accounts/{id}?done=erased"),
        )),
        Err(Refusal::RuleBroken(_) | Refusal::Conflict { .. }) => {
            let errors = Errors::whole(t.get("admin-error-erase-refused"));
            confirm(
                &web,
                &reader,
                &raw,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(reader.refused(other)),
    }
}
