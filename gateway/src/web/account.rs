//! Signing up (and confirming the address from the mailed link), activating an account made by
//! `articula admin create`, signing in and out. Each form posts to its own path, calls the same
//! use case as the JSON API, and on a refusal shows the form again with what was typed (never a
//! password) and each error beside its field, in the reader's language.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use domain::values::Language;

use super::form::{Errors, Input};
use super::i18n::Tr;
use super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::session::{Fields, SessionToken};
use super::{i18n, Web};
use crate::access::Caller;
use crate::app::accounts::{self, SignUpFields};
use crate::app::{sign_up, Refusal};
use crate::http::context::{ClientAddress, RequestContext};

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", axum::routing::post(sign_out))
        .route("/sign-up", get(sign_up_page).post(sign_up))
        .merge(super::links::routes())
        .merge(super::profile::routes())
}

/// A page with one form.
#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub heading: String,
    pub intro: String,
    pub notice: String,
    pub errors: Errors,
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub inputs: Vec<Input>,
    pub submit: String,
    pub links: Vec<(String, String)>,
}

impl FormPage {
    pub fn new(reader: &Reader, web: &Web, title_key: &str, action: &str) -> Self {
        let t = reader.t.clone();
        let heading = t.get(title_key);
        let chrome = Chrome::new(reader, &web.site, heading.clone(), action).private();
        Self {
            t,
            chrome,
            heading,
            intro: String::new(),
            notice: String::new(),
            errors: Errors::default(),
            action: action.to_owned(),
            hidden: Vec::new(),
            inputs: Vec::new(),
            submit: String::new(),
            links: Vec::new(),
        }
    }

    /// Shows the page with `status`, each error beside its field.
    pub fn show(mut self, status: StatusCode) -> Response {
        self.errors.place(&mut self.inputs);
        render(status, &self)
    }
}

/// `303 See Other` to `path` in the reader's language: the answer to a form that worked, so
/// that reloading does not post it again.
pub fn see_other(reader: &Reader, path: &str) -> Response {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    Redirect::to(&with_lang(path, &query, reader.t.language)).into_response()
}

/// Adds `Set-Cookie` to `response`.
pub fn set_cookie(mut response: Response, value: HeaderValue) -> Response {
    response.headers_mut().append(header::SET_COOKIE, value);
    response
}

