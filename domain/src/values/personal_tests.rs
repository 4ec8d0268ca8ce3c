//! Property and example tests of the personal-data value types.

use super::*;
use proptest::prelude::*;

fn round_trips<T>(v: &T)
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + fmt::Debug,
{
    let json = serde_json::to_string(v).expect("serialises");
    let back: T = serde_json::from_str(&json).expect("deserialises what it serialised");
    assert_eq!(&back, v, "round trip through {json}");
}

fn valid_email() -> impl Strategy<Value = String> {
    (
        "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]{1,20}(\\.[a-zA-Z0-9_+-]{1,10}){0,2}",
        "([a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?\\.){1,3}[a-zA-Z]{2,6}",
        "[ \t]{0,3}",
    )
        .prop_map(|(local, domain, pad)| format!("{pad}{local}@{domain}{pad}"))
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::new(s).unwrap()
}

proptest! {
    #[test]
    fn valid_emails_are_normalised_and_round_trip(raw in valid_email()) {
        let e = EmailAddress::new(&raw).unwrap();
        prop_assert_eq!(e.as_str(), raw.trim().to_lowercase());
        round_trips(&e);
    }

    #[test]
    fn email_normalisation_is_idempotent(raw in prop_oneof![valid_email(), any::<String>()]) {
        if let Ok(e) = EmailAddress::new(&raw) {
            prop_assert_eq!(EmailAddress::new(e.as_str()).unwrap(), e.clone());
            round_trips(&e);
        }
    }

    #[test]
    fn phones_need_7_to_15_digits(
        digits in "[0-9]{0,25}",
        plus in any::<bool>(),
        seps in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just("."), Just("("), Just(")")], 25),
    ) {
        let mut raw = String::from(if plus { "+" } else { "" });
        for (d, sep) in digits.chars().zip(&seps) {
            raw.push(d);
            raw.push_str(sep);
        }
        let result = Phone::new(&raw);
        if (7..=15).contains(&digits.len()) {
            let p = result.unwrap();
            prop_assert_eq!(p.as_str(), format!("{}{digits}", if plus { "+" } else { "" }));
            prop_assert_eq!(Phone::new(p.as_str()).unwrap(), p.clone());
            round_trips(&p);
        } else {
            prop_assert_eq!(result.unwrap_err().field, "phone");
        }
    }

    #[test]
    fn passwords_shorter_than_12_characters_are_refused(raw in "\\PC{0,11}") {
        prop_assert_eq!(Password::new(raw).unwrap_err().field, "password");
    }

    #[test]
    fn accepted_passwords_deserialise_to_themselves(raw in "\\PC{12,60}") {
        if let Ok(p) = Password::new(raw.clone()) {
            prop_assert_eq!(p.expose(), raw.as_str());
            let json = serde_json::to_string(&raw).unwrap();
            let back: Password = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back.expose(), raw.as_str());
        }
    }

    #[test]
    fn accepted_display_names_round_trip(raw in any::<String>()) {
        if let Ok(n) = DisplayName::new(&raw) {
            let composed: String = unicode_normalization::UnicodeNormalization::nfc(raw.as_str()).collect();
            prop_assert_eq!(n.as_str(), composed.trim());
            round_trips(&n);
        }
    }

    #[test]
    fn garbage_never_panics(raw in any::<String>()) {
        let _ = EmailAddress::new(&raw);
        let _ = DisplayName::new(&raw);
        if let Ok(p) = Phone::new(&raw) {
            round_trips(&p);
        }
        if let Ok(p) = Password::new(raw.clone()) {
            let _ = p.check_against_email(&email("ana@example.org"));
        }
        if let Ok(l) = raw.parse::<Language>() {
            round_trips(&l);
        }
        let json = serde_json::to_string(&raw).unwrap();
        let _ = serde_json::from_str::<EmailAddress>(&json);
        let _ = serde_json::from_str::<Phone>(&json);
        let _ = serde_json::from_str::<Password>(&json);
        let _ = serde_json::from_str::<Language>(&json);
    }
}

