//! Routes of `gateway/src/http/joint_projects/`.
//!
//! Rights scoped to an initiative (managing the lead, the invited or the interested initiative)
//! are decided by the aggregate, so routes open to every signed-in account at the route level
//! still refuse other callers with 403. Every request gets a fresh project, arranged directly
//! through the command bus, in the state its route needs.

use chrono::Utc;
use domain::actor::Actor;
use domain::joint_project::{InitiativeStanding, JointProjectCommand as Command, Objective};
use domain::values::{
    AccountId, Description, InitiativeId, JointProjectId, Sector, Sectors, Title,
};
use serde_json::json;
use store::EventMetadata;

use super::{Caller, Fixture, Request, Who};

pub fn expectation(method: &str, template: &str) -> Option<Who> {
    use Who::*;
    Some(match (method, template) {
        // The project read is approved, so public.
        ("GET", "/v1/joint-projects/{id}") => Everyone,
        // Matches of an approved project are as public as the project.
        ("GET", "/v1/joint-projects/{id}/matches") => Everyone,
        // Proposing on behalf of "this" initiative.
        ("POST", "/v1/joint-projects") => ManagersOfThis,
        // Acting as the lead, "this" initiative.
        ("PUT", "/v1/joint-projects/{id}") => ManagersOfThis,
        (
            "POST",
            "/v1/joint-projects/{id}/submission"
            | "/v1/joint-projects/{id}/activation"
            | "/v1/joint-projects/{id}/completion"
            | "/v1/joint-projects/{id}/withdrawal"
            | "/v1/joint-projects/{id}/invitations",
        ) => ManagersOfThis,
        ("PUT" | "DELETE", "/v1/joint-projects/{id}/call-for-partners") => ManagersOfThis,
        // Answering for "this" initiative, invited to (or interested in) another's project.
        (
            "POST",
            "/v1/joint-projects/{id}/invitations/{initiative_id}/acceptance"
            | "/v1/joint-projects/{id}/invitations/{initiative_id}/decline"
            | "/v1/joint-projects/{id}/interests",
        ) => ManagersOfThis,
        ("POST", "/v1/joint-projects/{id}/approval" | "/v1/joint-projects/{id}/rejection") => {
            Moderators
        }
        _ => return None,
    })
}

pub async fn request(f: &Fixture, method: &str, template: &str, caller: Caller) -> Option<Request> {
    let _ = caller;
    expectation(method, template)?;
    let this = f.this_initiative;
    let this_manager = f.person(Caller::ManagerOfThis)?.id;
    let (project, body) = match (method, template) {
        ("POST", "/v1/joint-projects") => {
            return Some((
                template.to_string(),
                Some(json!({
                    "lead_initiative_id": this,
                    "title": "Corredor del litio",
                    "description": "Baterías con proveedores locales.",
                    "sectors": ["lithium", "electromobility"],
                    "objectives": ["Homologar proveedores locales"],
                })),
            ));
        }
        ("GET", _) => (arrange(f, this, this_manager, Stage::Approved).await, None),
        ("PUT", "/v1/joint-projects/{id}") => (
            arrange(f, this, this_manager, Stage::Proposed).await,
            Some(json!({
                "title": "Corredor del litio, revisado",
                "description": "",
                "sectors": ["lithium"],
                "objectives": ["Homologar proveedores locales"],
            })),
        ),
        ("POST", "/v1/joint-projects/{id}/submission") => {
            (arrange(f, this, this_manager, Stage::Proposed).await, None)
        }
        ("POST", "/v1/joint-projects/{id}/approval") => (
            arrange(f, this, this_manager, Stage::UnderReview).await,
            None,
        ),
        ("POST", "/v1/joint-projects/{id}/rejection") => (
            arrange(f, this, this_manager, Stage::UnderReview).await,
            Some(json!({ "reason": "Falta describir el aporte de cada socio." })),
        ),
        ("POST", "/v1/joint-projects/{id}/activation") => (
            arrange(
                f,
                this,
                this_manager,
                Stage::ApprovedWith(f.other_initiative),
            )
            .await,
            None,
        ),
        ("POST", "/v1/joint-projects/{id}/completion") => (
            arrange(f, this, this_manager, Stage::ActiveWith(f.other_initiative)).await,
            None,
        ),
        ("POST", "/v1/joint-projects/{id}/withdrawal") => (
            arrange(f, this, this_manager, Stage::Proposed).await,
            Some(json!({ "reason": "Se postergó." })),
        ),
        ("POST", "/v1/joint-projects/{id}/invitations") => (
            arrange(f, this, this_manager, Stage::Proposed).await,
            Some(json!({ "initiative_id": f.other_initiative })),
        ),
        ("PUT" | "DELETE", "/v1/joint-projects/{id}/call-for-partners") => {
            let stage = if method == "PUT" {
                Stage::Approved
            } else {
                Stage::OpenCall
            };
            (arrange(f, this, this_manager, stage).await, None)
        }
        ("POST", "/v1/joint-projects/{id}/interests") => {
            let (lead, manager) = fresh_lead(f).await;
            (
                arrange(f, lead, manager, Stage::OpenCall).await,
                Some(json!({ "initiative_id": this })),
            )
        }
        ("POST", _) => {
            // Acceptance and decline: another initiative's project has invited "this" one.
            let (lead, manager) = fresh_lead(f).await;
            let project = arrange(f, lead, manager, Stage::Inviting(this)).await;
            let path = template
                .replace("{id}", &project.to_string())
                .replace("{initiative_id}", &this.to_string());
            return Some((path, None));
        }
        _ => return None,
    };
    Some((template.replace("{id}", &project.to_string()), body))
}

