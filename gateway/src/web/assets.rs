//! Scripts, styles, the favicon and map shapes, compiled into the binary (rust-embed, from
//! `gateway/assets/`), never fetched from anywhere else.
//!
//! Pages link each asset with its content's digest in the query ([`url`]): such a link never
//! changes meaning, so the answer may be kept for a year (`immutable`); a new build with a changed
//! file links it with a new digest. Any request also gets an `ETag` (the digest) and a matching
//! `If-None-Match` is answered 304 with no body. Compression is the router's (gzip or brotli, as
//! the browser accepts).

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::{Path, RawQuery};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

use super::page::{Problem, Reader};
use crate::app::Refusal;

#[derive(Embed)]
#[folder = "assets/"]
#[exclude = "*.md"]
#[exclude = "*.py"]
struct Assets;

/// How long a digest-named answer may be kept.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Without the digest a browser must ask again (cheaply, with `If-None-Match`).
const REVALIDATE: &str = "no-cache";

/// Each asset's digest (the first 16 hex digits of its SHA-256), computed once.
fn digests() -> &'static HashMap<String, String> {
    static DIGESTS: OnceLock<HashMap<String, String>> = OnceLock::new();
    DIGESTS.get_or_init(|| {
        Assets::iter()
            .filter_map(|path| {
                let file = Assets::get(&path)?;
                let digest = hex::encode(&file.metadata.sha256_hash()[..8]);
                Some((path.into_owned(), digest))
            })
            .collect()
    })
}

/// The link to an asset (a path under `gateway/assets/`), carrying its digest. A path that is
/// not there is a defect the page tests catch: the link is still made, and answers 404.
pub fn url(path: &str) -> String {
    match digests().get(path) {
        Some(digest) => format!("/assets/{path}?v={digest}"),
        None => {
            tracing::error!(path, "a page links an asset that is not in the binary");
            format!("/assets/{path}")
        }
    }
}

/// The asset's bytes, for the server's own use (e.g. drawing a country's outline).
pub fn bytes(path: &str) -> Option<std::borrow::Cow<'static, [u8]>> {
    Assets::get(path).map(|file| file.data)
}

pub async fn serve(
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    reader: Reader,
) -> Result<Response, Problem> {
    let (Some(file), Some(digest)) = (Assets::get(&path), digests().get(&path)) else {
        return Err(reader.refused(Refusal::NotFound("no such asset".into())));
    };
    let etag = format!("\"{digest}\"");
    let asked = query
        .as_deref()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "v"))
        .map(|(_, v)| v.into_owned());
    let caching = if asked.as_deref() == Some(digest) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let fresh = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*");
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = file.data.into_owned().into_response();
        let content_type = HeaderValue::from_str(file.metadata.mimetype())
            .unwrap_or(HeaderValue::from_static("application/octet-stream"));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
        response
    };
    let response_headers = response.headers_mut();
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(caching));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, etag);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_the_pages_link_is_in_the_binary_with_a_digest() {
        for path in [
            "css/console.css",
            "js/map.js",
            "favicon.svg",
            "vendor/leaflet/leaflet.js",
            "vendor/leaflet/leaflet.css",
            "vendor/leaflet.markercluster/leaflet.markercluster.js",
            "vendor/leaflet.markercluster/MarkerCluster.css",
            "vendor/natural-earth/region.geojson",
        ] {
            let link = url(path);
            assert!(link.starts_with(&format!("/assets/{path}?v=")), "{link}");
            assert_eq!(link.len(), format!("/assets/{path}?v=").len() + 16);
        }
        assert!(
            Assets::get("vendor/README.md").is_none(),
            "notes are not served"
        );
    }
}
