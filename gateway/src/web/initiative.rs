//! An initiative's public page (`/initiatives/{id}/{slug}`): every public field labelled in the
//! reader's language, the governance mix as a chart with its numbers, the location on a small
//! map, when the data was last confirmed (and whether it is stale), and the links that make a
//! shared URL read well (canonical, description, Open Graph).
//!
//! The read is `app::initiatives::read`, the same use case (and visibility rule) as the JSON
//! API's `GET /v1/initiatives/{id}`. The slug only makes the URL readable: a missing or outdated
//! one is redirected to the current one.
//!
//! Below the profile, from other read models: the communities of practice its managers belong
//! to and the joint projects it leads or has joined (`app::communities::of_initiative` and
//! `app::joint_projects::of_initiative`, the use cases of `GET /v1/initiatives/{id}/communities`
//! and `/joint-projects`), each linking to its own page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use domain::initiative::InitiativeStatus;
use unicode_normalization::UnicodeNormalization;

use super::charts::BarChart;
use super::communities::CommunityRow;
use super::i18n::Tr;
use super::joint_projects::ProjectRow;
use super::outline::{self, MiniMap};
use super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::Web;
use crate::app::initiatives::{self, Seen};
use crate::app::listing::PageRequest;
use crate::app::{communities, joint_projects, ReadAt, Refusal};

/// A name as a URL slug: lower case ASCII letters and digits joined by hyphens
/// ("Clúster del Mueble de Osorno" → "cluster-del-mueble-de-osorno").
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.nfkd().filter(char::is_ascii) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 80 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "initiative".to_owned()
    } else {
        slug.to_owned()
    }
}

/// The page's path (without language).
pub fn initiative_path(id: &str, name: &str) -> String {
    format!("/initiatives/{id}/{}", slug(name))
}

/// A labelled value of the profile.
struct Field {
    label: String,
    value: String,
}

/// A labelled list of values.
struct ListField {
    label: String,
    values: Vec<String>,
}

#[derive(Template)]
#[template(path = "initiative.html")]
struct InitiativePage {
    t: Tr,
    chrome: Chrome,
    name: String,
    description: String,
    retired: bool,
    stale: bool,
    last_confirmed: Option<String>,
    last_confirmed_iso: String,
    facts: Vec<Field>,
    lists: Vec<ListField>,
    website: Option<String>,
    facilitator: String,
    governance: BarChart,
    governance_text: String,
    place: String,
    coordinates: String,
    mini_map: Option<MiniMap>,
    map_link: String,
    /// For its managers: their page of it; for another signed-in member: where to ask to
    /// manage it (`web::manage`). Empty otherwise.
    manage_link: String,
    request_action: String,
    communities: Vec<CommunityRow>,
    projects: Vec<ProjectRow>,
    /// How many projects there are, when more than the page lists.
    more_projects: Option<String>,
}

/// The initiative now, or as it stood at the past an auditor asks for (`as_of`, `at_position`).
async fn seen(web: &Web, reader: &Reader, id: &str) -> Result<Seen, Problem> {
    let past = super::audit::past(reader)?;
    initiatives::read_at(&web.app, &reader.caller, id, &past.read_at)
        .await
        .map_err(|refusal| reader.refused(refusal))
}

fn name_of(seen: &Seen) -> String {
    seen.initiative
        .profile()
        .map(|p| p.name.to_string())
        .unwrap_or_default()
}

/// `/initiatives/{id}`: to the page with its slug, keeping the language asked for.
pub async fn without_slug(
    State(web): State<Web>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let seen = seen(&web, &reader, &id).await?;
    let path = initiative_path(&seen.id.to_string(), &name_of(&seen));
    Ok(Redirect::permanent(&with_lang(&path, &[], reader.t.language)).into_response())
}

