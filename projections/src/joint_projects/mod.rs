//! Joint projects, listed: each with its lead and partner initiatives (names and countries),
//! sectors, state and open call for partners.
//!
//! Projects are folded by their aggregate. The initiatives they name are followed here too,
//! reduced to what a list shows of them (name and country, see [`labels`]), so that a project's
//! countries can be filtered on without reading another read model. Derived and rebuilt on
//! restore: the projects newest proposed first, and their folded texts for search.

mod labels;
mod query;

use std::collections::{BTreeMap, HashMap};

use cqrs_es::Aggregate;
use domain::joint_project::JointProject;
use domain::values::InitiativeId;
use serde::{Deserialize, Serialize};

use crate::listing::{newest_first, Ordering, SortKey};
use crate::map::text;
use crate::{DomainEvent, Envelope, Projection, ProjectionError};
use labels::Label;

pub use query::{InitiativeRef, ListedProject, PartnerRef, ProjectFilter, ProjectViewer};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProjectDirectory {
    /// By project id.
    projects: BTreeMap<String, JointProject>,
    /// Every initiative, as a list names it.
    initiatives: BTreeMap<InitiativeId, Label>,
    #[serde(skip)]
    derived: Derived,
}

#[derive(Debug, Default, Clone)]
struct Derived {
    /// Title and description, folded, and the title alone.
    texts: HashMap<String, (String, String)>,
    newest: Ordering,
}

impl Projection for ProjectDirectory {
    const NAME: &'static str = "joint_projects";

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        match event.event()? {
            DomainEvent::Initiative(id, payload) => {
                labels::apply(&mut self.initiatives, *id, payload)
            }
            DomainEvent::JointProject(id, payload) => {
                let id = id.to_string();
                let project = self.projects.entry(id.clone()).or_default();
                project.apply(payload.clone());
                self.derived.upsert(&id, project);
            }
            _ => {}
        }
        Ok(())
    }

    fn restored(&mut self, _restoring: crate::Restoring) -> Result<(), crate::ProjectionError> {
        let mut derived = Derived::default();
        for (id, project) in &self.projects {
            derived.upsert(id, project);
        }
        self.derived = derived;
        Ok(())
    }
}

impl Derived {
    fn upsert(&mut self, id: &str, project: &JointProject) {
        let Some(details) = project.details() else {
            return;
        };
        self.newest
            .set(SortKey::new(newest_first(details.proposed_at), "", id));
        let title = text::fold(details.title.as_str());
        let all = format!("{title} {}", text::fold(details.description.as_str()));
        self.texts.insert(id.to_owned(), (all, title));
    }
}
