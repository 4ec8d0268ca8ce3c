//! One's own account in the browser: the profile and the language of the interface, the
//! password, which mail to receive, and signing out everywhere. Each form calls the same use
//! case as the JSON API (`app::accounts`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use domain::account::NotificationKind;
use domain::values::Language;

use super::account::{language_cookie, see_other, set_cookie};
use super::form::{Errors, Input};
use super::i18n::Tr;
use super::page::{render, Chrome, Problem, Reader, Section};
use super::session::Fields;
use super::Web;
use crate::access::accounts::AccountView;
use crate::app::accounts::{self, ProfileFields};
use crate::app::Refusal;
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/account", get(page))
        .route("/account/profile", post(save_profile))
        .route("/account/password", post(change_password))
        .route("/account/notifications", post(save_notifications))
        .route("/account/sign-out-everywhere", post(sign_out_everywhere))
}

/// A kind of mail one may turn off, as a checkbox.
struct MailKind {
    code: &'static str,
    label: String,
    on: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    t: Tr,
    chrome: Chrome,
    notice: String,
    roles: Vec<String>,
    email: String,
    profile: Vec<Input>,
    profile_errors: Errors,
    password: Vec<Input>,
    password_errors: Errors,
    mail: Vec<MailKind>,
}

/// What the reader typed into one of the forms, shown again with its errors.
enum Retry {
    None,
    Profile(ProfileFields, Errors),
    Password(Errors),
}

/// The page: a visitor is sent to sign in first, and comes back here.
async fn page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    show(&web, &reader, Retry::None, StatusCode::OK).await
}

async fn show(
    web: &Web,
    reader: &Reader,
    retry: Retry,
    status: StatusCode,
) -> Result<Response, Problem> {
    let Ok(actor) = reader.actor() else {
        return Ok(see_other(reader, "/sign-in?next=/account"));
    };
    let t = &reader.t;
    let view: AccountView = web
        .app
        .accounts
        .view(actor.account)
        .await
        .map_err(|r| reader.refused(r))?;
    let muted = accounts::muted_notifications(&web.app, actor)
        .await
        .map_err(|r| reader.refused(r))?;
    let (typed, profile_errors, password_errors) = match retry {
        Retry::None => (None, Errors::default(), Errors::default()),
        Retry::Profile(typed, errors) => (Some(typed), errors, Errors::default()),
        Retry::Password(errors) => (None, Errors::default(), errors),
    };
    let name = typed
        .as_ref()
        .and_then(|p| p.display_name.clone())
        .or(view.display_name.clone())
        .unwrap_or_default();
    let phone = match &typed {
        Some(p) => p.phone.clone().flatten(),
        None => view.phone.clone(),
    };
    let language = typed
        .as_ref()
        .and_then(|p| p.language.clone())
        .unwrap_or_else(|| view.language.code().to_owned());
    let options = Language::ALL
        .iter()
        .map(|l| {
            (
                l.code().to_owned(),
                t.get(&format!("language-{}", l.code())),
            )
        })
        .collect();
    let mut profile = vec![
        Input::new("display_name", t.get("field-display-name"), "text")
            .value(name)
            .autocomplete("name")
            .hint(t.get("field-display-name-hint"))
            .required(),
        Input::new("phone", t.get("field-phone"), "tel")
            .value(phone.unwrap_or_default())
            .hint(t.get("hint-phone"))
            .autocomplete("tel"),
        Input::new("language", t.get("field-language"), "select")
            .options(options)
            .value(language)
            .hint(t.get("hint-language")),
    ];
    profile_errors.place(&mut profile);
    let mut password = vec![
        Input::new(
            "current_password",
            t.get("field-current-password"),
            "password",
        )
        .autocomplete("current-password")
        .required(),
        Input::new("new_password", t.get("field-new-password"), "password")
            .hint(t.get("hint-password"))
            .autocomplete("new-password")
            .required(),
    ];
    password_errors.place(&mut password);
    let mail = NotificationKind::ALL
        .iter()
        .map(|kind| MailKind {
            code: kind.as_str(),
            label: t.get(&format!("mail-kind-{}", kind.as_str().replace('_', "-"))),
            on: !muted.contains(kind),
        })
        .collect();
    let title = t.get("account-title");
    let chrome = Chrome::new(reader, &web.site, title, "/account")
        .private()
        .in_section(Section::Account);
    let page = AccountPage {
        t: t.clone(),
        chrome,
        notice: match reader.param("done") {
            Some("profile") => t.get("done-profile"),
            Some("notifications") => t.get("done-notifications"),
            _ => String::new(),
        },
        roles: view
            .roles
            .iter()
            .map(|r| t.get(&format!("role-{}", format!("{r:?}").to_lowercase())))
            .collect(),
        email: view.email.unwrap_or_default(),
        profile,
        profile_errors,
        password,
        password_errors,
        mail,
    };
    Ok(render(status, &page))
}

