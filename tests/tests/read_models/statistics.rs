//! Tests of the statistics read model over HTTP (`GET /v1/stats`) on PostgreSQL: counts that
//! follow approvals, approved changes and retirements; CSV; reading as of the past; bad input.

use chrono::{SecondsFormat, Utc};
use domain::actor::Role;
use domain::initiative::ProfileChanges;
use domain::values::{CountryCode, FirmCount, InitiativeKind, Sector, Sectors};
use e2e::{spawn_on_postgres, TestApp};
use serde_json::{json, Value};

use super::map::{approved, change, fresh, get, place, retire, submitted};

/// The statistics after every write so far, as JSON.
async fn stats(app: &TestApp) -> Value {
    let (status, content_type, body) = get(app, &fresh(app, "/v1/stats").await, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "application/json");
    serde_json::from_str(&body).unwrap()
}

fn count(initiatives: u64, firms: u64) -> Value {
    json!({"initiatives": initiatives, "firms": firms})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_follow_approvals_changes_and_retirements() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    assert_eq!(
        stats(app).await,
        json!({"total": count(0, 0), "by_country": {}, "by_sector": {}, "by_kind": {},
               "by_maturity": {}, "approved_by_month": {}})
    );
    let chilean = approved(
        app,
        place("Clúster Minero", "CL", "Antofagasta", -23.65, -70.4),
    )
    .await;
    let mut network = place("Rede de Tecnologia", "BR", "São Paulo", -23.55, -46.63);
    network.kind = InitiativeKind::BusinessNetwork;
    network.sectors = Sectors::new(vec![Sector::Ict, Sector::Lithium]).unwrap();
    network.number_of_firms = FirmCount::new(15).unwrap();
    let brazilian = approved(app, network).await;
    let month = Utc::now().format("%Y-%m").to_string();
    submitted(
        app,
        place("En revisión", "AR", "Mendoza", -32.9, -68.8),
        Utc::now(),
    )
    .await;
    assert_eq!(
        stats(app).await,
        json!({
            "total": count(2, 100),
            "by_country": {"BR": count(1, 15), "CL": count(1, 85)},
            "by_sector": {"ict": count(1, 15), "lithium": count(2, 100), "mining": count(1, 85)},
            "by_kind": {"business_network": count(1, 15), "cluster_initiative": count(1, 85)},
            "by_maturity": {"construction": count(2, 100)},
            "approved_by_month": {month.clone(): count(2, 100)},
        })
    );

    // A reviewed change of country, and a change of sectors and firms that applies at once.
    let to_peru = ProfileChanges {
        country: Some(CountryCode::new("PE").unwrap()),
        sectors: Some(Sectors::new(vec![Sector::GreenHydrogen]).unwrap()),
        number_of_firms: Some(FirmCount::new(40).unwrap()),
        ..Default::default()
    };
    change(app, chilean, to_peru).await;
    let changed = stats(app).await;
    assert_eq!(changed["total"], count(2, 55));
    assert_eq!(
        changed["by_country"],
        json!({"BR": count(1, 15), "PE": count(1, 40)})
    );
    assert_eq!(
        changed["by_sector"],
        json!({"green_hydrogen": count(1, 40), "ict": count(1, 15), "lithium": count(1, 15)})
    );

    retire(app, brazilian).await;
    let left = stats(app).await;
    assert_eq!(left["total"], count(1, 40));
    assert_eq!(left["by_country"], json!({"PE": count(1, 40)}));
    assert_eq!(left["by_kind"], json!({"cluster_initiative": count(1, 40)}));
    assert_eq!(
        left["approved_by_month"],
        json!({month: count(2, 100)}),
        "approvals are history: retirement does not undo them"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_text_csv_gives_csv_with_a_header_row() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    approved(
        app,
        place("Clúster Minero", "CL", "Antofagasta", -23.65, -70.4),
    )
    .await;
    let month = Utc::now().format("%Y-%m").to_string();
    let path = fresh(app, "/v1/stats").await;
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(response.headers()["vary"], "accept");
    let csv = response.text().await.unwrap();
    let rows: Vec<Vec<&str>> = csv
        .strip_suffix("\r\n")
        .expect("CRLF line ends")
        .split("\r\n")
        .map(|line| line.split(',').collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["dimension", "key", "initiatives", "firms"],
            vec!["total", "all", "1", "85"],
            vec!["country", "CL", "1", "85"],
            vec!["sector", "lithium", "1", "85"],
            vec!["sector", "mining", "1", "85"],
            vec!["kind", "cluster_initiative", "1", "85"],
            vec!["maturity", "construction", "1", "85"],
            vec!["approved_in_month", &month, "1", "85"],
        ]
    );
    for accept in [
        "application/json",
        "*/*",
        "application/xml",
        "text/csv;q=0.5, application/json",
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{accept}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{accept}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditors_read_statistics_as_of_the_past_and_bad_input_is_refused() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let auditor = app.person_with("Auditora", Role::Auditor).await;
    let auditor = app.token_for(auditor.id).await;
    let member = app.sign_up("Miembro").await;
    let member = app.token_for(member.id).await;
    let before = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    approved(
        app,
        place("Clúster Minero", "CL", "Antofagasta", -23.65, -70.4),
    )
    .await;
    let live = stats(app).await;
    assert_eq!(live["total"], count(1, 85));

    let (status, _, past) = get(app, &format!("/v1/stats?as_of={before}"), Some(&auditor)).await;
    assert_eq!(status, 200, "{past}");
    let past: Value = serde_json::from_str(&past).unwrap();
    assert_eq!(past["total"], count(0, 0));
    let head = app.head().await;
    let (status, _, at_head) = get(
        app,
        &format!("/v1/stats?at_position={head}"),
        Some(&auditor),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<Value>(&at_head).unwrap(), live);
    let (status, _, _) = get(app, &format!("/v1/stats?as_of={before}"), Some(&member)).await;
    assert_eq!(status, 403);

    for (query, expected) in [
        ("country=CL", "unknown query parameter `country`"),
        ("format=csv", "unknown query parameter `format`"),
        ("as_of=2999-01-01T00:00:00Z", "in the future"),
        ("at_position=abc", "whole number"),
    ] {
        let (status, _, body) = get(app, &format!("/v1/stats?{query}"), Some(&auditor)).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.contains(expected), "{query}: {body}");
    }
}
