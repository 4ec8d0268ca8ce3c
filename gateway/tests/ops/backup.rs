//! The restore drill (ops/backup, ops/restore), on PostgreSQL and on the embedded SQLite file: a
//! history with people in it (one erased before the backups, one between two backups), backed
//! up while it is served, restored into a fresh database, and compared with the original: the
//! log verifies with the same head hash, every read model (map, statistics, …) is identical, and
//! each person's data reads the same — readable where it should be, erased where it was. A
//! restore with an older secrets file (as after a point-in-time recovery) erases again whoever
//! the log says was erased. Retention keeps the newest backups.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use domain::values::AccountId;
use gateway::access::AccountService;
use gateway::Settings;
use projections::{EngineBuilder, ReadModels, Until};
use serde_json::Value;
use store::testing::TestPostgres;
use store::{Database, DatabaseUrl, EventLog};

use crate::support::*;

/// Where a drill's databases live.
enum Backend {
    Postgres(Vec<TestPostgres>),
    Sqlite(tempfile::TempDir),
}

impl Backend {
    /// A new, empty database of this backend.
    async fn fresh(&mut self, name: &str) -> String {
        match self {
            Self::Postgres(databases) => {
                let db = TestPostgres::create().await;
                let url = db.url.clone();
                databases.push(db);
                url
            }
            Self::Sqlite(dir) => format!(
                "sqlite://{}",
                dir.path().join(name).join("articula.db").display()
            ),
        }
    }
}

fn binary(url: &str, dir: &Path, args: &[&str]) -> String {
    run_ok(articula(dir).env("DATABASE_URL", url).args(args))
}

/// An ops/ script on the database of `url`, with the binary under test (ARTICULA_BIN).
fn script_command(url: &str, dir: &Path, name: &str) -> Command {
    let mut command = Command::new(repo(name));
    command
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env("ARTICULA_BIN", ARTICULA)
        .env("RUST_LOG", "warn");
    for (key, _) in std::env::vars() {
        if key.starts_with("ARTICULA_") && key != "ARTICULA_BIN" {
            command.env_remove(key);
        }
    }
    command
}

fn script(url: &str, dir: &Path, name: &str, args: &[&str]) -> String {
    run_ok(script_command(url, dir, name).args(args))
}

fn admin(url: &str, dir: &Path, email: &str) -> AccountId {
    let created = binary(url, dir, &["admin", "create", "--email", email]);
    created
        .lines()
        .find_map(|l| l.strip_prefix("administrator account created: "))
        .expect("the account id is printed")
        .trim()
        .parse()
        .unwrap()
}