/// Where a project arranged for a request stands.
#[derive(Clone, Copy)]
enum Stage {
    Proposed,
    UnderReview,
    Approved,
    /// Approved, with an open call for partners.
    OpenCall,
    /// Proposed, with this initiative invited.
    Inviting(InitiativeId),
    /// Approved, with this initiative invited and accepted.
    ApprovedWith(InitiativeId),
    ActiveWith(InitiativeId),
}

/// An approved initiative with a manager of its own, to lead a project "this" one is asked to.
async fn fresh_lead(f: &Fixture) -> (InitiativeId, AccountId) {
    let manager = AccountId::new();
    (f.app.initiative_managed_by(manager, "Lead").await, manager)
}

/// A new project led by `lead` (managed by `manager`) in `stage`, written through the bus.
async fn arrange(
    f: &Fixture,
    lead: InitiativeId,
    manager: AccountId,
    stage: Stage,
) -> JointProjectId {
    let bus = &f.app.state.joint_projects;
    let id = JointProjectId::new();
    let at = Utc::now();
    let lead_actor = Actor::member(manager);
    let moderator = Actor::moderator(AccountId::new());
    let mut commands = vec![Command::Propose {
        project_id: id,
        lead,
        lead_standing: InitiativeStanding::Approved,
        actor: lead_actor.clone(),
        actor_manages_lead: true,
        title: Title::new("Corredor del litio").unwrap(),
        description: Description::new("Baterías con proveedores locales.").unwrap(),
        sectors: Sectors::new(vec![Sector::Lithium, Sector::Electromobility]).unwrap(),
        objectives: vec![Objective::new("Homologar proveedores locales").unwrap()],
        at,
    }];
    let invite = |partner: InitiativeId| Command::InvitePartner {
        actor: lead_actor.clone(),
        actor_manages_lead: true,
        initiative: partner,
        initiative_standing: InitiativeStanding::Approved,
        at,
    };
    let accept = |partner: InitiativeId| Command::AcceptInvitation {
        actor: Actor::member(AccountId::new()),
        initiative: partner,
        actor_manages_initiative: true,
        at,
    };
    let submit = Command::SubmitForReview {
        actor: lead_actor.clone(),
        actor_manages_lead: true,
        at,
    };
    let approve = Command::Approve {
        actor: moderator,
        actor_manages_lead: false,
        actor_manages_partner: false,
        at,
    };
    let activate = Command::Activate {
        actor: lead_actor.clone(),
        actor_manages_lead: true,
        at,
    };
    match stage {
        Stage::Proposed => {}
        Stage::Inviting(partner) => commands.push(invite(partner)),
        Stage::UnderReview => commands.push(submit),
        Stage::Approved => commands.extend([submit, approve]),
        Stage::OpenCall => commands.extend([
            submit,
            approve,
            Command::OpenCallForPartners {
                actor: lead_actor.clone(),
                actor_manages_lead: true,
                at,
            },
        ]),
        Stage::ApprovedWith(partner) => {
            commands.extend([invite(partner), accept(partner), submit, approve])
        }
        Stage::ActiveWith(partner) => {
            commands.extend([invite(partner), accept(partner), submit, approve, activate])
        }
    }
    for command in commands {
        bus.execute(
            &id.to_string(),
            command,
            EventMetadata::system("test", "ArrangeJointProject"),
        )
        .await
        .expect("arranged");
    }
    id
}
