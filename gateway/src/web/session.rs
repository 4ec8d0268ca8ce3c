//! The browser's session and the defences of every form.
//!
//! A signed-in browser holds the same kind of token as an API client (`store::Sessions`: stored
//! as a digest, revocable, expiring), in a cookie that scripts cannot read (`HttpOnly`) and that
//! other sites' requests do not carry except top-level links (`SameSite=Lax`); over HTTPS it is
//! `Secure` and named with the `__Host-` prefix, so no subdomain can plant one.
//!
//! Every state-changing request (any method but GET and HEAD) must come from a page of this
//! site, twice over: its `Origin` (or, without one, its `Referer`) must be this site's, and its
//! form must carry the anti-forgery token that this site put both in a cookie and in a hidden
//! field of the form it served (another site can read neither). Signed-in writes count against
//! the same per-account limit as the API's.

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use store::SessionCheck;

use super::page::Reader;
use super::{Site, Web};
use crate::access::Caller;
use crate::app::Refusal;

/// The form field that carries the anti-forgery token.
pub const CSRF_FIELD: &str = "csrf";

/// This request's anti-forgery token (the cookie's, or a new one that the response sets).
#[derive(Debug, Clone)]
pub struct Csrf(pub String);

/// The session token the browser sent, when it is live (for signing out).
#[derive(Debug, Clone)]
pub struct SessionToken(pub String);

impl Site {
    fn cookie_name(&self, name: &str) -> String {
        if self.secure {
            format!("__Host-{name}")
        } else {
            name.to_owned()
        }
    }

    pub fn session_cookie_name(&self) -> String {
        self.cookie_name("articula-session")
    }

    fn csrf_cookie_name(&self) -> String {
        self.cookie_name("articula-csrf")
    }

    /// A `Set-Cookie` value: host-only, the whole site, unreadable by scripts, not sent along
    /// with other sites' subrequests or form posts; `Secure` over HTTPS. `max_age` 0 deletes it.
    fn cookie(&self, name: &str, value: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let text =
            format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}");
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The cookie that holds a new session for `max_age` seconds.
    pub fn session_cookie(&self, token: &str, max_age: i64) -> HeaderValue {
        self.cookie(&self.session_cookie_name(), token, max_age.max(1))
    }

    /// The cookie that ends the browser's session.
    pub fn end_session_cookie(&self) -> HeaderValue {
        self.cookie(&self.session_cookie_name(), "", 0)
    }

    /// Whether `origin` (`scheme://host[:port]`) is this site: its published address, or the
    /// host the request was sent to under the published scheme (a server reached by another
    /// name than its published one, as in tests and on a private network).
    fn is_own_origin(&self, origin: &str, headers: &HeaderMap) -> bool {
        let origin = origin.trim_end_matches('/');
        if origin.eq_ignore_ascii_case(&self.origin) {
            return true;
        }
        let scheme = if self.secure { "https" } else { "http" };
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|host| origin.eq_ignore_ascii_case(&format!("{scheme}://{host}")))
    }
}

/// The value of cookie `name`, if the request sent it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

fn new_csrf_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Compares digests so that the time taken does not tell how much of a guess was right.
fn same_secret(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

/// The origin a state-changing request says it comes from: `Origin`, else `Referer`'s.
fn claimed_origin(headers: &HeaderMap) -> Option<String> {
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return Some(origin.to_owned());
    }
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (scheme, rest) = referer.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{host}"))
}

