//! Running behind a reverse proxy: which peers are trusted to say who the client is, and the
//! client address that follows from it (for rate limits and logs).
//!
//! A proxy tells the address it received a request from by appending it to a header: RFC 7239
//! `Forwarded: for=…` or the older `X-Forwarded-For`. Anyone can send such a header, so it is
//! believed only when the peer itself is a trusted proxy, and only as far as the chain of
//! trusted proxies goes: the header is read from the right (the entry the nearest proxy
//! appended) and the first address that is not a trusted proxy is the client. Entries left of
//! it were written by the client or by proxies nobody vouches for, and are ignored.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::http::context::ClientAddress;

/// The header a trusted proxy names the client in. Only one is read: a proxy that appends to
/// one passes the other through as the client sent it, so reading both would let a client
/// choose its own address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProxyHeader {
    /// `X-Forwarded-For: client, proxy1, …` (nginx's `$proxy_add_x_forwarded_for`, Caddy).
    #[serde(rename = "x-forwarded-for")]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for=proxy1`.
    #[serde(rename = "forwarded")]
    Forwarded,
}

/// The peers whose forwarding headers are believed: single addresses or CIDR ranges. Written in
/// the configuration as a list (`["127.0.0.1", "10.0.0.0/8"]`) or one comma-separated string
/// (handy in the environment: `ARTICULA_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A trusted-proxy entry that is neither an address nor a CIDR range.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` in trusted_proxies is neither an IP address nor a CIDR range (e.g. 10.0.0.0/8)")]
pub struct InvalidProxy(String);

impl FromStr for TrustedProxies {
    type Err = InvalidProxy;

    fn from_str(list: &str) -> Result<Self, InvalidProxy> {
        list.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .map(parse_range)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

fn parse_range(entry: &str) -> Result<IpNet, InvalidProxy> {
    entry
        .parse::<IpNet>()
        .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| InvalidProxy(entry.to_string()))
}

impl TrustedProxies {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client that sent a request that reached us from `peer` with `headers`: `peer` itself
    /// unless it is a trusted proxy, else the right-most address in `header` that is not one.
    /// An entry that is not an address (`unknown`, an obfuscated RFC 7239 name) ends the walk:
    /// the proxy that wrote it is the last hop anyone vouches for, and is taken as the client.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap, header: ProxyHeader) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        for hop in forwarded_hops(headers, header).into_iter().rev() {
            match hop {
                Some(address) if self.trusts(address) => client = address,
                Some(address) => return address,
                None => return client,
            }
        }
        client
    }
}

/// IPv4 peers on a dual-stack socket arrive as `::ffff:a.b.c.d`; ranges are written as IPv4.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Every hop `header` lists, left (farthest) to right (nearest), in the order the header lines
/// came; `None` for an entry that is not an address.
fn forwarded_hops(headers: &HeaderMap, header: ProxyHeader) -> Vec<Option<IpAddr>> {
    let name = match header {
        ProxyHeader::XForwardedFor => "x-forwarded-for",
        ProxyHeader::Forwarded => "forwarded",
    };
    let mut hops = Vec::new();
    for value in headers.get_all(name) {
        let Ok(value) = value.to_str() else {
            // Bytes that are not text cannot be parsed as hops: nothing left of here is known.
            hops.push(None);
            continue;
        };
        for element in value.split(',') {
            let node = match header {
                ProxyHeader::XForwardedFor => Some(element.trim()),
                ProxyHeader::Forwarded => forwarded_for(element),
            };
            hops.push(node.and_then(parse_node));
        }
    }
    hops
}

/// The `for=` parameter of one RFC 7239 element (`for=192.0.2.60;proto=https;by=…`).
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("for")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// An address as proxies write it: `192.0.2.60`, `192.0.2.60:4711`, `[2001:db8::17]:4711`,
/// `2001:db8::17`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(address) = node.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    if let Ok(socket) = node.parse::<SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    let bracketed = node.strip_prefix('[')?.split(']').next()?;
    bracketed.parse::<IpAddr>().ok().map(canonical)
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&list.join(","))
    }
}

impl Serialize for TrustedProxies {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(ToString::to_string))
    }
}

impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            List(Vec<String>),
            Text(String),
        }
        let text = match Written::deserialize(deserializer)? {
            Written::List(entries) => entries.join(","),
            Written::Text(text) => text,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What the middleware needs to resolve client addresses.
pub struct ProxySettings {
    trusted: TrustedProxies,
    header: ProxyHeader,
    /// `public_base_url`'s scheme and host (`https://articula.example.org`), lower-cased.
    public_origin: String,
    /// Whether the mismatch between `public_base_url` and what the proxy forwards was logged.
    warned: AtomicBool,
}

impl ProxySettings {
    pub fn new(settings: &crate::Settings) -> Arc<Self> {
        Arc::new(Self {
            trusted: settings.trusted_proxies.clone(),
            header: settings.trusted_proxy_header,
            public_origin: origin_of(&settings.public_base_url),
            warned: AtomicBool::new(false),
        })
    }

    /// A trusted proxy that forwards the scheme and host people used (`X-Forwarded-Proto`,
    /// `X-Forwarded-Host`, or `proto=`/`host=` of `Forwarded`) shows whether `public_base_url`
    /// is right: links in mail are built from it. A mismatch is logged once, as a warning.
    fn check_public_origin(&self, headers: &HeaderMap) {
        if self.warned.load(Ordering::Relaxed) {
            return;
        }
        let Some(seen) = forwarded_origin(headers, self.header) else {
            return;
        };
        if seen != self.public_origin && !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                public_base_url = %self.public_origin,
                forwarded = %seen,
                "the proxy forwards requests for another origin than public_base_url: links \
                 in mail point to public_base_url; set it to where people open Articula"
            );
        }
    }
}

/// `scheme://host[:port]` of a URL, lower-cased, without path or trailing slash.
fn origin_of(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url.as_str()));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{host}")
}

/// The origin the nearest trusted proxy says the client asked for, if it says both scheme and
/// host.
fn forwarded_origin(headers: &HeaderMap, header: ProxyHeader) -> Option<String> {
    let last = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .map(|v| v.trim().to_ascii_lowercase())
    };
    let (proto, host) = match header {
        ProxyHeader::XForwardedFor => (last("x-forwarded-proto")?, last("x-forwarded-host")?),
        ProxyHeader::Forwarded => {
            let element = last("forwarded")?;
            let param = |name: &str| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    (key.trim() == name).then(|| value.trim().trim_matches('"').to_string())
                })
            };
            (param("proto")?, param("host")?)
        }
    };
    Some(format!("{proto}://{host}"))
}

/// Resolves the request's [`ClientAddress`] once, before anything else reads it (the trace span,
/// the sign-in limit), and keeps it in the request's extensions.
pub async fn resolve_client(
    State(proxy): State<Arc<ProxySettings>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    let address = match peer {
        Some(peer) => {
            if proxy.trusted.trusts(peer) {
                proxy.check_public_origin(request.headers());
            }
            proxy
                .trusted
                .client_address(peer, request.headers(), proxy.header)
        }
        None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    };
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}

#[cfg(test)]
mod tests;
