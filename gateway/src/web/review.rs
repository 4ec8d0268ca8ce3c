//! Reviewing one waiting item (`/moderation/{kind}/{id}`): the submission in full (for a profile
//! change, the current profile and the proposed one side by side, field by field), its claim,
//! and the decision: approve, or reject with a reason (required, its error beside the field).
//!
//! The form carries the version the moderator read; the decision is made on that version only
//! (`app::moderation::review::decide`), so if the item changed meanwhile the moderator is told
//! to look again, in their language, and nothing is overwritten. A moderator who may not decide
//! the item (four eyes: they submitted or manage it) is shown why instead of the buttons.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use domain::initiative::{Initiative, Profile};
use domain::values::AccountId;
use projections::QueueKind;

use super::account::see_other;
use super::form::Input;
use super::i18n::Tr;
use super::moderation::claim_text;
use super::page::{render, Chrome, Problem, Reader, Section};
use super::people::Names;
use super::session::Fields;
use super::Web;
use crate::app::moderation::review::{self, Decision, Review, Subject};
use crate::app::moderation::{self, ItemRef};
use crate::app::Refusal;
use crate::http::context::RequestContext;

/// A labelled value.
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// One field of a profile change: what it is now and what is proposed.
pub struct Change {
    pub label: String,
    pub current: String,
    pub proposed: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    t: Tr,
    chrome: Chrome,
    heading: String,
    kind: String,
    facts: Vec<Fact>,
    changes: Vec<Change>,
    /// The claim's text, and whether it is the reader's.
    claim: String,
    claim_mine: bool,
    claim_notice: String,
    /// The version read, carried by the form.
    version: usize,
    /// For requests: the account the decision is about.
    requester: String,
    /// Why the reader may not decide (four eyes); empty if they may.
    not_yours: String,
    settled: bool,
    /// A sentence about the whole form (the item changed, a rule said no).
    problem: String,
    reason: Input,
    action: String,
    claim_action: String,
    release_action: String,
}

/// Every field of a profile, labelled and written in the reader's language, by field name.
pub fn profile_facts(t: &Tr, p: &Profile) -> Vec<(&'static str, Fact)> {
    let fact = |key: &str, value: String| Fact {
        label: t.get(key),
        value,
    };
    let list = |values: Vec<String>| values.join(", ");
    let g = &p.governance;
    vec![
        ("name", fact("field-name", p.name.to_string())),
        (
            "description",
            fact("register-description", p.description.to_string()),
        ),
        ("kind", fact("field-kind", t.label_of("kind", &p.kind))),
        (
            "country",
            fact("field-country", t.label("country", p.country.as_str())),
        ),
        ("region", fact("field-region", p.region.to_string())),
        (
            "location",
            fact(
                "moderation-field-location",
                format!("{:.4}, {:.4}", p.location.lat(), p.location.lon()),
            ),
        ),
        (
            "sectors",
            fact(
                "field-sectors",
                list(
                    p.sectors
                        .iter()
                        .map(|s| t.label("sector", s.code()))
                        .collect(),
                ),
            ),
        ),
        (
            "value_chain_focus",
            fact("field-value-chain", p.value_chain_focus.to_string()),
        ),
        (
            "strategic_focus",
            fact(
                "field-strategic-focus",
                list(
                    p.strategic_focus
                        .iter()
                        .map(|f| t.label_of("focus", f))
                        .collect(),
                ),
            ),
        ),
        (
            "number_of_firms",
            fact("field-firms", t.number(u64::from(p.number_of_firms.get()))),
        ),
        (
            "governance",
            fact(
                "moderation-field-governance",
                format!(
                    "{} — {} {} %, {} {} %, {} {} %, {} {} %",
                    g.facilitating_organization(),
                    t.get("governance-private"),
                    g.private(),
                    t.get("governance-public"),
                    g.public(),
                    t.get("governance-academia"),
                    g.academia(),
                    t.get("governance-civil-society"),
                    g.civil_society()
                ),
            ),
        ),
        (
            "funding_sources",
            fact(
                "field-funding",
                list(
                    p.funding_sources
                        .iter()
                        .map(|f| t.label_of("funding", f))
                        .collect(),
                ),
            ),
        ),
        (
            "maturity_stage",
            fact("field-maturity", t.label_of("maturity", &p.maturity_stage)),
        ),
        (
            "founding_year",
            fact("field-founding-year", p.founding_year.get().to_string()),
        ),
        (
            "website",
            fact(
                "field-website",
                p.website
                    .as_ref()
                    .map(|w| w.to_string())
                    .unwrap_or_default(),
            ),
        ),
    ]
}

