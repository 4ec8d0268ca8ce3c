//! The server over real HTTP: health, readiness, metrics and request ids, on a fresh PostgreSQL
//! database and on the embedded SQLite default.

use e2e::{initiative_json, metric_sample as sample, spawn_app, spawn_on_postgres, TestApp};
use gateway::{Application, Settings};
use reqwest::Method;
use store::testing::TestPostgres;

async fn health_ready_metrics_and_request_ids(app: TestApp) {
    let health = app.get("/health").await;
    assert_eq!(health.status(), 200);
    let request_id = health.headers().get("x-request-id").expect("a request id");
    assert_eq!(request_id.to_str().unwrap().len(), 36, "a UUID");

    let given = app
        .client
        .get(format!("{}/health", app.address))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        given.headers()["x-request-id"],
        "trace-me-42",
        "a caller's id is kept"
    );

    let ready = app.wait_ready().await;
    assert_eq!(ready["store"], "ok");
    assert_eq!(ready["migrations"], "current");
    assert_eq!(ready["projections"][0]["name"], "event_counts");

    let missing = app.get("/v1/no/such/route").await;
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    // Outside the API's paths the web console answers, with a page in the reader's language.
    let page = app
        .client
        .get(format!("{}/no/such/page", app.address))
        .header("accept-language", "pt-BR")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"pt\">"), "{html}");
    assert!(html.contains("Não encontramos esta página"), "{html}");

    // An event in the log, for the history's lag below.
    app.sign_up("Ana").await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(
            r#"articula_http_requests_total{method="GET",route="/health",status="200"} 2"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains("articula_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("articula_feed_head_position"));
    assert!(metrics.contains(r#"articula_projection_lag_events{projection="event_counts"}"#));
    // No place of the projection history yet (one every 50,000 events): it lags by the whole feed.
    let head = sample(&metrics, "articula_feed_head_position");
    assert!(head > 0.0, "{metrics}");
    assert_eq!(
        sample(&metrics, "articula_history_lag_events"),
        head,
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres() {
    let pg = TestPostgres::create().await;
    // The sign-up's welcome mail goes to `.eml` files under the data directory, out of the tree.
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app(Settings {
        database_url: Some(pg.url.clone()),
        data_dir: dir.path().join("data"),
        ..Settings::default()
    })
    .await;
    health_ready_metrics_and_request_ids(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_embedded_default() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app(Settings {
        data_dir: dir.path().join("data"),
        ..Settings::default()
    })
    .await;
    assert!(dir.path().join("data/articula.db").exists());
    health_ready_metrics_and_request_ids(app).await;
}

/// A command request reports where its time went, one observation per stage; a read reports
/// none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_reports_its_time_by_stage() {
    const STAGES: [&str; 6] = [
        "authenticate",
        "load",
        "decide",
        "append",
        "read_your_writes",
        "other",
    ];
    let pg = spawn_on_postgres().await;
    let app = &pg.app;
    let member = app.sign_up("Stages").await;
    let token = app.sign_in(&member).await;
    let counts = |metrics: &str| {
        STAGES.map(|stage| {
            sample(
                metrics,
                &format!("articula_command_stage_seconds_count{{stage=\"{stage}\"}}"),
            )
        })
    };
    let before = counts(&app.get("/metrics").await.text().await.unwrap());
    let registered = app
        .request(
            Method::POST,
            "/v1/initiatives",
            Some(&token),
            Some(initiative_json("Clúster de las etapas")),
        )
        .await;
    assert_eq!(registered.status(), 201);
    assert_eq!(app.get("/v1/map").await.status(), 200);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let after = counts(&metrics);
    for (n, stage) in STAGES.iter().enumerate() {
        assert_eq!(after[n] - before[n], 1.0, "{stage}: {metrics}");
    }
    let appending = sample(
        &metrics,
        r#"articula_command_stage_seconds_sum{stage="append"}"#,
    );
    assert!(appending > 0.0, "an append takes time: {metrics}");
}

#[tokio::test]
async fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let error = Application::build(&Settings {
        port: taken.local_addr().unwrap().port(),
        data_dir: dir.path().into(),
        ..Settings::default()
    })
    .await
    .err()
    .expect("the port is taken");
    assert!(
        error.to_string().starts_with("cannot listen on 127.0.0.1:"),
        "{error}"
    );
}

/// The OpenAPI document is 3.1, lists every route with its error bodies, and the interactive
/// documentation is served from the binary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_documents_itself() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app(Settings {
        data_dir: dir.path().join("data"),
        ..Settings::default()
    })
    .await;
    let doc: serde_json::Value = app.get("/openapi.json").await.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 50, "{} paths", paths.len());
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let has_error = responses
                .keys()
                .any(|code| code.starts_with('4') || code.starts_with('5'));
            let public_read = method == "get";
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(ids.insert(id.clone()), "operationId {id} is not unique");
            assert!(
                has_error || public_read,
                "{method} {path} documents no error"
            );
        }
    }
    if let Ok(out) = std::env::var("ARTICULA_OPENAPI_OUT") {
        std::fs::write(out, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    }
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"), "Swagger UI");
}
