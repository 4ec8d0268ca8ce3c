mod lifecycle;
mod queries;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use domain::community::{Community, CommunityEvent, JoinPolicy, Theme};
use domain::initiative::{Initiative, InitiativeEvent, ProfileChanges};
use domain::joint_project::{JointProject, JointProjectEvent, Objective};
use domain::publication::{
    Gathering, IanaTimeZone, Kind, Place, Publication, PublicationContent, PublicationEvent,
};
use domain::values::{
    AccountId, CommunityId, Description, InitiativeId, JointProjectId, Name, PublicationId, Reason,
    Sector, Sectors, Title,
};

use super::{ModerationQueue, QueueKind};
use crate::test_events::{minute, registered, TestFeed};
use crate::Projection;

/// Builds a queue event by event, as the feed would deliver them.
struct Story {
    feed: TestFeed,
    queue: ModerationQueue,
    moderator: AccountId,
}

impl Story {
    fn new() -> Self {
        Self {
            feed: TestFeed::new(),
            queue: ModerationQueue::default(),
            moderator: AccountId::new(),
        }
    }

    fn initiative(&mut self, id: InitiativeId, event: InitiativeEvent) {
        let envelope = self.feed.event::<Initiative>(id, event);
        self.apply(&envelope);
    }

    fn community(&mut self, id: CommunityId, event: CommunityEvent) {
        let envelope = self.feed.event::<Community>(id, event);
        self.apply(&envelope);
    }

    fn project(&mut self, id: JointProjectId, event: JointProjectEvent) {
        let envelope = self.feed.event::<JointProject>(id, event);
        self.apply(&envelope);
    }

    fn publication(&mut self, id: PublicationId, event: PublicationEvent) {
        let envelope = self.feed.event::<Publication>(id, event);
        self.apply(&envelope);
    }

    /// Applies one event, and checks that the queue kept event by event is the one its cases
    /// describe (what a restored model derives).
    fn apply(&mut self, envelope: &crate::Envelope) {
        self.queue.apply(envelope).expect("applies");
        assert_eq!(
            self.queue.queue,
            self.queue.derived_queue(),
            "the queue kept event by event is the one its cases describe"
        );
    }

    /// Every waiting item as (kind, title, by, minute it started waiting).
    fn waiting(&self) -> Vec<(QueueKind, String, AccountId, i64)> {
        self.queue
            .pending(&BTreeSet::new(), usize::MAX)
            .items
            .into_iter()
            .map(|item| {
                let minutes = (item.submitted_at - minute(0)).num_minutes();
                (item.kind, item.title, item.submitted_by, minutes)
            })
            .collect()
    }
}

fn content(title: &str, kind: Kind) -> PublicationContent {
    PublicationContent {
        title: Title::new(title).unwrap(),
        summary: Description::new("Resumen").unwrap(),
        link: None,
        kind,
        language: None,
        topic: None,
        format: None,
    }
}

fn gathering() -> Kind {
    let day = NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    Kind::Gathering(Gathering {
        starts_at: day.and_hms_opt(9, 0, 0).unwrap(),
        ends_at: day.and_hms_opt(18, 0, 0).unwrap(),
        time_zone: IanaTimeZone::new("America/Santiago").unwrap(),
        place: Some(Place::new("Edificio CEPAL, Vitacura").unwrap()),
        online_link: None,
    })
}

fn proposed(id: JointProjectId, title: &str, by: AccountId) -> JointProjectEvent {
    JointProjectEvent::JointProjectProposed {
        project_id: id,
        lead: InitiativeId::new(),
        title: Title::new(title).unwrap(),
        description: Description::new("Baterías con proveedores locales.").unwrap(),
        sectors: Sectors::new(vec![Sector::Lithium]).unwrap(),
        objectives: vec![Objective::new("Compartir un laboratorio").unwrap()],
        proposed_by: by,
        at: minute(0),
    }
}

fn renamed(name: &str) -> ProfileChanges {
    ProfileChanges {
        name: Some(Name::new(name).unwrap()),
        ..ProfileChanges::default()
    }
}

fn reason() -> Reason {
    Reason::new("Falta información").unwrap()
}

/// One of every kind, submitted out of order; ids and people for the tests below.
struct Everything {
    story: Story,
    ana: AccountId,
    bruno: AccountId,
    new_initiative: InitiativeId,
    approved: InitiativeId,
    community: CommunityId,
    project: JointProjectId,
    news: PublicationId,
    report: PublicationId,
    meeting: PublicationId,
}

impl Everything {
    fn new() -> Self {
        let mut s = Story::new();
        let (ana, bruno) = (AccountId::new(), AccountId::new());
        let (new_initiative, approved) = (InitiativeId::new(), InitiativeId::new());
        let (community, project) = (CommunityId::new(), JointProjectId::new());
        let (news, report, meeting) = (
            PublicationId::new(),
            PublicationId::new(),
            PublicationId::new(),
        );
        use InitiativeEvent as I;
        let moderator = s.moderator;
        s.initiative(approved, registered(approved, "Clúster Minero", ana, 0));
        s.initiative(
            approved,
            I::InitiativeApproved {
                by: moderator,
                at: minute(1),
            },
        );
        s.publication(
            news,
            PublicationEvent::PublicationSubmitted {
                publication_id: news,
                author: bruno,
                content: content("Convocatoria", Kind::News),
                at: minute(10),
            },
        );
        s.initiative(
            new_initiative,
            registered(new_initiative, "Red de Turismo", bruno, 50),
        );
        s.initiative(
            approved,
            I::ProfileChangeProposed {
                changes: renamed("Clúster Minero del Norte"),
                by: ana,
                at: minute(30),
            },
        );
        s.project(project, proposed(project, "Corredor del litio", ana));
        s.project(
            project,
            JointProjectEvent::SubmittedForReview {
                submitted_by: ana,
                at: minute(70),
            },
        );
        s.publication(
            report,
            PublicationEvent::PublicationSubmitted {
                publication_id: report,
                author: ana,
                content: content("Informe", Kind::Publication),
                at: minute(20),
            },
        );
        s.publication(
            meeting,
            PublicationEvent::PublicationSubmitted {
                publication_id: meeting,
                author: bruno,
                content: content("Encuentro", gathering()),
                at: minute(40),
            },
        );
        s.initiative(
            approved,
            I::ManagementRequested {
                account: bruno,
                at: minute(60),
            },
        );
        s.community(
            community,
            CommunityEvent::CommunityCreated {
                community_id: community,
                name: Name::new("Hidrógeno verde").unwrap(),
                theme: Theme::Sector(Sector::GreenHydrogen),
                join_policy: JoinPolicy::Moderated,
                created_by: moderator,
                at: minute(0),
            },
        );
        s.community(
            community,
            CommunityEvent::JoinRequested {
                account: ana,
                at: minute(80),
            },
        );
        Self {
            story: s,
            ana,
            bruno,
            new_initiative,
            approved,
            community,
            project,
            news,
            report,
            meeting,
        }
    }
}
