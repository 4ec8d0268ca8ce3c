//! `articula verify` as an operator runs it on the embedded default: `ok`, the count and the head
//! hash on a healthy log (crypto-shredding a person included), then the first broken event named,
//! with a non-zero exit, once a payload is edited behind its back.

use std::process::{Command, Output};

use serde_json::Value;
use store::{Database, DatabaseUrl};

fn articula(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_articula"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    command
}

fn succeeded(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn account_created(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("administrator account created: "))
        .expect("the account id is printed")
        .trim()
        .to_string()
}

#[tokio::test]
async fn verify_says_ok_then_names_the_tampered_event() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| articula(dir.path()).args(args).output().unwrap();
    let first = account_created(&succeeded(&run(&[
        "admin",
        "create",
        "--email",
        "first@example.org",
    ])));
    succeeded(&run(&["admin", "create", "--email", "second@example.org"]));
    // Erasing a person deletes their key; the sealed bytes stay, so the chains still hold.
    succeeded(&run(&["admin", "erase-person", &first]));

    let line = succeeded(&run(&["verify"]));
    assert!(line.starts_with("ok: "), "{line}");
    assert!(line.contains("head hash "), "{line}");

    let report: Value = serde_json::from_str(&succeeded(&run(&["verify", "--json"]))).unwrap();
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["command"], "verify");
    let events = report["events"].as_u64().unwrap();
    assert!(events >= 4, "{report}");
    assert_eq!(report["head_hash"].as_str().unwrap().len(), 64);
    assert!(report["first_break"].is_null());

    // Someone with access to the file edits the second event's payload.
    let url = DatabaseUrl::Sqlite(dir.path().join("data/articula.db"));
    let Database::Sqlite(pool) = Database::connect(&url).await.unwrap() else {
        unreachable!("a SQLite URL opens SQLite")
    };
    sqlx::query(
        "UPDATE events SET payload = json_set(payload, '$.tampered', 1) WHERE position = 2",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let broken = run(&["verify", "--json"]);
    assert!(!broken.status.success(), "a broken log fails the command");
    let report: Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["first_break"]["position"], 2, "{report}");
    assert_eq!(report["first_break"]["kind"], "content_changed");
    assert_eq!(report["events"], 1, "one event verified before it");
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr
            .trim_end()
            .ends_with("articula: the event log does not verify"),
        "{stderr}"
    );

    let text = run(&["verify"]);
    let line = String::from_utf8_lossy(&text.stdout);
    assert!(line.starts_with("BROKEN at position 2 ("), "{line}");
    assert!(line.contains("does not match its hash"), "{line}");
}
