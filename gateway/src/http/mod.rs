//! The HTTP API: one router per resource module, assembled here with the layers every request
//! goes through (request ids, tracing, metrics, time and size limits).

mod error;
mod health;

use std::time::Duration;

use axum::http::{HeaderName, StatusCode};
use axum::{middleware, Router};
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::state::AppState;
use crate::Settings;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState, settings: &Settings) -> Router {
    let metrics = state.metrics.clone();
    Router::new()
        .merge(health::router())
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
        .with_state(state)
        // Runs inside the routing, so the matched route template is known when it records.
        .route_layer(middleware::from_fn_with_state(
            metrics,
            crate::metrics::track,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(
                    |request: &axum::extract::Request| {
                        let request_id = request
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default();
                        tracing::info_span!(
                            "request",
                            method = %request.method(),
                            path = %request.uri().path(),
                            request_id,
                        )
                    },
                ))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(RequestBodyLimitLayer::new(settings.body_limit_bytes))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(settings.request_timeout_secs),
                )),
        )
}
