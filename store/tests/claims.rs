//! Moderators' claims on both backends: one holder at a time, renewal, release by the holder
//! only, lapse by the clock. Times are passed explicitly, so expiry is tested without waiting.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::values::AccountId;
use store::{Claimed, Database, ModerationClaims};

use store::on_both_backends;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 5, 17, 9, 30, 0).unwrap() + Duration::microseconds(123_456)
}

const ITEM: &str = "initiative/0190a4a8-2b7e-7000-8000-000000000001";

on_both_backends!(one_moderator_holds_a_claim_until_it_is_released_or_lapses);
async fn one_moderator_holds_a_claim_until_it_is_released_or_lapses(db: Database) {
    let claims = ModerationClaims::new(&db);
    let (ana, bruno) = (AccountId::new(), AccountId::new());
    let ttl = Duration::minutes(30);

    let Claimed::Won(first) = claims.claim_at(ITEM, ana, ttl, t0()).await.unwrap() else {
        panic!("the first claim wins");
    };
    assert_eq!((first.account, first.claimed_at), (ana, t0()));
    assert_eq!(first.expires_at, t0() + ttl);
    // Another moderator meets Ana's claim, exactly as stored.
    let later = t0() + Duration::minutes(10);
    assert_eq!(
        claims.claim_at(ITEM, bruno, ttl, later).await.unwrap(),
        Claimed::HeldBy(first)
    );
    // Ana renews hers.
    let renewed = claims.claim_at(ITEM, ana, ttl, later).await.unwrap();
    assert!(matches!(renewed, Claimed::Won(c) if c.expires_at == later + ttl));
    // Only the holder's release counts.
    assert!(!claims.release(ITEM, bruno).await.unwrap());
    assert_eq!(
        claims
            .holder_at(ITEM, later)
            .await
            .unwrap()
            .map(|c| c.account),
        Some(ana)
    );
    assert!(claims.release(ITEM, ana).await.unwrap());
    assert_eq!(claims.holder_at(ITEM, later).await.unwrap(), None);

    // A lapsed claim is nobody's: it is not listed and anyone may take it over.
    claims.claim_at(ITEM, ana, ttl, t0()).await.unwrap();
    let lapsed = t0() + ttl;
    assert!(claims.live_at(lapsed).await.unwrap().is_empty());
    let taken = claims.claim_at(ITEM, bruno, ttl, lapsed).await.unwrap();
    assert!(matches!(taken, Claimed::Won(c) if c.account == bruno));
    let live = claims.live_at(lapsed).await.unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!((live[0].0.as_str(), live[0].1.account), (ITEM, bruno));
    // Pruning forgets only what lapsed.
    claims.claim_at("news/x", ana, ttl, t0()).await.unwrap();
    assert_eq!(claims.prune_at(lapsed).await.unwrap(), 1);
    assert_eq!(claims.live_at(lapsed).await.unwrap().len(), 1);
}

on_both_backends!(of_many_claiming_at_once_exactly_one_wins);
async fn of_many_claiming_at_once_exactly_one_wins(db: Database) {
    let claims = ModerationClaims::new(&db);
    let moderators: Vec<AccountId> = (0..8).map(|_| AccountId::new()).collect();
    let attempts = moderators.iter().map(|account| {
        let claims = claims.clone();
        let account = *account;
        tokio::spawn(async move {
            claims
                .claim_at(ITEM, account, Duration::minutes(30), t0())
                .await
                .unwrap()
        })
    });
    let outcomes: Vec<Claimed> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let winners: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            Claimed::Won(c) => Some(c.account),
            Claimed::HeldBy(_) => None,
        })
        .collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    for outcome in &outcomes {
        if let Claimed::HeldBy(claim) = outcome {
            assert_eq!(claim.account, winners[0]);
        }
    }
}

on_both_backends!(a_decided_item_loses_its_claim_whoever_held_it);
async fn a_decided_item_loses_its_claim_whoever_held_it(db: Database) {
    let claims = ModerationClaims::new(&db);
    let ana = AccountId::new();
    claims
        .claim_at(ITEM, ana, Duration::minutes(30), t0())
        .await
        .unwrap();
    claims
        .claim_at("news/x", ana, Duration::minutes(30), t0())
        .await
        .unwrap();
    assert!(claims.end(ITEM).await.unwrap());
    assert!(!claims.end(ITEM).await.unwrap());
    let live = claims.live_at(t0()).await.unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].0, "news/x");
}
