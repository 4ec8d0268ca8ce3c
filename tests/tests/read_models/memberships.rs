//! Tests of the memberships read model over HTTP: `GET /v1/me/memberships`,
//! `GET /v1/communities/{id}/members` and `GET /v1/initiatives/{id}/managers`.

use std::time::Duration;

use domain::actor::Role;
use e2e::{spawn_on_postgres, Person, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// Sends a request as `token` (or as a visitor) and returns the status and the JSON body.
pub(crate) async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let response = app.request(method, path, token, body).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// `GET path` as `token`, expecting `status`; returns the body.
pub(crate) async fn get(app: &TestApp, path: &str, token: Option<&str>, status: u16) -> Value {
    let (got, body) = call(app, Method::GET, path, token, None).await;
    assert_eq!(got, status, "GET {path}: {body}");
    body
}

/// A write as `token` that must succeed; returns its answer (with `id` and `position`).
pub(crate) async fn write(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Value {
    let (status, answer) = call(app, method.clone(), path, Some(token), body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {answer}"
    );
    answer
}

/// A signed-up person and a token for them.
pub(crate) async fn signed_up(app: &TestApp, name: &str, role: Option<Role>) -> (Person, String) {
    let person = match role {
        Some(role) => app.person_with(name, role).await,
        None => app.sign_up(name).await,
    };
    let token = app.token_for(person.id).await;
    (person, token)
}

/// A community created over HTTP by a moderator; returns its id.
pub(crate) async fn community(app: &TestApp, moderator: &str, name: &str, policy: &str) -> String {
    let body = json!({ "name": name, "theme": { "sector": "lithium" }, "join_policy": policy });
    let answer = write(app, Method::POST, "/v1/communities", moderator, Some(body)).await;
    answer["id"].as_str().unwrap().to_string()
}

/// An initiative registered over HTTP (submitted, not yet approved); returns its id.
pub(crate) async fn register(app: &TestApp, token: &str, name: &str) -> String {
    let body = e2e::initiative_json(name);
    let answer = write(app, Method::POST, "/v1/initiatives", token, Some(body)).await;
    answer["id"].as_str().unwrap().to_string()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|item| item["id"].as_str().or(item["account_id"].as_str()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_i_join_and_register_is_in_my_memberships_at_once() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let (_, moderator) = signed_up(app, "Moderadora", Some(Role::Moderator)).await;
    let (ana, token) = signed_up(app, "Ana", None).await;
    let open = community(app, &moderator, "Cadena del litio", "open").await;
    let moderated = community(app, &moderator, "Hidrógeno verde", "moderated").await;

    let mine = get(app, "/v1/me/memberships", Some(&token), 200).await;
    assert_eq!(
        mine,
        json!({ "account_id": ana.id, "initiatives": [], "communities": [],
                "management_requests": [], "join_requests": [] })
    );

    // Each write is read back at once, with no waiting by the client.
    let membership = |id: &str| format!("/v1/communities/{id}/membership");
    write(app, Method::POST, &membership(&open), &token, None).await;
    let mine = get(app, "/v1/me/memberships", Some(&token), 200).await;
    assert_eq!(ids(&mine["communities"]), [open.as_str()]);
    assert_eq!(mine["communities"][0]["name"], "Cadena del litio");
    assert_eq!(mine["communities"][0]["role"], "member");

    write(app, Method::POST, &membership(&moderated), &token, None).await;
    let mine = get(app, "/v1/me/memberships", Some(&token), 200).await;
    assert_eq!(ids(&mine["join_requests"]), [moderated.as_str()]);
    assert_eq!(mine["join_requests"][0]["name"], "Hidrógeno verde");
    assert_eq!(mine["communities"].as_array().unwrap().len(), 1);

    let promote = format!("/v1/communities/{open}/facilitators");
    let body = json!({ "account_id": ana.id });
    write(app, Method::POST, &promote, &moderator, Some(body)).await;
    let accept = format!(
        "/v1/communities/{moderated}/join-requests/{}/acceptance",
        ana.id
    );
    write(app, Method::POST, &accept, &moderator, None).await;
    let initiative = register(app, &token, "Clúster Minero de Antofagasta").await;

    let mine = get(app, "/v1/me/memberships", Some(&token), 200).await;
    let roles: Vec<_> = mine["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("Cadena del litio", "facilitator"),
            ("Hidrógeno verde", "member")
        ]
    );
    assert_eq!(mine["join_requests"], json!([]));
    assert_eq!(ids(&mine["initiatives"]), [initiative.as_str()]);
    let managed = &mine["initiatives"][0];
    assert_eq!(managed["name"], "Clúster Minero de Antofagasta");
    assert_eq!(
        (&managed["status"], &managed["role"]),
        (&json!("submitted"), &json!("manager"))
    );

    let (_, stranger) = signed_up(app, "Otro", None).await;
    let theirs = get(app, "/v1/me/memberships", Some(&stranger), 200).await;
    assert_eq!(theirs["communities"], json!([]));
    get(app, "/v1/me/memberships", None, 401).await;
    get(app, "/v1/me/memberships?include=all", Some(&token), 400).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_lists_are_shown_to_members_and_requests_to_those_who_decide() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let (_, moderator) = signed_up(app, "Moderadora", Some(Role::Moderator)).await;
    let (_, auditor) = signed_up(app, "Auditora", Some(Role::Auditor)).await;
    let (facilitator, facilitator_token) = signed_up(app, "Facilitadora", None).await;
    let (member, member_token) = signed_up(app, "Miembro", None).await;
    let (asker, asker_token) = signed_up(app, "Solicitante", None).await;
    let (_, outsider) = signed_up(app, "Ajena", None).await;
    let id = community(app, &moderator, "Hidrógeno verde", "moderated").await;
    let join = format!("/v1/communities/{id}/membership");
    for (person, token) in [(&facilitator, &facilitator_token), (&member, &member_token)] {
        write(app, Method::POST, &join, token, None).await;
        let accept = format!(
            "/v1/communities/{id}/join-requests/{}/acceptance",
            person.id
        );
        write(app, Method::POST, &accept, &moderator, None).await;
    }
    let promote = format!("/v1/communities/{id}/facilitators");
    let body = json!({ "account_id": facilitator.id });
    write(app, Method::POST, &promote, &moderator, Some(body)).await;
    write(app, Method::POST, &join, &asker_token, None).await;

    let members = format!("/v1/communities/{id}/members");
    let seen = get(app, &members, Some(&member_token), 200).await;
    assert_eq!(seen["name"], "Hidrógeno verde");
    assert_eq!(seen["join_policy"], "moderated");
    assert_eq!(seen["member_count"], 2);
    let listed: Vec<_> = seen["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["account_id"].clone(), m["role"].clone()))
        .collect();
    assert_eq!(
        listed,
        [
            (json!(facilitator.id), json!("facilitator")),
            (json!(member.id), json!("member")),
        ]
    );
    assert!(seen.get("join_requests").is_none(), "{seen}");

    for token in [&facilitator_token, &moderator] {
        let seen = get(app, &members, Some(token), 200).await;
        assert_eq!(seen["members"].as_array().unwrap().len(), 2);
        assert_eq!(ids(&seen["join_requests"]), [asker.id.to_string()]);
    }
    let refused = get(app, &members, None, 401).await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("members"),
        "{refused}"
    );
    get(app, &members, Some(&outsider), 403).await;
    get(app, &members, Some(&asker_token), 403).await;
    get(app, &members, Some(&auditor), 403).await;

    let unknown = format!("/v1/communities/{}/members", uuid::Uuid::new_v4());
    get(app, &unknown, Some(&moderator), 404).await;
    get(
        app,
        "/v1/communities/not-a-uuid/members",
        Some(&moderator),
        400,
    )
    .await;
    let refused = get(
        app,
        &format!("{members}?role=facilitator"),
        Some(&member_token),
        400,
    )
    .await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`role`"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managers_are_visible_as_the_initiative_is() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let (_, moderator) = signed_up(app, "Moderadora", Some(Role::Moderator)).await;
    let (manager, manager_token) = signed_up(app, "Gestora", None).await;
    let (asker, asker_token) = signed_up(app, "Interesada", None).await;
    let id = register(app, &manager_token, "Red de Proveedores").await;
    let managers = format!("/v1/initiatives/{id}/managers");

    // Submitted: as for the initiative itself, it does not exist for anyone else.
    get(app, &managers, None, 404).await;
    get(app, &managers, Some(&asker_token), 404).await;
    for token in [&manager_token, &moderator] {
        let seen = get(app, &managers, Some(token), 200).await;
        assert_eq!(seen["status"], "submitted");
        assert_eq!(ids(&seen["managers"]), [manager.id.to_string()]);
        assert_eq!(seen["management_requests"], json!([]));
    }

    write(
        app,
        Method::POST,
        &format!("/v1/initiatives/{id}/approval"),
        &moderator,
        None,
    )
    .await;
    let public = get(app, &managers, None, 200).await;
    assert_eq!(public["name"], "Red de Proveedores");
    assert_eq!(public["status"], "approved");
    assert_eq!(ids(&public["managers"]), [manager.id.to_string()]);
    assert!(public.get("management_requests").is_none(), "{public}");

    let ask = format!("/v1/initiatives/{id}/management-requests");
    write(app, Method::POST, &ask, &asker_token, None).await;
    let inside = get(app, &managers, Some(&manager_token), 200).await;
    assert_eq!(ids(&inside["management_requests"]), [asker.id.to_string()]);
    let theirs = get(app, "/v1/me/memberships", Some(&asker_token), 200).await;
    assert_eq!(ids(&theirs["management_requests"]), [id.as_str()]);
    assert_eq!(
        theirs["management_requests"][0]["name"],
        "Red de Proveedores"
    );

    let unknown = format!("/v1/initiatives/{}/managers", uuid::Uuid::new_v4());
    get(app, &unknown, Some(&moderator), 404).await;
    get(app, "/v1/initiatives/42/managers", None, 400).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_sees_the_members_as_they_were_before_a_leave() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let (_, moderator) = signed_up(app, "Moderadora", Some(Role::Moderator)).await;
    let (_, auditor) = signed_up(app, "Auditora", Some(Role::Auditor)).await;
    let (member, member_token) = signed_up(app, "Miembro", None).await;
    let id = community(app, &moderator, "Turismo sostenible", "open").await;
    let membership = format!("/v1/communities/{id}/membership");
    let joined = write(app, Method::POST, &membership, &member_token, None).await;
    let joined_at = joined["position"].as_i64().unwrap();
    // A moment strictly between the join and the leave, on the store's clock (same host).
    tokio::time::sleep(Duration::from_millis(50)).await;
    let between = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(Duration::from_millis(50)).await;
    write(app, Method::DELETE, &membership, &member_token, None).await;

    let members = format!("/v1/communities/{id}/members");
    let now = get(app, &members, Some(&moderator), 200).await;
    assert_eq!(now["members"], json!([]));
    let as_of = format!("{members}?as_of={}", urlencode(&between));
    let then = get(app, &as_of, Some(&auditor), 200).await;
    assert_eq!(ids(&then["members"]), [member.id.to_string()]);
    assert_eq!(then["join_requests"], json!([]), "an audit sees everything");
    let at = format!("{members}?at_position={joined_at}");
    assert_eq!(get(app, &at, Some(&auditor), 200).await, then);
    let before_creation = format!("{members}?at_position=1");
    get(app, &before_creation, Some(&auditor), 404).await;

    // Their own memberships, as of then and now (the auditor asks about themself).
    let mine = format!("/v1/me/memberships?as_of={}", urlencode(&between));
    assert_eq!(
        get(app, &mine, Some(&auditor), 200).await["communities"],
        json!([])
    );

    // The past is for auditors and admins; bad points in time are refused clearly.
    get(app, &as_of, Some(&moderator), 403).await;
    get(app, &as_of, Some(&member_token), 403).await;
    let future = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    for query in [
        format!("as_of={}", urlencode(&future)),
        "as_of=yesterday".to_string(),
        "at_position=-1".to_string(),
        "at_position=999999999".to_string(),
        format!("at_position={joined_at}&as_of={}", urlencode(&between)),
    ] {
        let refused = get(app, &format!("{members}?{query}"), Some(&auditor), 400).await;
        assert!(
            refused["error"]["message"].is_string(),
            "{query}: {refused}"
        );
    }
    let beyond = format!("{members}?min_position=999999999");
    get(app, &beyond, Some(&moderator), 400).await;
}

fn urlencode(value: &str) -> String {
    value.replace('+', "%2B").replace(':', "%3A")
}
