//! Every refusal with its status, and nothing written.

use domain::actor::Role;
use e2e::spawn_on_postgres;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_content_is_a_400_naming_every_field_and_writes_nothing() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let author = app.sign_up("Autor").await;
    let author = app.token_for(author.id).await;
    let moderator = app.person_with("Moderador", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;
    let id = submit(app, &author, news("Noticia")).await;
    let before = app.head().await;

    let everything_wrong = json!({
        "kind": "gathering",
        "title": "  ",
        "summary": "x".repeat(5001),
        "link": "ftp://files.example.org/guide.pdf",
        "gathering": {
            "starts_at": "mañana a las nueve",
            "ends_at": "2025-10-01T09:00:00-03:00",
            "time_zone": "Mars/Olympus_Mons",
            "place": "",
            "online_link": "http://localhost/room",
        },
    });
    let reply = call(
        app,
        Method::POST,
        "/v1/publications",
        Some(&author),
        None,
        Some(everything_wrong.clone()),
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    let mut fields: Vec<&str> = reply.body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "gathering.ends_at",
            "gathering.online_link",
            "gathering.place",
            "gathering.starts_at",
            "gathering.time_zone",
            "link",
            "summary",
            "title",
        ]
    );
    // The same checks apply to an edit.
    let path = format!("/v1/publications/{id}");
    let edit = call(
        app,
        Method::PUT,
        &path,
        Some(&author),
        None,
        Some(everything_wrong),
    )
    .await;
    assert_eq!(edit.status, 400);
    assert_eq!(edit.body["error"]["fields"].as_array().unwrap().len(), 8);

    let one_field: Vec<(Value, &str)> = vec![
        (json!({ "kind": "webinar", "title": "A" }), "kind"),
        (json!({ "kind": "news", "title": "A".repeat(201) }), "title"),
        (json!({ "kind": "gathering", "title": "A" }), "gathering"),
        (
            json!({ "kind": "news", "title": "A", "gathering": gathering("2030-01-01T09:00", "2030-01-01T10:00", "UTC")["gathering"] }),
            "gathering",
        ),
        (
            gathering("2030-01-01T09:00", "2030-01-01T10:00", "GMT-5"),
            "gathering.time_zone",
        ),
        (
            gathering("0999-01-01T09:00", "2030-01-01T10:00", "UTC"),
            "gathering.starts_at",
        ),
    ];
    for (body, field) in one_field {
        let reply = call(
            app,
            Method::POST,
            "/v1/publications",
            Some(&author),
            None,
            Some(body.clone()),
        )
        .await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        assert_eq!(
            reply.body["error"]["fields"][0]["field"], field,
            "{body}: {}",
            reply.body
        );
        assert_eq!(
            reply.body["error"]["fields"].as_array().unwrap().len(),
            1,
            "{}",
            reply.body
        );
    }

    let unknown_field = json!({ "kind": "news", "title": "A", "author": "me" });
    let reply = call(
        app,
        Method::POST,
        "/v1/publications",
        Some(&author),
        None,
        Some(unknown_field),
    )
    .await;
    assert_eq!(reply.status, 400);
    let reason = call(
        app,
        Method::POST,
        &format!("{path}/rejection"),
        Some(&moderator),
        None,
        Some(json!({ "reason": " " })),
    )
    .await;
    assert_eq!(reason.status, 400);
    assert_eq!(reason.body["error"]["fields"][0]["field"], "reason");
    let bad_id = read(app, "not-a-uuid", Some(&author)).await;
    assert_eq!(bad_id.status, 400);
    assert_eq!(bad_id.body["error"]["fields"][0]["field"], "id");
    let bad_if_match = call(
        app,
        Method::POST,
        &format!("{path}/approval"),
        Some(&moderator),
        Some("yesterday"),
        None,
    )
    .await;
    assert_eq!(bad_if_match.status, 400);
    assert_eq!(app.head().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_401_403_404_409_412_and_422_and_write_nothing() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let author = app.sign_up("Autora").await;
    let author = app.token_for(author.id).await;
    let member = app.sign_up("Miembro").await;
    let member = app.token_for(member.id).await;
    let moderator = app.person_with("Moderador", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;
    let admin = app.admin().await;
    let admin = app.token_for(admin.id).await;
    let id = submit(app, &author, news("Noticia")).await;
    let path = format!("/v1/publications/{id}");
    let unknown = format!("/v1/publications/{}", uuid::Uuid::now_v7());
    let before = app.head().await;

    // Method, path, token, body, expected status.
    type Case<'a> = (Method, String, Option<&'a str>, Option<Value>, u16);
    let cases: Vec<Case> = vec![
        // Not signed in.
        (
            Method::POST,
            "/v1/publications".into(),
            None,
            Some(news("A")),
            401,
        ),
        (Method::PUT, path.clone(), None, Some(news("A")), 401),
        (Method::POST, format!("{path}/approval"), None, None, 401),
        (Method::POST, format!("{path}/withdrawal"), None, None, 401),
        // Moderation is the moderators' own, administrators included.
        (
            Method::POST,
            format!("{path}/approval"),
            Some(&member),
            None,
            403,
        ),
        (
            Method::POST,
            format!("{path}/approval"),
            Some(&author),
            None,
            403,
        ),
        (
            Method::POST,
            format!("{path}/approval"),
            Some(&admin),
            None,
            403,
        ),
        (
            Method::POST,
            format!("{path}/rejection"),
            Some(&member),
            Some(json!({ "reason": "No" })),
            403,
        ),
        // A moderator sees the item but only its author edits or withdraws it.
        (
            Method::PUT,
            path.clone(),
            Some(&moderator),
            Some(news("A")),
            403,
        ),
        (
            Method::POST,
            format!("{path}/withdrawal"),
            Some(&moderator),
            None,
            403,
        ),
        // Someone who may not see it is told it does not exist.
        (
            Method::PUT,
            path.clone(),
            Some(&member),
            Some(news("A")),
            404,
        ),
        (
            Method::POST,
            format!("{path}/withdrawal"),
            Some(&member),
            None,
            404,
        ),
        (Method::GET, unknown.clone(), Some(&moderator), None, 404),
        (
            Method::POST,
            format!("{unknown}/approval"),
            Some(&moderator),
            None,
            404,
        ),
        (
            Method::POST,
            format!("{unknown}/withdrawal"),
            Some(&author),
            None,
            404,
        ),
    ];
    for (method, path, token, body, expected) in cases {
        let reply = call(app, method.clone(), &path, token, None, body).await;
        assert_eq!(reply.status, expected, "{method} {path}: {}", reply.body);
        assert_eq!(app.head().await, before, "{method} {path} wrote");
    }

    // Someone read version 1; the author has edited since.
    let edited = call(
        app,
        Method::PUT,
        &path,
        Some(&author),
        Some("\"1\""),
        Some(news("Noticia corregida")),
    )
    .await;
    assert_eq!(edited.status, 200);
    let before = app.head().await;
    let stale = call(
        app,
        Method::POST,
        &format!("{path}/approval"),
        Some(&moderator),
        Some("\"1\""),
        None,
    )
    .await;
    assert_eq!(stale.status, 412, "{}", stale.body);
    let stale = call(
        app,
        Method::PUT,
        &path,
        Some(&author),
        Some("\"1\""),
        Some(news("Otra")),
    )
    .await;
    assert_eq!(stale.status, 412);
    assert_eq!(app.head().await, before);

    assert_eq!(moderate(app, &id, &moderator, true).await.status, 200);
    let before = app.head().await;
    for verb in ["approval", "rejection"] {
        let body = (verb == "rejection").then(|| json!({ "reason": "Tarde" }));
        let reply = call(
            app,
            Method::POST,
            &format!("{path}/{verb}"),
            Some(&moderator),
            None,
            body,
        )
        .await;
        assert_eq!(reply.status, 409, "{verb}");
        assert_eq!(reply.body["error"]["code"], "conflict");
        assert_eq!(
            reply.body["error"]["current"],
            json!({ "status": "approved" })
        );
    }
    assert_eq!(app.head().await, before);

    // Gathering rules that need the fields together are the domain's: 422.
    let mut nowhere = gathering("2030-10-01T09:00", "2030-10-01T12:00", "UTC");
    nowhere["gathering"]["place"] = Value::Null;
    let rules = [
        (
            gathering("2030-10-01T09:00", "2030-10-01T09:00", "UTC"),
            "end after it starts",
        ),
        (
            gathering("2030-10-01T09:00", "2030-09-30T18:00", "America/Bogota"),
            "end after it starts",
        ),
        (nowhere, "a place, an online link"),
        // New York skips 02:00-03:00 on 2030-03-10.
        (
            gathering("2030-03-10T02:30", "2030-03-10T05:00", "America/New_York"),
            "does not exist",
        ),
    ];
    let draft = submit(app, &author, news("Borrador")).await;
    let before = app.head().await;
    for (body, message) in rules {
        let reply = call(
            app,
            Method::POST,
            "/v1/publications",
            Some(&author),
            None,
            Some(body.clone()),
        )
        .await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.body);
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{}",
            reply.body
        );
        let edit = call(
            app,
            Method::PUT,
            &format!("/v1/publications/{draft}"),
            Some(&author),
            None,
            Some(body),
        )
        .await;
        assert_eq!(edit.status, 422, "{}", edit.body);
    }
    assert_eq!(app.head().await, before);
}
