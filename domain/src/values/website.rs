//! A public website address.
//!
//! The host rule is narrow and written here (an absolute http(s) address of a public host, no
//! credentials), because a full URL parser accepts many things (`http://localhost`,
//! `http://user:pw@host`, bare IPs) that we would then have to refuse anyway. What follows the
//! host must be well-formed: only the characters RFC 3986 allows in a URI (letters, digits,
//! `-._~:/?#[]@!$&'()*+,;=` and `%` with two hex digits), plus letters of other alphabets as
//! an IRI allows; and the whole address must parse with the `url` crate (the WHATWG URL
//! Standard), as a browser will read it. So `https://example.org/"><script>` is refused, not
//! stored verbatim.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

use super::ValueError;

/// An absolute `http://` or `https://` address whose host is a domain name with at least two
/// labels (`example.org`, `clúster.cl`). The scheme and host are stored in lower case; the path,
/// query and fragment are kept as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "String")]
pub struct Website(String);

/// Characters RFC 3986 allows after the host, besides ASCII letters, digits and `%`.
const URI_MARKS: &str = "-._~:/?#[]@!$&'()*+,;=";

impl Website {
    pub const FIELD: &'static str = "website";
    pub const MAX: usize = 2000;

    /// Checks an address as a person typed it.
    pub fn new(raw: impl AsRef<str>) -> Result<Self, ValueError> {
        let raw = raw.as_ref().trim();
        let bad = |why: &str| {
            Err(ValueError::new(
                Self::FIELD,
                format!("'{raw}' is not a usable website address: {why}"),
            ))
        };
        if raw
            .chars()
            .any(|c| super::text::is_invisible(c, false) || c.is_whitespace() || c.is_control())
        {
            return bad("it contains spaces or invisible characters");
        }
        let website = Self::stored(raw)?;
        let tail_start = website
            .0
            .find("://")
            .map(|i| i + 3)
            .and_then(|start| website.0[start..].find(['/', '?', '#']).map(|i| start + i));
        if let Some(start) = tail_start {
            if let Some(why) = malformed_tail(&website.0[start..]) {
                return bad(&why);
            }
        }
        match url::Url::parse(&website.0) {
            Ok(parsed) if parsed.username().is_empty() && parsed.password().is_none() => {
                Ok(website)
            }
            Ok(_) => bad("it must not contain a user name or password"),
            Err(e) => bad(&format!("it is not a well-formed URL ({e})")),
        }
    }

    /// Checks an address with the rules every stored address has always met, as events are
    /// read back (addresses stored before the stricter rules of [`Self::new`] stay readable).
    pub fn stored(raw: impl AsRef<str>) -> Result<Self, ValueError> {
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

/// Why the part after the host is not well-formed, if it is not.
fn malformed_tail(tail: &str) -> Option<String> {
    let bytes = tail.as_bytes();
    let mut chars = tail.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '%' {
            let hex = |k: usize| bytes.get(i + k).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(1) && hex(2)) {
                return Some("a % must be followed by two hexadecimal digits".to_string());
            }
            chars.next();
            chars.next();
        } else if !(c.is_ascii_alphanumeric() || URI_MARKS.contains(c) || c.is_alphanumeric()) {
            let mut utf8 = [0u8; 4];
            let encoded: String = c
                .encode_utf8(&mut utf8)
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect();
            return Some(format!(
                "'{c}' cannot appear in an address; write it percent-encoded (as {encoded})"
            ));
        }
    }
    None
}

impl<'de> Deserialize<'de> for Website {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::stored(raw).map_err(serde::de::Error::custom)
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
