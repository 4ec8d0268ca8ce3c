//! `sitemap.xml` (every public page in every language, each with its alternates) and
//! `robots.txt` (everything but the API may be indexed).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::values::Language;

use std::borrow::Cow;
use std::future::Future;

use super::communities::community_path;
use super::initiative::initiative_path;
use super::joint_projects::project_path;
use super::library::{item_path, Shelf};
use super::page::{with_lang, Problem, Reader};
use super::Web;
use crate::access::Caller;
use crate::app::listing::{Listed, PageRequest};
use crate::app::map::{self, MapQuery};
use crate::app::{communities, joint_projects, library, ReadAt, Refusal};

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
    paths.extend(Shelf::ALL.iter().map(|shelf| shelf.path().to_owned()));
    paths.extend(["/communities".to_owned(), "/joint-projects".to_owned()]);
    let initiatives = map::features(&web.app, &reader.caller, &query, |features| {
        features
            .iter()
            .map(|f| initiative_path(&f.entry.id.to_string(), &f.entry.name))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|refusal| reader.refused(refusal))?;
    paths.extend(initiatives);
    paths.extend(
        public_pages(&web)
            .await
            .map_err(|refusal| reader.refused(refusal))?,
    );
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

/// Every item of the library, community and joint project a visitor may see, as page paths
/// (read as a visitor: a signed-in reader's sitemap is the same as anyone's).
async fn public_pages(web: &Web) -> Result<Vec<String>, Refusal> {
    let visitor = &Caller::Visitor;
    let app = &web.app;
    let mut paths = Vec::new();
    let items = every_page(|page| {
        let query = library::LibraryQuery {
            filter: Default::default(),
            page,
            read_at: ReadAt::LIVE,
        };
        async move { library::list(app, visitor, &query).await }
    })
    .await?;
    paths.extend(items.iter().filter_map(|listed| {
        let content = listed.item.content()?;
        let shelf = Shelf::of(&content.kind);
        Some(item_path(shelf, &listed.id, content.title.as_str()))
    }));
    let found = every_page(|page| {
        let query = communities::CommunityQuery {
            filter: Default::default(),
            page,
            read_at: ReadAt::LIVE,
        };
        async move { communities::list(app, visitor, &query).await }
    })
    .await?;
    paths.extend(found.iter().map(|c| community_path(&c.id, &c.name)));
    let projects = every_page(|page| {
        let query = joint_projects::ProjectQuery {
            filter: Default::default(),
            page,
            read_at: ReadAt::LIVE,
        };
        async move { joint_projects::list(app, visitor, &query).await }
    })
    .await?;
    paths.extend(projects.iter().map(|p| project_path(&p.id, &p.title)));
    Ok(paths)
}

/// Every item of a list, asking `read` for one page after another.
async fn every_page<T, F, R>(read: F) -> Result<Vec<T>, Refusal>
where
    F: Fn(PageRequest) -> R,
    R: Future<Output = Result<Listed<T>, Refusal>>,
{
    let mut all = Vec::new();
    let mut page = PageRequest {
        after: None,
        limit: projections::MAX_PAGE,
    };
    loop {
        let listed = read(page.clone()).await?;
        all.extend(listed.items);
        let Some(cursor) = listed.next_cursor else {
            return Ok(all);
        };
        let mut next = PageRequest::parse([(Cow::Borrowed("cursor"), Cow::Owned(cursor))])?;
        next.limit = page.limit;
        page = next;
    }
}

pub async fn robots(State(web): State<Web>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /v1/\nDisallow: /map/\n\nSitemap: {}\n",
        web.site.absolute("/sitemap.xml")
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
