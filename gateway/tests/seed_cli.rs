//! `articula seed` as an operator runs it, on the embedded default in a scratch directory:
//! random passwords shown once on stderr, a one-line or JSON summary, nothing written the second
//! time, and a synthetic history that is the same for the same seed.

use std::process::{Command, Output};

use serde_json::Value;

fn articula(dir: &std::path::Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_articula"))
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args(args)
        .output()
        .expect("articula runs");
    assert!(
        output.status.success(),
        "articula {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn summary(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("one JSON object on stdout")
}

fn passwords(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|line| line.split("password: ").nth(1))
        .map(str::to_string)
        .collect()
}

#[test]
fn seeding_twice_writes_once_and_shows_random_passwords_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = articula(dir.path(), &["seed", "--json"]);
    let report = summary(&first);
    assert_eq!(report["initiatives"], 258);
    assert!(report["events"].as_u64().unwrap() > 258);
    let shown = passwords(&first);
    assert_eq!(shown.len(), 7, "{}", String::from_utf8_lossy(&first.stderr));
    assert!(!String::from_utf8_lossy(&first.stdout).contains(&shown[0]));

    let second = articula(dir.path(), &["seed", "--json"]);
    let report = summary(&second);
    assert_eq!(report["events"], 0);
    assert_eq!(report["skipped"], 322);
    assert!(passwords(&second).is_empty());

    // Another store gets other passwords: none is fixed.
    let other = tempfile::tempdir().unwrap();
    let line = articula(other.path(), &["seed"]);
    let text = String::from_utf8_lossy(&line.stdout);
    assert!(text.starts_with("seeded: "), "{text}");
    let again = passwords(&line);
    assert_eq!(again.len(), 7);
    assert!(shown.iter().all(|p| !again.contains(p)));
}

#[test]
fn the_synthetic_history_depends_only_on_its_size_and_seed() {
    let run = |seed: &str| {
        let dir = tempfile::tempdir().unwrap();
        let args = ["seed", "--synthetic", "60", "--seed", seed, "--json"];
        let first = summary(&articula(dir.path(), &args));
        let again = summary(&articula(dir.path(), &args));
        assert_eq!(again["already_present"], true);
        assert_eq!(again["events"], 0);
        first
    };
    let first = run("5");
    assert_eq!(first["initiatives"], 60);
    assert!(first["threads"].as_u64().unwrap() > 0);
    assert_eq!(run("5"), first);
}
