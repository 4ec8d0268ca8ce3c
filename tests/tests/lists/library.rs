//! `GET /v1/publications` and `GET /v1/gatherings`.

use chrono::{Duration, Utc};
use domain::actor::Role;
use e2e::spawn_on_postgres;
use serde_json::{json, Value};

use super::{approve, field, get, get_ok, ids, news, submit, with};

/// A gathering `days` from now (negative: past), in UTC, of `format`.
fn gathering(title: &str, days: i64, format: &str) -> Value {
    let day = (Utc::now() + Duration::days(days)).date_naive();
    json!({
        "kind": "gathering",
        "title": title,
        "language": "es",
        "format": format,
        "gathering": {
            "starts_at": format!("{day}T09:00"),
            "ends_at": format!("{day}T17:00"),
            "time_zone": "UTC",
            "place": "Santiago de Chile",
        },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_items_are_public_pending_ones_only_their_authors_and_moderators() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let author = app.sign_up("Autora").await;
    let author = app.token_for(author.id).await;
    let writer = app.sign_up("Escritor").await;
    let writer = app.token_for(writer.id).await;
    let other = app.sign_up("Otra").await;
    let other = app.token_for(other.id).await;
    let moderator = app.person_with("Moderadora", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;

    let pending = submit(app, &author, news("Clúster de Ñuñoa", "es")).await;
    let guide = submit(
        app,
        &writer,
        json!({ "kind": "publication", "title": "Guia de São Paulo", "language": "pt",
                "topic": "good_practice" }),
    )
    .await;
    let announcement = submit(app, &writer, news("A new regional table", "en")).await;
    let soon = submit(
        app,
        &writer,
        gathering("Taller de proveedores", 10, "workshop"),
    )
    .await;
    let later = submit(
        app,
        &writer,
        gathering("Conferencia regional", 40, "conference"),
    )
    .await;
    let past = submit(app, &writer, gathering("Visita técnica", -10, "visit")).await;
    for id in [&guide, &announcement, &soon, &later, &past] {
        approve(app, &moderator, id).await;
    }
    let approved: Vec<&String> = vec![&guide, &announcement, &soon, &later, &past];

    // Newest first: the last approved was submitted last.
    let public = get_ok(app, "/v1/publications", None).await;
    assert_eq!(
        field(&public, "id"),
        [&past, &later, &soon, &announcement, &guide].map(|s| s.to_string())
    );
    assert_eq!(public["total"], 5);
    assert_eq!(public["next_cursor"], Value::Null);
    let others = get_ok(app, "/v1/publications", Some(&other)).await;
    assert_eq!(
        ids(&others),
        ids(&public),
        "another member sees what visitors see"
    );
    for privileged in [&author, &moderator] {
        let seen = get_ok(app, "/v1/publications", Some(privileged)).await;
        assert_eq!(seen["total"], 6);
        assert!(ids(&seen).contains(&pending));
        let items = seen["items"].as_array().unwrap();
        let item = items.last().unwrap();
        assert_eq!(item["id"], pending.as_str(), "the oldest");
        assert_eq!(item["status"], "submitted");
    }
    for id in approved {
        assert!(ids(&public).contains(id));
    }

    // Filters, each value list meaning any of them.
    let only = |query: &'static str| async move {
        let page = get_ok(app, &with("/v1/publications", query), None).await;
        ids(&page)
    };
    assert_eq!(only("kind=news").await, [announcement.clone()].into());
    assert_eq!(only("kind=publication,news").await.len(), 2);
    assert_eq!(only("language=pt").await, [guide.clone()].into());
    assert_eq!(only("language=es&kind=gathering").await.len(), 3);
    assert_eq!(only("topic=good_practice").await, [guide.clone()].into());
    assert_eq!(
        only("format=workshop&format=visit").await,
        [soon.clone(), past.clone()].into()
    );
    let guide_page = get_ok(app, "/v1/publications?language=pt", None).await;
    assert_eq!(guide_page["items"][0]["topic"], "good_practice");

    // Accents and case do not matter, in the query or in the text.
    assert_eq!(only("q=sao").await, [guide.clone()].into());
    assert_eq!(only("q=S%C3%83O%20paulo").await, [guide.clone()].into());
    assert!(
        only("q=cluster").await.is_empty(),
        "pending: not for visitors"
    );
    let mine = get_ok(app, "/v1/publications?q=cluster%20nunoa", Some(&author)).await;
    assert_eq!(ids(&mine), [pending.clone()].into());
    assert_eq!(only("q=tecnica").await, [past.clone()].into());

    // Gatherings: upcoming soonest first by default, past latest first, or all, and dates.
    let upcoming = get_ok(app, "/v1/gatherings", None).await;
    assert_eq!(
        field(&upcoming, "id"),
        [&soon, &later].map(|s| s.to_string())
    );
    let gone = get_ok(app, "/v1/gatherings?when=past", None).await;
    assert_eq!(field(&gone, "id"), [past.to_string()]);
    let all = get_ok(app, "/v1/gatherings?when=all", None).await;
    assert_eq!(
        field(&all, "id"),
        [&past, &soon, &later].map(|s| s.to_string())
    );
    let from = (Utc::now() + Duration::days(20)).date_naive();
    let to = (Utc::now() + Duration::days(10)).date_naive();
    let range = get_ok(app, &format!("/v1/gatherings?from={from}"), None).await;
    assert_eq!(field(&range, "id"), [later.to_string()]);
    let range = get_ok(app, &format!("/v1/gatherings?when=all&to={to}"), None).await;
    assert_eq!(field(&range, "id"), [&past, &soon].map(|s| s.to_string()));
    let format = get_ok(app, "/v1/gatherings?format=conference", None).await;
    assert_eq!(field(&format, "id"), [later.to_string()]);
    assert_eq!(format["items"][0]["format"], "conference");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_filters_are_400s_that_say_what_to_send() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    for (path, says) in [
        ("/v1/publications?language=fr", "es, pt, en"),
        ("/v1/publications?topic=novel", "good_practice"),
        ("/v1/publications?kind=book", "publication, news, gathering"),
        (
            "/v1/publications?colour=red",
            "unknown query parameter `colour`",
        ),
        ("/v1/publications?cursor=garbage", "next_cursor"),
        ("/v1/publications?limit=0", "1 to 100"),
        ("/v1/publications?limit=101", "1 to 100"),
        ("/v1/publications?q=%20", "at least one word"),
        ("/v1/gatherings?when=soon", "upcoming"),
        ("/v1/gatherings?from=tomorrow", "2026-10-01"),
        ("/v1/gatherings?from=2026-10-02&to=2026-10-01", "before"),
        ("/v1/publications?as_of=2020-01-01T00:00:00Z", ""),
    ] {
        let (status, body) = get(app, path, None).await;
        let expected = if says.is_empty() { 401 } else { 400 };
        assert_eq!(status, expected, "{path}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{path}: {body}");
    }
}