/// The cookie that keeps `language` as the interface's (an account's preference).
pub fn language_cookie(language: Language) -> HeaderValue {
    let text = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        i18n::LANG_COOKIE,
        language.code()
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Where to go after signing in: a path of this site, never another site.
fn next_path(raw: &str) -> &str {
    let local = raw.starts_with('/') && !raw.starts_with("//") && !raw.contains('\\');
    if local {
        raw
    } else {
        "/dashboard"
    }
}

/// The sentence a page shows after `?done=` (what just worked).
fn done_notice(reader: &Reader) -> String {
    match reader.param("done") {
        Some("confirmed") => reader.t.get("done-confirmed"),
        Some("activated") => reader.t.get("done-activated"),
        Some("password") => reader.t.get("done-password"),
        Some("everywhere") => reader.t.get("done-everywhere"),
        Some("signed-out") => reader.t.get("done-signed-out"),
        _ => String::new(),
    }
}

fn sign_in_form(reader: &Reader, web: &Web, email: &str) -> FormPage {
    let t = &reader.t;
    let mut page = FormPage::new(reader, web, "sign-in-title", "/sign-in");
    page.chrome = page.chrome.in_section(Section::SignIn);
    page.notice = done_notice(reader);
    page.hidden.push((
        "next".into(),
        reader.param("next").unwrap_or("/dashboard").to_owned(),
    ));
    page.inputs = vec![
        Input::new("email", t.get("field-email"), "email")
            .value(email)
            .autocomplete("email")
            .required(),
        Input::new("password", t.get("field-password"), "password")
            .autocomplete("current-password")
            .required(),
    ];
    page.submit = t.get("sign-in-submit");
    page.links = vec![(
        with_lang("/sign-up", &[], t.language),
        t.get("sign-in-no-account"),
    )];
    page
}

async fn sign_in_page(State(web): State<Web>, reader: Reader) -> Response {
    if reader.caller.actor().is_some() {
        return see_other(&reader, "/dashboard");
    }
    sign_in_form(&reader, &web, "").show(StatusCode::OK)
}

async fn sign_in(
    State(web): State<Web>,
    reader: Reader,
    ClientAddress(address): ClientAddress,
    fields: Fields,
) -> Result<Response, Problem> {
    let email = fields.text("email");
    let next = fields.text("next");
    let mut form = sign_in_form(&reader, &web, &email);
    form.hidden = vec![("next".into(), next.clone())];
    let t = &reader.t;
    match accounts::sign_in(&web.app, &email, fields.raw("password"), address).await {
        Ok(session) => {
            let seconds = (session.expires_at - Utc::now()).num_seconds();
            let account = web.app.accounts.load(session.account).await;
            let language = account.map_err(|r| reader.refused(r))?.language();
            let to = with_lang(next_path(&next), &[], language);
            let response = Redirect::to(&to).into_response();
            let response = set_cookie(
                response,
                web.site.session_cookie(session.token.expose(), seconds),
            );
            Ok(set_cookie(response, language_cookie(language)))
        }
        Err(refusal @ Refusal::Invalid { .. }) => {
            form.errors = Errors::of_invalid(t, &refusal, &[]).unwrap_or_default();
            Ok(form.show(StatusCode::BAD_REQUEST))
        }
        // One sentence for every failure, so that the form tells nobody which emails exist.
        Err(Refusal::NotSignedIn(_)) => {
            form.errors = Errors::whole(t.get("sign-in-wrong"));
            Ok(form.show(StatusCode::UNAUTHORIZED))
        }
        Err(Refusal::TooMany { .. }) => {
            form.errors = Errors::whole(t.get("form-too-many"));
            Ok(form.show(StatusCode::TOO_MANY_REQUESTS))
        }
        Err(other) => Err(reader.refused(other)),
    }
}

/// Ends the browser's session (its token is revoked, not only forgotten).
async fn sign_out(State(web): State<Web>, reader: Reader, request: Request) -> Response {
    if let Some(SessionToken(token)) = request.extensions().get::<SessionToken>() {
        if let Err(refusal) = accounts::sign_out(&web.app, token).await {
            return reader.refused(refusal).into_response();
        }
    }
    let response = see_other(&reader, "/sign-in?done=signed-out");
    set_cookie(response, web.site.end_session_cookie())
}

fn language_options(t: &Tr) -> Vec<(String, String)> {
    Language::ALL
        .iter()
        .map(|l| {
            (
                l.code().to_owned(),
                t.get(&format!("language-{}", l.code())),
            )
        })
        .collect()
}

fn sign_up_form(reader: &Reader, web: &Web, typed: &SignUpFields) -> FormPage {
    let t = &reader.t;
    let mut page = FormPage::new(reader, web, "sign-up-title", "/sign-up");
    page.chrome = page.chrome.in_section(Section::SignUp);
    page.intro = t.get("sign-up-intro");
    let language = typed
        .language
        .clone()
        .unwrap_or_else(|| t.code().to_owned());
    page.inputs = vec![
        Input::new("display_name", t.get("field-display-name"), "text")
            .value(&typed.display_name)
            .autocomplete("name")
            .hint(t.get("field-display-name-hint"))
            .required(),
        Input::new("email", t.get("field-email"), "email")
            .value(&typed.email)
            .autocomplete("email")
            .required(),
        Input::new("password", t.get("field-password"), "password")
            .hint(t.get("hint-password"))
            .autocomplete("new-password")
            .required(),
        Input::new("phone", t.get("field-phone"), "tel")
            .value(typed.phone.clone().unwrap_or_default())
            .hint(t.get("hint-phone"))
            .autocomplete("tel"),
        Input::new("language", t.get("field-language"), "select")
            .options(language_options(t))
            .value(language),
    ];
    page.submit = t.get("sign-up-submit");
    page.links = vec![(
        with_lang("/sign-in", &[], t.language),
        t.get("sign-up-have-account"),
    )];
    page
}

async fn sign_up_page(State(web): State<Web>, reader: Reader) -> Response {
    sign_up_form(&reader, &web, &SignUpFields::default()).show(StatusCode::OK)
}

async fn sign_up(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    ClientAddress(address): ClientAddress,
    fields: Fields,
) -> Result<Response, Problem> {
    let typed = SignUpFields {
        email: fields.text("email"),
        display_name: fields.text("display_name"),
        password: fields.raw("password"),
        phone: fields.optional("phone"),
        language: fields.optional("language"),
    };
    let t = &reader.t;
    let mut form = sign_up_form(&reader, &web, &typed);
    let input = match accounts::parse_sign_up(typed.clone()) {
        Ok(input) => input,
        Err(refusal) => {
            form.errors = Errors::of_invalid(t, &refusal, &[]).unwrap_or_default();
            return Ok(form.show(StatusCode::BAD_REQUEST));
        }
    };
    let metadata = context.metadata(&Caller::Visitor, "SignUp");
    match sign_up::sign_up(&web.app, input, address, metadata).await {
        Ok(()) => {
            let mut page = FormPage::new(&reader, &web, "sign-up-received-title", "/sign-up");
            page.intro = t.get("sign-up-received-text");
            Ok(render(StatusCode::ACCEPTED, &Notice::from(page)))
        }
        Err(Refusal::TooMany { .. }) => {
            form.errors = Errors::whole(t.get("form-too-many"));
            Ok(form.show(StatusCode::TOO_MANY_REQUESTS))
        }
        Err(other) => Err(reader.refused(other)),
    }
}

/// A page that only says something (what happens next).
#[derive(Template)]
#[template(path = "notice.html")]
struct Notice {
    t: Tr,
    chrome: Chrome,
    heading: String,
    text: String,
}

impl From<FormPage> for Notice {
    fn from(page: FormPage) -> Self {
        Self {
            t: page.t,
            chrome: page.chrome,
            heading: page.heading,
            text: page.intro,
        }
    }
}
