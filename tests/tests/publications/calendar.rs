//! The iCalendar of approved, upcoming gatherings.

use chrono::Datelike;
use domain::actor::Role;
use e2e::spawn_on_postgres;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gatherings_enter_the_calendar_once_approved_with_their_times_in_utc() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let author = app.sign_up("Organizadora").await;
    let author = app.token_for(author.id).await;
    let moderator = app.person_with("Moderador", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;
    let year = chrono::Utc::now().year() + 1;

    // Bogotá keeps UTC-5 all year: 09:00 there is 14:00 UTC.
    let mut bogota = gathering(
        &format!("{year}-10-01T09:00"),
        &format!("{year}-10-02T18:00"),
        "America/Bogota",
    );
    bogota["title"] = json!("Clusters, litio; y más");
    bogota["summary"] = json!(format!(
        "Dos días de trabajo.\n{}",
        "Agenda detallada por confirmar. ".repeat(6)
    ));
    bogota["gathering"]["place"] = json!("Ágora Bogotá, Calle 24 #38-47; sala 3");
    bogota["gathering"]["online_link"] = json!("https://meet.example.org/clusters");
    let id = submit(app, &author, bogota).await;

    let view = read(app, &id, Some(&author)).await.body;
    assert_eq!(view["kind"], "gathering");
    let when = &view["gathering"];
    assert_eq!(when["starts_at"], format!("{year}-10-01T09:00:00"));
    assert_eq!(when["ends_at"], format!("{year}-10-02T18:00:00"));
    assert_eq!(when["time_zone"], "America/Bogota");
    assert_eq!(when["starts_at_utc"], format!("{year}-10-01T14:00:00Z"));
    assert_eq!(when["ends_at_utc"], format!("{year}-10-02T23:00:00Z"));
    assert_eq!(when["place"], "Ágora Bogotá, Calle 24 #38-47; sala 3");

    let uid = format!("UID:{id}@articula\r\n");
    let ics = calendar(app).await;
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"),
        "{ics}"
    );
    assert!(!unfolded(&ics).contains(&uid), "not approved yet:\n{ics}");

    assert_eq!(moderate(app, &id, &moderator, true).await.status, 200);
    let ics = calendar(app).await;
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "a line longer than 75 octets: {line:?}");
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "a bare line break: {line:?}"
        );
    }
    let lines = unfolded(&ics);
    assert!(lines.contains(&uid), "{ics}");
    assert!(
        lines.contains(&format!("DTSTART:{year}1001T140000Z\r\n")),
        "{lines}"
    );
    assert!(
        lines.contains(&format!("DTEND:{year}1002T230000Z\r\n")),
        "{lines}"
    );
    assert!(
        lines.contains("SUMMARY:Clusters\\, litio\\; y más\r\n"),
        "{lines}"
    );
    assert!(
        lines.contains("LOCATION:Ágora Bogotá\\, Calle 24 #38-47\\; sala 3\r\n"),
        "{lines}"
    );
    assert!(
        lines.contains("DESCRIPTION:Dos días de trabajo.\\nAgenda"),
        "{lines}"
    );
    assert!(
        lines.contains("\\n\\nOnline: https://meet.example.org/clusters\r\n"),
        "{lines}"
    );
    assert!(
        lines.contains("URL:https://meet.example.org/clusters\r\n"),
        "{lines}"
    );
    assert!(lines.contains("DTSTAMP:"), "{lines}");

    // Online only, in UTC, earlier: listed first, its link as the location.
    let mut online = gathering(
        &format!("{year}-03-05T15:30"),
        &format!("{year}-03-05T17:00"),
        "UTC",
    );
    online["gathering"]["place"] = Value::Null;
    online["gathering"]["online_link"] = json!("https://meet.example.org/webinar");
    let online = submit(app, &author, online).await;
    // Ended already, approved: not listed. Rejected, or approved then withdrawn: not listed.
    let past = submit(
        app,
        &author,
        gathering("2020-01-01T09:00", "2020-01-01T12:00", "UTC"),
    )
    .await;
    let rejected = submit(
        app,
        &author,
        gathering(
            &format!("{year}-05-01T09:00"),
            &format!("{year}-05-01T12:00"),
            "UTC",
        ),
    )
    .await;
    let withdrawn = submit(
        app,
        &author,
        gathering(
            &format!("{year}-06-01T09:00"),
            &format!("{year}-06-01T12:00"),
            "UTC",
        ),
    )
    .await;
    for approved in [&online, &past, &withdrawn] {
        assert_eq!(moderate(app, approved, &moderator, true).await.status, 200);
    }
    assert_eq!(
        moderate(app, &rejected, &moderator, false).await.status,
        200
    );
    let path = format!("/v1/publications/{withdrawn}/withdrawal");
    assert_eq!(
        call(app, Method::POST, &path, Some(&author), None, None)
            .await
            .status,
        200
    );

    let lines = unfolded(&calendar(app).await);
    let listed: Vec<&str> = lines
        .split("\r\n")
        .filter_map(|l| l.strip_prefix("UID:"))
        .collect();
    assert_eq!(
        listed,
        vec![format!("{online}@articula"), format!("{id}@articula")],
        "{lines}"
    );
    assert!(
        lines.contains(&format!("DTSTART:{year}0305T153000Z\r\n")),
        "{lines}"
    );
    assert!(
        lines.contains("LOCATION:https://meet.example.org/webinar\r\n"),
        "{lines}"
    );
}
