//! The browser session over plain HTTP: the cookie's flags (and the `__Host-` prefix and
//! `Secure` over HTTPS), the session being an ordinary revocable token of the session store, and
//! every cross-site or token-less form post refused before it does anything.

use e2e::{spawn_app, test_settings, TestApp, PASSWORD};
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use store::testing::TestPostgres;

/// A client that shows redirects instead of following them.
fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// `(name, value, attributes)` of every `Set-Cookie` of a response.
fn set_cookies(response: &Response) -> Vec<(String, String, String)> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| {
            let text = v.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            (name.into(), value.into(), attributes.into())
        })
        .collect()
}

fn cookie_named<'a>(
    cookies: &'a [(String, String, String)],
    name: &str,
) -> &'a (String, String, String) {
    cookies
        .iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("a {name} cookie in {cookies:?}"))
}

/// A browser's state: its cookies and the page's anti-forgery token.
struct Visit {
    csrf_cookie: (String, String),
    session: Option<(String, String)>,
}

impl Visit {
    fn cookie_header(&self) -> String {
        let mut pairs = vec![format!("{}={}", self.csrf_cookie.0, self.csrf_cookie.1)];
        if let Some((name, value)) = &self.session {
            pairs.push(format!("{name}={value}"));
        }
        pairs.join("; ")
    }
}

/// Opens the sign-in page: the anti-forgery cookie (flags checked) and the same token in the
/// form.
async fn open_sign_in(app: &TestApp, csrf_name: &str, secure: bool) -> Visit {
    let page = client()
        .get(format!("{}/sign-in?lang=en", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let cookies = set_cookies(&page);
    let (name, value, attributes) = cookie_named(&cookies, csrf_name).clone();
    assert_flags(&attributes, secure);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"csrf\" value=\"{value}\"")),
        "the form carries the cookie's token"
    );
    Visit {
        csrf_cookie: (name, value),
        session: None,
    }
}

fn assert_flags(attributes: &str, secure: bool) {
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(attributes.contains(flag), "{flag} in {attributes}");
    }
    assert_eq!(
        attributes.contains("Secure"),
        secure,
        "Secure in {attributes}"
    );
    assert!(!attributes.contains("Domain"), "host-only: {attributes}");
}

/// Posts a form as this site's page would (its origin, its cookies, its token), with
/// `origin` and `with_token` to play a forger.
async fn post(
    app: &TestApp,
    visit: &Visit,
    path: &str,
    fields: &[(&str, &str)],
    origin: Option<&str>,
    with_token: bool,
) -> Response {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    if with_token {
        form.push(("csrf", visit.csrf_cookie.1.as_str()));
    }
    let mut request = client()
        .post(format!("{}{path}", app.address))
        .header(COOKIE, visit.cookie_header())
        .form(&form);
    if let Some(origin) = origin {
        request = request.header(ORIGIN, origin);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_session_cookie_is_flagged_revocable_and_forged_posts_are_refused() {
    let db = TestPostgres::create().await;
    let app = spawn_app(test_settings(Some(db.url.clone()))).await;
    let person = app.sign_up("Ana").await;
    let own = app.address.clone();
    let mut visit = open_sign_in(&app, "articula-csrf", false).await;
    let credentials = [("email", person.email.as_str()), ("password", PASSWORD)];

    // Signing in from another site, or without the form's token, is refused and sets nothing.
    for (origin, token) in [
        (Some("https://evil.example"), true),
        (Some(own.as_str()), false),
        (None, true),
        (Some("null"), true),
    ] {
        let refused = post(&app, &visit, "/sign-in", &credentials, origin, token).await;
        assert_eq!(refused.status(), 403, "origin {origin:?}, token {token}");
        assert!(set_cookies(&refused)
            .iter()
            .all(|(n, _, _)| n != "articula-session"));
    }

    let signed_in = post(&app, &visit, "/sign-in", &credentials, Some(&own), true).await;
    assert_eq!(signed_in.status(), 303);
    assert!(signed_in.headers()[LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/dashboard"));
    let cookies = set_cookies(&signed_in);
    let (name, token, attributes) = cookie_named(&cookies, "articula-session").clone();
    assert_flags(&attributes, false);
    assert!(attributes.contains("Max-Age="), "{attributes}");
    visit.session = Some((name, token.clone()));

    // The cookie holds a token of the same session store as the API's.
    let me = app
        .request(reqwest::Method::GET, "/v1/me", Some(&token), None)
        .await;
    assert_eq!(me.status(), 200);

    let account = client()
        .get(format!("{}/account?lang=en", app.address))
        .header(COOKIE, visit.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), 200);
    assert_eq!(account.headers()["cache-control"], "no-store");
    assert!(account.text().await.unwrap().contains(&person.email));

    // A cross-site post of a signed-in browser's form does nothing.
    let forged = post(
        &app,
        &visit,
        "/account/sign-out-everywhere?lang=en",
        &[],
        Some("https://evil.example"),
        true,
    )
    .await;
    assert_eq!(forged.status(), 403);
    assert!(forged
        .text()
        .await
        .unwrap()
        .contains("did not come from a page of this site"));
    let forged = post(
        &app,
        &visit,
        "/account/sign-out-everywhere",
        &[],
        Some(&own),
        false,
    )
    .await;
    assert_eq!(forged.status(), 403);
    let me = app
        .request(reqwest::Method::GET, "/v1/me", Some(&token), None)
        .await;
    assert_eq!(me.status(), 200, "still signed in");

    // Signing out revokes the token itself, not only the cookie.
    let out = post(&app, &visit, "/sign-out", &[], Some(&own), true).await;
    assert_eq!(out.status(), 303);
    let cleared = set_cookies(&out);
    assert!(cookie_named(&cleared, "articula-session")
        .2
        .contains("Max-Age=0"));
    let me = app
        .request(reqwest::Method::GET, "/v1/me", Some(&token), None)
        .await;
    assert_eq!(me.status(), 401);
    let account = client()
        .get(format!("{}/account", app.address))
        .header(COOKIE, visit.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), 303, "a visitor is sent to sign in");
}

#[tokio::test]
async fn over_https_the_cookies_are_secure_and_host_only() {
    let db = TestPostgres::create().await;
    let settings = gateway::Settings {
        public_base_url: "https://articula.example".into(),
        ..test_settings(Some(db.url.clone()))
    };
    let app = spawn_app(settings).await;
    let person = app.sign_up("Bea").await;
    let mut visit = open_sign_in(&app, "__Host-articula-csrf", true).await;
    let credentials = [("email", person.email.as_str()), ("password", PASSWORD)];
    // Over HTTPS the site's origin is its published one.
    let refused = post(
        &app,
        &visit,
        "/sign-in",
        &credentials,
        Some(&app.address),
        true,
    )
    .await;
    assert_eq!(
        refused.status(),
        403,
        "the plain-HTTP origin is not the site's"
    );
    let signed_in = post(
        &app,
        &visit,
        "/sign-in",
        &credentials,
        Some("https://articula.example"),
        true,
    )
    .await;
    assert_eq!(signed_in.status(), 303);
    let cookies = set_cookies(&signed_in);
    let (name, value, attributes) = cookie_named(&cookies, "__Host-articula-session").clone();
    assert_flags(&attributes, true);
    visit.session = Some((name, value));
}
