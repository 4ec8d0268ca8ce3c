//! What a reader may ask of the joint projects, and who sees which.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use domain::joint_project::{InvitationState, JointProject, ProjectStatus};
use domain::values::{CountryCode, InitiativeId, Sector};

use super::ProjectDirectory;
use crate::listing::{Found, Page, SortKey};
use crate::TextQuery;

/// Who is reading: moderators see every project; the managers of the lead or of an invited
/// initiative see the projects that are not public yet (as `GET /v1/joint-projects/{id}`
/// shows them); everyone sees the approved, active and completed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectViewer {
    pub moderator: bool,
    /// The initiatives the reader manages.
    pub manages: BTreeSet<InitiativeId>,
}

impl ProjectViewer {
    pub fn sees(&self, project: &JointProject) -> bool {
        if is_public(project.status()) || self.moderator {
            return true;
        }
        let Some(details) = project.details() else {
            return false;
        };
        std::iter::once(&details.lead)
            .chain(project.partners().keys())
            .any(|initiative| self.manages.contains(initiative))
    }
}

/// Whether anyone may see a project in `status`: moderators have vouched for it.
pub fn is_public(status: ProjectStatus) -> bool {
    matches!(
        status,
        ProjectStatus::Approved | ProjectStatus::Active | ProjectStatus::Completed
    )
}

