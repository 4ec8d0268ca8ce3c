//! The notifier's record on both backends: a batch's notifications and the checkpoint's move are
//! written together or not at all, a stale checkpoint writes nothing, and recording an event
//! again adds no second notification.

use store::notifications::{Commit, NewNotification, Notifications};
use store::{Database, FeedPosition};

use store::on_both_backends;

fn notice(id: &str, position: i64) -> NewNotification {
    NewNotification {
        id: id.into(),
        event_position: position,
        recipient: "0190a4a8-2b7e-7000-8000-0000000000aa".into(),
        kind: "to_review".into(),
        language: "es".into(),
        subject: "Nueva iniciativa".into(),
        body_text: "Hay una iniciativa por revisar.".into(),
        body_html: "<p>Hay una iniciativa por revisar.</p>".into(),
        message_id: format!("{id}@articula.test"),
    }
}

fn at(tx: i64, position: i64) -> FeedPosition {
    FeedPosition { tx, position }
}

on_both_backends!(a_batch_is_recorded_with_its_checkpoint_or_not_at_all);
async fn a_batch_is_recorded_with_its_checkpoint_or_not_at_all(db: Database) {
    let notifications = Notifications::new(&db);
    let recipient = notice("a", 1).recipient;
    let start = notifications.checkpoint().await.unwrap();
    let first = at(start.tx + 10, start.position + 2);
    let batch = [notice("a", first.position - 1), notice("b", first.position)];

    assert!(notifications
        .record(start, first, &batch, 1_000)
        .await
        .unwrap());
    assert_eq!(notifications.checkpoint().await.unwrap(), first);
    assert_eq!(notifications.ids_for(&recipient).await.unwrap(), ["a", "b"]);

    // Another notifier moved the checkpoint first: nothing of this batch is written.
    let later = at(first.tx + 1, first.position + 1);
    let stale = notifications
        .record(start, later, &[notice("c", later.position)], 2_000)
        .await
        .unwrap();
    assert!(!stale);
    assert_eq!(notifications.checkpoint().await.unwrap(), first);
    assert_eq!(notifications.ids_for(&recipient).await.unwrap(), ["a", "b"]);

    // The same events recorded again (a crash before the checkpoint's move was kept): the
    // checkpoint moves, and no notification is there twice.
    let again = [notice("b", first.position), notice("c", later.position)];
    assert!(notifications
        .record(first, later, &again, 3_000)
        .await
        .unwrap());
    assert_eq!(notifications.checkpoint().await.unwrap(), later);
    assert_eq!(
        notifications.ids_for(&recipient).await.unwrap(),
        ["a", "b", "c"]
    );

    // A batch that tells no one still moves the checkpoint.
    let quiet = at(later.tx + 1, later.position + 5);
    assert!(notifications
        .record(later, quiet, &[], 4_000)
        .await
        .unwrap());
    assert_eq!(notifications.checkpoint().await.unwrap(), quiet);
}

on_both_backends!(a_mark_reaches_the_rows_named_that_are_still_pending);
async fn a_mark_reaches_the_rows_named_that_are_still_pending(db: Database) {
    let notifications = Notifications::new(&db);
    let start = notifications.checkpoint().await.unwrap();
    let to = at(start.tx + 1, start.position + 3);
    let batch = ["a", "b", "c"].map(|id| notice(id, to.position));
    assert!(notifications
        .record(start, to, &batch, 1_000)
        .await
        .unwrap());
    notifications
        .mark_failed("c", 2_000, "refused", Commit::Unhurried)
        .await
        .unwrap();

    let named = ["a", "c", "not-a-notification"].map(String::from);
    notifications
        .mark_sent(&named, 3_000, Commit::Durable)
        .await
        .unwrap();
    let due: Vec<String> = notifications
        .due(4_000, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(due, ["b"], "b was not named; a is sent");
    assert_eq!(
        notifications.pending_and_failed().await.unwrap(),
        (1, 1),
        "c stays failed: a mark changes only pending rows"
    );
    notifications
        .mark_sent(&[], 5_000, Commit::Durable)
        .await
        .unwrap();
    assert_eq!(notifications.pending_and_failed().await.unwrap(), (1, 1));
}
