//! The web console: server-rendered pages in Spanish, Portuguese and English, beside the JSON API
//! (`crate::http`). Both are thin adapters over the use cases in `crate::app`: a handler here
//! reads the request (language, filters), calls a use case, and renders a template (under
//! `gateway/templates/`, checked at compile time by askama) or maps the use case's
//! [`Refusal`](crate::app::Refusal) to a page in the reader's language ([`page::Problem`]).
//!
//! * [`i18n`]: the reader's language and every text (Fluent, `gateway/locales/`).
//! * [`page`]: what every page shares (header, language switch, canonical and alternate links),
//!   the reader of a request, and the 404 and error pages.
//! * [`assets`]: scripts, styles and map shapes compiled into the binary, cached by content.
//! * [`map`], [`initiative`], [`statistics`], [`sitemap`]: the public pages; and the library
//!   ([`library`], [`library_item`]; gatherings' times by [`times`]), [`communities`] and
//!   [`joint_projects`], whose list pages share [`lists`].
//! * [`charts`], [`outline`]: SVG drawn on the server (bar charts, a country's outline).
//! * [`session`]: the browser's session cookie, and the anti-forgery checks of every form.
//! * [`account`], [`profile`]: signing up, in and out, activating, confirming, one's own account.
//! * [`dashboard`], [`register`]: a member's initiatives, and registering a new one.
//! * [`moderation`], [`review`]: the moderators' queue, claims, and reviewing one item.
//! * [`manage`]: a manager's page of their initiative (profile, confirmation, co-managers).
//! * [`audit`]: the auditors' pages (the log, a record's history, traces, integrity, the
//!   platform as of a past moment) and the administrators' (accounts, operations).
//! * [`collab`]: communities and their threads, joint projects with suggested partners, and
//!   submitting to the library, for members.
//!
//! Every response carries a strict Content-Security-Policy (no inline script or style, nothing
//! from another origin) and is compressed when the browser accepts it. Pages work without
//! JavaScript; the map's script only adds the interactive map to a page that already lists the
//! same initiatives in a table.

mod account;
pub mod assets;
mod audit;
mod charts;
mod collab;
mod communities;
mod dashboard;
mod form;
pub mod i18n;
mod initiative;
mod joint_projects;
mod library;
mod library_item;
mod links;
mod lists;
mod manage;
mod map;
mod moderation;
mod outline;
pub mod page;
mod people;
mod profile;
mod register;
mod review;
pub mod session;
mod sitemap;
mod statistics;
mod times;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;
use crate::Settings;

/// What the console's handlers reach: the application and the site's own settings.
#[derive(Clone)]
pub struct Web {
    pub app: AppState,
    pub site: Arc<Site>,
    /// The largest form a browser may post.
    pub body_limit: usize,
}

/// Where the site is published: absolute links (canonical, alternates, sitemap, Open Graph)
/// are made from it.
#[derive(Debug, Clone)]
pub struct Site {
    pub base_url: String,
    /// `scheme://host[:port]` of `base_url`: where this site's forms come from.
    pub origin: String,
    /// Served over HTTPS: cookies are `Secure` and `__Host-` prefixed.
    pub secure: bool,
}

impl Site {
    pub fn new(settings: &Settings) -> Self {
        Self::at(&settings.public_base_url)
    }

    /// The site published at `base_url`.
    pub fn at(base_url: &str) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let origin = match base_url.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.split('/').next().unwrap_or_default();
                format!("{}://{host}", scheme.to_ascii_lowercase())
            }
            None => base_url.clone(),
        };
        Self {
            secure: origin.starts_with("https://"),
            origin,
            base_url,
        }
    }

    /// The absolute URL of a path (which starts with `/`).
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// The policy every console response carries: everything from this origin only, no inline
/// script or style (so no `style=` attributes either), no plugins, no framing, forms to this
/// origin only.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The console's routes, with the layers every page goes through.
pub fn router(state: AppState, settings: &Settings) -> Router {
    let metrics = state.metrics.clone();
    let web = Web {
        app: state,
        site: Arc::new(Site::new(settings)),
        body_limit: settings.body_limit_bytes,
    };
    Router::new()
        .route("/", get(map::page))
        .route("/map/points.json", get(map::points))
        .route("/map/initiatives.geojson", get(map::geojson))
        .route("/map/initiatives.csv", get(map::csv))
        .route("/initiatives/{id}", get(initiative::without_slug))
        .route("/initiatives/{id}/{slug}", get(initiative::page))
        .route("/statistics", get(statistics::page))
        .route("/statistics/{file}", get(statistics::csv))
        .merge(public_routes())
        .route("/sitemap.xml", get(sitemap::sitemap))
        .route("/robots.txt", get(sitemap::robots))
        .route("/assets/{*path}", get(assets::serve))
        .merge(account::routes())
        .merge(dashboard::routes())
        .merge(register::routes())
        .merge(moderation::routes())
        .merge(manage::routes())
        .merge(audit::routes())
        .merge(collab::routes())
        .fallback(page::not_found)
        .route_layer(middleware::from_fn_with_state(
            metrics,
            crate::metrics::track,
        ))
        .layer(middleware::from_fn_with_state(
            web.clone(),
            session::browser_session,
        ))
        .with_state(web)
        .layer(
            ServiceBuilder::new()
                .layer(middleware::map_request(
                    crate::http::context::bounded_trace_ids,
                ))
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(middleware::from_fn_with_state(
                    crate::proxy::ProxySettings::new(settings),
                    crate::proxy::resolve_client,
                ))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request| {
                        tracing::info_span!(
                            "page",
                            method = %request.method(),
                            path = %request.uri().path(),
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(settings.request_timeout_secs),
                ))
                // Brotli's own default is its slowest quality (11), which cost milliseconds on
                // every page; 4 is the usual choice for responses compressed as they are sent
                // (a few per cent larger, an order of magnitude faster).
                .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
                .layer(middleware::from_fn(security_headers))
                .layer(middleware::from_fn(remember_language)),
        )
}

/// The library, communities and joint projects, for visitors.
fn public_routes() -> Router<Web> {
    Router::new()
        .route("/publications", get(library::publications))
        .route("/news", get(library::news))
        .route("/gatherings", get(library::gatherings))
        .route("/gatherings.ics", get(library::calendar))
        .route(
            "/gatherings/{id}/calendar.ics",
            get(library_item::gathering_ics),
        )
        .route("/publications/{id}", get(library_item::without_slug))
        .route("/news/{id}", get(library_item::without_slug))
        .route("/gatherings/{id}", get(library_item::without_slug))
        .route("/publications/{id}/{slug}", get(library_item::page))
        .route("/news/{id}/{slug}", get(library_item::page))
        .route("/gatherings/{id}/{slug}", get(library_item::page))
        .route("/communities", get(communities::list))
        .route("/communities/{id}", get(communities::without_slug))
        .route("/communities/{id}/{slug}", get(communities::page))
        .route("/joint-projects", get(joint_projects::list))
        .route("/joint-projects/{id}", get(joint_projects::without_slug))
        .route("/joint-projects/{id}/{slug}", get(joint_projects::page))
}

/// Adds the policy and the other protective headers to every console response.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// A reader who chose a language with `?lang=` keeps it on the pages they open next.
async fn remember_language(request: Request, next: Next) -> Response {
    let chosen = i18n::from_query(request.uri().query());
    let mut response = next.run(request).await;
    if let Some(language) = chosen {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            i18n::LANG_COOKIE,
            language.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}
