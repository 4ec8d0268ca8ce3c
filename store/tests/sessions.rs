//! Sessions and setup tokens on both backends. Times are passed explicitly, so expiry is tested
//! without waiting.

use chrono::{DateTime, Duration, TimeZone, Utc};
use store::{Database, SessionCheck, Sessions, SetupCheck};

use domain::values::AccountId;

use store::on_both_backends;

/// A fixed "now" with sub-second digits, which both backends must keep exactly.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 5, 17, 9, 30, 0).unwrap() + Duration::microseconds(123_456)
}

on_both_backends!(an_issued_session_authenticates_until_it_expires);
async fn an_issued_session_authenticates_until_it_expires(db: Database) {
    let sessions = Sessions::new(&db);
    let ada = AccountId::new();
    let (token, expires_at) = sessions
        .issue_at(ada, Duration::hours(12), t0())
        .await
        .unwrap();
    assert_eq!(expires_at, t0() + Duration::hours(12));
    assert!(token.expose().starts_with("art_"));
    assert_eq!(format!("{token:?}"), "Token(redacted)");

    let valid = SessionCheck::Valid {
        account: ada,
        expires_at,
        account_version: 0,
    };
    assert_eq!(
        sessions
            .authenticate_at(token.expose(), t0())
            .await
            .unwrap(),
        valid
    );
    assert_eq!(
        sessions
            .authenticate_at(token.expose(), expires_at - Duration::microseconds(1))
            .await
            .unwrap(),
        valid
    );
    assert_eq!(
        sessions
            .authenticate_at(token.expose(), expires_at)
            .await
            .unwrap(),
        SessionCheck::Expired
    );
    assert_eq!(
        sessions
            .authenticate_at(token.expose(), expires_at + Duration::days(1))
            .await
            .unwrap(),
        SessionCheck::Expired
    );

    // The wall-clock variants: a session issued now with a day to live is valid now.
    let (live, _) = sessions.issue(ada, Duration::days(1)).await.unwrap();
    assert!(matches!(
        sessions.authenticate(live.expose()).await.unwrap(),
        SessionCheck::Valid { account, .. } if account == ada
    ));
    let (stale, _) = sessions.issue(ada, Duration::seconds(-1)).await.unwrap();
    assert_eq!(
        sessions.authenticate(stale.expose()).await.unwrap(),
        SessionCheck::Expired
    );
}

on_both_backends!(unknown_and_malformed_tokens_are_unknown);
async fn unknown_and_malformed_tokens_are_unknown(db: Database) {
    let sessions = Sessions::new(&db);
    let ada = AccountId::new();
    let (token, _) = sessions
        .issue_at(ada, Duration::hours(1), t0())
        .await
        .unwrap();
    // A well-formed token that was never issued (here: issued on another database).
    let (_other, other_db) = store::testing::TestSqlite::migrated().await;
    let (foreign, _) = Sessions::new(&other_db)
        .issue_at(ada, Duration::hours(1), t0())
        .await
        .unwrap();
    let mut altered = token.expose().to_string();
    altered.pop();
    altered.push(if token.expose().ends_with('A') {
        'B'
    } else {
        'A'
    });
    for presented in [
        foreign.expose(),
        altered.as_str(),
        "",
        "art_",
        "Bearer whatever",
        &token.expose()[4..],
        &token.expose().to_uppercase(),
    ] {
        assert_eq!(
            sessions.authenticate_at(presented, t0()).await.unwrap(),
            SessionCheck::Unknown,
            "{presented:?}"
        );
        assert!(!sessions.revoke(presented).await.unwrap());
    }
}

on_both_backends!(a_revoked_session_is_revoked);
async fn a_revoked_session_is_revoked(db: Database) {
    let sessions = Sessions::new(&db);
    let ada = AccountId::new();
    let (signed_out, _) = sessions
        .issue_at(ada, Duration::hours(1), t0())
        .await
        .unwrap();
    let (other, _) = sessions
        .issue_at(ada, Duration::hours(1), t0())
        .await
        .unwrap();
    assert!(sessions.revoke(signed_out.expose()).await.unwrap());
    assert!(
        !sessions.revoke(signed_out.expose()).await.unwrap(),
        "already revoked"
    );
    assert_eq!(
        sessions
            .authenticate_at(signed_out.expose(), t0())
            .await
            .unwrap(),
        SessionCheck::Revoked
    );
    // Revoked wins over expired: the person signed out, the session did not just run out.
    assert_eq!(
        sessions
            .authenticate_at(signed_out.expose(), t0() + Duration::days(1))
            .await
            .unwrap(),
        SessionCheck::Revoked
    );
    assert!(matches!(
        sessions
            .authenticate_at(other.expose(), t0())
            .await
            .unwrap(),
        SessionCheck::Valid { .. }
    ));
}

