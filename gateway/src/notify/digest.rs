//! Submissions to review told together. Every moderator hears of every submission, so one mail
//! per submission is submissions × moderators mails: a burst of registrations (an import, a
//! partner network signing up its members, the notifier catching up after an outage) would
//! bury each moderator in mail. Within one batch of the feed, a moderator's notices of things to
//! review become one mail listing them all, each with its link, and linking to the queue.
//!
//! At the pace people submit, a batch holds one submission and nothing changes: the mail is
//! the one it always was, with the same id. A digest is recorded with its batch, in the
//! transaction that moves the notifier's checkpoint past every event it lists, so each
//! submission is told to each moderator once, alone or in a digest. Its id (and so its
//! Message-ID) is made from the positions of its first and last submissions: if a power cut
//! loses a recorded batch (its commit does not wait for the disk) after one of its mails went
//! out, the batch is recorded again from the same checkpoint but may end elsewhere, and a
//! digest that lists other submissions must not carry the Message-ID under which receivers
//! would drop it as the one already delivered.

use std::collections::BTreeMap;

use domain::values::AccountId;
use store::FeedPosition;

use super::decide::Intent;
use super::templates::{Notice, Submission};

/// Where a digest links to: the moderators' queue.
const QUEUE: &str = "/moderation";

/// One notification to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Told {
    /// Where the event it tells of sits; a digest's first.
    pub at: FeedPosition,
    /// A digest's last submission's position; `None` for the notice of one event.
    pub through: Option<i64>,
    pub intent: Intent,
}

/// The intents of one batch, each at the position of its event, with every recipient's
/// [`Notice::ToReview`]s made one [`Notice::ToReviewMany`] where there are several, in the place
/// of the first. `base_url` makes the listed links absolute.
pub(super) fn gather(base_url: &str, intents: Vec<(FeedPosition, Intent)>) -> Vec<Told> {
    let mut to_review: BTreeMap<AccountId, usize> = BTreeMap::new();
    for (_, intent) in &intents {
        if matches!(intent.notice, Notice::ToReview { .. }) {
            *to_review.entry(intent.recipient).or_default() += 1;
        }
    }
    let mut gathered: Vec<Told> = Vec::with_capacity(intents.len());
    // Where each recipient's digest is in `gathered`.
    let mut digests: BTreeMap<AccountId, usize> = BTreeMap::new();
    for (at, intent) in intents {
        let alone = |intent| Told {
            at,
            through: None,
            intent,
        };
        let Notice::ToReview { item, title } = &intent.notice else {
            gathered.push(alone(intent));
            continue;
        };
        if to_review.get(&intent.recipient) < Some(&2) {
            gathered.push(alone(intent));
            continue;
        }
        let submission = Submission {
            item: *item,
            title: title.clone(),
            link: format!("{base_url}{}", intent.path),
        };
        match digests.get(&intent.recipient) {
            Some(&index) => {
                let digest = &mut gathered[index];
                digest.through = Some(at.position);
                if let Notice::ToReviewMany { submissions } = &mut digest.intent.notice {
                    submissions.push(submission);
                }
            }
            None => {
                digests.insert(intent.recipient, gathered.len());
                let digest = Intent {
                    notice: Notice::ToReviewMany {
                        submissions: vec![submission],
                    },
                    path: QUEUE.to_string(),
                    ..intent
                };
                gathered.push(Told {
                    at,
                    through: Some(at.position),
                    intent: digest,
                });
            }
        }
    }
    gathered
}

#[cfg(test)]
mod tests {
    use domain::values::Language;

    use super::super::decide::Kind;
    use super::super::templates::Item;
    use super::*;

    const BASE: &str = "https://articula.example";

    fn at(position: i64) -> FeedPosition {
        FeedPosition { tx: 1, position }
    }

    fn account(n: u128) -> AccountId {
        AccountId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn review(recipient: AccountId, title: &str) -> Intent {
        Intent {
            recipient,
            language: Language::Es,
            kind: Kind::ToReview,
            notice: Notice::ToReview {
                item: Item::Initiative,
                title: title.into(),
            },
            path: format!("/initiatives/{title}"),
        }
    }

    fn decision(recipient: AccountId) -> Intent {
        Intent {
            recipient,
            language: Language::En,
            kind: Kind::Decision,
            notice: Notice::Approved {
                item: Item::Initiative,
                title: "Done".into(),
            },
            path: "/initiatives/done".into(),
        }
    }

    #[test]
    fn one_submission_per_recipient_is_told_as_it_always_was() {
        let (moderator, other) = (account(1), account(2));
        let intents = vec![
            (at(1), review(moderator, "a")),
            (at(1), review(other, "a")),
            (at(2), decision(moderator)),
        ];
        let alone: Vec<Told> = intents
            .iter()
            .map(|(at, intent)| Told {
                at: *at,
                through: None,
                intent: intent.clone(),
            })
            .collect();
        assert_eq!(gather(BASE, intents), alone);
    }

    #[test]
    fn a_recipients_submissions_of_one_batch_are_one_mail_in_the_place_of_the_first() {
        let (first, second, manager) = (account(1), account(2), account(3));
        let intents = vec![
            (at(1), review(first, "a")),
            (at(1), review(second, "a")),
            (at(2), decision(manager)),
            (at(3), review(first, "b")),
            (at(4), review(first, "c")),
        ];
        let gathered = gather(BASE, intents);
        let listed = |titles: &[&str]| Notice::ToReviewMany {
            submissions: titles
                .iter()
                .map(|title| Submission {
                    item: Item::Initiative,
                    title: (*title).into(),
                    link: format!("{BASE}/initiatives/{title}"),
                })
                .collect(),
        };
        let digest = Intent {
            notice: listed(&["a", "b", "c"]),
            path: QUEUE.into(),
            ..review(first, "a")
        };
        let alone = |at, intent| Told {
            at,
            through: None,
            intent,
        };
        assert_eq!(
            gathered,
            vec![
                Told {
                    at: at(1),
                    through: Some(4),
                    intent: digest,
                },
                alone(at(1), review(second, "a")),
                alone(at(2), decision(manager)),
            ]
        );
    }
}
