//! Every audit read is recorded before it is answered (who, in which role, what, with which
//! filters; no name or email), and refused when it cannot be recorded. `GET /v1/audit/verify`
//! answers the chains' state.

use domain::actor::Role;
use store::audit::{recent_reads, AuditRead};
use store::Database;

use super::{audited, call, Audited};

async fn reads(audit: &Audited) -> Vec<AuditRead> {
    recent_reads(audit.app().state.log.database(), 1_000)
        .await
        .expect("audit reads are readable")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_audit_read_leaves_one_record_without_personal_data() {
    let audit = audited().await;
    assert!(reads(&audit).await.is_empty());
    let routes = [
        (
            "/v1/audit/events".to_string(),
            format!(
                "aggregate_type=initiative&aggregate_id={}&limit=5",
                audit.initiative
            ),
        ),
        (
            format!("/v1/audit/streams/account/{}", audit.ana.id),
            "limit=10".to_string(),
        ),
        (
            "/v1/audit/projections/map/verify".to_string(),
            String::new(),
        ),
        ("/v1/audit/verify".to_string(), String::new()),
    ];
    for (i, (path, query)) in routes.iter().enumerate() {
        let url = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        };
        audit.ok(&url).await;
        let recorded = reads(&audit).await;
        assert_eq!(recorded.len(), i + 1, "one record per read ({url})");
        let newest = &recorded[0];
        assert_eq!(newest.account_id, audit.auditor.id.into_uuid());
        assert_eq!(newest.role, "auditor");
        assert_eq!(newest.resource, format!("GET {path}"));
        assert_eq!(&newest.query, query);
        let row = format!("{newest:?}");
        for personal in [
            audit.auditor.email.as_str(),
            audit.ana.email.as_str(),
            "Auditora",
            "Ana",
        ] {
            assert!(!row.contains(personal), "{personal} in {row}");
        }
    }

    // A request refused as malformed read nothing, and is not recorded as a read.
    audit.refused("/v1/audit/events?aggregate_type=nope").await;
    assert_eq!(reads(&audit).await.len(), routes.len());

    // An administrator reads as one.
    let admin = audit.app().admin().await;
    let token = audit.app().token_for(admin.id).await;
    let (status, _) = call(audit.app(), "/v1/audit/verify", Some(&token)).await;
    assert_eq!(status, 200);
    let newest = reads(&audit).await.remove(0);
    assert_eq!(
        (newest.account_id, newest.role.as_str()),
        (admin.id.into_uuid(), "admin")
    );

    // Members, moderators and visitors read nothing, and leave no record.
    let moderator = audit.app().person_with("Moderador", Role::Moderator).await;
    let moderator_token = audit.app().token_for(moderator.id).await;
    for (token, status) in [
        (Some(audit.ana_token.as_str()), 403),
        (Some(&*moderator_token), 403),
        (None, 401),
    ] {
        let (got, body) = call(audit.app(), "/v1/audit/events", token).await;
        assert_eq!(got, status, "{body}");
        assert!(body["events"].is_null());
    }
    assert_eq!(reads(&audit).await.len(), routes.len() + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_that_cannot_be_recorded_is_refused() {
    let audit = audited().await;
    let Database::Postgres(pool) = audit.app().state.log.database() else {
        panic!("the e2e tests run on PostgreSQL");
    };
    sqlx::query("ALTER TABLE audit_reads RENAME TO audit_reads_away")
        .execute(pool)
        .await
        .unwrap();
    for path in [
        "/v1/audit/events",
        "/v1/audit/verify",
        "/v1/audit/projections/map/verify",
    ] {
        let (status, body) = audit.get(path).await;
        assert_eq!(status, 503, "{path}: {body}");
        assert!(body["events"].is_null() && body["ok"].is_null(), "{body}");
    }
    let stream = format!("/v1/audit/streams/initiative/{}", audit.initiative);
    assert_eq!(audit.get(&stream).await.0, 503);
    sqlx::query("ALTER TABLE audit_reads_away RENAME TO audit_reads")
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(
        audit.get(&stream).await.0,
        200,
        "answered once it can be recorded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chains_verify_after_activity() {
    let audit = audited().await;
    let report = audit.ok("/v1/audit/verify").await;
    let head = audit.app().head().await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["events"], head);
    assert_eq!(report["head_position"], head);
    assert_eq!(report["unsealed"], 0, "settled: everything sealed");
    assert_eq!(report["head_hash"].as_str().map(str::len), Some(64));
    assert!(report.get("first_break").is_none(), "{report}");

    // An edit behind the store's back is named.
    let Database::Postgres(pool) = audit.app().state.log.database() else {
        panic!("the e2e tests run on PostgreSQL");
    };
    sqlx::query(
        "UPDATE events SET payload = '{\"InitiativeApproved\": {}}'
         WHERE aggregate_type = 'initiative' AND aggregate_id = $1 AND sequence = 2",
    )
    .bind(&audit.initiative)
    .execute(pool)
    .await
    .unwrap();
    let report = audit.ok("/v1/audit/verify").await;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["first_break"]["kind"], "content_changed");
    assert_eq!(
        report["first_break"]["aggregate_id"],
        audit.initiative.as_str()
    );
    assert_eq!(report["first_break"]["sequence"], 2);
}
