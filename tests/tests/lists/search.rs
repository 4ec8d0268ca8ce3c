//! `GET /v1/search`: one search across initiatives, publications, communities and projects.

use domain::actor::Role;
use e2e::spawn_on_postgres;
use reqwest::Method;
use serde_json::{json, Value};

use super::{approve, get, get_ok, news, submit, write};

fn kinds_and_titles(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            (
                hit["kind"].as_str().unwrap().to_string(),
                hit["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_search_finds_every_kind_ignoring_accents_and_ranks_title_hits_first() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let ana = app.sign_up("Ana").await;
    let moderator = app.person_with("Moderadora", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;
    let initiative = app.initiative_managed_by(ana.id, "Clúster de Ñuñoa").await;
    let ana = app.token_for(ana.id).await;
    let guide = submit(app, &ana, news("Guía del clúster de São Paulo", "pt")).await;
    approve(app, &moderator, &guide).await;
    submit(app, &ana, news("Cluster pendiente", "es")).await;
    let community = json!({ "name": "Clústeres de Ñuñoa", "theme": { "topic": "Barrios" },
                            "join_policy": "open" });
    write(
        app,
        Method::POST,
        "/v1/communities",
        &moderator,
        Some(community),
    )
    .await;

    let found = get_ok(app, "/v1/search?q=cluster", None).await;
    let hits = kinds_and_titles(&found);
    assert!(
        hits.contains(&("initiative".into(), "Clúster de Ñuñoa".into())),
        "{hits:?}"
    );
    assert!(hits.contains(&("news".into(), "Guía del clúster de São Paulo".into())));
    assert!(hits.contains(&("community".into(), "Clústeres de Ñuñoa".into())));
    assert!(
        !hits.iter().any(|(_, t)| t == "Cluster pendiente"),
        "pending: not public"
    );
    let mine = kinds_and_titles(&get_ok(app, "/v1/search?q=cluster", Some(&ana)).await);
    assert!(
        mine.iter().any(|(_, t)| t == "Cluster pendiente"),
        "its author sees it"
    );
    let link = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "initiative")
        .unwrap()["link"]
        .clone();
    assert_eq!(link, format!("/v1/initiatives/{initiative}"));

    let nunoa = kinds_and_titles(&get_ok(app, "/v1/search?q=nunoa", None).await);
    assert_eq!(nunoa.len(), 2, "{nunoa:?}");
    let sao = kinds_and_titles(&get_ok(app, "/v1/search?q=SAO", None).await);
    assert_eq!(
        sao,
        [(
            "news".to_string(),
            "Guía del clúster de São Paulo".to_string()
        )]
    );

    // Two words: those with both in the title come first.
    let ranked = get_ok(app, "/v1/search?q=cluster%20nunoa", None).await;
    assert!(ranked["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["score"] == 2));
    let (status, _) = get(app, "/v1/search", None).await;
    assert_eq!(status, 400);
    let page = get_ok(app, "/v1/search?q=cluster&limit=1", None).await;
    assert_eq!(page["total"], 3);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = get_ok(
        app,
        &format!("/v1/search?q=cluster&limit=5&cursor={cursor}"),
        None,
    )
    .await;
    assert_eq!(next["items"].as_array().unwrap().len(), 2);
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_waits_for_min_position_and_refuses_as_of_for_everyone_as_it_is_live_only() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let ana = app.sign_up("Ana").await;
    let auditor = app.person_with("Auditora", Role::Auditor).await;
    let auditor = app.token_for(auditor.id).await;

    // Written straight to the log (no read-your-writes wait): only min_position makes the
    // search wait for the read models to have it.
    let initiative = app.initiative_managed_by(ana.id, "Clúster de Ñuñoa").await;
    let head = app.head().await;
    let found = get_ok(
        app,
        &format!("/v1/search?q=nunoa&min_position={head}"),
        None,
    )
    .await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["id"], initiative.to_string());

    let beyond = format!("/v1/search?q=nunoa&min_position={}", head + 1000);
    let (status, body) = get(app, &beyond, None).await;
    assert_eq!(status, 400, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("beyond the newest event"), "{message}");

    // As-of would need four read models folded to one point: refused as a bad request, to
    // auditors too (not a 401/403: no one may ask it of the search).
    for past in ["as_of=2024-06-30T00:00:00Z", "at_position=1"] {
        for token in [None, Some(auditor.as_str())] {
            let (status, body) = get(app, &format!("/v1/search?q=nunoa&{past}"), token).await;
            assert_eq!(status, 400, "{past}: {body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains("live only"), "{past}: {message}");
        }
    }
}
