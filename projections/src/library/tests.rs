//! A member's own submissions: every state but withdrawn, newest first, none of anyone else's.

use domain::publication::{Kind, Publication, PublicationContent, PublicationEvent};
use domain::values::{AccountId, Description, PublicationId, Reason, Title};

use super::Library;
use crate::test_events::{minute, TestFeed};
use crate::Projection;

fn submitted(id: PublicationId, author: AccountId, title: &str, at: i64) -> PublicationEvent {
    PublicationEvent::PublicationSubmitted {
        publication_id: id,
        author,
        content: PublicationContent {
            title: Title::new(title).unwrap(),
            summary: Description::new("Resumen").unwrap(),
            link: None,
            kind: Kind::Publication,
            language: None,
            topic: None,
            format: None,
        },
        at: minute(at),
    }
}

#[test]
fn an_author_lists_their_own_items_in_every_state_but_withdrawn_newest_first() {
    let (author, other) = (AccountId::new(), AccountId::new());
    let ids: Vec<PublicationId> = (0..4).map(|_| PublicationId::new()).collect();
    let mut feed = TestFeed::new();
    let mut library = Library::default();
    let mut apply = |id: PublicationId, event: PublicationEvent| {
        let envelope = feed.event::<Publication>(id, event);
        library.apply(&envelope).unwrap();
    };
    apply(ids[0], submitted(ids[0], author, "Guía", 1));
    apply(ids[1], submitted(ids[1], author, "Informe", 2));
    apply(ids[2], submitted(ids[2], other, "Ajeno", 3));
    apply(ids[3], submitted(ids[3], author, "Retirado", 4));
    apply(
        ids[0],
        PublicationEvent::PublicationRejected {
            rejected_by: other,
            reason: Reason::new("Falta la fuente").unwrap(),
            at: minute(5),
        },
    );
    apply(
        ids[3],
        PublicationEvent::PublicationWithdrawn {
            withdrawn_by: author,
            at: minute(6),
        },
    );

    let mine = library.by_author(author, 10);
    let titles: Vec<String> = mine
        .iter()
        .map(|i| i.item.content().unwrap().title.to_string())
        .collect();
    assert_eq!(titles, ["Informe", "Guía"]);
    assert!(mine.iter().all(|i| i.privileged));
    assert_eq!(
        mine[1].item.rejection_reason().map(|r| r.to_string()),
        Some("Falta la fuente".to_owned())
    );
    assert_eq!(library.by_author(author, 1).len(), 1);
    assert!(library.by_author(AccountId::new(), 10).is_empty());
}
