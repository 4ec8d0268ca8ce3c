//! Latencies of the lists and the search (`GET /v1/publications`, `/v1/gatherings` upcoming
//! and past, `/v1/communities`, a community's threads, `/v1/joint-projects`, an initiative's
//! communities and joint projects, `/v1/search`), in process (no HTTP): a page of 20 as the use
//! case answers it, with its total, as p50/p99.

use chrono::Utc;
use domain::joint_project::ProjectStatus;
use domain::publication::Language;
use domain::values::CountryCode;
use projections::{
    CommunityFilter, GatheringFilter, LibraryFilter, ProjectFilter, ProjectViewer, ReadModels,
    SortKey, TextQuery, Viewer, When,
};

use super::queries::{percentiles, row};
use crate::app::listing::PageRequest;
use crate::app::{communities as community_lists, search};

const PAGE: usize = 20;

/// Prints one table row per list query.
pub fn report(models: &ReadModels, samples: usize) {
    let visitor = Viewer::VISITOR;
    let public = ProjectViewer::default();
    let sizes = (
        models.library.read(|l| l.len()),
        models.communities.read(|c| c.len()),
        models.projects.read(|p| p.len()),
    );
    println!(
        "| (lists over {} publications, {} communities, {} joint projects) | |",
        sizes.0, sizes.1, sizes.2
    );
    let everything = LibraryFilter::default();
    time(samples, "`GET /v1/publications`, first page", |_| {
        models
            .library
            .read(|l| l.list(&everything, visitor, None, PAGE).total)
    });
    // A page deep in the list: where the cursor starts costs a range lookup, not a scan.
    let deep = models.library.read(|l| {
        let mut after: Option<SortKey> = None;
        for _ in 0..50 {
            after = l
                .list(&everything, visitor, after.as_ref(), PAGE)
                .next
                .or(after);
        }
        after
    });
    time(samples, "`GET /v1/publications`, page 51 (cursor)", |_| {
        models
            .library
            .read(|l| l.list(&everything, visitor, deep.as_ref(), PAGE).total)
    });
    let filtered = LibraryFilter {
        kinds: ["publication".to_owned()].into(),
        languages: [Language::Es].into(),
        ..LibraryFilter::default()
    };
    time(
        samples,
        "`GET /v1/publications?kind=publication&language=es`",
        |_| {
            models
                .library
                .read(|l| l.list(&filtered, visitor, None, PAGE).total)
        },
    );
    let searched = LibraryFilter {
        text: TextQuery::new("sintética 12").ok(),
        ..LibraryFilter::default()
    };
    time(samples, "`GET /v1/publications?q=sintética 12`", |_| {
        models
            .library
            .read(|l| l.list(&searched, visitor, None, PAGE).total)
    });
    let upcoming = GatheringFilter::default();
    time(samples, "`GET /v1/gatherings` (upcoming)", |_| {
        let now = Utc::now();
        models.library.read(|l| {
            l.gatherings(&everything, &upcoming, visitor, now, None, PAGE)
                .total
        })
    });
    let past = GatheringFilter {
        when: When::Past,
        ..GatheringFilter::default()
    };
    time(samples, "`GET /v1/gatherings?when=past`", |_| {
        let now = Utc::now();
        models.library.read(|l| {
            l.gatherings(&everything, &past, visitor, now, None, PAGE)
                .total
        })
    });
    let communities = CommunityFilter::default();
    time(samples, "`GET /v1/communities`, first page", |_| {
        models
            .communities
            .read(|c| c.list(&communities, None, PAGE).total)
    });
    let first_community = models.communities.read(|c| {
        c.list(&communities, None, 1)
            .items
            .first()
            .map(|c| c.id.clone())
    });
    if let Some(id) = first_community {
        time(samples, "`GET /v1/communities/{id}/threads`", |_| {
            models
                .communities
                .read(|c| c.threads(&id, None, PAGE).map_or(0, |p| p.total))
        });
    }
    let projects = ProjectFilter::default();
    time(samples, "`GET /v1/joint-projects`, first page", |_| {
        models
            .projects
            .read(|p| p.list(&projects, &public, None, PAGE).total)
    });
    let narrowed = ProjectFilter {
        states: [ProjectStatus::Approved, ProjectStatus::Active].into(),
        countries: CountryCode::new("CL").ok().into_iter().collect(),
        open_call: Some(true),
        ..ProjectFilter::default()
    };
    time(
        samples,
        "`GET /v1/joint-projects?state=approved,active&country=CL&open_call=true`",
        |_| {
            models
                .projects
                .read(|p| p.list(&narrowed, &public, None, PAGE).total)
        },
    );
    // An initiative's page: the lead of the newest public project (which, in the synthetic
    // history, also has managers in communities).
    let initiative = models.projects.read(|p| {
        p.list(&projects, &public, None, 1)
            .items
            .first()
            .map(|project| project.lead.id)
    });
    if let Some(initiative) = initiative {
        time(samples, "`GET /v1/initiatives/{id}/communities`", |_| {
            let ids = models.memberships.read(|m| {
                community_lists::communities_of_managers(m, initiative).unwrap_or_default()
            });
            models
                .communities
                .read(|c| community_lists::in_name_order(c, &ids).len())
        });
        let of_initiative = ProjectFilter {
            initiative: Some(initiative),
            ..ProjectFilter::default()
        };
        time(samples, "`GET /v1/initiatives/{id}/joint-projects`", |_| {
            models
                .projects
                .read(|p| p.list(&of_initiative, &public, None, PAGE).total)
        });
    }
    let query = TextQuery::new("sintetica 7").ok();
    if let Some(query) = query {
        time(
            samples,
            "`GET /v1/search?q=sintetica 7` (all four models, ranked)",
            |_| {
                let mut best = search::Best::new(&PageRequest::default());
                models
                    .map
                    .read(|m| search::initiative_hits(m, &query, &mut best));
                models
                    .library
                    .read(|l| search::library_hits(l, &query, visitor, &mut best));
                models
                    .communities
                    .read(|c| search::community_hits(c, &query, &mut best));
                models
                    .projects
                    .read(|p| search::project_hits(p, &query, &public, &mut best));
                best.into_page().total
            },
        );
    }
}

/// Times `query` `samples` times and prints its row, with what it counted (the selection's
/// total, which also keeps the work from being optimised away).
fn time(samples: usize, what: &str, mut query: impl FnMut(usize) -> usize) {
    let mut total = 0;
    let (p50, p99) = percentiles(samples, |i| total = std::hint::black_box(query(i)));
    row(&format!("{what} ({total} selected)"), p50, p99);
}
