//! The pages of a mailed or printed link that holds an account and a one-time secret: confirming
//! a new account's address (`/confirm`, with the password chosen at sign-up) and activating an
//! account made by `articula admin create` (`/activate`, choosing its first password). Both call
//! the same use cases as the JSON API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use domain::values::AccountId;

use super::account::{see_other, FormPage};
use super::form::{Errors, Input};
use super::page::{Problem, Reader};
use super::session::Fields;
use super::Web;
use crate::access::Caller;
use crate::app::accounts;
use crate::app::{sign_up, Refusal};
use crate::http::context::{ClientAddress, RequestContext};

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/confirm", get(confirm_page).post(confirm))
        .route("/activate", get(activate_page).post(activate))
}

/// The form of a link that holds an account and a one-time secret (confirmation, activation):
/// the password, with the account and secret carried along (typed in when there is no link).
fn link_form(
    reader: &Reader,
    web: &Web,
    key: &str,
    action: &str,
    account: &str,
    secret: &str,
) -> FormPage {
    let t = &reader.t;
    let mut page = FormPage::new(reader, web, &format!("{key}-title"), action);
    page.intro = t.get(&format!("{key}-intro"));
    let from_link = !account.is_empty() && !secret.is_empty();
    if from_link {
        page.hidden = vec![
            ("account".into(), account.to_owned()),
            ("secret".into(), secret.to_owned()),
        ];
    } else {
        page.inputs = vec![
            Input::new("account", t.get("field-account-id"), "text")
                .value(account)
                .required(),
            Input::new("secret", t.get("field-secret"), "text")
                .value(secret)
                .required(),
        ];
    }
    page
}

fn confirm_form(reader: &Reader, web: &Web, account: &str, secret: &str) -> FormPage {
    let t = &reader.t;
    let mut page = link_form(reader, web, "confirm", "/confirm", account, secret);
    page.inputs.push(
        Input::new("password", t.get("field-password"), "password")
            .hint(t.get("hint-confirm-password"))
            .autocomplete("current-password")
            .required(),
    );
    page.submit = t.get("confirm-submit");
    page
}

async fn confirm_page(State(web): State<Web>, reader: Reader) -> Response {
    let account = reader.param("account").unwrap_or_default().to_owned();
    let secret = reader.param("secret").unwrap_or_default().to_owned();
    confirm_form(&reader, &web, &account, &secret).show(StatusCode::OK)
}

async fn confirm(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    ClientAddress(address): ClientAddress,
    fields: Fields,
) -> Result<Response, Problem> {
    let (account, secret) = (fields.text("account"), fields.text("secret"));
    let t = &reader.t;
    let mut form = confirm_form(&reader, &web, &account, &secret);
    let Ok(id) = account.parse::<AccountId>() else {
        form.errors = Errors::whole(t.get("confirm-refused"));
        return Ok(form.show(StatusCode::BAD_REQUEST));
    };
    let metadata = context.metadata(&Caller::Visitor, "ConfirmAddress");
    let password = fields.raw("password");
    match sign_up::confirm_address(&web.app, id, &secret, password, address, &metadata).await {
        Ok(_) => Ok(see_other(&reader, "/sign-in?done=confirmed")),
        Err(Refusal::Conflict { .. }) => Ok(see_other(&reader, "/sign-in?done=confirmed")),
        Err(Refusal::NotSignedIn(_) | Refusal::NotFound(_)) => {
            form.errors = Errors::whole(t.get("confirm-refused"));
            Ok(form.show(StatusCode::UNAUTHORIZED))
        }
        Err(Refusal::TooMany { .. }) => {
            form.errors = Errors::whole(t.get("form-too-many"));
            Ok(form.show(StatusCode::TOO_MANY_REQUESTS))
        }
        Err(other) => Err(reader.refused(other)),
    }
}

fn activate_form(reader: &Reader, web: &Web, account: &str, secret: &str) -> FormPage {
    let t = &reader.t;
    let mut page = link_form(reader, web, "activate", "/activate", account, secret);
    page.inputs.push(
        Input::new("password", t.get("field-new-password"), "password")
            .hint(t.get("hint-password"))
            .autocomplete("new-password")
            .required(),
    );
    page.submit = t.get("activate-submit");
    page
}

async fn activate_page(State(web): State<Web>, reader: Reader) -> Response {
    let account = reader.param("account").unwrap_or_default().to_owned();
    let secret = reader.param("secret").unwrap_or_default().to_owned();
    activate_form(&reader, &web, &account, &secret).show(StatusCode::OK)
}

async fn activate(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    fields: Fields,
) -> Result<Response, Problem> {
    let (account, secret) = (fields.text("account"), fields.text("secret"));
    let t = &reader.t;
    let mut form = activate_form(&reader, &web, &account, &secret);
    let Ok(id) = account.parse::<AccountId>() else {
        form.errors = Errors::whole(t.get("activate-refused"));
        return Ok(form.show(StatusCode::BAD_REQUEST));
    };
    let metadata = context.metadata(&Caller::Visitor, "Activate");
    match accounts::activate(&web.app, id, &secret, fields.raw("password"), &metadata).await {
        Ok(_) => Ok(see_other(&reader, "/sign-in?done=activated")),
        Err(refusal @ Refusal::Invalid { .. }) => {
            form.errors = Errors::of_invalid(t, &refusal, &[]).unwrap_or_default();
            Ok(form.show(StatusCode::BAD_REQUEST))
        }
        Err(Refusal::NotSignedIn(_) | Refusal::NotFound(_) | Refusal::Conflict { .. }) => {
            form.errors = Errors::whole(t.get("activate-refused"));
            Ok(form.show(StatusCode::UNAUTHORIZED))
        }
        Err(other) => Err(reader.refused(other)),
    }
}
