//! What every page shares: who reads it and in which language ([`Reader`]), the header, the
//! language switch and the links search engines read ([`Chrome`]), and the pages that say no
//! ([`Problem`]: 404 and the error pages, in the reader's language).

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use domain::values::Language;

use super::assets;
use super::i18n::{self, Arg, Tr};
use super::session::Csrf;
use super::Site;
use crate::access::{Access, Caller};
use crate::app::Refusal;

/// The reader of a page: their language and who they are (a visitor, or the account of the
/// browser's session cookie, resolved by `session::browser_session`).
#[derive(Debug, Clone)]
pub struct Reader {
    pub t: Tr,
    pub caller: Caller,
    /// The path asked for, and its query string without `lang`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The anti-forgery token every form of the page carries.
    pub csrf: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Reader {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or(Caller::Visitor);
        let csrf = parts
            .extensions
            .get::<Csrf>()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        Ok(Self::of(parts, caller, csrf))
    }
}

impl Reader {
    /// The reader of the request `parts`.
    pub fn of(parts: &Parts, caller: Caller, csrf: String) -> Self {
        let raw_query = parts.uri.query();
        let language = i18n::negotiate(raw_query, &parts.headers);
        let query = form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
            .filter(|(key, _)| key != "lang")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self {
            t: Tr::new(language),
            caller,
            path: parts.uri.path().to_owned(),
            query,
            csrf,
        }
    }

    /// The signed-in account, or the refusal that sends a visitor to sign in.
    pub fn actor(&self) -> Result<&domain::actor::Actor, Refusal> {
        self.caller
            .actor()
            .ok_or_else(|| Refusal::NotSignedIn("sign in first".into()))
    }

    /// The page that says no to this reader, for `refusal`, explained by the texts
    /// `problem-<key>-title` and `problem-<key>-text`.
    pub fn refused_as(&self, refusal: Refusal, key: &'static str) -> Problem {
        Problem(Box::new(Refused {
            reader: self.clone(),
            refusal,
            key: Some(key),
        }))
    }

    /// The page that says no to this reader, for `refusal`.
    pub fn refused(&self, refusal: Refusal) -> Problem {
        Problem(Box::new(Refused {
            reader: self.clone(),
            refusal,
            key: None,
        }))
    }

    /// The value of query parameter `key`, if given and not empty.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }
}

/// The sections the header links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Map,
    Statistics,
    Publications,
    News,
    Gatherings,
    Communities,
    JointProjects,
    Account,
    Dashboard,
    SignIn,
    SignUp,
    Audit,
    Admin,
    Moderation,
    None,
}

/// A link to this page in another language (or this one).
#[derive(Debug, Clone)]
pub struct LanguageLink {
    pub code: &'static str,
    pub name: String,
    pub href: String,
    pub absolute: String,
    pub current: bool,
}

/// Open Graph: how a shared link reads.
#[derive(Debug, Clone)]
pub struct OpenGraph {
    pub kind: &'static str,
    pub locale: &'static str,
}

/// The frame of a page: `<head>` links and the header; the base template draws it.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub title: String,
    pub description: String,
    pub canonical: String,
    /// The page without a language, for `hreflang="x-default"`.
    pub x_default: String,
    pub languages: Vec<LanguageLink>,
    pub section: Section,
    pub open_graph: Option<OpenGraph>,
    /// Whether search engines should index it (not error pages).
    pub index: bool,
    pub styles: Vec<String>,
    pub scripts: Vec<String>,
    pub site_name: String,
    /// Whether the reader is signed in (the header offers their account and signing out).
    pub signed_in: bool,
    /// The anti-forgery token of the page's forms (the header's sign-out form among them).
    pub csrf: String,
    /// The reader may open the moderation queue (a moderator; administrators hold the role
    /// when they moderate).
    pub moderator: bool,
    /// The reader may open the audit pages (an auditor or an administrator).
    pub auditor: bool,
    /// The reader may open the administration pages.
    pub admin: bool,
    /// When the page shows the platform as it stood in the past: the banner that says so.
    pub past: String,
    /// The same page as it stands now (beside the banner).
    pub past_live: String,
}

impl Chrome {
    /// The frame of a page whose canonical path (without language) is `canonical_path`.
    pub fn new(reader: &Reader, site: &Site, title: String, canonical_path: &str) -> Self {
        let t = &reader.t;
        let languages = Language::ALL
            .iter()
            .map(|language| LanguageLink {
                code: language.code(),
                name: t.get(&format!("language-{}", language.code())),
                href: with_lang(&reader.path, &reader.query, *language),
                absolute: site.absolute(&with_lang(canonical_path, &[], *language)),
                current: *language == t.language,
            })
            .collect();
        let site_name = t.get("site-name");
        Self {
            title: format!("{title} — {site_name}"),
            description: t.get("site-description"),
            canonical: site.absolute(&with_lang(canonical_path, &[], t.language)),
            x_default: site.absolute(canonical_path),
            languages,
            section: Section::None,
            open_graph: None,
            index: true,
            styles: vec![assets::url("css/console.css")],
            scripts: Vec::new(),
            site_name,
            signed_in: reader.caller.actor().is_some(),
            csrf: reader.csrf.clone(),
            moderator: Access::MODERATORS.admits(&reader.caller).is_ok(),
            auditor: Access::AUDITORS.admits(&reader.caller).is_ok(),
            admin: Access::ADMINS.admits(&reader.caller).is_ok(),
            past: String::new(),
            past_live: String::new(),
        }
    }

