//! Files an import must refuse, and stores it must not write into. Every refusal names the
//! place and leaves the target store as it was.

use store::transfer::{import, ImportPhase, TransferError};
use store::{EventLog, Snapshot, Snapshots};

use super::*;

/// A sealed history of 5 rounds: line 1 is the header, lines 2–16 the events a1 b1 c1 a2 b2 c2
/// … c5, line 17 the trailer.
async fn good_export() -> Vec<String> {
    let (_sqlite, from) = store::testing::sqlite_log().await;
    write_history(&from, 5).await;
    seal_pending(from.database()).await.unwrap();
    let (bytes, _) = export_bytes(from.database()).await;
    let lines = lines_of(&bytes);
    assert_eq!(lines.len(), 17);
    lines
}

struct Case {
    what: &'static str,
    lines: Vec<String>,
    /// The line the error must name (`None` for errors about the whole file).
    line: Option<u64>,
    says: &'static str,
}

fn cases(good: &[String]) -> Vec<Case> {
    let with = |edit: &dyn Fn(&mut Vec<String>)| {
        let mut lines = good.to_vec();
        edit(&mut lines);
        lines
    };
    vec![
        Case {
            what: "the trailer is missing",
            lines: with(&|l| {
                l.pop();
            }),
            line: None,
            says: "the file ends after line 16 without its end line",
        },
        Case {
            what: "a line in the middle is missing",
            // b2 (line 6) goes: c2 comes right after a2, where the global chain had b2.
            lines: with(&|l| {
                l.remove(5);
            }),
            line: Some(6),
            says: "the global chain does not match at tally c sequence 2",
        },
        Case {
            what: "the last event of a stream is missing",
            // a5 (line 14) goes: no later event of stream a would tell, the global chain does.
            lines: with(&|l| {
                l.remove(13);
            }),
            line: Some(14),
            says: "the global chain does not match at tally b sequence 5",
        },
        Case {
            what: "two lines are swapped",
            lines: with(&|l| l.swap(4, 5)),
            line: Some(5),
            says: "the global chain does not match at tally b sequence 2",
        },
        Case {
            what: "a stream's own events are swapped",
            lines: with(&|l| l.swap(1, 4)),
            line: Some(2),
            says: "tally a sequence 2: event 1 of this stream is missing",
        },
        Case {
            what: "a payload is edited",
            // b3 was an increment by 31.
            lines: with(&|l| l[8] = l[8].replace(r#""by":31"#, r#""by":99"#)),
            line: Some(9),
            says: "the hash of tally b sequence 3 does not match its content",
        },
        Case {
            what: "the header is of another format",
            lines: with(&|l| l[0] = l[0].replace("articula-events", "other-events")),
            line: Some(1),
            says: "the format is `other-events`",
        },
        Case {
            what: "the header is of a later version",
            lines: with(&|l| l[0] = l[0].replace(r#""version":1"#, r#""version":2"#)),
            line: Some(1),
            says: "format version 2",
        },
        Case {
            what: "a line is garbage",
            lines: with(&|l| l[7] = "garbage, not JSON".into()),
            line: Some(8),
            says: "not JSON",
        },
        Case {
            what: "a line is JSON but not an event",
            lines: with(&|l| l[7] = r#"{"position": 7}"#.into()),
            line: Some(8),
            says: "not an event line (missing field",
        },
        Case {
            what: "the file was cut in the middle of a line",
            lines: with(&|l| {
                l.pop();
                let last = l.pop().unwrap();
                l.push(last[..last.len() / 2].to_string());
            }),
            line: Some(16),
            says: "not JSON",
        },
        Case {
            what: "a line follows the trailer",
            lines: with(&|l| l.push(r#"{"position": 99}"#.into())),
            line: Some(18),
            says: "there is text after the end line",
        },
        Case {
            what: "the trailer's head hash is not the file's",
            lines: with(&|l| {
                let mut trailer: serde_json::Value = serde_json::from_str(&l[16]).unwrap();
                trailer["head_hash"] = "00".repeat(32).into();
                l[16] = trailer.to_string();
            }),
            line: Some(17),
            says: "is not the last link of the chain recomputed over the file",
        },
    ]
}

on_both_backends!(bad_files_are_refused_by_line_and_nothing_is_written);
async fn bad_files_are_refused_by_line_and_nothing_is_written(to: EventLog) {
    let good = good_export().await;
    let dir = tempfile::tempdir().unwrap();
    for case in cases(&good) {
        let path = write_file(dir.path(), &case.lines);
        let error = import_file(to.database(), &path)
            .await
            .expect_err(case.what);
        let message = error.to_string();
        match (case.line, &error) {
            (Some(expected), TransferError::Line { line, .. }) => {
                assert_eq!(*line, expected, "{}: {message}", case.what);
                assert!(message.starts_with(&format!("line {expected}: ")));
            }
            (None, TransferError::File(_)) => {}
            _ => panic!("{}: unexpected error {error:?}", case.what),
        }
        assert!(message.contains(case.says), "{}: {message}", case.what);
        assert_eq!(count(to.database(), "events").await, 0, "{}", case.what);
        assert_eq!(
            count(to.database(), "event_chain").await,
            0,
            "{}",
            case.what
        );
    }

    let empty = dir.path().join("empty.ndjson");
    std::fs::write(&empty, "").unwrap();
    let error = import_file(to.database(), &empty).await.unwrap_err();
    assert!(error.to_string().contains("is empty"), "{error}");

    // The good file, after all that, goes in.
    let path = write_file(dir.path(), &good);
    let imported = import_file(to.database(), &path).await.unwrap();
    assert_eq!(imported.events, 15);
    assert_eq!(check(to.database(), 15).await.head_hash, imported.head_hash);
}

on_both_backends!(a_store_that_is_not_empty_is_refused);
async fn a_store_that_is_not_empty_is_refused(to: EventLog) {
    let good = good_export().await;
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), &good);

    // A projection snapshot alone is enough: it would describe another history.
    let snapshots = Snapshots::new(to.database().clone());
    snapshots
        .save(&Snapshot {
            name: "event_counts".into(),
            version: 1,
            position: store::FeedPosition::START,
            events_applied: 0,
            state: vec![1, 2, 3],
        })
        .await
        .unwrap();
    let error = import_file(to.database(), &path).await.unwrap_err();
    assert!(matches!(error, TransferError::Refused(_)), "{error:?}");
    assert!(
        error.to_string().contains("1 projection snapshots"),
        "{error}"
    );
    snapshots.delete("event_counts").await.unwrap();

    write_history(&to, 1).await;
    let error = import_file(to.database(), &path).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("the store is not empty (it holds 3 events)"),
        "{message}"
    );
    assert!(
        message.contains("only loads into an empty store"),
        "{message}"
    );
    assert_eq!(count(to.database(), "events").await, 3);
    assert_eq!(count(to.database(), "event_chain").await, 0);
}

on_both_backends!(a_file_that_changes_between_the_passes_is_refused);
async fn a_file_that_changes_between_the_passes_is_refused(to: EventLog) {
    let first = good_export().await;
    // Another valid export, of another history: only comparing the passes can tell.
    let (_other, log) = store::testing::sqlite_log().await;
    write_history(&log, 2).await;
    let (other, _) = export_bytes(log.database()).await;

    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), &first);
    let size = std::fs::metadata(&path).unwrap().len();
    let swap_path = path.clone();
    let error = import(to.database(), &path, &move |phase, bytes| {
        if phase == ImportPhase::Checking && bytes == size {
            std::fs::write(&swap_path, &other).unwrap();
        }
    })
    .await
    .expect_err("the file changed");
    assert!(matches!(error, TransferError::File(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("changed while it was being imported"),
        "{error}"
    );
    assert_eq!(count(to.database(), "events").await, 0);
    assert_eq!(count(to.database(), "event_chain").await, 0);
}
