//! Request bodies of the community and thread routes, and their parsing into domain values.
//! Every field is checked and every invalid one is reported at once, by its name in the body.

use domain::community::{JoinPolicy, Theme};
use domain::thread::PostBody;
use domain::values::{AccountId, Name, Reason, Sector, Title, ValueError};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::Refusal;

/// What a community is about: exactly one of a sector of the taxonomy or a free-text topic.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ThemeRequest {
    /// A sector code of the taxonomy, e.g. `lithium`, `agri_food_fishing`.
    #[schema(example = "lithium")]
    pub sector: Option<String>,
    /// A topic in words, when no sector fits (1–200 characters, one line).
    pub topic: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateCommunityRequest {
    #[schema(example = "Cadena del litio")]
    pub name: String,
    pub theme: ThemeRequest,
    /// `open` (anyone signed in joins at once) or `moderated` (a request that a facilitator or
    /// moderator decides).
    #[schema(example = "moderated")]
    pub join_policy: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RenameRequest {
    pub name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct JoinPolicyRequest {
    /// `open` or `moderated`.
    pub join_policy: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DeclineRequest {
    /// Why, for the person who asked (1–1000 characters); optional.
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PromoteRequest {
    /// The member to make a facilitator.
    #[schema(format = Uuid)]
    pub account_id: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct StartThreadRequest {
    #[schema(example = "¿Cómo certifican proveedores locales?")]
    pub title: String,
    /// The opening post (1–10 000 characters, line breaks allowed).
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PostRequest {
    /// The text of the post (1–10 000 characters, line breaks allowed).
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct HideRequest {
    /// Why the post is hidden (1–1000 characters); shown to facilitators and moderators.
    pub reason: String,
}

pub(super) struct NewCommunity {
    pub name: Name,
    pub theme: Theme,
    pub join_policy: JoinPolicy,
}

/// Collects the error of a parsed field, keeping the value if it is valid.
fn keep<T>(result: Result<T, ValueError>, errors: &mut Vec<ValueError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// `Ok(value)` if every field was valid, or a 400 naming each invalid one.
fn all_or_400<T>(value: Option<T>, errors: Vec<ValueError>) -> Result<T, Refusal> {
    match value {
        Some(value) if errors.is_empty() => Ok(value),
        _ => Err(Refusal::invalid(errors)),
    }
}

impl CreateCommunityRequest {
    pub(super) fn parse(self) -> Result<NewCommunity, Refusal> {
        let mut errors = Vec::new();
        let name = keep(Name::new(self.name), &mut errors);
        let theme = keep(parse_theme(self.theme), &mut errors);
        let join_policy = keep(parse_join_policy(&self.join_policy), &mut errors);
        let parsed = match (name, theme, join_policy) {
            (Some(name), Some(theme), Some(join_policy)) => Some(NewCommunity {
                name,
                theme,
                join_policy,
            }),
            _ => None,
        };
        all_or_400(parsed, errors)
    }
}

fn parse_theme(theme: ThemeRequest) -> Result<Theme, ValueError> {
    match (theme.sector, theme.topic) {
        (Some(sector), None) => Sector::parse(&sector)
            .map(Theme::Sector)
            .map_err(|e| e.in_field("theme.sector")),
        (None, Some(topic)) => Name::new(topic)
            .map(Theme::Topic)
            .map_err(|e| e.in_field("theme.topic")),
        _ => Err(ValueError::new(
            "theme",
            "give exactly one of `sector` (a code of the taxonomy) or `topic` (words)",
        )),
    }
}

pub(super) fn parse_join_policy(raw: &str) -> Result<JoinPolicy, ValueError> {
    match raw.trim() {
        "open" => Ok(JoinPolicy::Open),
        "moderated" => Ok(JoinPolicy::Moderated),
        other => Err(ValueError::new(
            "join_policy",
            format!("'{other}' is not a joining policy; use `open` or `moderated`"),
        )),
    }
}

pub(super) fn one<T>(result: Result<T, ValueError>) -> Result<T, Refusal> {
    result.map_err(|e| Refusal::invalid(vec![e]))
}

impl PromoteRequest {
    pub(super) fn parse(self) -> Result<AccountId, Refusal> {
        one(self
            .account_id
            .parse::<AccountId>()
            .map_err(|e| e.in_field("account_id")))
    }
}

impl DeclineRequest {
    pub(super) fn parse(self) -> Result<Option<Reason>, Refusal> {
        one(self.reason.map(Reason::new).transpose())
    }
}

impl StartThreadRequest {
    pub(super) fn parse(self) -> Result<(Title, PostBody), Refusal> {
        let mut errors = Vec::new();
        let title = keep(Title::new(self.title), &mut errors);
        let body = keep(PostBody::new(self.body), &mut errors);
        all_or_400(title.zip(body), errors)
    }
}
