//! Personal data a person types in when they sign up: email, name, phone, password, language.
//!
//! These values are checked here but never stored in the clear: the gateway seals name, email
//! and phone into a [`super::Sealed`] and hashes the password before any event is written. Error
//! messages therefore never repeat what was typed (they may end up in logs); they say what to
//! change instead.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::{Lang, Text, TextRules, ValueError};

#[cfg(test)]
#[path = "personal_tests.rs"]
mod personal_tests;

/// An email address in its normalised form: trimmed and lower-cased, so that `Ana@Example.org`
/// and `ana@example.org ` are the same account (the normalised form is what the email digest is
/// computed from).
///
/// Rules (a practical subset of RFC 5321/5322, without quoted local parts, comments or IP
/// literals): one `@`; before it 1 to 64 characters out of letters, digits and
/// ``.!#$%&'*+/=?^_`{|}~-``, not starting or ending with a dot and without two dots in a row;
/// after it a domain of at most 253 characters with at least two labels, each of 1 to 63
/// letters, digits or hyphens (not at either end), the last label of two or more letters; 254
/// characters in all.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

const LOCAL_SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";

impl EmailAddress {
    pub const FIELD: &'static str = "email";
    pub const MAX: usize = 254;

    pub fn new(raw: impl AsRef<str>) -> Result<Self, ValueError> {
        let value = raw.as_ref().trim().to_lowercase();
        let bad = |why: &str| Err(ValueError::new(Self::FIELD, why));
        if value.is_empty() {
            return bad("must not be empty");
        }
        let len = value.chars().count();
        if len > Self::MAX {
            return bad(&format!(
                "is too long to be an email address: it must be at most {} characters (it has {len})",
                Self::MAX
            ));
        }
        let (local, domain) = match value.split_once('@') {
            None => {
                return bad(
                    "is not an email address: it needs one @ and a domain such as example.org",
                )
            }
            Some((_, domain)) if domain.contains('@') => {
                return bad("is not an email address: it must contain exactly one @")
            }
            Some(parts) => parts,
        };
        check_local(local)
            .and_then(|()| check_domain(domain))
            .map_err(|why| ValueError::new(Self::FIELD, why))?;
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or("", |(local, _)| local)
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

fn check_local(local: &str) -> Result<(), &'static str> {
    if local.is_empty() {
        return Err("is not an email address: the part before the @ is missing");
    }
    if local.chars().count() > 64 {
        return Err("the part before the @ must be at most 64 characters long");
    }
    if !local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c))
    {
        return Err(
            "the part before the @ may only contain letters without accents, digits and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ -",
        );
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(
            "the part before the @ must not start or end with a dot, nor have two dots in a row",
        );
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), &'static str> {
    const NEED_DOMAIN: &str =
        "is not an email address: after the @ it needs a domain such as example.org";
    if domain.is_empty() || domain.len() > 253 {
        return Err(NEED_DOMAIN);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(NEED_DOMAIN);
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err(NEED_DOMAIN);
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("the domain after the @ may only contain letters without accents, digits, hyphens and dots");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("the parts of the domain after the @ must not start or end with a hyphen");
        }
    }
    let top = labels[labels.len() - 1];
    if top.len() < 2 || !top.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err("the domain after the @ must end in letters, such as .org or .cl");
    }
    Ok(())
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl FromStr for EmailAddress {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::new(s)
    }
}
impl TryFrom<String> for EmailAddress {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::new(s)
    }
}
impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}

/// Limits of [`DisplayName`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayNameRules {}
impl TextRules for DisplayNameRules {
    const FIELD: &'static str = "display_name";
    const MIN: usize = 1;
    const MAX: usize = 100;
    const MULTILINE: bool = false;
}
/// The name a person is shown by: 1 to 100 characters, one line, no control characters.
pub type DisplayName = Text<DisplayNameRules>;

