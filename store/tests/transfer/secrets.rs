//! Person keys and server secrets move with the log: what was sealed at the source opens at the
//! target, and email digests (sign-in by email) are the same.

use domain::values::AccountId;
use store::transfer::{export_secrets, import_secrets, SecretsFile, TransferError};
use store::vault::{open, seal};
use store::{EventLog, Vault};

use super::*;

across_backends!(secrets_move_to_another_store);
async fn secrets_move_to_another_store(from: EventLog, to: EventLog) {
    let source = Vault::new(from.database());
    let ada = AccountId::new();
    let key = source.create_key(ada).await.unwrap();
    source.create_key(AccountId::new()).await.unwrap();
    let digest = source.email_digest("ada@example.org").await.unwrap();

    let exported = export_secrets(from.database()).await.unwrap();
    assert_eq!(
        (exported.person_keys.len(), exported.server_secrets.len()),
        (2, 1)
    );
    let text = serde_json::to_string(&exported).unwrap();
    assert!(
        !format!("{exported:?}").contains(&text[text.find("\"key\":\"").unwrap() + 7..][..20]),
        "Debug shows no key material"
    );
    let file: SecretsFile = serde_json::from_str(&text).unwrap();
    let summary = import_secrets(to.database(), &file).await.unwrap();
    assert_eq!((summary.person_keys, summary.server_secrets), (2, 1));

    let target = Vault::new(to.database());
    let moved = target.key(ada).await.unwrap().expect("Ada's key moved");
    let sealed = seal(&key, ada, "name", b"Ada Lovelace");
    assert_eq!(open(&moved, ada, "name", &sealed).unwrap(), b"Ada Lovelace");
    assert_eq!(
        target.email_digest("ada@example.org").await.unwrap(),
        digest
    );

    let again = import_secrets(to.database(), &file).await.unwrap_err();
    assert!(matches!(again, TransferError::Refused(_)), "{again:?}");
    assert!(
        again.to_string().contains("already has 2 person key(s)"),
        "{again}"
    );
    assert_eq!(count(to.database(), "person_keys").await, 2);
}

on_both_backends!(a_bad_secrets_file_writes_nothing);
async fn a_bad_secrets_file_writes_nothing(to: EventLog) {
    let (_source, from) = store::testing::sqlite_log().await;
    let vault = Vault::new(from.database());
    vault.create_key(AccountId::new()).await.unwrap();
    vault.email_digest("someone@example.org").await.unwrap();
    let text = serde_json::to_string(&export_secrets(from.database()).await.unwrap()).unwrap();

    // The secret cut short: the person key before it must not be written either.
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["server_secrets"][0]["secret"] = "c2hvcnQ=".into();
    let short: SecretsFile = serde_json::from_value(value).unwrap();
    let error = import_secrets(to.database(), &short).await.unwrap_err();
    assert!(
        error.to_string().contains("has 5 bytes, fewer than 32"),
        "{error}"
    );
    assert_eq!(count(to.database(), "person_keys").await, 0);
    assert_eq!(count(to.database(), "server_secrets").await, 0);

    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["format"] = "articula-events".into();
    let other: SecretsFile = serde_json::from_value(value).unwrap();
    let error = import_secrets(to.database(), &other).await.unwrap_err();
    assert!(
        error.to_string().contains("not an Articula secrets file"),
        "{error}"
    );
    assert_eq!(count(to.database(), "person_keys").await, 0);
}
