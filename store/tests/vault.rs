//! The personal-data vault on both backends: sealing, crypto-shredding and email digests.

use serde::{Deserialize, Serialize};
use store::testing::{TestPostgres, TestSqlite};
use store::vault::{open, open_json, seal, seal_json, SEAL_ALGORITHM};
use store::{Database, Vault, VaultError};

use domain::values::AccountId;

use store::on_both_backends;

on_both_backends!(sealed_values_round_trip);
async fn sealed_values_round_trip(db: Database) {
    let vault = Vault::new(&db);
    let ada = AccountId::new();
    let key = vault.create_key(ada).await.unwrap();
    let sealed = seal(&key, ada, "display_name", "Ada Lovelace".as_bytes());
    assert_eq!(sealed.alg, SEAL_ALGORITHM);
    assert!(!sealed.ciphertext.contains("Ada"));
    assert_eq!(
        open(&key, ada, "display_name", &sealed).unwrap(),
        b"Ada Lovelace"
    );

    // The key read back later (another process, after a restart) opens it too.
    let reread = Vault::new(&db).key(ada).await.unwrap().expect("a key");
    assert_eq!(
        open(&reread, ada, "display_name", &sealed).unwrap(),
        b"Ada Lovelace"
    );

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Contact {
        email: String,
        phone: Option<String>,
    }
    let contact = Contact {
        email: "ada@example.org".into(),
        phone: None,
    };
    let sealed = seal_json(&key, ada, "contact", &contact).unwrap();
    assert_eq!(
        open_json::<Contact>(&key, ada, "contact", &sealed).unwrap(),
        contact
    );
    // The sealed form is what travels in events.
    let in_event = serde_json::to_string(&sealed).unwrap();
    assert!(!in_event.contains("ada@example.org"));
}

on_both_backends!(creating_a_key_twice_returns_the_first);
async fn creating_a_key_twice_returns_the_first(db: Database) {
    let vault = Vault::new(&db);
    let ada = AccountId::new();
    assert!(vault.key(ada).await.unwrap().is_none());
    let first = vault.create_key(ada).await.unwrap();
    let sealed = seal(&first, ada, "name", b"Ada");
    let second = vault.create_key(ada).await.unwrap();
    assert_eq!(open(&second, ada, "name", &sealed).unwrap(), b"Ada");
}

on_both_backends!(values_cannot_move_between_people_or_fields);
async fn values_cannot_move_between_people_or_fields(db: Database) {
    let vault = Vault::new(&db);
    let ada = AccountId::new();
    let grace = AccountId::new();
    let ada_key = vault.create_key(ada).await.unwrap();
    let grace_key = vault.create_key(grace).await.unwrap();
    let sealed = seal(&ada_key, ada, "display_name", b"Ada");

    // Another person's key.
    assert_eq!(
        open(&grace_key, ada, "display_name", &sealed),
        Err(VaultError::Undecryptable)
    );
    assert_eq!(
        open(&grace_key, grace, "display_name", &sealed),
        Err(VaultError::Undecryptable)
    );
    // The right key, but claimed for another account or another field.
    assert_eq!(
        open(&ada_key, grace, "display_name", &sealed),
        Err(VaultError::Undecryptable)
    );
    assert_eq!(
        open(&ada_key, ada, "bio", &sealed),
        Err(VaultError::Undecryptable)
    );
    // Tampered ciphertext.
    let mut tampered = sealed.clone();
    let mut bytes = tampered.ciphertext.into_bytes();
    bytes[0] = if bytes[0] == b'A' { b'B' } else { b'A' };
    tampered.ciphertext = String::from_utf8(bytes).unwrap();
    assert_eq!(
        open(&ada_key, ada, "display_name", &tampered),
        Err(VaultError::Undecryptable)
    );
    assert_eq!(
        open_json::<String>(&grace_key, ada, "display_name", &sealed),
        Err(VaultError::Undecryptable)
    );
}

on_both_backends!(erasing_a_key_shreds_what_it_sealed);
async fn erasing_a_key_shreds_what_it_sealed(db: Database) {
    let vault = Vault::new(&db);
    let ada = AccountId::new();
    let grace = AccountId::new();
    let key = vault.create_key(ada).await.unwrap();
    let _grace_key = vault.create_key(grace).await.unwrap();
    let sealed = seal(&key, ada, "display_name", b"Ada");
    drop(key);

    assert!(vault.erase(ada).await.unwrap());
    assert!(vault.key(ada).await.unwrap().is_none());
    assert!(!vault.erase(ada).await.unwrap(), "nothing left to erase");
    assert!(
        vault.key(grace).await.unwrap().is_some(),
        "only that person's key goes"
    );

    // A key created afterwards is a new one: the old data stays unreadable.
    let new_key = vault.create_key(ada).await.unwrap();
    assert_eq!(
        open(&new_key, ada, "display_name", &sealed),
        Err(VaultError::Undecryptable)
    );
}

on_both_backends!(email_digests_are_stable_and_distinct);
async fn email_digests_are_stable_and_distinct(db: Database) {
    let first = Vault::new(&db);
    let second = Vault::new(&db);
    let (a, b) = tokio::join!(
        first.email_digest("ada@example.org"),
        second.email_digest("ada@example.org")
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b, "two vaults racing to create the secret agree");
    assert_eq!(a.as_str().len(), 64);
    assert!(a
        .as_str()
        .bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    assert_eq!(first.email_digest("ada@example.org").await.unwrap(), a);
    assert_eq!(
        Vault::new(&db)
            .email_digest("ada@example.org")
            .await
            .unwrap(),
        a
    );
    let other = first.email_digest("grace@example.org").await.unwrap();
    assert_ne!(other, a);
    // The address itself cannot be in it: a digest is hex digits only (checked above). Looking
    // for "ada" in it would fail at random, since a, d and a are hex digits too.
}

#[tokio::test]
async fn email_digests_are_keyed_per_server() {
    // The digest is an HMAC under a per-installation secret, not a bare hash: two databases
    // give different digests for the same address.
    let (_pg, postgres) = TestPostgres::migrated().await;
    let (_sqlite, sqlite) = TestSqlite::migrated().await;
    let a = Vault::new(&postgres)
        .email_digest("ada@example.org")
        .await
        .unwrap();
    let b = Vault::new(&sqlite)
        .email_digest("ada@example.org")
        .await
        .unwrap();
    assert_ne!(a, b);
}

on_both_backends!(keys_are_read_together_and_an_erased_account_has_none);
async fn keys_are_read_together_and_an_erased_account_has_none(db: Database) {
    let vault = Vault::new(&db);
    let (ada, grace, linus) = (AccountId::new(), AccountId::new(), AccountId::new());
    vault.create_key(ada).await.unwrap();
    let grace_key = vault.create_key(grace).await.unwrap();
    assert!(vault.erase(ada).await.unwrap());

    let keys = vault.keys(&[ada, grace, linus]).await.unwrap();
    assert_eq!(
        keys.keys().collect::<Vec<_>>(),
        [&grace],
        "the erased account and the one never given a key are left out"
    );
    let sealed = seal(&grace_key, grace, "display_name", b"Grace");
    assert_eq!(
        open(&keys[&grace], grace, "display_name", &sealed).unwrap(),
        b"Grace",
        "the key read together is the account's own"
    );
    assert!(vault.keys(&[]).await.unwrap().is_empty());
}