/// A telephone number: digits with an optional leading `+`. Spaces, dashes, dots and
/// parentheses may be typed as separators and are removed; 7 to 15 digits remain (15 is the
/// E.164 maximum). Stored as `+56912345678`, or `0212345678` when no `+` was given.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub const FIELD: &'static str = "phone";
    pub const MIN_DIGITS: usize = 7;
    pub const MAX_DIGITS: usize = 15;

    pub fn new(raw: impl AsRef<str>) -> Result<Self, ValueError> {
        let raw = raw.as_ref().trim();
        let bad = |why: String| Err(ValueError::new(Self::FIELD, why));
        let (plus, rest) = match raw.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let mut digits = String::with_capacity(Self::MAX_DIGITS + 1);
        if plus {
            digits.push('+');
        }
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                '+' => return bad("may have a + only at the very start".into()),
                _ => {
                    return bad(
                        "may only contain digits, a leading +, and spaces, dashes, dots or parentheses between them"
                            .into(),
                    )
                }
            }
        }
        let count = digits.len() - usize::from(plus);
        if count < Self::MIN_DIGITS {
            return bad(if count == 0 {
                "must not be empty".into()
            } else {
                format!(
                    "must have at least {} digits (it has {count}); include the area code",
                    Self::MIN_DIGITS
                )
            });
        }
        if count > Self::MAX_DIGITS {
            return bad(format!(
                "must have at most {} digits (it has {count})",
                Self::MAX_DIGITS
            ));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl TryFrom<String> for Phone {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::new(s)
    }
}
impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// Passwords so common that attackers try them first. Only entries of 12 or more characters are
/// listed: shorter ones are refused by length anyway. Compared case-insensitively.
const COMMON_PASSWORDS: &[&str] = &[
    "password1234",
    "password12345",
    "password123!",
    "passw0rd1234",
    "p@ssw0rd1234",
    "passwordpassword",
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789000",
    "123456123456",
    "123123123123",
    "qwertyuiopas",
    "qwerty123456",
    "123456qwerty",
    "qwertyqwerty",
    "qwertyuiop12",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "qazwsxedcrfv",
    "zaq12wsxcde3",
    "asdfghjkl123",
    "abcdefghijkl",
    "abc123456789",
    "iloveyou1234",
    "welcome12345",
    "letmein12345",
    "admin1234567",
    "administrator",
    "contraseña123",
    "contrasena123",
    "senha1234567",
    "articula1234",
];

/// A password as typed, checked but never stored: only its argon2 hash is, sealed. Hence no
/// `Serialize`, and `Debug` shows `Password(***)`. Spaces are kept as typed (no trimming).
///
/// Rules: 12 to 128 characters (counted as a person counts them, not bytes), not one character
/// repeated, not one of the most common passwords, and (see [`Password::check_against_email`])
/// not containing the email's local part.
#[derive(Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct Password(String);

impl Password {
    pub const FIELD: &'static str = "password";
    pub const MIN: usize = 12;
    pub const MAX: usize = 128;

    pub fn new(raw: impl Into<String>) -> Result<Self, ValueError> {
        let raw = raw.into();
        let bad = |why: String| Err(ValueError::new(Self::FIELD, why));
        let len = raw.chars().count();
        if len < Self::MIN {
            return bad(if len == 0 {
                "must not be empty".into()
            } else {
                format!(
                    "must be at least {} characters long (it has {len}); a few unrelated words make a long password that is easy to remember",
                    Self::MIN
                )
            });
        }
        if len > Self::MAX {
            return bad(format!(
                "must be at most {} characters long (it has {len})",
                Self::MAX
            ));
        }
        let mut chars = raw.chars();
        if let Some(first) = chars.next() {
            if chars.all(|c| c == first) {
                return bad(
                    "must not be a single character repeated; choose something harder to guess"
                        .into(),
                );
            }
        }
        let lower = raw.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str()) {
            return bad(
                "is one of the most common passwords and would be guessed quickly; choose another"
                    .into(),
            );
        }
        Ok(Self(raw))
    }

    /// Refuses a password that contains the local part of the account's email (when that part
    /// has 4 or more characters), ignoring case: it is the first thing an attacker tries.
    pub fn check_against_email(&self, email: &EmailAddress) -> Result<(), ValueError> {
        let local = email.local_part();
        if local.chars().count() >= 4 && self.0.to_lowercase().contains(local) {
            return Err(ValueError::new(
                Self::FIELD,
                "must not contain your email address; choose something unrelated to it",
            ));
        }
        Ok(())
    }

    /// The password as typed, for hashing or verifying. Nothing else should read it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}
impl TryFrom<String> for Password {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::new(s)
    }
}

/// The language an account reads the platform in.
#[derive(
    Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Es,
    Pt,
    En,
}

impl Language {
    pub const FIELD: &'static str = "language";
    pub const ALL: [Language; 3] = [Language::Es, Language::Pt, Language::En];

    /// The ISO 639-1 code, as in JSON.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Es => "es",
            Self::Pt => "pt",
            Self::En => "en",
        }
    }
}

impl From<Language> for Lang {
    fn from(language: Language) -> Lang {
        match language {
            Language::Es => Lang::Es,
            Language::Pt => Lang::Pt,
            Language::En => Lang::En,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let code = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|l| l.code() == code)
            .ok_or_else(|| ValueError::new(Self::FIELD, "must be one of es, pt or en"))
    }
}