on_both_backends!(revoke_all_ends_every_live_session_of_one_account);
async fn revoke_all_ends_every_live_session_of_one_account(db: Database) {
    let sessions = Sessions::new(&db);
    let ada = AccountId::new();
    let grace = AccountId::new();
    let (laptop, _) = sessions
        .issue_at(ada, Duration::hours(8), t0())
        .await
        .unwrap();
    let (phone, _) = sessions
        .issue_at(ada, Duration::days(30), t0())
        .await
        .unwrap();
    let (old, _) = sessions
        .issue_at(ada, Duration::hours(1), t0() - Duration::days(2))
        .await
        .unwrap();
    let (signed_out, _) = sessions
        .issue_at(ada, Duration::hours(8), t0())
        .await
        .unwrap();
    assert!(sessions.revoke(signed_out.expose()).await.unwrap());
    let (graces, _) = sessions
        .issue_at(grace, Duration::hours(8), t0())
        .await
        .unwrap();

    assert_eq!(sessions.revoke_all_at(ada, t0()).await.unwrap(), 2);
    for token in [&laptop, &phone] {
        assert_eq!(
            sessions
                .authenticate_at(token.expose(), t0())
                .await
                .unwrap(),
            SessionCheck::Revoked
        );
    }
    assert_eq!(
        sessions.authenticate_at(old.expose(), t0()).await.unwrap(),
        SessionCheck::Expired
    );
    assert!(matches!(
        sessions.authenticate_at(graces.expose(), t0()).await.unwrap(),
        SessionCheck::Valid { account, .. } if account == grace
    ));
    assert_eq!(sessions.revoke_all_at(ada, t0()).await.unwrap(), 0);
    assert_eq!(sessions.revoke_all(AccountId::new()).await.unwrap(), 0);
}

on_both_backends!(pruning_removes_only_long_expired_rows);
async fn pruning_removes_only_long_expired_rows(db: Database) {
    let sessions = Sessions::new(&db);
    let ada = AccountId::new();
    let (old, _) = sessions
        .issue_at(ada, Duration::hours(1), t0() - Duration::days(60))
        .await
        .unwrap();
    let (recent, _) = sessions
        .issue_at(ada, Duration::hours(1), t0() - Duration::days(2))
        .await
        .unwrap();
    let _old_setup = sessions
        .issue_setup_at(
            AccountId::new(),
            Duration::hours(1),
            t0() - Duration::days(60),
        )
        .await
        .unwrap();
    assert_eq!(
        sessions
            .prune_expired(t0() - Duration::days(30))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        sessions.authenticate_at(old.expose(), t0()).await.unwrap(),
        SessionCheck::Unknown
    );
    assert_eq!(
        sessions
            .authenticate_at(recent.expose(), t0())
            .await
            .unwrap(),
        SessionCheck::Expired
    );
}

on_both_backends!(a_setup_token_is_accepted_once);
async fn a_setup_token_is_accepted_once(db: Database) {
    let sessions = Sessions::new(&db);
    let ada = AccountId::new();
    let token = sessions
        .issue_setup_at(ada, Duration::days(7), t0())
        .await
        .unwrap();
    assert_eq!(
        sessions
            .consume_setup_at(ada, token.expose(), t0() + Duration::days(1))
            .await
            .unwrap(),
        SetupCheck::Accepted
    );
    assert_eq!(
        sessions
            .consume_setup_at(ada, token.expose(), t0() + Duration::days(1))
            .await
            .unwrap(),
        SetupCheck::Invalid
    );
    assert!(!sessions.revoke_setup(ada).await.unwrap(), "used up");
    // A setup token is not a session token.
    assert_eq!(
        sessions
            .authenticate_at(token.expose(), t0())
            .await
            .unwrap(),
        SessionCheck::Unknown
    );

    // Wall-clock variants.
    let grace = AccountId::new();
    let token = sessions
        .issue_setup(grace, Duration::days(1))
        .await
        .unwrap();
    assert_eq!(
        sessions.consume_setup(grace, token.expose()).await.unwrap(),
        SetupCheck::Accepted
    );
}