pub async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path((id, given_slug)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let seen = seen(&web, &reader, &id).await?;
    let t = reader.t.clone();
    let Some(profile) = seen.initiative.profile() else {
        return Err(reader.refused(initiatives::not_found()));
    };
    let name = profile.name.to_string();
    let path = initiative_path(&seen.id.to_string(), &name);
    if given_slug != slug(&name) {
        return Ok(
            Redirect::permanent(&with_lang(&path, &reader.query, t.language)).into_response(),
        );
    }
    let past = super::audit::past(&reader)?;
    let now = past.read_at.moment();
    let initiative = &seen.initiative;
    let country = t.label("country", profile.country.as_str());
    let g = &profile.governance;
    let shares = [
        ("governance-private", g.private()),
        ("governance-public", g.public()),
        ("governance-academia", g.academia()),
        ("governance-civil-society", g.civil_society()),
    ];
    let governance_text = shares
        .iter()
        .map(|(key, share)| format!("{} {share} %", t.get(key)))
        .collect::<Vec<_>>()
        .join(", ");
    let governance = BarChart::sized(
        400,
        140,
        shares
            .iter()
            .map(|(key, share)| (t.get(key), u64::from(*share), format!("{share} %"))),
    );
    let facts = vec![
        Field {
            label: t.get("field-kind"),
            value: t.label_of("kind", &profile.kind),
        },
        Field {
            label: t.get("field-country"),
            value: country.clone(),
        },
        Field {
            label: t.get("field-region"),
            value: profile.region.to_string(),
        },
        Field {
            label: t.get("field-maturity"),
            value: t.label_of("maturity", &profile.maturity_stage),
        },
        Field {
            label: t.get("field-firms"),
            value: t.number(u64::from(profile.number_of_firms.get())),
        },
        Field {
            label: t.get("field-founding-year"),
            value: profile.founding_year.get().to_string(),
        },
        Field {
            label: t.get("field-value-chain"),
            value: profile.value_chain_focus.to_string(),
        },
    ];
    let lists = vec![
        ListField {
            label: t.get("field-sectors"),
            values: profile
                .sectors
                .iter()
                .map(|s| t.label("sector", s.code()))
                .collect(),
        },
        ListField {
            label: t.get("field-strategic-focus"),
            values: profile
                .strategic_focus
                .iter()
                .map(|f| t.label_of("focus", f))
                .collect(),
        },
        ListField {
            label: t.get("field-funding"),
            values: profile
                .funding_sources
                .iter()
                .map(|f| t.label_of("funding", f))
                .collect(),
        },
    ];
    let (communities, projects, more_projects) = related(&web, &reader, &seen).await?;
    let confirmed: Option<DateTime<Utc>> =
        initiative.last_confirmed_at().max(initiative.approved_at());
    let (lat, lon) = (profile.location.lat(), profile.location.lon());
    let description = profile.description.to_string();
    let summary: String = description.chars().take(200).collect();
    let mut chrome = Chrome::new(&reader, &web.site, name.clone(), &path)
        .described(summary)
        .shared_as("article", &t);
    // The communities' and projects' badges and lists.
    chrome.styles.push(super::assets::url("css/public.css"));
    if past.read_at.is_historical() {
        chrome = chrome.in_the_past(past.banner, with_lang(&path, &[], t.language));
    }
    let (manages, may_ask) = super::manage::offer(initiative, &reader.caller);
    let own = |action: &str| {
        with_lang(
            &format!("/initiatives/{}/{action}", seen.id),
            &[],
            t.language,
        )
    };
    let page = InitiativePage {
        manage_link: if manages { own("edit") } else { String::new() },
        request_action: if may_ask && initiative.retired_at().is_none() {
            own("request")
        } else {
            String::new()
        },
        retired: initiative.status() == InitiativeStatus::Retired,
        stale: initiative.is_stale(now),
        last_confirmed: confirmed.map(|at| t.date(at)),
        last_confirmed_iso: confirmed
            .map(|at| at.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        facts,
        lists,
        website: profile.website.as_ref().map(|w| w.to_string()),
        facilitator: g.facilitating_organization().to_string(),
        governance,
        governance_text,
        place: format!("{}, {country}", profile.region),
        coordinates: format!("{lat:.4}, {lon:.4}"),
        mini_map: outline::mini_map(profile.country.as_str(), lat, lon),
        map_link: with_lang(
            "/",
            &[("country".into(), profile.country.to_string())],
            t.language,
        ),
        communities,
        projects,
        more_projects,
        name,
        description,
        chrome,
        t,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The communities and joint projects of the initiative. An initiative that is not public has
/// none to show (those use cases answer "not found" for it, even to its managers).
async fn related(
    web: &Web,
    reader: &Reader,
    seen: &Seen,
) -> Result<(Vec<CommunityRow>, Vec<ProjectRow>, Option<String>), Problem> {
    let t = &reader.t;
    let found = communities::of_initiative(&web.app, seen.id, &ReadAt::LIVE).await;
    let communities = none_if_hidden(reader, found)?
        .unwrap_or_default()
        .iter()
        .map(|c| CommunityRow::of(t, c))
        .collect();
    let page = PageRequest {
        after: None,
        limit: projections::MAX_PAGE,
    };
    let found =
        joint_projects::of_initiative(&web.app, &reader.caller, seen.id, page, ReadAt::LIVE).await;
    let (projects, more) = match none_if_hidden(reader, found)? {
        Some(listed) => {
            let more = (listed.total > listed.items.len())
                .then(|| t.count("initiative-projects-more", listed.total as u64));
            let rows = listed.items.iter().map(|p| ProjectRow::of(t, p)).collect();
            (rows, more)
        }
        None => (Vec::new(), None),
    };
    Ok((communities, projects, more))
}

/// What a use case found, or nothing for "not found"; another refusal is the page's.
fn none_if_hidden<T>(reader: &Reader, found: Result<T, Refusal>) -> Result<Option<T>, Problem> {
    match found {
        Ok(found) => Ok(Some(found)),
        Err(Refusal::NotFound(_)) => Ok(None),
        Err(other) => Err(reader.refused(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_readable_ascii() {
        assert_eq!(
            slug("Clúster del Mueble de Osorno"),
            "cluster-del-mueble-de-osorno"
        );
        assert_eq!(slug("  Polo São Paulo / Açaí  "), "polo-sao-paulo-acai");
        assert_eq!(slug("¡¿!"), "initiative");
        assert!(slug(&"a ".repeat(200)).len() <= 80);
    }
}
