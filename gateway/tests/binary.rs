//! The `articula` binary as an operator meets it: one clear line and a non-zero exit for every
//! start-up problem, and a clean stop on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn articula(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_articula"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ARTICULA_PORT")
        .env("RUST_LOG", "warn");
    command
}

fn fails_with(command: &mut Command, expected: &str) {
    let output = command.output().expect("articula runs");
    assert!(!output.status.success(), "it should have failed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("articula: "), "stderr: {stderr}");
    assert!(
        last.contains(expected),
        "expected `{expected}` in: {stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_url_scheme_is_named() {
    let dir = tempfile::tempdir().unwrap();
    fails_with(
        articula(dir.path())
            .args(["migrate"])
            .env("DATABASE_URL", "mysql://x/y"),
        "unknown scheme `mysql`",
    );
}

#[test]
fn an_unreachable_database_is_named() {
    let dir = tempfile::tempdir().unwrap();
    fails_with(
        articula(dir.path())
            .args(["serve", "--port", "0"])
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"),
        "cannot connect to the PostgreSQL database",
    );
}

#[test]
fn malformed_configuration_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("articula.toml"), "port = \"eighty\"\n").unwrap();
    fails_with(articula(dir.path()).args(["migrate"]), "port");
}

#[test]
fn a_corrupted_sqlite_file_is_named_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let file = dir.path().join("data/articula.db");
    std::fs::write(&file, vec![7u8; 4096]).unwrap();
    fails_with(
        articula(dir.path()).args(["migrate"]),
        "not a usable database",
    );
    assert_eq!(std::fs::read(&file).unwrap(), vec![7u8; 4096]);
}

#[test]
fn an_unwritable_data_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("data"),
        b"a file where the directory should be",
    )
    .unwrap();
    fails_with(
        articula(dir.path()).args(["migrate"]),
        "cannot use the data directory",
    );
}

#[test]
fn migrate_then_serve_on_the_embedded_default_and_stop_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = articula(dir.path()).args(["migrate"]).output().unwrap();
    assert!(migrated.status.success(), "{migrated:?}");
    assert!(String::from_utf8_lossy(&migrated.stdout).contains("SQLite"));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = articula(dir.path())
        .args(["serve", "--port", &port.to_string(), "--log-format", "json"])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = server.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "exit after SIGTERM: {:?}",
        output.status
    );
    let logs = String::from_utf8_lossy(&output.stderr);
    let first = logs.lines().next().expect("some logs");
    let parsed: serde_json::Value = serde_json::from_str(first).expect("JSON log lines");
    assert!(parsed.get("timestamp").is_some(), "{first}");
    assert!(logs.contains("articula stopped"), "{logs}");
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

/// `articula admin create` prints an account and a one-time secret (never a fixed password);
/// a second one with the same email is refused; `admin erase-person` erases, and says so when
/// run again.
#[test]
fn admin_create_and_erase_person() {
    let dir = tempfile::tempdir().unwrap();
    let created =
        run_ok(articula(dir.path()).args(["admin", "create", "--email", "Root@Example.org"]));
    let account = created
        .lines()
        .find_map(|l| l.strip_prefix("administrator account created: "))
        .expect("the account id is printed")
        .trim()
        .to_string();
    let secret = created
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("art_"))
        .expect("a one-time secret is printed");
    assert_eq!(secret.len(), 47, "{secret}");

    fails_with(
        articula(dir.path()).args(["admin", "create", "--email", "root@example.org"]),
        "already exists",
    );
    fails_with(
        articula(dir.path()).args(["admin", "create", "--email", "not-an-email"]),
        "email",
    );
    // The only administrator cannot be erased: another must exist first.
    fails_with(
        articula(dir.path()).args(["admin", "erase-person", &account]),
        "last administrator",
    );
    run_ok(articula(dir.path()).args(["admin", "create", "--email", "second@example.org"]));
    let erased = run_ok(articula(dir.path()).args(["admin", "erase-person", &account]));
    assert!(erased.contains("erased"), "{erased}");
    let again = run_ok(articula(dir.path()).args(["admin", "erase-person", &account]));
    assert!(again.contains("already erased"), "{again}");
    fails_with(
        articula(dir.path()).args(["admin", "erase-person", "not-a-uuid"]),
        "id",
    );
}
