//! The HTTP API: one router per resource module, assembled here with the layers every request
//! goes through (request ids, tracing, metrics, time and size limits).

mod accounts;
mod administration;
pub mod audit;
pub mod command;
mod communities;
pub mod context;
mod contract;
pub mod error;
mod health;
pub(crate) mod idempotency;
pub(crate) mod initiatives;
mod joint_projects;
mod json;
pub(crate) mod layers;
mod lists;
mod map;
mod matching;
mod memberships;
mod moderation;
mod notifications;
mod publications;
pub mod reading;
mod request_limits;
mod sessions;
mod statistics;

use std::time::Duration;

use axum::http::{HeaderName, StatusCode};
use axum::{middleware, Router};
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

pub use crate::app::Refusal;
pub use error::{ErrorBody, HttpError};
pub use json::ApiJson;

use crate::access::{AccessRules, ApiRoutes};
use crate::state::AppState;
use crate::Settings;

/// What a command answers: the id of what it created (if it created something), where its last
/// event sits in the global feed (`null` if it wrote nothing; wait for it to read your write),
/// and the stream's version after it (the new `ETag`).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Written {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub position: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<usize>,
}

impl Written {
    /// The answer to a write that created nothing, whose last event is at `position`: it waits
    /// for the read models like every other write (see `reading`).
    pub fn at(position: Option<store::FeedPosition>) -> WrittenAnswer {
        let written = Self {
            id: None,
            position: position.map(|p| p.position),
            version: None,
        };
        (
            position.map(|at| axum::Extension(reading::WrittenAt(at))),
            ApiJson(written),
        )
    }
}

/// A `Written` body marked with where the write sits in the feed.
pub type WrittenAnswer = (
    Option<axum::Extension<reading::WrittenAt>>,
    ApiJson<Written>,
);

/// For optional fields where `null` means "clear it" and absence means "keep it": a present
/// field (even `null`) becomes `Some(…)`; `#[serde(default)]` makes absence `None`.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route of the API with its access rule, one module per resource.
pub fn api() -> ApiRoutes {
    ApiRoutes::new()
        .merge(health::routes())
        .merge(sessions::routes())
        .merge(accounts::routes())
        .merge(administration::routes())
        .merge(notifications::routes())
        .merge(initiatives::routes())
        .merge(communities::routes())
        .merge(joint_projects::routes())
        .merge(publications::routes())
        .merge(map::routes())
        .merge(statistics::routes())
        .merge(memberships::routes())
        .merge(moderation::routes())
        .merge(matching::routes())
        .merge(lists::routes())
        .merge(audit::routes())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Articula",
        description = "The platform of cluster and territorial productive articulation initiatives \
                       in Latin America and the Caribbean. Every error has the body `ErrorBody`."
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerToken)
)]
struct ApiDoc;

struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A token from POST /v1/sessions"))
                    .build(),
            ),
        );
    }
}

/// The API's routes (without state or layers), its OpenAPI document and its access rules.
pub fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi, AccessRules) {
    let (routes, rules) = api().into_parts();
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes)
        .split_for_parts();
    unique_operation_ids(&mut openapi);
    contract::complete(&mut openapi, &rules);
    request_limits::document(&mut openapi);
    (router, openapi, rules)
}

/// utoipa names each operation after its handler, and several resources have a `read` or an
/// `approve`: OpenAPI requires the ids to be unique (client generators key on them), so a
/// repeated one is prefixed with its tag (`initiatives_approve`).
fn unique_operation_ids(openapi: &mut utoipa::openapi::OpenApi) {
    use std::collections::HashMap;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for item in openapi.paths.paths.values() {
        for op in [&item.get, &item.post, &item.put, &item.patch, &item.delete]
            .into_iter()
            .flatten()
        {
            if let Some(id) = &op.operation_id {
                *seen.entry(id.clone()).or_default() += 1;
            }
        }
    }
    for item in openapi.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let repeated = op
                .operation_id
                .as_ref()
                .is_some_and(|id| seen.get(id).copied().unwrap_or(0) > 1);
            if repeated {
                let tag = op
                    .tags
                    .as_ref()
                    .and_then(|t| t.first())
                    .map(|t| t.replace('-', "_"))
                    .unwrap_or_default();
                let id = op.operation_id.take().unwrap_or_default();
                op.operation_id = Some(format!("{tag}_{id}"));
            }
        }
    }
}

/// Puts every route of `api` behind the API's layers ([`layers`]): metrics, the access check (a
/// route without a rule is refused), `Idempotency-Key`, read-your-writes.
pub fn guard(api: Router<AppState>, state: &AppState, rules: AccessRules) -> Router<AppState> {
    // A route layer: it runs inside the routing, so the matched route template is known to the
    // metrics and the access rules.
    api.route_layer(middleware::from_fn_with_state(
        layers::ApiLayers::new(state.clone(), rules),
        layers::around_route,
    ))
}

pub fn router(state: AppState, settings: &Settings) -> Router {
    let (api, openapi, rules) = parts();
    guard(api, &state, rules)
        // The interactive documentation and the document itself, compiled into the binary.
        .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
        .fallback(|| async { Refusal::NotFound("no such route".into()) })
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(middleware::map_request(context::bounded_trace_ids))
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(middleware::from_fn_with_state(
                    crate::proxy::ProxySettings::new(settings),
                    crate::proxy::resolve_client,
                ))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &axum::extract::Request| {
                            let request_id = request
                                .headers()
                                .get(REQUEST_ID)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default();
                            let client = request.extensions().get::<context::ClientAddress>();
                            tracing::info_span!(
                                "request",
                                method = %request.method(),
                                path = %request.uri().path(),
                                request_id,
                                client = client.map(|c| tracing::field::display(c.0)),
                            )
                        })
                        // A 5xx is not an error of its own: a 500's cause is logged at ERROR where
                        // it happens, a 503 (not ready yet, database away) at WARN where found.
                        .on_failure(
                            tower_http::trace::DefaultOnFailure::new().level(tracing::Level::DEBUG),
                        ),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::map_response(uniform_errors))
                .layer(RequestBodyLimitLayer::new(settings.body_limit_bytes))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(settings.request_timeout_secs),
                )),
        )
}

/// The size and time limits answer from tower-http's layers with bodies of their own; this gives
/// them the API's error body, like every other error.
async fn uniform_errors<B>(response: axum::http::Response<B>) -> axum::response::Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    use axum::response::IntoResponse;
    let response = response.map(axum::body::Body::new);
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return response;
    }
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            HttpError::PayloadTooLarge("the body is larger than this server accepts".into())
                .into_response()
        }
        StatusCode::REQUEST_TIMEOUT => {
            HttpError::RequestTimeout("the request took too long to be answered; try again".into())
                .into_response()
        }
        _ => response,
    }
}
