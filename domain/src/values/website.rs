//! A public website address.
//!
//! Validated by hand rather than with the `url` crate: the rule we need is narrow (an absolute
//! http(s) address of a public host, no credentials), and a full URL parser accepts many things
//! (`http://localhost`, `http://user:pw@host`, bare IPs) that we would then have to refuse anyway.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::ValueError;

/// An absolute `http://` or `https://` address whose host is a domain name with at least two
/// labels (`example.org`, `clúster.cl`). The scheme and host are stored in lower case; the path,
/// query and fragment are kept as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Website(String);

impl Website {
    pub const FIELD: &'static str = "website";
    pub const MAX: usize = 2000;

    pub fn new(raw: impl AsRef<str>) -> Result<Self, ValueError> {
        let raw = raw.as_ref().trim();
        let bad = |why: &str| {
            Err(ValueError::new(
                Self::FIELD,
                format!("'{raw}' is not a usable website address: {why}"),
            ))
        };
        if raw.chars().count() > Self::MAX {
            return bad(&format!("it is longer than {} characters", Self::MAX));
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad("it contains spaces or invisible characters");
        }
        let starts = |prefix: &str| {
            raw.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        };
        let (scheme, rest) = if starts("https://") {
            ("https", &raw[8..])
        } else if starts("http://") {
            ("http", &raw[7..])
        } else {
            return bad("it must start with https:// or http://");
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return bad("it must not contain a user name or password");
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        if let Some(p) = port {
            if !p.bytes().all(|b| b.is_ascii_digit())
                || !matches!(p.parse::<u16>(), Ok(1..))
                || p.starts_with('0')
            {
                return bad("the port after ':' must be a number from 1 to 65535");
            }
        }
        let host = host.to_lowercase();
        let host = host.strip_suffix('.').unwrap_or(&host);
        if host.is_empty() {
            return bad("it has no host name");
        }
        let labels: Vec<&str> = host.split('.').collect();
        if labels.len() < 2 {
            return bad("the host must be a domain name such as example.org");
        }
        for label in &labels {
            let ok = !label.is_empty()
                && label.chars().count() <= 63
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return bad(
                    "the host name may only hold letters, digits and inner hyphens between dots",
                );
            }
        }
        let tld = labels[labels.len() - 1];
        if !(tld.starts_with("xn--")
            || (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic)))
        {
            return bad("the host must end in a top-level domain such as .org or .cl");
        }
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        Ok(Self(format!("{scheme}://{host}{port}{tail}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Website {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl TryFrom<String> for Website {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::new(s)
    }
}
impl TryFrom<&str> for Website {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<Self, ValueError> {
        Self::new(s)
    }
}
impl From<Website> for String {
    fn from(w: Website) -> String {
        w.0
    }
}