#[test]
fn emails_are_trimmed_and_lowercased() {
    let e = email("  Ana.Pérez@Example.ORG ".replace('é', "e").as_str());
    assert_eq!(e.as_str(), "ana.perez@example.org");
    assert_eq!(e.local_part(), "ana.perez");
    assert_eq!(e.domain(), "example.org");
    assert_eq!(
        serde_json::from_str::<EmailAddress>(r#""Ana@Example.org""#).unwrap(),
        email("ana@example.org")
    );
    for ok in [
        "a@b.co",
        "x+tag@sub.domain.cl",
        "o'brien@example.ie",
        "user_name-1@my-host.com.br",
    ] {
        assert!(EmailAddress::new(ok).is_ok(), "{ok}");
    }
}

#[test]
fn malformed_emails_say_what_to_change() {
    let cases = [
        ("", "empty"),
        ("ana.example.org", "needs one @"),
        ("ana@b@example.org", "exactly one @"),
        ("@example.org", "before the @ is missing"),
        ("ana@", "domain such as example.org"),
        ("ana@localhost", "domain such as example.org"),
        ("ana@example..org", "domain such as example.org"),
        (".ana@example.org", "dot"),
        ("ana.@example.org", "dot"),
        ("an..a@example.org", "dot"),
        ("añа@example.org", "letters without accents"),
        ("a b@example.org", "letters without accents"),
        ("ana@exa_mple.org", "hyphens and dots"),
        ("ana@-example.org", "hyphen"),
        ("ana@example-.org", "hyphen"),
        ("ana@example.c", "end in letters"),
        ("ana@example.123", "end in letters"),
    ];
    for (raw, mentions) in cases {
        let err = EmailAddress::new(raw).unwrap_err();
        assert_eq!(err.field, "email");
        assert!(
            err.message.contains(mentions),
            "{raw:?}: {:?} should mention {mentions:?}",
            err.message
        );
        assert!(serde_json::from_str::<EmailAddress>(&format!("{raw:?}")).is_err());
    }
}

#[test]
fn email_lengths_are_bounded() {
    let local64 = "a".repeat(64);
    assert!(EmailAddress::new(format!("{local64}@example.org")).is_ok());
    let err = EmailAddress::new(format!("a{local64}@example.org")).unwrap_err();
    assert!(err.message.contains("at most 64"), "{}", err.message);
    let label63 = "b".repeat(63);
    assert!(EmailAddress::new(format!("a@{label63}.org")).is_ok());
    assert!(EmailAddress::new(format!("a@b{label63}.org")).is_err());
    // 4 labels of 60, dots and ".org": 247 characters of domain: fine alone, too long in all.
    let domain = format!("{0}.{0}.{0}.{0}.org", "c".repeat(60));
    assert!(EmailAddress::new(format!("abcde@{domain}")).is_ok());
    let err = EmailAddress::new(format!("{}@{domain}", "a".repeat(10))).unwrap_err();
    assert!(err.message.contains("at most 254"), "{}", err.message);
}

#[test]
fn display_names_are_single_lines_of_at_most_100() {
    assert_eq!(
        DisplayName::new("  María José  ").unwrap().as_str(),
        "María José"
    );
    for bad in ["", "   ", "Ana\nPérez", "Ana\u{0}"] {
        assert_eq!(DisplayName::new(bad).unwrap_err().field, "display_name");
    }
    assert!(DisplayName::new("n".repeat(100)).is_ok());
    assert!(DisplayName::new("n".repeat(101)).is_err());
}

#[test]
fn phones_drop_separators_and_keep_the_plus() {
    assert_eq!(
        Phone::new(" +56 (9) 1234-5678 ").unwrap().as_str(),
        "+56912345678"
    );
    assert_eq!(Phone::new("02.1234.5678").unwrap().as_str(), "0212345678");
    for (bad, mentions) in [
        ("", "empty"),
        ("+", "empty"),
        ("123456", "at least 7"),
        ("1234567890123456", "at most 15"),
        ("12345+678", "only at the very start"),
        ("++12345678", "only at the very start"),
        ("1234567x", "only contain digits"),
        ("１２３４５６７", "only contain digits"),
    ] {
        let err = Phone::new(bad).unwrap_err();
        assert_eq!(err.field, "phone");
        assert!(err.message.contains(mentions), "{bad:?}: {}", err.message);
    }
}

#[test]
fn passwords_follow_the_rules() {
    let ok = Password::new("correct horse battery").unwrap();
    assert_eq!(ok.expose(), "correct horse battery");
    assert_eq!(format!("{ok:?}"), "Password(***)");
    // Characters, not bytes: 12 accented letters are 24 bytes but enough.
    assert!(Password::new("ñáéíóúñáéíóú").is_ok());
    assert!(Password::new("ñáéíóúñáéíó").is_err());
    assert!(Password::new("x".repeat(128) + "y").is_err());
    assert!(Password::new("y".to_string() + &"x".repeat(127)).is_ok());
    for (bad, mentions) in [
        ("", "empty"),
        ("short", "at least 12"),
        ("aaaaaaaaaaaaaaaa", "single character repeated"),
        ("PASSWORD1234", "most common"),
        ("QwertyUiopAs", "most common"),
        ("123456789012", "most common"),
    ] {
        let err = Password::new(bad).unwrap_err();
        assert_eq!(err.field, "password");
        assert!(err.message.contains(mentions), "{bad:?}: {}", err.message);
    }
}

#[test]
fn passwords_must_not_contain_the_email() {
    let ana = email("ana.perez@example.org");
    let err = Password::new("my-ANA.PEREZ-secret")
        .unwrap()
        .check_against_email(&ana)
        .unwrap_err();
    assert_eq!(err.field, "password");
    assert!(err.message.contains("email"));
    assert!(Password::new("correct horse battery")
        .unwrap()
        .check_against_email(&ana)
        .is_ok());
    // A local part shorter than 4 characters is too common a substring to refuse.
    assert!(Password::new("banana split forever")
        .unwrap()
        .check_against_email(&email("ana@example.org"))
        .is_ok());
}

#[test]
fn languages_parse_and_default_to_spanish() {
    assert_eq!(Language::default(), Language::Es);
    assert_eq!(" PT ".parse::<Language>().unwrap(), Language::Pt);
    assert_eq!(serde_json::to_string(&Language::En).unwrap(), r#""en""#);
    assert_eq!(
        serde_json::from_str::<Language>(r#""es""#).unwrap(),
        Language::Es
    );
    assert!(serde_json::from_str::<Language>(r#""fr""#).is_err());
    let err = "fr".parse::<Language>().unwrap_err();
    assert_eq!(err.field, "language");
    assert_eq!(Lang::from(Language::Pt), Lang::Pt);
}
