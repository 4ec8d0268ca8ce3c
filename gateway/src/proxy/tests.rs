use axum::http::HeaderValue;

use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn headers(name: &'static str, values: &[&str]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for value in values {
        map.append(name, HeaderValue::from_str(value).unwrap());
    }
    map
}

fn proxies(list: &str) -> TrustedProxies {
    list.parse().unwrap()
}

#[test]
fn without_trusted_proxies_the_peer_is_the_client() {
    let forged = headers("x-forwarded-for", &["203.0.113.9"]);
    let client = TrustedProxies::default().client_address(
        ip("198.51.100.7"),
        &forged,
        ProxyHeader::XForwardedFor,
    );
    assert_eq!(client, ip("198.51.100.7"));
}

#[test]
fn a_peer_that_is_not_trusted_cannot_name_a_client() {
    let forged = headers("x-forwarded-for", &["203.0.113.9"]);
    let client = proxies("10.0.0.0/8").client_address(
        ip("198.51.100.7"),
        &forged,
        ProxyHeader::XForwardedFor,
    );
    assert_eq!(client, ip("198.51.100.7"));
}

#[test]
fn the_right_most_untrusted_address_is_the_client() {
    // The client forged the first entry; the edge proxy (10.0.0.5) appended the real client, the
    // inner proxy (10.0.0.6) appended the edge proxy, and the peer is the inner proxy.
    let chain = headers(
        "x-forwarded-for",
        &["203.0.113.9, 198.51.100.7", "10.0.0.5"],
    );
    let trusted = proxies("10.0.0.0/8");
    assert_eq!(
        trusted.client_address(ip("10.0.0.6"), &chain, ProxyHeader::XForwardedFor),
        ip("198.51.100.7")
    );
}

#[test]
fn rfc_7239_elements_with_ports_and_ipv6() {
    let chain = headers(
        "forwarded",
        &[
            r#"for=192.0.2.43;proto=https, for="[2001:db8:cafe::17]:4711""#,
            "For=10.1.2.3:8080;by=10.9.9.9",
        ],
    );
    let trusted = proxies("10.0.0.0/8,127.0.0.1");
    assert_eq!(
        trusted.client_address(ip("127.0.0.1"), &chain, ProxyHeader::Forwarded),
        ip("2001:db8:cafe::17")
    );
    // Only the configured header is read: a forged X-Forwarded-For changes nothing here.
    let mut both = chain.clone();
    both.append("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
    assert_eq!(
        trusted.client_address(ip("127.0.0.1"), &both, ProxyHeader::Forwarded),
        ip("2001:db8:cafe::17")
    );
}

#[test]
fn an_entry_that_is_not_an_address_stops_at_the_proxy_that_wrote_it() {
    let chain = headers(
        "forwarded",
        &["for=198.51.100.7, for=unknown, for=10.0.0.5"],
    );
    let trusted = proxies("10.0.0.0/8");
    assert_eq!(
        trusted.client_address(ip("10.0.0.6"), &chain, ProxyHeader::Forwarded),
        ip("10.0.0.5")
    );
}

#[test]
fn only_trusted_hops_leave_the_farthest_one() {
    let chain = headers("x-forwarded-for", &["10.0.0.4, 10.0.0.5"]);
    assert_eq!(
        proxies("10.0.0.0/8").client_address(ip("10.0.0.6"), &chain, ProxyHeader::XForwardedFor),
        ip("10.0.0.4")
    );
    assert_eq!(
        proxies("10.0.0.0/8").client_address(
            ip("10.0.0.6"),
            &HeaderMap::new(),
            ProxyHeader::XForwardedFor
        ),
        ip("10.0.0.6"),
        "a trusted proxy that forwards nothing is the client"
    );
}

#[test]
fn ipv4_mapped_peers_match_ipv4_ranges() {
    let chain = headers("x-forwarded-for", &["198.51.100.7"]);
    assert_eq!(
        proxies("127.0.0.1").client_address(
            ip("::ffff:127.0.0.1"),
            &chain,
            ProxyHeader::XForwardedFor
        ),
        ip("198.51.100.7")
    );
}

#[test]
fn entries_are_addresses_or_ranges() {
    assert_eq!(
        proxies(" 127.0.0.1, 10.1.2.3/8 ::1").to_string(),
        "127.0.0.1/32,10.0.0.0/8,::1/128",
        "host bits of a range are dropped"
    );
    let error = "10.0.0.0/8,proxy.local"
        .parse::<TrustedProxies>()
        .unwrap_err();
    assert!(error.to_string().contains("`proxy.local`"), "{error}");
}

#[test]
fn the_forwarded_origin_is_compared_with_public_base_url() {
    assert_eq!(
        origin_of("https://Articula.example.org/"),
        "https://articula.example.org"
    );
    let mut forwarded = headers("x-forwarded-proto", &["https"]);
    forwarded.append(
        "x-forwarded-host",
        HeaderValue::from_static("articula.example.org"),
    );
    assert_eq!(
        forwarded_origin(&forwarded, ProxyHeader::XForwardedFor).as_deref(),
        Some("https://articula.example.org")
    );
    let rfc = headers(
        "forwarded",
        &[r#"for=192.0.2.43;proto=https;host="articula.example.org""#],
    );
    assert_eq!(
        forwarded_origin(&rfc, ProxyHeader::Forwarded).as_deref(),
        Some("https://articula.example.org")
    );
    assert_eq!(
        forwarded_origin(
            &headers("x-forwarded-proto", &["https"]),
            ProxyHeader::XForwardedFor
        ),
        None,
        "without a host nothing is compared"
    );
}
