//! One search across initiatives, publications (news, gatherings), communities and joint
//! projects: every record the caller may see whose texts hold all the query's words (ignoring
//! case and accents, the map's rule), ranked by how many of the words its title holds, then by
//! kind and title. Each read model answers for its own records; this ranks them together.
//!
//! A search may match most of the platform ("2025", a sector's name), so matches are neither
//! cloned nor sorted: each is counted for the total and offered to [`Best`] (`best.rs`), which
//! keeps only the page's worth after the cursor, in a bounded heap, and builds a hit for those
//! alone.

use chrono::Utc;
use projections::{
    CommunityDirectory, InitiativeMap, Library, MapFilter, ProjectDirectory, ProjectViewer,
    TextQuery, Viewer,
};

mod best;

pub use best::Best;

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

/// Why the search refuses `as_of` and `at_position`: an as-of read folds one model afresh, and
/// the search would need four folded to the same point.
pub const LIVE_ONLY: &str = "the search reads several read models at once and answers live only";

/// Records the caller may see that `query` finds, best first, a page at a time. Live only
/// (it reads four models at once), but after `min_position` when `read_at` gives one.
pub async fn search(
    state: &AppState,
    caller: &Caller,
    query: &TextQuery,
    page: &PageRequest,
    read_at: &ReadAt,
) -> Result<Listed<Hit>, Refusal> {
    if read_at.is_historical() {
        return Err(Refusal::invalid_input(format!(
            "{LIVE_ONLY}: as_of and at_position are not accepted here"
        )));
    }
    let read = &state.read;
    let viewer = listing::viewer(caller);
    // Who manages which initiative decides which pending projects the caller sees: that model
    // too must have reached `min_position`.
    read_at.read(state, &read.memberships, |_| ()).await?;
    let projects_viewer = joint_projects::viewer(state, caller).await?;
    let mut best = Best::new(page);
    read_at
        .read(state, &read.map, |m| initiative_hits(m, query, &mut best))
        .await?;
    read_at
        .read(state, &read.library, |l| {
            library_hits(l, query, viewer, &mut best)
        })
        .await?;
    read_at
        .read(state, &read.communities, |c| {
            community_hits(c, query, &mut best)
        })
        .await?;
    read_at
        .read(state, &read.projects, |p| {
            project_hits(p, query, &projects_viewer, &mut best)
        })
        .await?;
    Ok(best.into_page())
}

/// Initiatives on the map (public) that `query` finds.
pub fn initiative_hits(map: &InitiativeMap, query: &TextQuery, best: &mut Best) {
    let filter = MapFilter {
        text: Some(query.clone()),
        ..MapFilter::default()
    };
    for feature in map.features(&filter, Utc::now()) {
        let name = &feature.entry.name;
        let folded = projections::fold_text(name);
        let score = query.hits(&folded);
        best.offer(HitKind::Initiative, score, folded.into(), || {
            (feature.entry.id.to_string(), name.clone())
        });
    }
}

/// Publications, news and gatherings `viewer` sees that `query` finds.
pub fn library_hits(library: &Library, query: &TextQuery, viewer: Viewer, best: &mut Best) {
    for found in library.search(query, viewer) {
        let Some(content) = found.record.content() else {
            continue;
        };
        let kind = HitKind::of_publication(content.kind.as_str());
        best.offer(kind, found.score, found.folded_title, || {
            (found.id.to_owned(), content.title.to_string())
        });
    }
}

/// Communities (public) that `query` finds.
pub fn community_hits(communities: &CommunityDirectory, query: &TextQuery, best: &mut Best) {
    for found in communities.search(query) {
        let Some(profile) = found.record.profile() else {
            continue;
        };
        best.offer(HitKind::Community, found.score, found.folded_title, || {
            (found.id.to_owned(), profile.name.to_string())
        });
    }
}

/// Joint projects `viewer` sees that `query` finds.
pub fn project_hits(
    projects: &ProjectDirectory,
    query: &TextQuery,
    viewer: &ProjectViewer,
    best: &mut Best,
) {
    for found in projects.search(query, viewer) {
        let Some(details) = found.record.details() else {
            continue;
        };
        best.offer(
            HitKind::JointProject,
            found.score,
            found.folded_title,
            || (found.id.to_owned(), details.title.to_string()),
        );
    }
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
