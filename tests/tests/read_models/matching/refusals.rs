//! Who may see which matches (404 like the hidden project itself), and bad input (400).

use domain::actor::Role;
use reqwest::Method;
use serde_json::json;

use super::{call, candidates, initiative, read, token, world, write, Traits};
use e2e::spawn_on_postgres;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matches_are_shown_only_to_whoever_may_see_the_project_or_initiative() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let w = world(app).await;
    let stranger = token(app, "Extrana", None).await;
    let path = format!("/v1/joint-projects/{}/matches", w.project);

    // Proposed: hidden like the project itself, to everyone but its people and moderators.
    read(app, &path, None, 404).await;
    let hidden = read(app, &path, Some(&stranger), 404).await;
    assert_eq!(hidden["error"]["code"], "not_found");
    read(app, &path, Some(&w.lead_manager), 200).await;
    read(app, &path, Some(&w.moderator), 200).await;
    read(
        app,
        "/v1/joint-projects/0190f5c2-8a3e-7c1d-9b2a-4f6e8d0c1a2b/matches",
        Some(&w.moderator),
        404,
    )
    .await;

    // Approved: public.
    let project = |action: &str| format!("/v1/joint-projects/{}/{action}", w.project);
    write(
        app,
        Method::POST,
        &project("submission"),
        &w.lead_manager,
        None,
    )
    .await;
    write(app, Method::POST, &project("approval"), &w.moderator, None).await;
    assert_eq!(candidates(&read(app, &path, None, 200).await).len(), 2);

    // An initiative awaiting review: its matches are its managers' and moderators' (and empty).
    let manager = token(app, "Nuevo", None).await;
    let pending = initiative(
        app,
        &manager,
        None,
        Traits {
            name: "Litio de Salta",
            country: "AR",
            sectors: &["lithium"],
            focus: "",
            maturity: "launch",
        },
    )
    .await;
    let pending_path = format!("/v1/initiatives/{pending}/matches");
    read(app, &pending_path, None, 404).await;
    read(app, &pending_path, Some(&stranger), 404).await;
    assert_eq!(
        read(app, &pending_path, Some(&manager), 200).await["matches"],
        json!([])
    );
    assert_eq!(
        read(app, &pending_path, Some(&w.moderator), 200).await["matches"],
        json!([])
    );
    read(
        app,
        "/v1/initiatives/0190f5c2-8a3e-7c1d-9b2a-4f6e8d0c1a2b/matches",
        None,
        404,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_clear_400() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let w = world(app).await;
    let auditor = token(app, "Auditora", Some(Role::Auditor)).await;
    let project = format!("/v1/joint-projects/{}/matches", w.project);
    let initiative = format!("/v1/initiatives/{}/matches", w.a);
    let head = app.head().await;
    for (path, query, says) in [
        (&project, "limit=0", "limit"),
        (&project, "limit=51", "limit"),
        (&initiative, "limit=ten", "limit"),
        (&initiative, "limit=5&limit=6", "limit"),
        (&project, "country=CL", "`country`"),
        (&initiative, "min_position=-1", "min_position"),
        (&project, &format!("min_position={}", head + 1000), "beyond"),
        (&project, "as_of=2024-06-30T00:00:00Z", "as_of"),
        (&initiative, "at_position=1", "as_of and at_position"),
    ] {
        let (status, body) = call(
            app,
            Method::GET,
            &format!("{path}?{query}"),
            Some(&auditor),
            None,
        )
        .await;
        assert_eq!(status, 400, "{query}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{query}: {message}");
    }
    let (status, body) = call(
        app,
        Method::GET,
        "/v1/joint-projects/not-a-uuid/matches",
        None,
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "id");
    let (status, _) = call(app, Method::GET, "/v1/initiatives/123/matches", None, None).await;
    assert_eq!(status, 400);
}
