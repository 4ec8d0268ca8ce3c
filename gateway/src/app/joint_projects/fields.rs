//! What a joint project is (title, description, sectors, objectives) as typed by a person or sent
//! by a client, parsed into the domain's values: every invalid field is collected and named
//! (`sectors[2]`, `objectives[0]`), so one refusal lists them all. The JSON API and the console
//! read their bodies into [`ProjectFields`] and share this parsing.

use domain::joint_project::Objective;
use domain::values::{Description, InitiativeId, Reason, Sector, Sectors, Title, ValueError};

use crate::app::Refusal;

/// What a project is: the part a proposal and a revision share.
#[derive(Debug, Clone)]
pub struct Content {
    pub title: Title,
    pub description: Description,
    pub sectors: Sectors,
    pub objectives: Vec<Objective>,
}

/// A project's fields as written, before parsing.
#[derive(Debug, Clone, Default)]
pub struct ProjectFields {
    pub title: String,
    pub description: String,
    /// Sector codes, the main one first.
    pub sectors: Vec<String>,
    pub objectives: Vec<String>,
}

/// Collects the error of `result`, if any, and passes its value on.
fn keep<T>(result: Result<T, ValueError>, errors: &mut Vec<ValueError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// `Ok(value)` if no field was invalid, else the refusal naming each.
fn all_or_invalid<T>(value: Option<T>, errors: Vec<ValueError>) -> Result<T, Refusal> {
    match value {
        Some(value) if errors.is_empty() => Ok(value),
        _ => Err(Refusal::invalid(errors)),
    }
}

impl ProjectFields {
    /// The content, or the refusal naming every invalid field.
    pub fn parse(self) -> Result<Content, Refusal> {
        let mut errors = Vec::new();
        let content = self.content(&mut errors);
        all_or_invalid(content, errors)
    }

    /// A proposal led by `lead` (as written, reported under `lead_field`): the lead and the
    /// content, or the refusal naming every invalid field.
    pub fn parse_proposal(
        self,
        lead: &str,
        lead_field: &str,
    ) -> Result<(InitiativeId, Content), Refusal> {
        let mut errors = Vec::new();
        let lead = keep(
            lead.parse::<InitiativeId>()
                .map_err(|e| e.in_field(lead_field)),
            &mut errors,
        );
        let content = self.content(&mut errors);
        all_or_invalid(lead.zip(content), errors)
    }

    fn content(self, errors: &mut Vec<ValueError>) -> Option<Content> {
        let title = keep(Title::new(self.title), errors);
        let description = keep(Description::new(self.description), errors);
        let before = errors.len();
        let sectors: Vec<Sector> = self
            .sectors
            .iter()
            .enumerate()
            .filter_map(|(i, raw)| {
                keep(
                    Sector::parse(raw).map_err(|e| e.in_field(format!("sectors[{i}]"))),
                    errors,
                )
            })
            .collect();
        // The list as a whole (empty, too long, repeated) is only judged once every code is known.
        let sectors = if errors.len() == before {
            keep(Sectors::new(sectors), errors)
        } else {
            None
        };
        let objectives: Vec<Option<Objective>> = self
            .objectives
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                keep(
                    Objective::new(raw).map_err(|e| e.in_field(format!("objectives[{i}]"))),
                    errors,
                )
            })
            .collect();
        let objectives: Option<Vec<Objective>> = objectives.into_iter().collect();
        Some(Content {
            title: title?,
            description: description?,
            sectors: sectors?,
            objectives: objectives?,
        })
    }
}

/// An optional reason (declining an invitation, withdrawing a project).
pub fn optional_reason(reason: Option<String>) -> Result<Option<Reason>, Refusal> {
    reason
        .map(Reason::new)
        .transpose()
        .map_err(|e| Refusal::invalid(vec![e]))
}
