//! Request bodies of the joint-project routes, and their parsing into the domain's values (by
//! `app::joint_projects::ProjectFields`, shared with the console): every invalid field is
//! collected and named (`sectors[2]`, `objectives[0]`), so one 400 lists them all.

use axum::extract::{FromRequest, Request};
use axum::http::header;
use domain::values::{InitiativeId, Reason};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::ToSchema;

use super::super::{ApiJson, HttpError, Refusal};
use crate::app::joint_projects::{optional_reason, Content, ProjectFields};

/// A new joint project, led by an initiative the caller manages.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ProposalRequest {
    /// The initiative that leads the project; the caller must be one of its managers, and it
    /// must be approved.
    #[schema(format = Uuid)]
    lead_initiative_id: String,
    /// 1 to 200 characters, one line.
    #[schema(example = "Corredor del litio y la electromovilidad")]
    title: String,
    /// Up to 5000 characters.
    #[schema(example = "Baterías con proveedores locales de Antofagasta y Jujuy.")]
    description: String,
    /// 1 to 10 sector codes of the taxonomy, the main one first.
    #[schema(example = json!(["lithium", "electromobility"]))]
    sectors: Vec<String>,
    /// 1 to 10 objectives, each 1 to 500 characters on one line.
    #[schema(example = json!(["Homologar proveedores locales de celdas"]))]
    objectives: Vec<String>,
}

/// What the project becomes: every field replaces the current one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RevisionRequest {
    /// 1 to 200 characters, one line.
    title: String,
    /// Up to 5000 characters.
    description: String,
    /// 1 to 10 sector codes of the taxonomy, the main one first.
    sectors: Vec<String>,
    /// 1 to 10 objectives, each 1 to 500 characters on one line.
    objectives: Vec<String>,
}

/// An initiative named in the body: the one invited, or the one expressing interest.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct InitiativeRequest {
    #[schema(format = Uuid)]
    initiative_id: String,
}

/// A moderator's rejection: the lead needs the reason to revise the project.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RejectionRequest {
    /// 1 to 1000 characters.
    #[schema(example = "Falta describir el aporte de cada socio.")]
    reason: String,
}

/// An optional reason (declining an invitation, withdrawing a project); the body may be left
/// out altogether.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct OptionalReasonRequest {
    /// 1 to 1000 characters, if given.
    reason: Option<String>,
}

impl ProposalRequest {
    pub fn parse(self) -> Result<(InitiativeId, Content), Refusal> {
        ProjectFields {
            title: self.title,
            description: self.description,
            sectors: self.sectors,
            objectives: self.objectives,
        }
        .parse_proposal(&self.lead_initiative_id, "lead_initiative_id")
    }
}

impl RevisionRequest {
    pub fn parse(self) -> Result<Content, Refusal> {
        ProjectFields {
            title: self.title,
            description: self.description,
            sectors: self.sectors,
            objectives: self.objectives,
        }
        .parse()
    }
}

impl InitiativeRequest {
    pub fn parse(self) -> Result<InitiativeId, Refusal> {
        self.initiative_id
            .parse::<InitiativeId>()
            .map_err(|e| Refusal::invalid(vec![e.in_field("initiative_id")]))
    }
}

impl RejectionRequest {
    pub fn parse(self) -> Result<Reason, Refusal> {
        Reason::new(self.reason).map_err(|e| Refusal::invalid(vec![e]))
    }
}

impl OptionalReasonRequest {
    pub fn parse(self) -> Result<Option<Reason>, Refusal> {
        optional_reason(self.reason)
    }
}

/// A JSON body that may be left out: a request without a body (no `Content-Type`, no length),
/// or with the JSON `null` the schema allows, reads as `T::default()`; any other body is read
/// like [`ApiJson`].
pub(super) struct OptionalJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(request: Request, state: &S) -> Result<Self, HttpError> {
        let headers = request.headers();
        let no_type = !headers.contains_key(header::CONTENT_TYPE);
        let no_length = headers
            .get(header::CONTENT_LENGTH)
            .is_none_or(|length| length.as_bytes() == b"0");
        let chunked = headers.contains_key(header::TRANSFER_ENCODING);
        if no_type && no_length && !chunked {
            return Ok(Self(T::default()));
        }
        let ApiJson(value) = ApiJson::<Option<T>>::from_request(request, state).await?;
        Ok(Self(value.unwrap_or_default()))
    }
}
