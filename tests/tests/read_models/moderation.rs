//! Tests of the moderation queue over HTTP (`GET /v1/moderation/queue`).

use domain::actor::Role;
use e2e::{spawn_on_postgres, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

use super::memberships::{community, get, register, signed_up, write};

const QUEUE: &str = "/v1/moderation/queue";

async fn submit(app: &TestApp, token: &str, body: Value) -> String {
    let answer = write(app, Method::POST, "/v1/publications", token, Some(body)).await;
    answer["id"].as_str().unwrap().to_string()
}

fn summary(title: &str, kind: &str) -> Value {
    json!({ "kind": kind, "title": title, "summary": "Para la red regional." })
}

/// (kind, id, title) of each item, in queue order.
fn listed(queue: &Value) -> Vec<(String, String, String)> {
    queue["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items: {queue}"))
        .iter()
        .map(|item| {
            let text = |key: &str| item[key].as_str().unwrap().to_string();
            (text("kind"), text("id"), text("title"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_pending_is_listed_oldest_first_and_a_decision_removes_it_at_once() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let (_, moderator) = signed_up(app, "Moderadora", Some(Role::Moderator)).await;
    let (ana, ana_token) = signed_up(app, "Ana", None).await;
    let (manager, manager_token) = signed_up(app, "Gestora", None).await;
    let (bruno, bruno_token) = signed_up(app, "Bruno", None).await;
    let lead = app
        .initiative_managed_by(manager.id, "Litio del Norte")
        .await;
    let community = community(app, &moderator, "Hidrógeno verde", "moderated").await;
    let empty = get(app, QUEUE, Some(&moderator), 200).await;
    assert_eq!(empty, json!({ "total": 0, "counts": {}, "items": [] }));

    // One of every kind, each by HTTP and in this order.
    let initiative = register(app, &ana_token, "Red Textil Andina").await;
    let news = submit(app, &ana_token, summary("Convocatoria abierta", "news")).await;
    let report = submit(app, &ana_token, summary("Informe regional", "publication")).await;
    let mut gathering = summary("Encuentro de clusters", "gathering");
    gathering["gathering"] = json!({
        "starts_at": "2030-10-01T09:00", "ends_at": "2030-10-01T18:00",
        "time_zone": "America/Santiago", "place": "Edificio CEPAL, Vitacura",
    });
    let meeting = submit(app, &bruno_token, gathering).await;
    let profile = format!("/v1/initiatives/{lead}/profile");
    let rename = json!({ "name": "Litio y Cobre del Norte" });
    write(app, Method::PATCH, &profile, &manager_token, Some(rename)).await;
    let ask = format!("/v1/initiatives/{lead}/management-requests");
    write(app, Method::POST, &ask, &bruno_token, None).await;
    let proposal = json!({
        "lead_initiative_id": lead,
        "title": "Corredor del litio",
        "description": "Baterías con proveedores locales.",
        "sectors": ["lithium", "electromobility"],
        "objectives": ["Compartir un laboratorio"],
    });
    let answer = write(
        app,
        Method::POST,
        "/v1/joint-projects",
        &manager_token,
        Some(proposal),
    )
    .await;
    let project = answer["id"].as_str().unwrap().to_string();
    let submission = format!("/v1/joint-projects/{project}/submission");
    write(app, Method::POST, &submission, &manager_token, None).await;
    let join = format!("/v1/communities/{community}/membership");
    write(app, Method::POST, &join, &bruno_token, None).await;

    let queue = get(app, QUEUE, Some(&moderator), 200).await;
    let lead = lead.to_string();
    let expected = [
        ("initiative", &initiative, "Red Textil Andina"),
        ("news", &news, "Convocatoria abierta"),
        ("publication", &report, "Informe regional"),
        ("gathering", &meeting, "Encuentro de clusters"),
        ("profile_change", &lead, "Litio del Norte"),
        ("management_request", &lead, "Litio del Norte"),
        ("joint_project", &project, "Corredor del litio"),
        ("join_request", &community, "Hidrógeno verde"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(k, id, t)| (k.to_string(), id.to_string(), t.to_string()))
        .collect();
    assert_eq!(listed(&queue), expected);
    assert_eq!(queue["total"], 8);
    let items = queue["items"].as_array().unwrap();
    let by: Vec<_> = items.iter().map(|i| i["submitted_by"].clone()).collect();
    let (ana, bruno, manager) = (json!(ana.id), json!(bruno.id), json!(manager.id));
    assert_eq!(
        by,
        [&ana, &ana, &ana, &bruno, &manager, &bruno, &manager, &bruno].map(Clone::clone)
    );
    let times: Vec<_> = items
        .iter()
        .map(|i| i["submitted_at"].as_str().unwrap())
        .collect();
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        times.iter().map(|t| t.parse().unwrap()).collect();
    assert!(
        parsed.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {times:?}"
    );
    assert!(items
        .iter()
        .all(|i| i["age_seconds"].as_i64().unwrap() >= 0));
    assert_eq!(items[0]["href"], format!("/v1/initiatives/{initiative}"));
    assert_eq!(
        items[7]["href"],
        format!("/v1/communities/{community}/members")
    );
    assert_eq!(queue["counts"]["news"], 1);

    // A decision takes the item out, and the very next read shows it.
    let approval = format!("/v1/initiatives/{initiative}/approval");
    write(app, Method::POST, &approval, &moderator, None).await;
    let reject = format!("/v1/publications/{news}/rejection");
    let reason = json!({ "reason": "Falta la fecha de cierre." });
    write(app, Method::POST, &reject, &moderator, Some(reason)).await;
    let queue = get(app, QUEUE, Some(&moderator), 200).await;
    let kinds: Vec<_> = listed(&queue).into_iter().map(|(kind, ..)| kind).collect();
    assert_eq!(
        kinds,
        [
            "publication",
            "gathering",
            "profile_change",
            "management_request",
            "joint_project",
            "join_request"
        ]
    );

    // Filters: several kinds, and a limit that leaves the total whole.
    let some = get(
        app,
        &format!("{QUEUE}?kind=gathering&kind=join_request"),
        Some(&moderator),
        200,
    )
    .await;
    let kinds: Vec<_> = listed(&some).into_iter().map(|(kind, ..)| kind).collect();
    assert_eq!(kinds, ["gathering", "join_request"]);
    assert_eq!(some["total"], 2);
    assert_eq!(some["counts"]["publication"], 1, "counts cover every kind");
    let first = get(app, &format!("{QUEUE}?limit=1"), Some(&moderator), 200).await;
    assert_eq!(listed(&first).len(), 1);
    assert_eq!(first["total"], 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_moderators_see_the_queue() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    get(app, QUEUE, None, 401).await;
    for role in [None, Some(Role::Auditor), Some(Role::Admin)] {
        let (_, token) = signed_up(app, "Alguien", role).await;
        let refused = get(app, QUEUE, Some(&token), 403).await;
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("moderator"),
            "{refused}"
        );
    }
    let (_, moderator) = signed_up(app, "Moderadora", Some(Role::Moderator)).await;
    get(app, QUEUE, Some(&moderator), 200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_query_values_are_refused_with_the_reason() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let (_, moderator) = signed_up(app, "Moderadora", Some(Role::Moderator)).await;
    let (_, auditor) = signed_up(app, "Auditora", Some(Role::Auditor)).await;
    for (query, says) in [
        ("kind=initiatives", "`initiatives`"),
        ("kind=", "join_request"),
        ("limit=0", "limit"),
        ("limit=5000", "5000"),
        ("limit=diez", "`diez`"),
        ("order=newest", "`order`"),
        ("as_of=2024-01-01T00:00:00Z", "as_of"),
        ("at_position=1", "at_position"),
        ("min_position=999999999", "999999999"),
        ("min_position=tres", "min_position"),
    ] {
        let refused = get(app, &format!("{QUEUE}?{query}"), Some(&moderator), 400).await;
        let message = refused["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{query}: {refused}");
    }
    // Not a moderator: refused before the query is even looked at.
    get(app, &format!("{QUEUE}?kind=bogus"), Some(&auditor), 403).await;
}
