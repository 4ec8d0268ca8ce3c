//! `sitemap.xml` (every public page in every language, each with its alternates) and
//! `robots.txt` (everything but the API may be indexed).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::values::Language;

use super::initiative::initiative_path;
use super::page::{with_lang, Problem, Reader};
use super::Web;
use crate::app::map::{self, MapQuery};
use crate::app::ReadAt;

/// Escapes text for XML.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub async fn sitemap(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let query = MapQuery {
        filter: Default::default(),
        read_at: ReadAt::LIVE,
    };
    let mut paths = vec!["/".to_owned(), "/statistics".to_owned()];
    let initiatives = map::features(&web.app, &reader.caller, &query, |features| {
        features
            .iter()
            .map(|f| initiative_path(&f.entry.id.to_string(), &f.entry.name))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|refusal| reader.refused(refusal))?;
    paths.extend(initiatives);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for path in &paths {
        for language in Language::ALL {
            out.push_str("<url><loc>");
            out.push_str(&xml(&web.site.absolute(&with_lang(path, &[], language))));
            out.push_str("</loc>");
            for alternate in Language::ALL {
                out.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    alternate.code(),
                    xml(&web.site.absolute(&with_lang(path, &[], alternate)))
                ));
            }
            out.push_str("</url>\n");
        }
    }
    out.push_str("</urlset>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        out,
    )
        .into_response())
}

pub async fn robots(State(web): State<Web>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /v1/\nDisallow: /map/\n\nSitemap: {}\n",
        web.site.absolute("/sitemap.xml")
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
