//! A route that reaches the router without an access rule is refused to everyone.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use gateway::state::AppState;
use gateway::Settings;
use store::testing::TestSqlite;
use store::EventLog;
use tower::ServiceExt;

#[tokio::test]
async fn a_route_without_a_rule_is_refused() {
    let (_sqlite, db) = TestSqlite::migrated().await;
    let state = AppState::new(EventLog::open(db), &Settings::default());
    let (api, _, rules) = gateway::http::parts();
    // Added behind the registry's back, as a careless change might.
    let api = api.route("/v1/undeclared", get(|| async { "secret" }));
    let router = gateway::http::guard(api, &state, rules).with_state(state);

    let undeclared = router
        .clone()
        .oneshot(Request::get("/v1/undeclared").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(undeclared.status(), StatusCode::FORBIDDEN);
    let body = axum::body::to_bytes(undeclared.into_body(), 1 << 16)
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&body).contains("secret"));

    let declared = router
        .oneshot(Request::get("/health").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(declared.status(), StatusCode::OK);
}