/// Resolves the browser's session into the request's [`Caller`], refuses forged and
/// over-limit writes, and sets the anti-forgery cookie when the browser has none.
pub async fn browser_session(State(web): State<Web>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let site = &web.site;
    let mut end_session = false;
    let mut caller = Caller::Visitor;
    if let Some(token) = cookie(&parts.headers, &site.session_cookie_name()).map(str::to_owned) {
        match resolve(&web, &token).await {
            Ok(Some(actor)) => {
                caller = Caller::Account(actor);
                parts.extensions.insert(SessionToken(token));
            }
            // A session that ended (signed out elsewhere, expired, revoked): a visitor now.
            Ok(None) => end_session = true,
            Err(refusal) => {
                let reader = Reader::of(&parts, Caller::Visitor, String::new());
                return reader.refused(refusal).into_response();
            }
        }
    }
    let sent_csrf = cookie(&parts.headers, &site.csrf_cookie_name()).map(str::to_owned);
    let csrf = sent_csrf.clone().unwrap_or_else(new_csrf_token);
    parts.extensions.insert(Csrf(csrf.clone()));
    parts.extensions.insert(caller.clone());

    let writes = !matches!(parts.method, Method::GET | Method::HEAD);
    let body = if writes {
        let reader = Reader::of(&parts, caller.clone(), csrf.clone());
        match checked_body(&web, &parts.headers, sent_csrf.as_deref(), &caller, body).await {
            Ok(bytes) => Body::from(bytes),
            Err((refusal, key)) => return reader.refused_as(refusal, key).into_response(),
        }
    } else {
        body
    };

    let mut response = next.run(Request::from_parts(parts, body)).await;
    let headers = response.headers_mut();
    if sent_csrf.is_none() {
        // A year: the token only proves that a form came from this site.
        let value = site.cookie(&site.csrf_cookie_name(), &csrf, 31_536_000);
        headers.append(header::SET_COOKIE, value);
    }
    if end_session {
        headers.append(header::SET_COOKIE, site.end_session_cookie());
    }
    if matches!(caller, Caller::Account(_)) || writes {
        // A signed-in page is one person's: no shared cache may keep it.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The account behind a session token, if the session is live and the account active.
async fn resolve(web: &Web, token: &str) -> Result<Option<domain::actor::Actor>, Refusal> {
    match web.app.accounts.sessions().authenticate(token).await? {
        SessionCheck::Valid {
            account,
            account_version,
            ..
        } => match web.app.accounts.actor(account, account_version).await {
            Ok(actor) => Ok(Some(actor)),
            Err(Refusal::NotSignedIn(_)) => Ok(None),
            Err(other) => Err(other),
        },
        _ => Ok(None),
    }
}

/// The body of a state-changing request, once it is shown to come from this site's own form
/// and to be within the writer's limit; otherwise the refusal and the text that explains it.
async fn checked_body(
    web: &Web,
    headers: &HeaderMap,
    cookie_token: Option<&str>,
    caller: &Caller,
    body: Body,
) -> Result<axum::body::Bytes, (Refusal, &'static str)> {
    let forged = |why: &str| {
        tracing::warn!(why, "a form post was refused as cross-site");
        (Refusal::NotAllowed(why.to_owned()), "forged")
    };
    match claimed_origin(headers) {
        Some(origin) if web.site.is_own_origin(&origin, headers) => {}
        _ => return Err(forged("the request does not come from this site")),
    }
    let bytes = to_bytes(body, web.body_limit)
        .await
        .map_err(|_| (Refusal::invalid_input("the form is too large"), "invalid"))?;
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned());
    match (cookie_token, sent) {
        (Some(expected), Some(sent)) if same_secret(expected, &sent) => {}
        _ => return Err(forged("the form's anti-forgery token is missing or wrong")),
    }
    if let Caller::Account(actor) = caller {
        web.app
            .limits
            .check_write(actor.account)
            .map_err(|r| (r, "too-many"))?;
    }
    Ok(bytes)
}

/// The fields of a submitted form, in order (a name may repeat, as checkboxes do).
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// A form filled in beforehand (an edit form shows what is stored).
    pub fn of(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The value of `name`, trimmed of surrounding spaces (empty when absent).
    pub fn text(&self, name: &str) -> String {
        self.raw(name).trim().to_owned()
    }

    /// The value of `name` exactly as typed (passwords keep their spaces).
    pub fn raw(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The value of `name`, or `None` when absent or blank.
    pub fn optional(&self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|v| !v.is_empty())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Response> {
        // The body was read and bounded by `browser_session` already.
        let bytes = to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|e| (axum::http::StatusCode::BAD_REQUEST, e.to_string()).into_response())?;
        Ok(Self(
            form_urlencoded::parse(&bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}