on_both_backends!(wrong_expired_replaced_and_revoked_setup_tokens_are_refused);
async fn wrong_expired_replaced_and_revoked_setup_tokens_are_refused(db: Database) {
    let sessions = Sessions::new(&db);
    let ada = AccountId::new();
    let grace = AccountId::new();
    let adas = sessions
        .issue_setup_at(ada, Duration::days(7), t0())
        .await
        .unwrap();
    let graces = sessions
        .issue_setup_at(grace, Duration::days(7), t0())
        .await
        .unwrap();

    // Wrong token: another account's, a malformed one, or for an account without one.
    for presented in [graces.expose(), "art_nope", ""] {
        assert_eq!(
            sessions
                .consume_setup_at(ada, presented, t0())
                .await
                .unwrap(),
            SetupCheck::Invalid,
            "{presented:?}"
        );
    }
    assert_eq!(
        sessions
            .consume_setup_at(AccountId::new(), adas.expose(), t0())
            .await
            .unwrap(),
        SetupCheck::Invalid
    );

    // Expired: the right token, too late; it stays invalid-by-time and is not used up.
    let late = t0() + Duration::days(7);
    assert_eq!(
        sessions
            .consume_setup_at(ada, adas.expose(), late)
            .await
            .unwrap(),
        SetupCheck::Expired
    );
    assert_eq!(
        sessions
            .consume_setup_at(ada, graces.expose(), late)
            .await
            .unwrap(),
        SetupCheck::Invalid,
        "a wrong token learns nothing about expiry"
    );

    // Replaced: only the newest token works.
    let newer = sessions
        .issue_setup_at(ada, Duration::days(7), late)
        .await
        .unwrap();
    assert_eq!(
        sessions
            .consume_setup_at(ada, adas.expose(), late)
            .await
            .unwrap(),
        SetupCheck::Invalid
    );

    // Revoked.
    assert!(sessions.revoke_setup(ada).await.unwrap());
    assert!(!sessions.revoke_setup(ada).await.unwrap());
    assert_eq!(
        sessions
            .consume_setup_at(ada, newer.expose(), late)
            .await
            .unwrap(),
        SetupCheck::Invalid
    );

    // Grace's token was untouched by all of this.
    assert_eq!(
        sessions
            .consume_setup_at(grace, graces.expose(), t0())
            .await
            .unwrap(),
        SetupCheck::Accepted
    );
}

on_both_backends!(concurrent_setup_presentations_accept_one);
async fn concurrent_setup_presentations_accept_one(db: Database) {
    let sessions = Sessions::new(&db);
    let ada = AccountId::new();
    let token = sessions
        .issue_setup_at(ada, Duration::days(7), t0())
        .await
        .unwrap();
    let attempts = (0..8).map(|_| sessions.consume_setup_at(ada, token.expose(), t0()));
    let outcomes = futures::future::join_all(attempts).await;
    let accepted = outcomes
        .into_iter()
        .map(Result::unwrap)
        .filter(|o| *o == SetupCheck::Accepted)
        .count();
    assert_eq!(accepted, 1);
}

on_both_backends!(sessions_presented_at_once_each_get_their_own_answer);
/// Many requests presenting tokens at the same moment (released together), as a loaded server
/// sees them: on PostgreSQL their reads share queries, and each must still get its own
/// session's answer — valid for its own account, revoked, expired or unknown — and a token
/// revoked before the reads began must never read as valid.
async fn sessions_presented_at_once_each_get_their_own_answer(db: Database) {
    let sessions = Sessions::new(&db);
    let mut expected = Vec::new();
    for n in 0..48 {
        let account = AccountId::new();
        let (token, expires_at) = sessions
            .issue_at(account, Duration::hours(1), t0())
            .await
            .unwrap();
        let answer = match n % 4 {
            0 => SessionCheck::Valid {
                account,
                expires_at,
                account_version: 0,
            },
            1 => {
                assert!(sessions.revoke_at(token.expose(), t0()).await.unwrap());
                SessionCheck::Revoked
            }
            2 => {
                // Presented after it expired.
                expected.push((
                    token.expose().to_string(),
                    expires_at + Duration::seconds(1),
                    SessionCheck::Expired,
                ));
                continue;
            }
            _ => {
                let unknown = format!("{}x", &token.expose()[..token.expose().len() - 1]);
                expected.push((unknown, t0(), SessionCheck::Unknown));
                SessionCheck::Valid {
                    account,
                    expires_at,
                    account_version: 0,
                }
            }
        };
        expected.push((token.expose().to_string(), t0(), answer));
    }
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(expected.len()));
    let reads: Vec<_> = expected
        .iter()
        .cloned()
        .map(|(token, at, answer)| {
            let sessions = sessions.clone();
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                (sessions.authenticate_at(&token, at).await.unwrap(), answer)
            })
        })
        .collect();
    for read in reads {
        let (got, answer) = read.await.unwrap();
        assert_eq!(got, answer);
    }
}