    /// A page that is one person's, or a form: not for search engines.
    pub fn private(mut self) -> Self {
        self.index = false;
        self
    }

    /// Marks the page as the platform's past, with `banner` saying which moment and a link to
    /// the page as it stands now (`live`, a path in the reader's language).
    pub fn in_the_past(mut self, banner: String, live: String) -> Self {
        self.past = banner;
        self.past_live = live;
        self.index = false;
        self
    }

    pub fn in_section(mut self, section: Section) -> Self {
        self.section = section;
        self
    }

    pub fn described(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    pub fn shared_as(mut self, kind: &'static str, t: &Tr) -> Self {
        self.open_graph = Some(OpenGraph {
            kind,
            locale: match t.language {
                Language::Es => "es_419",
                Language::Pt => "pt_BR",
                Language::En => "en",
            },
        });
        self
    }

    pub fn favicon(&self) -> String {
        assets::url("favicon.svg")
    }

    /// Whether the header's link to `section` is the current page's.
    pub fn is(&self, section: Section) -> bool {
        self.section == section
    }

    /// The link to `path` in the reader's language (kept by the cookie too, but a link that says
    /// it can be shared).
    pub fn link(&self, path: &str) -> String {
        self.languages
            .iter()
            .find(|l| l.current)
            .map(|l| with_lang(path, &[], lang_of(l.code)))
            .unwrap_or_else(|| path.to_owned())
    }
}

fn lang_of(code: &str) -> Language {
    code.parse().unwrap_or_default()
}

/// `path` with `query` and `lang=<language>`.
pub fn with_lang(path: &str, query: &[(String, String)], language: Language) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in query {
        serializer.append_pair(key, value);
    }
    serializer.append_pair("lang", language.code());
    format!("{path}?{}", serializer.finish())
}

/// A template rendered as the response; a template that fails to render is logged and answered
/// with a plain 500 (askama checks templates at compile time, so this is a defect).
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// A use case's refusal, as a page in the reader's language (boxed: handlers return it often
/// and it is large).
#[derive(Debug)]
pub struct Problem(Box<Refused>);

#[derive(Debug)]
struct Refused {
    reader: Reader,
    refusal: Refusal,
    /// A more precise explanation than the refusal's kind gives.
    key: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage {
    t: Tr,
    chrome: Chrome,
    heading: String,
    explanation: String,
    fields: Vec<String>,
}

impl Problem {
    /// The status and the text keys (`problem-<key>-title`, `problem-<key>-text`).
    fn kind(&self) -> (StatusCode, &'static str) {
        let (status, key) = self.default_kind();
        (status, self.0.key.unwrap_or(key))
    }

    fn default_kind(&self) -> (StatusCode, &'static str) {
        match &self.0.refusal {
            Refusal::Invalid { .. } => (StatusCode::BAD_REQUEST, "invalid"),
            Refusal::NotSignedIn(_) => (StatusCode::UNAUTHORIZED, "not-allowed"),
            Refusal::NotAllowed(_) => (StatusCode::FORBIDDEN, "not-allowed"),
            Refusal::NotFound(_) => (StatusCode::NOT_FOUND, "not-found"),
            Refusal::Conflict { .. } => (StatusCode::CONFLICT, "refused"),
            Refusal::Changed(_) => (StatusCode::PRECONDITION_FAILED, "refused"),
            Refusal::RuleBroken(_) => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
            Refusal::TooMany { .. } => (StatusCode::TOO_MANY_REQUESTS, "too-many"),
            Refusal::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Refusal::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let (status, key) = self.kind();
        let Refused {
            reader, refusal, ..
        } = *self.0;
        let t = &reader.t;
        if let Refusal::Internal(cause) = &refusal {
            tracing::error!(error = %cause, "page failed");
        }
        let fields = match &refusal {
            Refusal::Invalid { fields, .. } => fields
                .iter()
                .map(|f| {
                    t.with(
                        "problem-invalid-field",
                        &[("field", Arg::Text(f.field.clone()))],
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        let heading = t.get(&format!("problem-{key}-title"));
        // The site's own address is only needed for absolute links, which an error page does not
        // offer to search engines.
        let site = Site::at("");
        let mut chrome = Chrome::new(&reader, &site, heading.clone(), &reader.path);
        chrome.index = false;
        let page = ProblemPage {
            t: t.clone(),
            explanation: t.get(&format!("problem-{key}-text")),
            heading,
            fields,
            chrome,
        };
        let mut response = render(status, &page);
        if let Refusal::TooMany { retry_after, .. } = &refusal {
            let seconds = retry_after.as_secs().max(1);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Any path the console does not have.
pub async fn not_found(reader: Reader) -> Problem {
    reader.refused(Refusal::NotFound("no such page".into()))
}
