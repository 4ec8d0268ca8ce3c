//! Upgrades: migrations are forward-only, numbered alike on both backends, and checked at every
//! start. During a rolling upgrade a newer release migrates the database while instances of the
//! older one still run: they report not ready (so the proxy drains them) with a message that
//! says why, and an older binary refuses to start on the newer schema rather than misbehave.

use std::collections::BTreeSet;
use std::process::Command;

use store::testing::TestPostgres;

use crate::support::*;

/// The migration numbers in migrations/<backend>/, every file checked for its form.
fn migrations(backend: &str) -> BTreeSet<i64> {
    std::fs::read_dir(repo(&format!("migrations/{backend}")))
        .unwrap()
        .map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            // sqlx treats `N_name.up.sql`/`N_name.down.sql` as reversible: none may exist.
            assert!(
                name.ends_with(".sql")
                    && !name.ends_with(".up.sql")
                    && !name.ends_with(".down.sql"),
                "{backend}/{name}: migrations are forward-only, one .sql file each"
            );
            let (number, _) = name.split_once('_').expect("NNNN_name.sql");
            number.parse().expect("a numbered migration")
        })
        .collect()
}

#[test]
fn migrations_are_forward_only_and_alike_on_both_backends() {
    let postgres = migrations("postgres");
    assert_eq!(
        postgres,
        migrations("sqlite"),
        "both backends have the same migrations"
    );
    let expected: BTreeSet<i64> = (1..=postgres.len() as i64).collect();
    assert_eq!(postgres, expected, "numbered 1, 2, 3… without a gap");
}

/// Fails with one `articula: …` line on stderr containing `expected`.
fn refuses(command: &mut Command, expected: &str) {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it should have refused: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("articula: ") && last.contains(expected),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_binary_refuses_a_newer_schema() {
    let pg = TestPostgres::create().await;
    let dir = tempfile::tempdir().unwrap();
    let on_db = || {
        let mut command = articula(dir.path());
        command.env("DATABASE_URL", &pg.url);
        command
    };
    let known = *migrations("postgres").last().unwrap();
    let migrated = run_ok(on_db().arg("migrate"));
    assert!(
        migrated.ends_with(&format!("schema at {known}\n")),
        "{migrated}"
    );

    let port = free_port();
    let mut running = serve(dir.path(), port, &[("DATABASE_URL", &pg.url)]);
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(&base).await;

    // A newer release migrates: its migration is recorded as sqlx records every migration.
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ($1, 'a newer release', true, '\\x00'::bytea, 0)",
    )
    .bind(known + 1)
    .execute(&pool)
    .await
    .unwrap();
    let message = format!(
        "the database schema is at migration {}, newer than this binary knows (up to {known}); \
         run a newer articula against this database",
        known + 1
    );

    // The instance already running says it is not ready, and why; it is still up.
    let http = client(None);
    let ready = http.get(format!("{base}/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["ready"], false);
    assert_eq!(body["migrations"], message.as_str());
    assert_eq!(
        http.get(format!("{base}/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    running.stop("TERM");

    // Started again, the older binary refuses, for serving and for migrating alike.
    let port = free_port().to_string();
    refuses(on_db().args(["serve", "--port", &port]), &message);
    refuses(on_db().arg("migrate"), &message);

    // An applied migration whose file was changed since is refused at start too: migrations
    // are never edited, only added.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1")
        .bind(known + 1)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET checksum = '\\x00'::bytea WHERE version = 1")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    refuses(
        on_db().args(["serve", "--port", &port]),
        "migration 1 was previously applied but has been modified",
    );
}
