//! Submission, editing, moderation and withdrawal, and who sees the item at each step.

use domain::actor::Role;
use e2e::spawn_on_postgres;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_is_public_only_once_approved_and_its_author_edits_and_withdraws_it() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let author = app.sign_up("Autora").await;
    let author = app.token_for(author.id).await;
    let other = app.sign_up("Otro").await;
    let other = app.token_for(other.id).await;
    let moderator = app.person_with("Moderadora", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;

    let created = call(
        app,
        Method::POST,
        "/v1/publications",
        Some(&author),
        None,
        Some(news("Convocatoria 2025")),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.etag.as_deref(), Some("\"1\""));
    assert_eq!(created.body["version"], 1);
    assert!(created.body["position"].as_i64().unwrap() > 0);
    let id = created.body["id"].as_str().unwrap().to_string();

    // Waiting for moderation: its author and moderators see it, nobody else.
    assert_eq!(read(app, &id, None).await.status, 404);
    assert_eq!(read(app, &id, Some(&other)).await.status, 404);
    let mine = read(app, &id, Some(&author)).await;
    assert_eq!((mine.status, mine.etag.as_deref()), (200, Some("\"1\"")));
    assert_eq!(mine.body["status"], "submitted");
    assert_eq!(mine.body["kind"], "news");
    assert_eq!(mine.body["title"], "Convocatoria 2025");
    assert_eq!(mine.body["link"], "https://www.cepal.org/es/noticias");
    assert!(mine.body["author_id"].is_string());
    assert_eq!(read(app, &id, Some(&moderator)).await.status, 200);

    let path = format!("/v1/publications/{id}");
    let edited = call(
        app,
        Method::PUT,
        &path,
        Some(&author),
        Some("\"1\""),
        Some(news("Convocatoria 2025, segunda ronda")),
    )
    .await;
    assert_eq!(
        (edited.status, edited.etag.as_deref()),
        (200, Some("\"2\"")),
        "{}",
        edited.body
    );
    assert_eq!(edited.body["version"], 2);
    // The same content again changes nothing and writes nothing.
    let head = app.head().await;
    let same = call(
        app,
        Method::PUT,
        &path,
        Some(&author),
        None,
        Some(news("Convocatoria 2025, segunda ronda")),
    )
    .await;
    assert_eq!((same.status, same.etag.as_deref()), (200, Some("\"2\"")));
    assert!(same.body["position"].is_null(), "{}", same.body);
    assert_eq!(app.head().await, head);

    let approved = call(
        app,
        Method::POST,
        &format!("{path}/approval"),
        Some(&moderator),
        Some("\"2\""),
        None,
    )
    .await;
    assert_eq!(
        (approved.status, approved.etag.as_deref()),
        (200, Some("\"3\"")),
        "{}",
        approved.body
    );

    let public = read(app, &id, None).await;
    assert_eq!(
        (public.status, public.etag.as_deref()),
        (200, Some("\"3\""))
    );
    assert_eq!(public.body["status"], "approved");
    assert_eq!(public.body["title"], "Convocatoria 2025, segunda ronda");
    assert!(public.body.get("author_id").is_none(), "{}", public.body);
    assert!(public.body.get("gathering").is_none());

    // Approved content is no longer editable; only the author takes it down.
    let head = app.head().await;
    let late = call(
        app,
        Method::PUT,
        &path,
        Some(&author),
        None,
        Some(news("Otra cosa")),
    )
    .await;
    assert_eq!(late.status, 409);
    assert_eq!(
        late.body["error"]["current"],
        json!({ "status": "approved" })
    );
    let not_theirs = call(
        app,
        Method::POST,
        &format!("{path}/withdrawal"),
        Some(&other),
        None,
        None,
    )
    .await;
    assert_eq!(not_theirs.status, 403, "{}", not_theirs.body);
    assert_eq!(app.head().await, head);

    let withdrawn = call(
        app,
        Method::POST,
        &format!("{path}/withdrawal"),
        Some(&author),
        Some("\"3\""),
        None,
    )
    .await;
    assert_eq!(
        (withdrawn.status, withdrawn.etag.as_deref()),
        (200, Some("\"4\""))
    );
    // Withdrawn: taken down from the public, kept for its author and moderators.
    assert_eq!(read(app, &id, None).await.status, 404);
    assert_eq!(read(app, &id, Some(&other)).await.status, 404);
    assert_eq!(
        read(app, &id, Some(&author)).await.body["status"],
        "withdrawn"
    );
    assert_eq!(
        read(app, &id, Some(&moderator)).await.body["status"],
        "withdrawn"
    );
    let head = app.head().await;
    let again = call(
        app,
        Method::POST,
        &format!("{path}/withdrawal"),
        Some(&author),
        None,
        None,
    )
    .await;
    assert_eq!(again.status, 409);
    assert_eq!(
        again.body["error"]["current"],
        json!({ "status": "withdrawn" })
    );
    assert_eq!(app.head().await, head);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_item_shows_its_reason_to_its_author_and_an_edit_resubmits_it() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let author = app.sign_up("Autor").await;
    let author = app.token_for(author.id).await;
    let other = app.sign_up("Otra").await;
    let other = app.token_for(other.id).await;
    let moderator = app.person_with("Moderador", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;
    let id = submit(app, &author, news("Guía de articulación")).await;

    let rejected = moderate(app, &id, &moderator, false).await;
    assert_eq!(
        (rejected.status, rejected.etag.as_deref()),
        (200, Some("\"2\"")),
        "{}",
        rejected.body
    );
    assert_eq!(read(app, &id, None).await.status, 404);
    assert_eq!(read(app, &id, Some(&other)).await.status, 404);
    for token in [&author, &moderator] {
        let seen = read(app, &id, Some(token)).await;
        assert_eq!(seen.body["status"], "rejected");
        assert_eq!(
            seen.body["rejection_reason"],
            "Falta la fecha de cierre; agréguela."
        );
    }

    let head = app.head().await;
    let approve = moderate(app, &id, &moderator, true).await;
    assert_eq!(approve.status, 409);
    assert_eq!(
        approve.body["error"]["current"],
        json!({ "status": "rejected" })
    );
    assert_eq!(app.head().await, head);

    let mut corrected = news("Guía de articulación");
    corrected["summary"] = json!("Cierre: 30 de noviembre.");
    let edited = call(
        app,
        Method::PUT,
        &format!("/v1/publications/{id}"),
        Some(&author),
        None,
        Some(corrected),
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let back = read(app, &id, Some(&author)).await;
    assert_eq!(back.body["status"], "submitted");
    assert!(back.body.get("rejection_reason").is_none(), "{}", back.body);
    assert_eq!(moderate(app, &id, &moderator, true).await.status, 200);
    assert_eq!(
        read(app, &id, None).await.body["summary"],
        "Cierre: 30 de noviembre."
    );
}
