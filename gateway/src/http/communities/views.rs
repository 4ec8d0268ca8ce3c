//! What the reads show, and to whom: built from the aggregates' public accessors and the
//! viewer's standing in the community.

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::community::{Community, CommunityProfile, CommunityRole, JoinPolicy, Theme};
use domain::thread::{Post, PostState, Thread, ThreadHeader};
use domain::values::{AccountId, CommunityId, PostId, ThreadId};
use serde::Serialize;
use utoipa::ToSchema;

/// Who is reading, as far as a community is concerned.
pub(super) struct Viewer {
    pub account: Option<AccountId>,
    pub moderator: bool,
    /// The viewer's role in the community the read is about (`None`: not a member).
    pub role: Option<CommunityRole>,
}

impl Viewer {
    pub(super) fn of(actor: Option<&Actor>, community: Option<&Community>) -> Self {
        let account = actor.map(|a| a.account);
        Self {
            account,
            moderator: actor.is_some_and(Actor::is_moderator),
            role: account.and_then(|a| community.and_then(|c| c.role_of(&a))),
        }
    }

    /// Facilitators of this community and moderators: they decide requests and see hidden posts.
    fn moderates(&self) -> bool {
        self.moderator || self.role == Some(CommunityRole::Facilitator)
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct ThemeView {
    /// A sector code of the taxonomy, when the theme is a sector.
    #[serde(skip_serializing_if = "Option::is_none")]
    sector: Option<String>,
    /// A topic in words, when no sector fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    topic: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct MemberView {
    #[schema(value_type = String, format = Uuid)]
    account_id: AccountId,
    /// `member` or `facilitator`.
    role: &'static str,
}

#[derive(Serialize, ToSchema)]
pub(super) struct JoinRequestView {
    #[schema(value_type = String, format = Uuid)]
    account_id: AccountId,
    requested_at: DateTime<Utc>,
}

/// The signed-in reader's own standing in the community.
#[derive(Serialize, ToSchema)]
pub(super) struct YouView {
    /// `member`, `facilitator`, or `null` if not a member.
    role: Option<&'static str>,
    /// When the reader asked to join, if that request is still waiting for a decision.
    join_requested_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct CommunityView {
    #[schema(value_type = String, format = Uuid)]
    id: CommunityId,
    name: String,
    theme: ThemeView,
    /// `open` or `moderated`.
    join_policy: &'static str,
    #[schema(value_type = Vec<String>)]
    facilitators: Vec<AccountId>,
    member_count: usize,
    created_at: DateTime<Utc>,
    /// Every member with their role: shown to members and moderators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    members: Option<Vec<MemberView>>,
    /// Requests waiting for a decision, oldest first: shown to facilitators and moderators.
    #[serde(skip_serializing_if = "Option::is_none")]
    join_requests: Option<Vec<JoinRequestView>>,
    /// Present when the reader is signed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    you: Option<YouView>,
}

pub(super) fn role_name(role: CommunityRole) -> &'static str {
    match role {
        CommunityRole::Member => "member",
        CommunityRole::Facilitator => "facilitator",
    }
}

fn policy_name(policy: JoinPolicy) -> &'static str {
    match policy {
        JoinPolicy::Open => "open",
        JoinPolicy::Moderated => "moderated",
    }
}

impl CommunityView {
    pub(super) fn new(profile: &CommunityProfile, community: &Community, viewer: &Viewer) -> Self {
        let members = community.members();
        let theme = match &profile.theme {
            Theme::Sector(sector) => ThemeView {
                sector: Some(sector.code().to_string()),
                topic: None,
            },
            Theme::Topic(topic) => ThemeView {
                sector: None,
                topic: Some(topic.to_string()),
            },
        };
        let show_members = viewer.moderator || viewer.role.is_some();
        let mut requests: Vec<JoinRequestView> = community
            .join_requests()
            .iter()
            .map(|(account, at)| JoinRequestView {
                account_id: *account,
                requested_at: *at,
            })
            .collect();
        requests.sort_by_key(|r| r.requested_at);
        Self {
            id: profile.id,
            name: profile.name.to_string(),
            theme,
            join_policy: policy_name(profile.join_policy),
            facilitators: members
                .iter()
                .filter(|(_, role)| **role == CommunityRole::Facilitator)
                .map(|(account, _)| *account)
                .collect(),
            member_count: members.len(),
            created_at: profile.created_at,
            members: show_members.then(|| {
                members
                    .iter()
                    .map(|(account, role)| MemberView {
                        account_id: *account,
                        role: role_name(*role),
                    })
                    .collect()
            }),
            join_requests: viewer.moderates().then_some(requests),
            you: viewer.account.map(|account| YouView {
                role: viewer.role.map(role_name),
                join_requested_at: community.join_requests().get(&account).copied(),
            }),
        }
    }
}

/// Why and by whom a post was hidden: shown to facilitators and moderators only.
#[derive(Serialize, ToSchema)]
pub(super) struct HidingView {
    reason: String,
    #[schema(value_type = String, format = Uuid)]
    hidden_by: AccountId,
    at: DateTime<Utc>,
}

/// A post. Everyone sees a visible post whole. A hidden post shows its text, author and why it
/// was hidden only to facilitators and moderators; others see its place in the thread and the
/// status `hidden`. A deleted post shows no text to anyone.
#[derive(Serialize, ToSchema)]
pub(super) struct PostView {
    #[schema(value_type = String, format = Uuid)]
    id: PostId,
    /// `visible`, `hidden` or `deleted`.
    status: &'static str,
    #[schema(value_type = Option<String>, format = Uuid)]
    author_id: Option<AccountId>,
    body: Option<String>,
    posted_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edited_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hidden: Option<HidingView>,
}

impl PostView {
    fn new(post: &Post, viewer: &Viewer) -> Self {
        let state = post.state();
        let concealed = state == PostState::Hidden && !viewer.moderates();
        Self {
            id: post.id,
            status: state.as_str(),
            author_id: (!concealed).then_some(post.author),
            body: if concealed {
                None
            } else {
                post.body.as_ref().map(ToString::to_string)
            },
            posted_at: post.posted_at,
            edited_at: if concealed { None } else { post.edited_at },
            hidden: post
                .hidden
                .as_ref()
                .filter(|_| viewer.moderates())
                .map(|h| HidingView {
                    reason: h.reason.to_string(),
                    hidden_by: h.hidden_by,
                    at: h.at,
                }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct ThreadView {
    #[schema(value_type = String, format = Uuid)]
    id: ThreadId,
    #[schema(value_type = String, format = Uuid)]
    community_id: CommunityId,
    title: String,
    #[schema(value_type = String, format = Uuid)]
    started_by: AccountId,
    started_at: DateTime<Utc>,
    /// In posting order; the first is the opening post.
    posts: Vec<PostView>,
}

impl ThreadView {
    pub(super) fn new(header: &ThreadHeader, thread: &Thread, viewer: &Viewer) -> Self {
        Self {
            id: header.id,
            community_id: header.community_id,
            title: header.title.to_string(),
            started_by: header.started_by,
            started_at: header.started_at,
            posts: thread
                .posts()
                .iter()
                .map(|post| PostView::new(post, viewer))
                .collect(),
        }
    }
}