async fn save_profile(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let typed = ProfileFields {
        display_name: Some(fields.text("display_name")),
        // A blank phone removes it.
        phone: Some(fields.optional("phone")),
        language: Some(fields.text("language")),
    };
    let metadata = context.metadata(&reader.caller, "UpdateOwnAccount");
    match accounts::update_profile(&web.app, &actor, typed.clone(), &metadata).await {
        Ok(_) => {
            let language = typed
                .language
                .as_deref()
                .and_then(|l| l.parse::<Language>().ok())
                .unwrap_or(reader.t.language);
            // The chosen language is the interface's from now on.
            let mut moved = reader.clone();
            moved.t = Tr::new(language);
            let response = see_other(&moved, "/account?done=profile");
            Ok(set_cookie(response, language_cookie(language)))
        }
        Err(refusal @ Refusal::Invalid { .. }) => {
            let errors = Errors::of_invalid(&reader.t, &refusal, &[]).unwrap_or_default();
            let retry = Retry::Profile(typed, errors);
            show(&web, &reader, retry, StatusCode::BAD_REQUEST).await
        }
        Err(other) => Err(reader.refused(other)),
    }
}

async fn change_password(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let metadata = context.metadata(&reader.caller, "ChangePassword");
    let (current, new) = (fields.raw("current_password"), fields.raw("new_password"));
    let t = &reader.t;
    match accounts::change_password(&web.app, &actor, current, new, &metadata).await {
        // Every session ended with the old password, this browser's too.
        Ok(_) => {
            let response = see_other(&reader, "/sign-in?done=password");
            Ok(set_cookie(response, web.site.end_session_cookie()))
        }
        Err(refusal @ Refusal::Invalid { .. }) => {
            let rename = [("password", "new_password")];
            let errors = Errors::of_invalid(t, &refusal, &rename).unwrap_or_default();
            show(
                &web,
                &reader,
                Retry::Password(errors),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(Refusal::NotAllowed(_)) => {
            let errors = Errors {
                summary: t.get("form-has-errors"),
                fields: vec![("current_password".into(), t.get("error-current-password"))],
            };
            show(
                &web,
                &reader,
                Retry::Password(errors),
                StatusCode::FORBIDDEN,
            )
            .await
        }
        Err(other) => Err(reader.refused(other)),
    }
}

async fn save_notifications(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let wanted = fields.all("receive");
    // The form lists the kinds to receive; the use case takes the ones turned off.
    let muted: Vec<String> = NotificationKind::ALL
        .iter()
        .map(|k| k.as_str().to_owned())
        .filter(|k| !wanted.contains(k))
        .collect();
    let metadata = context.metadata(&reader.caller, "SetNotificationPreferences");
    accounts::set_muted_notifications(&web.app, &actor, &muted, &metadata)
        .await
        .map_err(|r| reader.refused(r))?;
    Ok(see_other(&reader, "/account?done=notifications"))
}

async fn sign_out_everywhere(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    accounts::sign_out_everywhere(&web.app, &actor, actor.account)
        .await
        .map_err(|r| reader.refused(r))?;
    let response = see_other(&reader, "/sign-in?done=everywhere");
    Ok(set_cookie(response, web.site.end_session_cookie()))
}
