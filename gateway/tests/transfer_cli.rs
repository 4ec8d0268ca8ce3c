//! `articula export`, `import` and `secrets` as an operator runs them (ops/moving-to-postgres.md):
//! the embedded default moved to a fresh PostgreSQL database with the real binary, and export
//! failures that leave no file behind.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use store::testing::TestPostgres;
use store::{Database, DatabaseUrl, EventLog};

fn articula(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_articula"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    command
}

fn run_ok(command: &mut Command) -> String {
    let output = command.output().expect("articula runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    stdout
}

/// Fails with one `articula: …` line on stderr containing every one of `expected`.
fn fails_with(command: &mut Command, expected: &[&str]) {
    let output = command.output().expect("articula runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it should have failed: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("articula: "), "stderr: {stderr}");
    for part in expected {
        assert!(last.contains(part), "expected `{part}` in: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Waits until all `events` of the PostgreSQL log are final in the feed (every transaction older
/// than the import's, on the whole server, has ended: other tests run meanwhile).
async fn wait_final(url: &str, events: u64) {
    let db = Database::connect(&url.parse::<DatabaseUrl>().unwrap())
        .await
        .unwrap();
    for _ in 0..400 {
        if store::chain::verify(&db, &|_| {}).await.unwrap().events == events {
            db.close().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the imported events never became final");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_default_moves_to_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path();
    // The source: the embedded default, with an administrator (a person key, an email digest
    // secret) made by the binary, and a history written through the store.
    run_ok(articula(here).args(["admin", "create", "--email", "root@example.org"]));
    let db = Database::connect(&DatabaseUrl::Sqlite(here.join("data/articula.db")))
        .await
        .unwrap();
    gateway::synthetic::write(&EventLog::open(db.clone()), 5, 200, 7, &|_| {})
        .await
        .unwrap();
    db.close().await;

    let source = json(&run_ok(articula(here).args(["verify", "--json"])));
    assert_eq!(source["ok"], true, "{source}");
    let events = source["events"].as_u64().unwrap();
    let head = source["head_hash"].as_str().unwrap().to_string();
    assert!(events > 200, "{source}");

    let exported = run_ok(articula(here).args(["export", "-o", "log.ndjson"]));
    assert!(
        exported.starts_with(&format!("exported {events} events in ")),
        "{exported}"
    );
    assert!(exported.contains(&head), "{exported}");
    assert!(here.join("log.ndjson").exists());
    assert!(!here.join("log.ndjson.partial").exists());
    fails_with(
        articula(here).args(["export", "-o", "log.ndjson"]),
        &["log.ndjson already exists"],
    );

    run_ok(articula(here).args(["secrets", "export", "-o", "secrets.json"]));
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(here.join("secrets.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "only its owner may read the keys");
    }

    let pg = TestPostgres::create().await;
    let on_postgres = |args: &[&str]| {
        let mut command = articula(here);
        command.args(args).env("DATABASE_URL", &pg.url);
        command
    };
    run_ok(&mut on_postgres(&["migrate"]));
    let imported = json(&run_ok(&mut on_postgres(&[
        "import",
        "log.ndjson",
        "--json",
    ])));
    assert_eq!(imported["command"], "import");
    assert_eq!(imported["events"], events);
    assert_eq!(imported["head_hash"], head.as_str());
    assert_eq!(imported["positions"], "kept");
    let secrets = run_ok(&mut on_postgres(&["secrets", "import", "secrets.json"]));
    assert!(
        secrets.starts_with("imported 1 person key(s) and 1 server secret(s)"),
        "{secrets}"
    );

    wait_final(&pg.url, events).await;
    let verified = json(&run_ok(&mut on_postgres(&["verify", "--json"])));
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["events"], events);
    assert_eq!(verified["head_hash"], head.as_str());

    // The email-digest secret came along: the administrator's email is still taken.
    fails_with(
        &mut on_postgres(&["admin", "create", "--email", "root@example.org"]),
        &["already"],
    );
    // Nothing is loaded twice.
    fails_with(
        &mut on_postgres(&["import", "log.ndjson"]),
        &["the store is not empty", "nothing was imported"],
    );
    fails_with(
        &mut on_postgres(&["secrets", "import", "secrets.json"]),
        &["already has 1 person key(s)", "nothing was imported"],
    );
}

#[test]
fn export_failures_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path();
    run_ok(articula(here).args(["admin", "create", "--email", "root@example.org"]));

    // stdout on a full disk.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = articula(here).arg("export").stdout(full).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("articula: cannot write the export: No space left on device"),
        "{stderr}"
    );

    // A file where the directory should be.
    std::fs::write(here.join("not-a-directory"), "x").unwrap();
    fails_with(
        articula(here).args(["export", "-o", "not-a-directory/log.ndjson"]),
        &["cannot create not-a-directory/log.ndjson.partial"],
    );
    let entries: Vec<_> = std::fs::read_dir(here)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        entries.iter().all(|name| !name.contains("partial")),
        "{entries:?}"
    );

    // To stdout with --json: the log on stdout, the summary on stderr.
    let output = articula(here).args(["export", "--json"]).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let log = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    let header = json(lines[0]);
    assert_eq!(header["format"], "articula-events");
    let events = header["events"].as_u64().unwrap();
    assert_eq!(lines.len() as u64, events + 2);
    assert_eq!(json(lines[lines.len() - 1])["end"], true);
    let stderr = String::from_utf8(output.stderr).unwrap();
    let summary = json(stderr.lines().last().unwrap());
    assert_eq!(summary["command"], "export");
    assert_eq!(summary["events"], events);
    assert_eq!(summary["bytes"], log.len());

    // An edited export is refused by line, and the other store stays empty.
    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    edited[2] = edited[2].replacen("\"sequence\":", "\"sequence\":1", 1);
    std::fs::write(here.join("edited.ndjson"), edited.join("\n") + "\n").unwrap();
    let other = format!("sqlite://{}", here.join("other/articula.db").display());
    fails_with(
        articula(here)
            .args(["import", "edited.ndjson"])
            .env("DATABASE_URL", &other),
        &["line 3: ", "nothing was imported"],
    );
    let verified = json(&run_ok(
        articula(here)
            .args(["verify", "--json"])
            .env("DATABASE_URL", &other),
    ));
    assert_eq!(
        (verified["ok"].clone(), verified["events"].clone()),
        (true.into(), 0.into())
    );
}
