//! Synthetic platform history for benchmarks: initiatives with their lifecycles, communities with
//! members, joint projects with partners, and profile edits, written through the real store
//! (commands decided by the aggregates, appended with `EventLog::commit_together`). The same
//! seed always gives the same history, apart from generated timestamps of storage.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::actor::{Actor, Role};
use domain::community::{CommunityCommand, JoinPolicy, Theme};
use domain::initiative::{InitiativeCommand, Profile, ProfileChanges};
use domain::joint_project::{InitiativeStanding, JointProjectCommand, Objective};
use domain::values::{
    AccountId, CommunityId, CountryCode, Description, FirmCount, FoundingYear, FundingSource,
    GeoPoint, Governance, InitiativeId, InitiativeKind, JointProjectId, MaturityStage, Name,
    Region, Sector, Sectors, StrategicFocus, Title, ValueChainFocus,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use store::{EventLog, EventMetadata, FeedPosition, PendingAppend};
use uuid::Uuid;

/// Roughly where each country lies (latitude and longitude ranges well inside its borders, so
/// that synthetic points fall on its land or near it).
/// A country code with its latitude and longitude ranges.
type CountryBox = (&'static str, (f64, f64), (f64, f64));

const COUNTRIES: &[CountryBox] = &[
    ("CL", (-41.0, -20.0), (-72.5, -69.5)),
    ("CO", (1.0, 10.0), (-76.5, -72.0)),
    ("MX", (17.0, 28.0), (-106.0, -97.0)),
    ("EC", (-4.0, 0.5), (-80.0, -77.5)),
    ("PE", (-15.0, -5.0), (-79.0, -73.0)),
    ("AR", (-40.0, -24.0), (-68.0, -60.0)),
    ("CR", (8.5, 10.8), (-85.0, -83.0)),
    ("UY", (-34.5, -30.5), (-57.5, -54.0)),
];

/// Streams decided before they are written together in one transaction.
const STREAMS_PER_COMMIT: usize = 250;

/// What was written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub events: u64,
    pub initiatives: usize,
    pub communities: usize,
    pub joint_projects: usize,
    /// The history's first initiative was already in the store: nothing was written.
    pub already_present: bool,
}

/// A community written by [`write_history`], with the actors who joined it (what later
/// activity in it needs).
pub type CommunityMembers = (CommunityId, Vec<Actor>);

/// Writes a history with `initiatives` initiatives and about `target_events` events in all
/// (never fewer than the lifecycles themselves need), calling `progress` with the running event
/// count.
pub async fn write(
    log: &EventLog,
    initiatives: usize,
    target_events: u64,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Written, String> {
    write_history(log, initiatives, target_events, seed, progress)
        .await
        .map(|(written, _)| written)
}

/// [`write`], also answering the communities and their members. If the history's first
/// initiative already exists (the same history was written before), nothing is written.
pub async fn write_history(
    log: &EventLog,
    initiatives: usize,
    target_events: u64,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Written, Vec<CommunityMembers>), String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let bus = log.commands::<domain::initiative::Initiative>(());
    let community_bus = log.commands::<domain::community::Community>(());
    let project_bus = log.commands::<domain::joint_project::JointProject>(());
    let mut writer = Writer {
        log,
        pending: Vec::new(),
        written: Written::default(),
        progress,
    };
    let moderator = Actor::new(uuid(&mut rng).into(), [Role::Member, Role::Moderator]);
    let start: DateTime<Utc> = Utc
        .with_ymd_and_hms(2025, 3, 1, 12, 0, 0)
        .single()
        .unwrap_or_default();
    let managers: Vec<Actor> = (0..initiatives)
        .map(|_| Actor::new(AccountId::from(uuid(&mut rng)), [Role::Member]))
        .collect();
    let ids: Vec<InitiativeId> = (0..initiatives).map(|_| uuid(&mut rng).into()).collect();
    let profiles = (0..initiatives)
        .map(|i| profile(&mut rng, i))
        .collect::<Result<Vec<Profile>, String>>()?;
    if let Some(first) = ids.first() {
        let loaded = bus
            .store()
            .load_fresh(&first.to_string())
            .await
            .map_err(|e| e.to_string())?;
        if loaded.version > 0 {
            let written = Written {
                already_present: true,
                ..Written::default()
            };
            return Ok((written, Vec::new()));
        }
    }
    let mut made: Vec<CommunityMembers> = Vec::new();

    for (i, id) in ids.iter().enumerate() {
        let at = start + Duration::minutes(i as i64);
        let manager = managers[i].clone();
        let decided = bus
            .decide(
                &id.to_string(),
                InitiativeCommand::Register {
                    id: *id,
                    profile: profiles[i].clone(),
                    actor: manager.clone(),
                    at,
                },
            )
            .await
            .map_err(|e| e.to_string())?
            .then(InitiativeCommand::Approve {
                actor: moderator.clone(),
                at: at + Duration::hours(1),
            })
            .await
            .map_err(|e| e.to_string())?
            .then(InitiativeCommand::Confirm {
                actor: manager,
                at: at + Duration::days(30),
            })
            .await
            .map_err(|e| e.to_string())?;
        writer
            .push(
                decided
                    .into_pending(&metadata("RegisterInitiative"))
                    .map_err(|e| e.to_string())?,
            )
            .await?;
    }
    writer.written.initiatives = initiatives;
    writer.flush().await?;

    let communities = (initiatives / 100).max(1);
    let mut joiners: Vec<Vec<usize>> = vec![Vec::new(); communities];
    for person in 0..initiatives {
        for _ in 0..2 {
            joiners[rng.gen_range(0..communities)].push(person);
        }
    }
    for (c, members) in joiners.iter_mut().enumerate() {
        members.sort_unstable();
        members.dedup();
        let at = start + Duration::days(60) + Duration::minutes(c as i64);
        let id: CommunityId = uuid(&mut rng).into();
        let sector = *Sector::ALL.choose(&mut rng).unwrap_or(&Sector::Ict);
        let mut decided = community_bus
            .decide(
                &id.to_string(),
                CommunityCommand::CreateCommunity {
                    community_id: id,
                    actor: moderator.clone(),
                    name: text(Name::new(format!("Comunidad de práctica {c}")))?,
                    theme: Theme::Sector(sector),
                    join_policy: JoinPolicy::Open,
                    at,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
        made.push((id, members.iter().map(|&p| managers[p].clone()).collect()));
        for &person in members.iter() {
            decided = decided
                .then(CommunityCommand::Join {
                    actor: managers[person].clone(),
                    at: at + Duration::hours(1),
                })
                .await
                .map_err(|e| e.to_string())?;
        }
        writer
            .push(
                decided
                    .into_pending(&metadata("JoinCommunity"))
                    .map_err(|e| e.to_string())?,
            )
            .await?;
    }
    writer.written.communities = communities;
    writer.flush().await?;

    let projects = initiatives / 10;
    for p in 0..projects {
        let at = start + Duration::days(90) + Duration::minutes(p as i64);
        let lead = rng.gen_range(0..initiatives);
        let partners: Vec<usize> = (0..2)
            .map(|_| rng.gen_range(0..initiatives))
            .filter(|&x| x != lead)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let id: JointProjectId = uuid(&mut rng).into();
        let lead_actor = managers[lead].clone();
        let mut decided = project_bus
            .decide(
                &id.to_string(),
                JointProjectCommand::Propose {
                    project_id: id,
                    lead: ids[lead],
                    lead_standing: InitiativeStanding::Approved,
                    actor: lead_actor.clone(),
                    actor_manages_lead: true,
                    title: text(Title::new(format!("Proyecto conjunto {p}")))?,
                    description: text(Description::new("Encadenamiento productivo regional."))?,
                    sectors: profiles[lead].sectors.clone(),
                    objectives: vec![text(Objective::new("Desarrollar proveedores locales"))?],
                    at,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
        for &partner in &partners {
            decided = decided
                .then(JointProjectCommand::InvitePartner {
                    actor: lead_actor.clone(),
                    actor_manages_lead: true,
                    initiative: ids[partner],
                    initiative_standing: InitiativeStanding::Approved,
                    at: at + Duration::hours(1),
                })
                .await
                .map_err(|e| e.to_string())?
                .then(JointProjectCommand::AcceptInvitation {
                    actor: managers[partner].clone(),
                    initiative: ids[partner],
                    actor_manages_initiative: true,
                    at: at + Duration::hours(2),
                })
                .await
                .map_err(|e| e.to_string())?;
        }
        decided = decided
            .then(JointProjectCommand::OpenCallForPartners {
                actor: lead_actor.clone(),
                actor_manages_lead: true,
                at: at + Duration::hours(3),
            })
            .await
            .map_err(|e| e.to_string())?
            .then(JointProjectCommand::SubmitForReview {
                actor: lead_actor,
                actor_manages_lead: true,
                at: at + Duration::hours(4),
            })
            .await
            .map_err(|e| e.to_string())?
            // The synthetic moderator manages no initiative.
            .then(JointProjectCommand::Approve {
                actor: moderator.clone(),
                actor_manages_lead: false,
                actor_manages_partner: false,
                at: at + Duration::hours(5),
            })
            .await
            .map_err(|e| e.to_string())?;
        writer
            .push(
                decided
                    .into_pending(&metadata("ProposeJointProject"))
                    .map_err(|e| e.to_string())?,
            )
            .await?;
    }
    writer.written.joint_projects = projects;
    writer.flush().await?;

    // Profile edits, spread over the initiatives, until the history has the size asked for.
    let mut round = 0u32;
    while writer.written.events < target_events && initiatives > 0 {
        round += 1;
        let remaining = target_events - writer.written.events;
        let streams = usize::try_from(remaining)
            .unwrap_or(usize::MAX)
            .min(initiatives);
        for (i, id) in ids.iter().enumerate().take(streams) {
            let firms = text(FirmCount::new(10 + u64::from(round) + (i as u64 % 200)))?;
            let decided = bus
                .decide(
                    &id.to_string(),
                    InitiativeCommand::UpdateProfile {
                        changes: ProfileChanges {
                            number_of_firms: Some(firms),
                            ..ProfileChanges::default()
                        },
                        actor: managers[i].clone(),
                        at: start + Duration::days(120 + i64::from(round)),
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            writer
                .push(
                    decided
                        .into_pending(&metadata("UpdateInitiativeProfile"))
                        .map_err(|e| e.to_string())?,
                )
                .await?;
        }
        writer.flush().await?;
    }
    Ok((writer.written, made))
}

struct Writer<'b, 'p> {
    log: &'b EventLog,
    pending: Vec<PendingAppend<'b>>,
    written: Written,
    progress: &'p (dyn Fn(u64) + Sync),
}

impl<'b> Writer<'b, '_> {
    async fn push(&mut self, append: PendingAppend<'b>) -> Result<(), String> {
        self.pending.push(append);
        if self.pending.len() >= STREAMS_PER_COMMIT {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.pending);
        let events: u64 = batch.iter().map(|p| p.event_count() as u64).sum();
        self.log
            .commit_together(batch)
            .await
            .map_err(|e| e.to_string())?;
        self.written.events += events;
        (self.progress)(self.written.events);
        Ok(())
    }
}

fn metadata(command: &str) -> EventMetadata {
    EventMetadata::system("synthetic", command)
}

fn uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

fn text<T, E: std::fmt::Display>(value: Result<T, E>) -> Result<T, String> {
    value.map_err(|e| format!("synthetic value refused: {e}"))
}

fn profile(rng: &mut StdRng, i: usize) -> Result<Profile, String> {
    let (country, (lat0, lat1), (lon0, lon1)) = COUNTRIES[rng.gen_range(0..COUNTRIES.len())];
    let how_many = rng.gen_range(1..=3);
    let sectors: Vec<Sector> = Sector::ALL
        .choose_multiple(rng, how_many)
        .copied()
        .collect();
    let build = || -> Result<Profile, domain::values::ValueError> {
        Ok(Profile {
            name: Name::new(format!("Iniciativa sintética {i}"))?,
            description: Description::new(
                "Red de empresas de la región para la articulación productiva.",
            )?,
            kind: InitiativeKind::ALL[i % InitiativeKind::ALL.len()],
            country: CountryCode::new(country)?,
            region: Region::new(format!("Región {}", i % 16))?,
            location: GeoPoint::new(spread(i, lat0, lat1), spread(i / 7, lon0, lon1))?,
            sectors: Sectors::new(sectors.clone())?,
            value_chain_focus: ValueChainFocus::new("Proveedores y servicios")?,
            strategic_focus: [StrategicFocus::ALL[i % StrategicFocus::ALL.len()]]
                .into_iter()
                .collect(),
            number_of_firms: FirmCount::new(10 + (i as u64 % 300))?,
            governance: Governance::new("Agencia de desarrollo", 40, 30, 20, 10)?,
            funding_sources: [FundingSource::ALL[i % FundingSource::ALL.len()]]
                .into_iter()
                .collect(),
            maturity_stage: MaturityStage::ALL[i % MaturityStage::ALL.len()],
            founding_year: FoundingYear::new(2000 + (i as i64 % 24))?,
            website: None,
        })
    };
    build().map_err(|e| format!("synthetic profile {i} is invalid: {e}"))
}

/// A deterministic spread of `i` over `[from, to)`.
fn spread(i: usize, from: f64, to: f64) -> f64 {
    let fraction = ((i as u64).wrapping_mul(2_654_435_761) % 10_000) as f64 / 10_000.0;
    from + (to - from) * fraction
}

/// Registers one more synthetic initiative (the `i`-th, from `seed`), as its own command: what
/// a benchmark writes while it watches the read models follow. Answers where it sits in the feed.
pub async fn register_one(log: &EventLog, seed: u64, i: usize) -> Result<FeedPosition, String> {
    let mut rng = StdRng::seed_from_u64(seed ^ i as u64);
    let id = InitiativeId::from(uuid(&mut rng));
    let command = InitiativeCommand::Register {
        id,
        profile: profile(&mut rng, i)?,
        actor: Actor::new(AccountId::from(uuid(&mut rng)), [Role::Member]),
        at: Utc::now(),
    };
    let committed = log
        .commands::<domain::initiative::Initiative>(())
        .execute(&id.to_string(), command, metadata("RegisterInitiative"))
        .await
        .map_err(|e| e.to_string())?;
    committed
        .last
        .ok_or_else(|| "the registration wrote nothing".to_owned())
}
