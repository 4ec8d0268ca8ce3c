//! The whole platform in one story, over HTTP on PostgreSQL: a member registers an initiative and
//! a moderator approves it; two initiatives form a joint project through invitation and
//! acceptance and a moderator approves it; a member joins a moderated community once a
//! facilitator accepts, and posts; a gathering shows up in the iCalendar feed once approved.

use domain::actor::Role;
use e2e::{spawn_on_postgres, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// Sends a request that must succeed, and returns its JSON body.
async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let response = app.request(method.clone(), path, Some(token), body).await;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert!(status.is_success(), "{method} {path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn initiative(name: &str, country: &str, sectors: &[&str]) -> Value {
    json!({
        "name": name,
        "description": "Empresas y centros tecnológicos de la cadena.",
        "kind": "cluster_initiative",
        "country": country,
        "region": "Región",
        "location": { "lat": -23.65, "lon": -70.40 },
        "sectors": sectors,
        "value_chain_focus": "Proveedores",
        "strategic_focus": ["innovation"],
        "number_of_firms": 40,
        "governance": {
            "facilitating_organization": "Agencia regional",
            "private": 60, "public": 20, "academia": 10, "civil_society": 10
        },
        "funding_sources": ["member_fees"],
        "maturity_stage": "launch",
        "founding_year": 2019
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_on_the_platform() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let moderator = app.person_with("Monica", Role::Moderator).await;
    let moderator = app.sign_in(&moderator).await;
    let ana = app.sign_up("Ana").await;
    let ana_token = app.sign_in(&ana).await;
    let bruno = app.sign_up("Bruno").await;
    let bruno_token = app.sign_in(&bruno).await;

    // Ana registers her initiative; it is not public until a moderator approves it.
    let lithium = ok(
        app,
        Method::POST,
        "/v1/initiatives",
        &ana_token,
        Some(initiative("Clúster del Litio", "CL", &["lithium"])),
    )
    .await;
    let lithium = lithium["id"].as_str().unwrap().to_string();
    let hidden = app.get(&format!("/v1/initiatives/{lithium}")).await;
    assert_eq!(hidden.status(), 404, "a submitted initiative is not public");
    let read = app
        .request(
            Method::GET,
            &format!("/v1/initiatives/{lithium}"),
            Some(&moderator),
            None,
        )
        .await;
    let etag = read.headers()["etag"].to_str().unwrap().to_string();
    let approved = app
        .client
        .post(format!("{}/v1/initiatives/{lithium}/approval", app.address))
        .bearer_auth(&moderator)
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 200);
    let public: Value = app
        .get(&format!("/v1/initiatives/{lithium}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["status"], "approved");

    // Bruno's initiative, across the border, is approved too.
    let mobility = ok(
        app,
        Method::POST,
        "/v1/initiatives",
        &bruno_token,
        Some(initiative(
            "Polo de Electromovilidad",
            "AR",
            &["electromobility"],
        )),
    )
    .await;
    let mobility = mobility["id"].as_str().unwrap().to_string();
    ok(
        app,
        Method::POST,
        &format!("/v1/initiatives/{mobility}/approval"),
        &moderator,
        None,
    )
    .await;

    // Ana proposes a joint project, invites Bruno's initiative, Bruno accepts.
    let project = ok(
        app,
        Method::POST,
        "/v1/joint-projects",
        &ana_token,
        Some(json!({
            "lead_initiative_id": lithium,
            "title": "Corredor del litio y la electromovilidad",
            "description": "Baterías con proveedores de ambos lados de la cordillera.",
            "sectors": ["lithium", "electromobility"],
            "objectives": ["Homologar proveedores locales de celdas"],
        })),
    )
    .await;
    let project = project["id"].as_str().unwrap().to_string();
    let base = format!("/v1/joint-projects/{project}");
    ok(
        app,
        Method::POST,
        &format!("{base}/invitations"),
        &ana_token,
        Some(json!({ "initiative_id": mobility })),
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("{base}/invitations/{mobility}/acceptance"),
        &bruno_token,
        None,
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("{base}/submission"),
        &ana_token,
        None,
    )
    .await;
    assert_eq!(
        app.get(&base).await.status(),
        404,
        "not public before approval"
    );
    ok(
        app,
        Method::POST,
        &format!("{base}/approval"),
        &moderator,
        None,
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("{base}/activation"),
        &ana_token,
        None,
    )
    .await;
    let listed: Value = app.get(&base).await.json().await.unwrap();
    assert_eq!(listed["status"], "active", "{listed}");

    // A moderated community: Bruno asks to join, Ana (made facilitator) accepts, Bruno posts.
    let community = ok(
        app,
        Method::POST,
        "/v1/communities",
        &moderator,
        Some(json!({
            "name": "Cadenas de valor de baterías",
            "theme": { "sector": "lithium" },
            "join_policy": "moderated",
        })),
    )
    .await;
    let community = community["id"].as_str().unwrap().to_string();
    let base = format!("/v1/communities/{community}");
    ok(
        app,
        Method::POST,
        &format!("{base}/membership"),
        &ana_token,
        None,
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("{base}/join-requests/{}/acceptance", ana.id),
        &moderator,
        None,
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("{base}/facilitators"),
        &moderator,
        Some(json!({ "account_id": ana.id })),
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("{base}/membership"),
        &bruno_token,
        None,
    )
    .await;
    let refused = app
        .request(
            Method::POST,
            &format!("{base}/threads"),
            Some(&bruno_token),
            Some(json!({ "title": "Hola", "body": "¿Alguien trabaja con celdas LFP?" })),
        )
        .await;
    assert_eq!(refused.status(), 403, "not a member until accepted");
    ok(
        app,
        Method::POST,
        &format!("{base}/join-requests/{}/acceptance", bruno.id),
        &ana_token,
        None,
    )
    .await;
    let thread = ok(
        app,
        Method::POST,
        &format!("{base}/threads"),
        &bruno_token,
        Some(json!({ "title": "Hola", "body": "¿Alguien trabaja con celdas LFP?" })),
    )
    .await;
    let thread: Value = app
        .get(&format!("/v1/threads/{}", thread["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(thread["posts"].as_array().unwrap().len(), 1, "{thread}");

    // A gathering appears in the calendar once approved.
    let gathering = ok(
        app,
        Method::POST,
        "/v1/publications",
        &ana_token,
        Some(json!({
            "kind": "gathering",
            "title": "Encuentro binacional del litio",
            "gathering": {
                "starts_at": "2031-05-12T09:00:00",
                "ends_at": "2031-05-12T18:00:00",
                "time_zone": "America/Santiago",
                "place": "Antofagasta",
            },
        })),
    )
    .await;
    let gathering = gathering["id"].as_str().unwrap().to_string();
    let calendar = app.get("/v1/gatherings.ics").await.text().await.unwrap();
    assert!(
        !calendar.contains("Encuentro binacional"),
        "not before approval"
    );
    ok(
        app,
        Method::POST,
        &format!("/v1/publications/{gathering}/approval"),
        &moderator,
        None,
    )
    .await;
    let calendar = app.get("/v1/gatherings.ics").await;
    assert!(calendar.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let calendar = calendar.text().await.unwrap();
    assert!(
        calendar.contains("SUMMARY:Encuentro binacional del litio"),
        "{calendar}"
    );
    // 09:00 in Santiago in May (UTC−4) is 13:00 UTC.
    assert!(calendar.contains("DTSTART:20310512T130000Z"), "{calendar}");
}

/// Malformed bodies get the same clear 4xx on every resource's command routes, and write
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_are_refused_alike_everywhere() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let moderator = app.person_with("Moda", Role::Moderator).await;
    let token = app.token_for(moderator.id).await;
    let before = app.head().await;
    let valid_start = br#"{"name": "x", "#.to_vec();
    let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000)).into_bytes();
    let mut invalid_utf8 = br#"{"title": "caf"#.to_vec();
    invalid_utf8.extend([0xc3, 0x28]);
    invalid_utf8.extend(br#""}"#);
    for (path, field) in [
        ("/v1/initiatives", "name"),
        ("/v1/joint-projects", "title"),
        ("/v1/publications", "title"),
        ("/v1/communities", "name"),
    ] {
        let duplicated = format!(r#"{{"{field}": "a", "{field}": "b"}}"#).into_bytes();
        let send = |content_type: &'static str, body: Vec<u8>| {
            app.client
                .post(format!("{}{path}", app.address))
                .bearer_auth(&token)
                .header("content-type", content_type)
                .body(body)
                .send()
        };
        let cases: Vec<(&str, &'static str, Vec<u8>, u16)> = vec![
            ("not JSON", "text/plain", b"{}".to_vec(), 415),
            ("broken JSON", "application/json", valid_start.clone(), 400),
            (
                "duplicate keys",
                "application/json",
                duplicated.clone(),
                400,
            ),
            ("deep nesting", "application/json", deep.clone(), 400),
            (
                "invalid UTF-8",
                "application/json",
                invalid_utf8.clone(),
                400,
            ),
            (
                "unknown field",
                "application/json",
                br#"{"surprise": true}"#.to_vec(),
                400,
            ),
        ];
        for (what, content_type, body, expected) in cases {
            let response = send(content_type, body).await.unwrap();
            let status = response.status().as_u16();
            let error: Value = response.json().await.unwrap_or(Value::Null);
            assert_eq!(status, expected, "{what} on {path}: {error}");
            if what == "duplicate keys" {
                let message = error["error"]["message"].as_str().unwrap_or_default();
                assert!(message.contains("duplicate"), "{path}: {message}");
            }
            assert!(
                error["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{what} on {path}"
            );
        }
    }
    assert_eq!(app.head().await, before, "nothing was written");
}