/// The fields a pending change would alter: the current value beside the proposed one.
pub fn changes_of(t: &Tr, initiative: &Initiative) -> Vec<Change> {
    let (Some(current), Some(pending)) = (initiative.profile(), initiative.pending_change()) else {
        return Vec::new();
    };
    let mut proposed = current.clone();
    pending.changes.clone().apply_to(&mut proposed);
    profile_facts(t, current)
        .into_iter()
        .zip(profile_facts(t, &proposed))
        .filter(|((_, now), (_, then))| now.value != then.value)
        .map(|((_, now), (_, then))| Change {
            label: now.label,
            current: now.value,
            proposed: then.value,
        })
        .collect()
}

fn kind_label(t: &Tr, kind: QueueKind) -> String {
    t.get(&format!(
        "moderation-kind-{}",
        kind.as_str().replace('_', "-")
    ))
}

/// The heading and the facts of the item.
fn describe(t: &Tr, review: &Review, names: &Names) -> (String, Vec<Fact>, Vec<Change>) {
    let fact = |key: &str, value: String| Fact {
        label: t.get(key),
        value,
    };
    let requesters = |accounts: &[AccountId]| {
        accounts
            .iter()
            .map(|a| names.name(*a))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &review.subject {
        Subject::Initiative(initiative) => {
            let name = initiative
                .profile()
                .map(|p| p.name.to_string())
                .unwrap_or_default();
            let mut facts: Vec<Fact> = Vec::new();
            let mut changes = Vec::new();
            match review.item.kind {
                QueueKind::ProfileChange => changes = changes_of(t, initiative),
                QueueKind::ManagementRequest => {
                    facts.push(fact(
                        "moderation-requesters",
                        requesters(&review.requesters),
                    ));
                }
                _ => {
                    if let Some(profile) = initiative.profile() {
                        facts.extend(profile_facts(t, profile).into_iter().map(|(_, f)| f));
                    }
                }
            }
            (name, facts, changes)
        }
        Subject::JointProject(project) => {
            let Some(d) = project.details() else {
                return (String::new(), Vec::new(), Vec::new());
            };
            let facts = vec![
                fact("moderation-field-description", d.description.to_string()),
                fact(
                    "field-sectors",
                    d.sectors
                        .iter()
                        .map(|s| t.label("sector", s.code()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                fact(
                    "moderation-field-objectives",
                    d.objectives
                        .iter()
                        .map(|o| o.to_string())
                        .collect::<Vec<_>>()
                        .join(" · "),
                ),
                fact("moderation-field-lead", d.lead.to_string()),
                fact(
                    "moderation-field-partners",
                    project
                        .partners()
                        .iter()
                        .map(|(id, state)| format!("{id} ({})", state.as_str()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ];
            (d.title.to_string(), facts, Vec::new())
        }
        Subject::Publication(publication) => {
            let Some(c) = publication.content() else {
                return (String::new(), Vec::new(), Vec::new());
            };
            let mut facts = vec![
                fact("moderation-field-summary", c.summary.to_string()),
                fact(
                    "moderation-field-link",
                    c.link.as_ref().map(|l| l.to_string()).unwrap_or_default(),
                ),
                fact(
                    "moderation-field-author",
                    publication
                        .author()
                        .map(|a| names.name(a))
                        .unwrap_or_default(),
                ),
            ];
            if let domain::publication::Kind::Gathering(g) = &c.kind {
                facts.push(fact(
                    "moderation-field-when",
                    format!(
                        "{} – {} ({})",
                        g.starts_at.format("%Y-%m-%d %H:%M"),
                        g.ends_at.format("%Y-%m-%d %H:%M"),
                        g.time_zone.as_str()
                    ),
                ));
                let place = g.place.as_ref().map(|p| p.to_string());
                let online = g.online_link.as_ref().map(|l| l.to_string());
                let wheres: Vec<String> = place.into_iter().chain(online).collect();
                facts.push(fact("moderation-field-where", wheres.join(" · ")));
            }
            (c.title.to_string(), facts, Vec::new())
        }
        Subject::Community(community) => {
            let name = community
                .profile()
                .map(|p| p.name.to_string())
                .unwrap_or_default();
            let facts = vec![fact(
                "moderation-requesters",
                requesters(&review.requesters),
            )];
            (name, facts, Vec::new())
        }
    }
}

/// The names of the people the review page mentions: who asks, who wrote it, who claimed it.
async fn people(
    web: &Web,
    reader: &Reader,
    review: &Review,
    claim: Option<&store::Claim>,
) -> Result<Names, Problem> {
    let author = match &review.subject {
        Subject::Publication(publication) => publication.author(),
        _ => None,
    };
    let accounts = review.requesters.iter().copied();
    let others = author.into_iter().chain(claim.map(|c| c.account));
    Names::of(web, reader, accounts.chain(others)).await
}

/// The page for `review`, with `reason` as typed and any problem.
fn review_page(
    web: &Web,
    reader: &Reader,
    (review, names): (&Review, &Names),
    claim: Option<store::Claim>,
    reason: Input,
    problem: String,
) -> ReviewPage {
    let t = &reader.t;
    let now = Utc::now();
    let (heading, facts, changes) = describe(t, review, names);
    let path = format!("/moderation/{}/{}", review.item.kind, review.item.id());
    let link = |p: &str| super::page::with_lang(p, &[], t.language);
    let mut chrome = Chrome::new(reader, &web.site, heading.clone(), &path).private();
    chrome.styles.push(super::assets::url("css/moderation.css"));
    let claim_notice = match reader.param("claim") {
        Some("claimed") => t.get("moderation-claim-done"),
        Some("taken") => t.get("moderation-claim-taken"),
        _ => String::new(),
    };
    let mine = reader
        .caller
        .actor()
        .is_some_and(|a| moderation::held_by(claim.as_ref(), a.account));
    ReviewPage {
        heading,
        kind: kind_label(t, review.item.kind),
        facts,
        changes,
        claim: claim
            .as_ref()
            .map(|c| claim_text(t, c, names, now))
            .unwrap_or_default(),
        claim_mine: mine,
        claim_notice,
        version: review.version,
        requester: review
            .requesters
            .first()
            .map(|a| a.to_string())
            .unwrap_or_default(),
        not_yours: review
            .not_yours
            .as_ref()
            .map(|_| t.get("moderation-not-yours"))
            .unwrap_or_default(),
        settled: review.settled,
        problem,
        reason,
        action: link(&path),
        claim_action: link(&format!("{path}/claim")),
        release_action: link(&format!("{path}/release")),
        chrome,
        t: t.clone(),
    }
}

fn reason_input(t: &Tr, typed: &str) -> Input {
    Input::new("reason", t.get("moderation-reason"), "textarea")
        .hint(t.get("moderation-reason-hint"))
        .value(typed)
}

async fn load(
    web: &Web,
    reader: &Reader,
    kind: &str,
    id: &str,
) -> Result<(Review, Option<store::Claim>), Refusal> {
    let actor = reader.actor()?;
    let item = ItemRef::parse(kind, id)?;
    let review = review::read(&web.app, actor, &item).await?;
    let claim = moderation::claim_on(&web.app, &item).await?;
    Ok((review, claim))
}

pub async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    if reader.actor().is_err() {
        return Ok(see_other(
            &reader,
            &format!("/sign-in?next=/moderation/{kind}/{id}"),
        ));
    }
    let (review, claim) = load(&web, &reader, &kind, &id)
        .await
        .map_err(|r| reader.refused(r))?;
    let reason = reason_input(&reader.t, "");
    let names = people(&web, &reader, &review, claim.as_ref()).await?;
    let page = review_page(
        &web,
        &reader,
        (&review, &names),
        claim,
        reason,
        String::new(),
    );
    Ok(render(StatusCode::OK, &page))
}

pub async fn decide(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((kind, id)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let t = &reader.t;
    let item = ItemRef::parse(&kind, &id).map_err(|r| reader.refused(r))?;
    let typed = fields.text("reason");
    let decision = match fields.text("decision").as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject(typed.clone()),
        _ => return Err(reader.refused(Refusal::invalid_input("approve or reject"))),
    };
    // A version that is not a number is no version this item had: it changed, as far as the
    // reader can know.
    let expected = fields
        .text("version")
        .parse::<usize>()
        .unwrap_or(usize::MAX);
    let requester = fields.text("requester").parse::<AccountId>().ok();
    let caller = crate::access::Caller::Account(actor.clone());
    let outcome = review::decide(
        &web.app,
        &actor,
        &item,
        requester,
        &decision,
        Some(expected),
        |name| context.metadata(&caller, name),
    )
    .await;
    let (status, problem, error) = match outcome {
        Ok(decided) => {
            if let Some(at) = decided.last {
                web.app.engine.wait_for(at, web.app.read_wait).await;
            }
            let done = match decision {
                Decision::Approve => "approved",
                Decision::Reject(_) => "rejected",
            };
            return Ok(see_other(&reader, &format!("/moderation?done={done}")));
        }
        Err(Refusal::Invalid { .. }) => (
            StatusCode::BAD_REQUEST,
            t.get("form-has-errors"),
            t.get("error-reason"),
        ),
        Err(Refusal::Changed(_)) => (
            StatusCode::PRECONDITION_FAILED,
            t.get("moderation-changed"),
            String::new(),
        ),
        Err(Refusal::Conflict { .. }) => (
            StatusCode::CONFLICT,
            t.get("moderation-settled"),
            String::new(),
        ),
        Err(Refusal::NotAllowed(_)) => (
            StatusCode::FORBIDDEN,
            t.get("moderation-not-yours"),
            String::new(),
        ),
        Err(other) => return Err(reader.refused(other)),
    };
    // The page again, as it stands now (a changed item shows what it says now).
    let (review, claim) = load(&web, &reader, &kind, &id)
        .await
        .map_err(|r| reader.refused(r))?;
    let mut reason = reason_input(t, &typed);
    reason.error = error;
    reason.required = true;
    let names = people(&web, &reader, &review, claim.as_ref()).await?;
    let page = review_page(&web, &reader, (&review, &names), claim, reason, problem);
    Ok(render(status, &page))
}

#[cfg(test)]
mod tests {
    #[test]
    fn unknown_kinds_and_ids_are_refused() {
        use crate::app::moderation::ItemRef;
        assert!(ItemRef::parse("initiatives", "3f2a").is_err());
        assert!(ItemRef::parse("initiative", "not-a-uuid").is_err());
        let id = "0190a4a8-2b7e-7000-8000-000000000001";
        assert_eq!(
            ItemRef::parse("profile_change", id).unwrap().key(),
            format!("profile_change/{id}")
        );
    }
}
