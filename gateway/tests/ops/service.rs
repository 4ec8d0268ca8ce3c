//! The systemd units as shipped (ops/systemd/), verified by systemd itself: `systemd-analyze
//! verify` (syntax, known keys, executables that exist) and its offline security review; and
//! the environment file, loaded by the real binary's configuration.

use std::collections::BTreeMap;
use std::process::Command;

use crate::support::*;

/// `KEY=VALUE` lines of an environment file (comments and blank lines skipped).
pub fn environment_file(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (key, value) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("not KEY=VALUE: {l}"));
            (key.to_string(), value.to_string())
        })
        .collect()
}

/// The settings in `envs` are ones the binary knows, with values it accepts: `articula migrate`
/// loads the whole configuration (unknown `ARTICULA_*` names are refused) on a scratch SQLite
/// file instead of the database they name.
pub fn binary_accepts(envs: &BTreeMap<String, String>) {
    let dir = tempfile::tempdir().unwrap();
    let scratch = format!("sqlite://{}", dir.path().join("scratch.db").display());
    let mut command = articula(dir.path());
    command
        .arg("migrate")
        .envs(envs)
        .env("DATABASE_URL", &scratch)
        .env("ARTICULA_DATA_DIR", dir.path());
    let output = command.output().unwrap();
    assert_success(&command, &output);
}

fn seconds(unit: &str, key: &str) -> u64 {
    let value = unit
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("no {key}= in the unit"));
    value
        .trim_end_matches('s')
        .parse()
        .unwrap_or_else(|_| panic!("{key}={value} is not in seconds"))
}

#[test]
fn the_units_verify_and_are_hardened() {
    let analyze = tool("systemd-analyze", "systemd");
    let dir = tempfile::tempdir().unwrap();
    let env_file = repo("ops/systemd/articula.env").display().to_string();
    let service = read_repo("ops/systemd/articula.service");
    // Where the files are on this machine instead of where an installation puts them.
    let installed = substitute(
        &substitute(&service, "/usr/local/bin/articula", ARTICULA),
        "/etc/articula/articula.env",
        &env_file,
    );
    std::fs::write(dir.path().join("articula.service"), installed).unwrap();
    let backup = substitute(
        &substitute(
            &read_repo("ops/systemd/articula-backup.service"),
            "/usr/local/lib/articula/backup",
            &repo("ops/backup").display().to_string(),
        ),
        "/etc/articula/articula.env",
        &env_file,
    );
    std::fs::write(dir.path().join("articula-backup.service"), backup).unwrap();
    std::fs::copy(
        repo("ops/systemd/articula-backup.timer"),
        dir.path().join("articula-backup.timer"),
    )
    .unwrap();

    let mut verify = Command::new(&analyze);
    verify.current_dir(dir.path()).args([
        "verify",
        "articula.service",
        "articula-backup.service",
        "articula-backup.timer",
    ]);
    let output = verify.output().unwrap();
    assert_success(&verify, &output);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "systemd-analyze verify has remarks"
    );

    // systemd's own review of the sandbox: exposure 0 (locked down) to 10 (none); "OK" is < 2.
    let mut security = Command::new(&analyze);
    security.current_dir(dir.path()).args([
        "security",
        "--offline=true",
        "--threshold=20",
        "articula.service",
    ]);
    let output = security.output().unwrap();
    assert_success(&security, &output);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        report.contains("Overall exposure level for articula.service: 1."),
        "{report}"
    );

    for line in [
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "StateDirectory=articula",
        "NoNewPrivileges=yes",
        "Restart=on-failure",
    ] {
        assert!(service.lines().any(|l| l == line), "{line} is missing");
    }
    // Graceful shutdown lets requests finish, each cut at request_timeout_secs: the unit waits
    // longer than that before SIGKILL.
    let environment = environment_file(&read_repo("ops/systemd/articula.env"));
    let request_timeout: u64 = environment["ARTICULA_REQUEST_TIMEOUT_SECS"]
        .parse()
        .unwrap();
    assert!(seconds(&service, "TimeoutStopSec") > request_timeout + 5);
}

#[test]
fn the_environment_file_is_a_valid_configuration() {
    let environment = environment_file(&read_repo("ops/systemd/articula.env"));
    assert!(environment["DATABASE_URL"].starts_with("postgres://"));
    assert_eq!(environment["ARTICULA_TRUSTED_PROXIES"], "127.0.0.1");
    binary_accepts(&environment);
}