/// `articula verify --json` once `events` are final (on PostgreSQL, once every older transaction
/// on the server, other tests' included, has ended).
fn verified(url: &str, dir: &Path, events: Option<u64>) -> Value {
    for _ in 0..400 {
        let report: Value =
            serde_json::from_str(binary(url, dir, &["verify", "--json"]).trim()).unwrap();
        assert_eq!(report["ok"], true, "{report}");
        if events.is_none_or(|n| report["events"] == n) {
            return report;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("the log never showed {events:?} final events");
}

/// Every read model rebuilt from the log, and the accounts as an administrator sees them.
async fn state(url: &str, accounts: &[AccountId]) -> (BTreeMap<&'static str, Value>, Vec<Value>) {
    let db = Database::connect(&url.parse::<DatabaseUrl>().unwrap())
        .await
        .unwrap();
    let log = EventLog::open(db.clone());
    let mut builder = EngineBuilder::new(log.feed());
    let models = ReadModels::register(&mut builder);
    builder
        .build()
        .run_until(Until::Head, |_| {})
        .await
        .expect("the projections fold the log");
    let models = models
        .to_json()
        .into_iter()
        .map(|(name, state)| (name, state.expect("the projection serialises")))
        .collect();
    let service = AccountService::new(&log, &Settings::default());
    let mut views = Vec::new();
    for account in accounts {
        let view = service.view(*account).await.expect("the account exists");
        views.push(serde_json::to_value(view).unwrap());
    }
    db.close().await;
    (models, views)
}

fn backups(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

async fn drill(mut backend: Backend) {
    let work = tempfile::tempdir().unwrap();
    let here = work.path();
    let kept = here.join("backups");
    let kept_arg = kept.display().to_string();
    let source = backend.fresh("source").await;

    // The history: the illustrative data set (its accounts carry names and emails), three
    // administrators, one erased before the first backup and one between the backups.
    binary(&source, here, &["seed"]);
    let stays = admin(&source, here, "stays@example.org");
    let erased_before = admin(&source, here, "erased.before@example.org");
    let erased_between = admin(&source, here, "erased.between@example.org");
    binary(
        &source,
        here,
        &["admin", "erase-person", &erased_before.to_string()],
    );
    let port = free_port();
    // Backed up while served.
    let mut server = {
        let mut command = articula(here);
        command
            .args(["serve", "--port", &port.to_string()])
            .env("DATABASE_URL", &source);
        let process = Process::spawn("articula", &mut command);
        wait_for_port(port, "articula");
        process
    };
    script(
        &source,
        here,
        "ops/backup",
        &["--dir", &kept_arg, "--keep", "2"],
    );
    let first = backups(&kept);
    assert_eq!(first.len(), 1, "{first:?}");
    let older_secrets = here.join("older-secrets.json");
    std::fs::copy(kept.join(&first[0]).join("secrets.json"), &older_secrets).unwrap();

    binary(
        &source,
        here,
        &["admin", "erase-person", &erased_between.to_string()],
    );
    script(
        &source,
        here,
        "ops/backup",
        &["--dir", &kept_arg, "--keep", "2"],
    );
    script(
        &source,
        here,
        "ops/backup",
        &["--dir", &kept_arg, "--keep", "2"],
    );
    let names = backups(&kept);
    assert_eq!(names.len(), 2, "retention keeps the newest two: {names:?}");
    assert!(
        names.iter().all(|n| *n > first[0]),
        "the oldest went: {names:?}"
    );
    server.stop("TERM");
    let latest = kept.join(&names[1]);
    let files = backups(&latest);
    assert!(files.contains(&"secrets.json".to_string()), "{files:?}");

    let original = verified(&source, here, None);
    let events = original["events"].as_u64().unwrap();
    assert!(events > 500, "{original}");
    let people = [stays, erased_before, erased_between];
    let expected = state(&source, &people).await;
    let (models, views) = &expected;
    assert!(
        models["map"].to_string().len() > 10_000,
        "the map holds the seed"
    );
    assert_eq!(views[0]["email"], "stays@example.org");
    for erased in &views[1..] {
        assert_eq!(
            (erased["erased"].clone(), erased["email"].clone()),
            (Value::Bool(true), Value::Null)
        );
    }

    // Restored into a fresh database, it is the same platform.
    let restored = backend.fresh("restored").await;
    let backup = latest.display().to_string();
    let said = script(&restored, here, "ops/restore", &[&backup]);
    assert!(said.contains("2 erased person(s) checked"), "{said}");
    let report = verified(&restored, here, Some(events));
    assert_eq!(report["head_hash"], original["head_hash"]);
    assert_eq!(
        state(&restored, &people).await,
        expected,
        "read models and people"
    );

    // With the first backup's secrets (it still has a key for the person erased since), that
    // person is erased again by the restore, and reads as erased.
    let recovered = backend.fresh("recovered").await;
    let secrets = older_secrets.display().to_string();
    script(
        &recovered,
        here,
        "ops/restore",
        &[&backup, "--secrets", &secrets],
    );
    assert_eq!(
        state(&recovered, &people).await,
        expected,
        "with older secrets"
    );

    // A restore never overwrites: the target must be empty.
    let again = script_command(&restored, here, "ops/restore")
        .arg(&backup)
        .output()
        .unwrap();
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.starts_with("restore: ") && stderr.contains("restore into a new"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_drill_on_postgres() {
    drill(Backend::Postgres(Vec::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_drill_on_the_embedded_database() {
    drill(Backend::Sqlite(tempfile::tempdir().unwrap())).await;
}