/// Which projects to list; empty sets mean any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFilter {
    pub states: BTreeSet<ProjectStatus>,
    /// Projects with at least one of these sectors.
    pub sectors: BTreeSet<Sector>,
    /// Projects whose lead or an accepted partner is in one of these countries.
    pub countries: BTreeSet<CountryCode>,
    /// Only projects with an open call for partners (`Some(true)`), or only without.
    pub open_call: Option<bool>,
    /// Projects this initiative leads or has accepted to join.
    pub initiative: Option<InitiativeId>,
    /// Words to find in title or description (ignoring case and accents).
    pub text: Option<TextQuery>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeRef {
    pub id: InitiativeId,
    /// `None` for an initiative this model never saw registered.
    pub name: Option<String>,
    pub country: Option<CountryCode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartnerRef {
    pub initiative: InitiativeRef,
    pub invitation: InvitationState,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListedProject {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: ProjectStatus,
    pub lead: InitiativeRef,
    /// Invited initiatives and where each invitation stands; the public sees accepted ones only.
    pub partners: Vec<PartnerRef>,
    pub sectors: Vec<Sector>,
    pub objectives: Vec<String>,
    /// Initiatives that answered the open call and have not been invited yet.
    pub interested: Vec<InitiativeRef>,
    /// Of the lead and the accepted partners.
    pub countries: BTreeSet<CountryCode>,
    pub call_open: bool,
    pub proposed_at: DateTime<Utc>,
}

impl ProjectDirectory {
    /// Projects `filter` keeps that `viewer` sees, newest proposed first.
    pub fn list(
        &self,
        filter: &ProjectFilter,
        viewer: &ProjectViewer,
        after: Option<&SortKey>,
        limit: usize,
    ) -> Page<ListedProject> {
        let keep = |id: &str| {
            let (Some(project), Some((folded, _))) =
                (self.projects.get(id), self.derived.texts.get(id))
            else {
                return false;
            };
            viewer.sees(project) && self.keeps(filter, project, folded)
        };
        self.derived
            .newest
            .page(after, limit, keep, |id| self.summary(id, viewer))
    }

    /// The first `limit` projects, newest proposed first, that one of `initiatives` leads or is
    /// invited to (whatever the answer): a member's own projects, as `viewer` sees them.
    pub fn involving(
        &self,
        initiatives: &BTreeSet<InitiativeId>,
        viewer: &ProjectViewer,
        limit: usize,
    ) -> Vec<ListedProject> {
        let keep = |id: &str| {
            self.projects.get(id).is_some_and(|project| {
                viewer.sees(project)
                    && project.details().is_some_and(|details| {
                        initiatives.contains(&details.lead)
                            || project.partners().keys().any(|p| initiatives.contains(p))
                    })
            })
        };
        self.derived
            .newest
            .page(None, limit, keep, |id| self.summary(id, viewer))
            .items
    }

    /// Project `id`, if it exists and `viewer` sees it.
    pub fn project(&self, id: &str, viewer: &ProjectViewer) -> Option<ListedProject> {
        viewer
            .sees(self.projects.get(id)?)
            .then(|| self.summary(id, viewer))
            .flatten()
    }

    /// Projects `viewer` sees whose texts hold all of `query`'s words, with how many of them the
    /// title holds.
    pub fn search<'a>(
        &'a self,
        query: &'a TextQuery,
        viewer: &'a ProjectViewer,
    ) -> impl Iterator<Item = Found<'a, JointProject>> + 'a {
        self.derived
            .texts
            .iter()
            .filter(move |(_, (folded, _))| query.matches(folded))
            .filter_map(move |(id, (_, title))| {
                let project = self.projects.get(id).filter(|p| viewer.sees(p))?;
                // As a listed project: one without details is never shown.
                project.details()?;
                Some(Found {
                    id,
                    record: project,
                    score: query.hits(title),
                    folded_title: title.into(),
                })
            })
    }

    fn keeps(&self, filter: &ProjectFilter, project: &JointProject, folded: &str) -> bool {
        let Some(details) = project.details() else {
            return false;
        };
        let taking_part = || self.taking_part(project);
        (filter.states.is_empty() || filter.states.contains(&project.status()))
            && (filter.sectors.is_empty()
                || details.sectors.iter().any(|s| filter.sectors.contains(&s)))
            && filter
                .open_call
                .is_none_or(|open| open == project.is_call_open())
            && filter.initiative.is_none_or(|i| taking_part().contains(&i))
            && (filter.countries.is_empty()
                || taking_part().iter().any(|i| {
                    self.initiatives
                        .get(i)
                        .is_some_and(|label| filter.countries.contains(&label.country))
                }))
            && filter.text.as_ref().is_none_or(|q| q.matches(folded))
    }

    /// The lead and the partners that accepted.
    fn taking_part(&self, project: &JointProject) -> Vec<InitiativeId> {
        let lead = project.details().map(|d| d.lead);
        lead.into_iter()
            .chain(
                project
                    .partners()
                    .iter()
                    .filter(|(_, state)| **state == InvitationState::Accepted)
                    .map(|(id, _)| *id),
            )
            .collect()
    }

    fn reference(&self, id: InitiativeId) -> InitiativeRef {
        let label = self.initiatives.get(&id);
        InitiativeRef {
            id,
            name: label.map(|l| l.name.clone()),
            country: label.map(|l| l.country),
        }
    }

    fn summary(&self, id: &str, viewer: &ProjectViewer) -> Option<ListedProject> {
        let project = self.projects.get(id)?;
        let details = project.details()?;
        // Invitations still open or declined are the involved managers' business.
        let involved = viewer.moderator || !is_public(project.status()) || {
            std::iter::once(&details.lead)
                .chain(project.partners().keys())
                .any(|i| viewer.manages.contains(i))
        };
        let partners = project
            .partners()
            .iter()
            .filter(|(_, state)| involved || **state == InvitationState::Accepted)
            .map(|(initiative, state)| PartnerRef {
                initiative: self.reference(*initiative),
                invitation: *state,
            })
            .collect();
        let countries = self
            .taking_part(project)
            .into_iter()
            .filter_map(|i| self.initiatives.get(&i).map(|l| l.country))
            .collect();
        Some(ListedProject {
            id: id.to_owned(),
            title: details.title.to_string(),
            description: details.description.to_string(),
            status: project.status(),
            lead: self.reference(details.lead),
            partners,
            sectors: details.sectors.as_slice().to_vec(),
            objectives: details.objectives.iter().map(ToString::to_string).collect(),
            interested: project
                .interested()
                .iter()
                .map(|i| self.reference(*i))
                .collect(),
            countries,
            call_open: project.is_call_open(),
            proposed_at: details.proposed_at,
        })
    }

    pub fn len(&self) -> usize {
        self.projects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.projects.is_empty()
    }
}
