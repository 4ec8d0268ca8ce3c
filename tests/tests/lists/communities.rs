//! `GET /v1/communities`, `GET /v1/communities/{id}/threads` and
//! `GET /v1/initiatives/{id}/communities`.

use domain::actor::Role;
use e2e::spawn_on_postgres;
use reqwest::Method;
use serde_json::json;

use super::{field, get, get_ok, ids, with, write};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn communities_list_in_name_order_with_counts_filters_and_their_threads() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let moderator = app.person_with("Moderadora", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;
    let ana = app.sign_up("Ana").await;
    let ana_token = app.token_for(ana.id).await;
    let bruno = app.sign_up("Bruno").await;
    let bruno_token = app.token_for(bruno.id).await;
    let initiative = app.initiative_managed_by(ana.id, "Clúster del Litio").await;

    let create = |name: &'static str, theme: serde_json::Value, policy: &'static str| {
        let body = json!({ "name": name, "theme": theme, "join_policy": policy });
        let moderator = moderator.clone();
        async move {
            let body = write(app, Method::POST, "/v1/communities", &moderator, Some(body)).await;
            body["id"].as_str().unwrap().to_string()
        }
    };
    let water = create(
        "Ñandú: gestión del agua",
        json!({ "sector": "sustainable_water_management" }),
        "open",
    )
    .await;
    let lithium = create(
        "Cadena del litio",
        json!({ "sector": "lithium" }),
        "moderated",
    )
    .await;
    let care = create(
        "Economía del cuidado en São Paulo",
        json!({ "topic": "Cuidados" }),
        "open",
    )
    .await;
    for token in [&ana_token, &bruno_token] {
        write(
            app,
            Method::POST,
            &format!("/v1/communities/{water}/membership"),
            token,
            None,
        )
        .await;
    }
    write(
        app,
        Method::POST,
        &format!("/v1/communities/{care}/membership"),
        &bruno_token,
        None,
    )
    .await;

    // Name order ignores case and accents: "Cadena", "Economía", "Ñandú" (as "nandu").
    let all = get_ok(app, "/v1/communities", None).await;
    assert_eq!(
        field(&all, "id"),
        [&lithium, &care, &water].map(|s| s.to_string())
    );
    assert_eq!(all["total"], 3);
    let water_item = &all["items"][2];
    assert_eq!(water_item["member_count"], 2);
    assert_eq!(water_item["join_policy"], "open");
    assert_eq!(water_item["sector"], "sustainable_water_management");
    assert_eq!(all["items"][1]["topic"], "Cuidados");

    let only = |query: &'static str| async move {
        ids(&get_ok(app, &with("/v1/communities", query), None).await)
    };
    assert_eq!(only("policy=moderated").await, [lithium.clone()].into());
    assert_eq!(
        only("sector=lithium,sustainable_water_management")
            .await
            .len(),
        2
    );
    assert_eq!(only("q=nandu").await, [water.clone()].into());
    assert_eq!(only("q=SAO").await, [care.clone()].into());
    assert_eq!(only("q=litio").await, [lithium.clone()].into());

    // Threads, newest first, with visible replies counted.
    let start = |title: &'static str| {
        let ana_token = ana_token.clone();
        let water = water.clone();
        async move {
            let body = json!({ "title": title, "body": "Compartamos lo aprendido." });
            let path = format!("/v1/communities/{water}/threads");
            let body = write(app, Method::POST, &path, &ana_token, Some(body)).await;
            body["id"].as_str().unwrap().to_string()
        }
    };
    let first = start("Medidores de agua").await;
    let second = start("Riego tecnificado").await;
    let reply = json!({ "body": "Gracias por compartir." });
    let path = format!("/v1/threads/{first}/posts");
    write(app, Method::POST, &path, &bruno_token, Some(reply.clone())).await;
    let hidden = write(app, Method::POST, &path, &bruno_token, Some(reply)).await;
    let hidden = hidden["id"].as_str().unwrap();
    let hide = format!("/v1/threads/{first}/posts/{hidden}/hiding");
    write(
        app,
        Method::POST,
        &hide,
        &moderator,
        Some(json!({ "reason": "Fuera de tema" })),
    )
    .await;

    let threads = get_ok(app, &format!("/v1/communities/{water}/threads"), None).await;
    assert_eq!(
        field(&threads, "id"),
        [&second, &first].map(|s| s.to_string())
    );
    assert_eq!(
        threads["items"][1]["reply_count"], 1,
        "the hidden reply is not counted"
    );
    assert_eq!(threads["items"][0]["reply_count"], 0);
    assert_eq!(threads["items"][0]["started_by"], ana.id.to_string());
    let paged = get_ok(
        app,
        &format!("/v1/communities/{water}/threads?limit=1"),
        None,
    )
    .await;
    assert_eq!(field(&paged, "id"), std::slice::from_ref(&second));
    let cursor = paged["next_cursor"].as_str().expect("a next page");
    let path = format!("/v1/communities/{water}/threads?limit=1&cursor={cursor}");
    assert_eq!(
        field(&get_ok(app, &path, None).await, "id"),
        std::slice::from_ref(&first)
    );
    let community = get_ok(app, "/v1/communities?q=nandu", None).await;
    assert_eq!(community["items"][0]["thread_count"], 2);

    let unknown = uuid::Uuid::new_v4();
    let (status, _) = get(app, &format!("/v1/communities/{unknown}/threads"), None).await;
    assert_eq!(status, 404);

    // An initiative's communities: those its managers belong to.
    let head = app.head().await;
    let path = format!("/v1/initiatives/{initiative}/communities?min_position={head}");
    let of_initiative = get_ok(app, &path, None).await;
    let names: Vec<&str> = of_initiative
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ñandú: gestión del agua"]);
    let (status, _) = get(app, &format!("/v1/initiatives/{unknown}/communities"), None).await;
    assert_eq!(status, 404);
}
