//! One search across initiatives, publications (news, gatherings), communities and joint
//! projects: every record the caller may see whose texts hold all the query's words (ignoring
//! case and accents, the map's rule), ranked by how many of the words its title holds, then by
//! kind and title. Each read model answers for its own records; this ranks them together.

use chrono::Utc;
use projections::{
    CommunityDirectory, InitiativeMap, Library, MapFilter, ProjectDirectory, ProjectViewer,
    SortKey, TextQuery, Viewer,
};

use super::listing::{self, Listed, PageRequest};
use super::{joint_projects, ReadAt, Refusal};
use crate::access::Caller;
use crate::state::AppState;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HitKind {
    Initiative,
    Publication,
    News,
    Gathering,
    Community,
    JointProject,
}

impl HitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initiative => "initiative",
            Self::Publication => "publication",
            Self::News => "news",
            Self::Gathering => "gathering",
            Self::Community => "community",
            Self::JointProject => "joint_project",
        }
    }

    fn of_publication(kind: &str) -> Self {
        match kind {
            "news" => Self::News,
            "gathering" => Self::Gathering,
            _ => Self::Publication,
        }
    }

    /// Where the API answers a record of this kind.
    fn link(self, id: &str) -> String {
        match self {
            Self::Initiative => format!("/v1/initiatives/{id}"),
            Self::Publication | Self::News | Self::Gathering => format!("/v1/publications/{id}"),
            Self::Community => format!("/v1/communities/{id}"),
            Self::JointProject => format!("/v1/joint-projects/{id}"),
        }
    }
}

/// One found record.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: HitKind,
    pub id: String,
    pub title: String,
    pub link: String,
    /// How many of the query's words its title holds: what ranks it.
    pub score: usize,
}

/// Records the caller may see that `query` finds, best first, a page at a time.
pub async fn search(
    state: &AppState,
    caller: &Caller,
    query: &TextQuery,
    page: &PageRequest,
) -> Result<Listed<Hit>, Refusal> {
    let read = &state.read;
    let viewer = listing::viewer(caller);
    let projects_viewer = joint_projects::viewer(state, caller).await?;
    let mut hits = ReadAt::LIVE
        .read(state, &read.map, |m| initiative_hits(m, query))
        .await?;
    hits.extend(
        ReadAt::LIVE
            .read(state, &read.library, |l| library_hits(l, query, viewer))
            .await?,
    );
    hits.extend(
        ReadAt::LIVE
            .read(state, &read.communities, |c| community_hits(c, query))
            .await?,
    );
    hits.extend(
        ReadAt::LIVE
            .read(state, &read.projects, |p| {
                project_hits(p, query, &projects_viewer)
            })
            .await?,
    );
    Ok(ranked(hits, page))
}

fn hit(kind: HitKind, id: String, title: String, score: usize) -> Hit {
    Hit {
        link: kind.link(&id),
        kind,
        id,
        title,
        score,
    }
}

/// Initiatives on the map (public) that `query` finds.
pub fn initiative_hits(map: &InitiativeMap, query: &TextQuery) -> Vec<Hit> {
    let filter = MapFilter {
        text: Some(query.clone()),
        ..MapFilter::default()
    };
    map.features(&filter, Utc::now())
        .iter()
        .map(|f| {
            let name = &f.entry.name;
            let score = query.hits(&projections::fold_text(name));
            hit(
                HitKind::Initiative,
                f.entry.id.to_string(),
                name.clone(),
                score,
            )
        })
        .collect()
}

/// Publications, news and gatherings `viewer` sees that `query` finds.
pub fn library_hits(library: &Library, query: &TextQuery, viewer: Viewer) -> Vec<Hit> {
    library
        .search(query, viewer)
        .into_iter()
        .filter_map(|(score, listed)| {
            let content = listed.item.content()?;
            let kind = HitKind::of_publication(content.kind.as_str());
            Some(hit(kind, listed.id, content.title.to_string(), score))
        })
        .collect()
}

/// Communities (public) that `query` finds.
pub fn community_hits(communities: &CommunityDirectory, query: &TextQuery) -> Vec<Hit> {
    communities
        .search(query)
        .into_iter()
        .map(|(score, c)| hit(HitKind::Community, c.id, c.name, score))
        .collect()
}

/// Joint projects `viewer` sees that `query` finds.
pub fn project_hits(
    projects: &ProjectDirectory,
    query: &TextQuery,
    viewer: &ProjectViewer,
) -> Vec<Hit> {
    projects
        .search(query, viewer)
        .into_iter()
        .map(|(score, p)| hit(HitKind::JointProject, p.id, p.title, score))
        .collect()
}

/// Where a hit stands in the ranking: best score first, then kind, then title, then id.
fn key(hit: &Hit) -> SortKey {
    let rank = -(hit.score as i64);
    let text = format!("{} {}", hit.kind as u8, projections::fold_text(&hit.title));
    SortKey::new(rank, text, format!("{}:{}", hit.kind.as_str(), hit.id))
}

/// `hits` ranked, and the page of them asked for.
pub fn ranked(hits: Vec<Hit>, page: &PageRequest) -> Listed<Hit> {
    let mut ranked: Vec<(SortKey, Hit)> = hits.into_iter().map(|h| (key(&h), h)).collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    let total = ranked.len();
    let start = page
        .after
        .as_ref()
        .map_or(0, |after| ranked.partition_point(|(k, _)| k <= after));
    let rest = &ranked[start..];
    let items: Vec<Hit> = rest
        .iter()
        .take(page.limit)
        .map(|(_, h)| h.clone())
        .collect();
    let next_cursor = (rest.len() > page.limit).then(|| listing::encode(&rest[page.limit - 1].0));
    Listed {
        items,
        next_cursor,
        total,
    }
}
