//! The one router the server runs: the JSON API (`crate::http`) and the web console
//! (`crate::web`) side by side. Paths under the API's prefixes go to the API, with its layers and
//! its JSON errors; every other path is the console's, whose 404 is a page in the reader's
//! language.

use axum::extract::Request;
use axum::Router;
use tower::ServiceExt;

use crate::state::AppState;
use crate::Settings;

/// The paths the JSON API owns (each also with anything below it).
const API_PREFIXES: [&str; 6] = [
    "/v1",
    "/docs",
    "/openapi.json",
    "/health",
    "/ready",
    "/metrics",
];

/// Whether `path` belongs to the JSON API.
pub fn is_api(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

pub fn router(state: AppState, settings: &Settings) -> Router {
    let api = crate::http::router(state.clone(), settings);
    let web = crate::web::router(state, settings);
    Router::new().fallback_service(tower::service_fn(move |request: Request| {
        let target = if is_api(request.uri().path()) {
            api.clone()
        } else {
            web.clone()
        };
        target.oneshot(request)
    }))
}

#[cfg(test)]
mod tests {
    use super::is_api;

    #[test]
    fn the_api_owns_its_prefixes_and_the_console_everything_else() {
        for path in [
            "/v1",
            "/v1/map",
            "/docs",
            "/docs/index.html",
            "/openapi.json",
            "/health",
        ] {
            assert!(is_api(path), "{path}");
        }
        for path in [
            "/",
            "/v1map",
            "/statistics",
            "/initiatives/x/y",
            "/healthy",
            "/assets/a.js",
        ] {
            assert!(!is_api(path), "{path}");
        }
    }
}
