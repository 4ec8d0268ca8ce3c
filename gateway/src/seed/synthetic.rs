//! `articula seed --synthetic N [--seed S]`: the benchmark history of crate::synthetic
//! (initiatives, communities with members, joint projects, profile edits), plus threads in
//! every community and publications, news and gatherings in proportion. The same N, seed and
//! anchor day give the same ids and events (timestamps of storage aside); running it again
//! writes nothing. Gatherings are dated around the anchor (the day it is written, for the
//! command), as the illustrative seed's are, so that "upcoming" and "past" both hold some.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::actor::{Actor, Role};
use domain::community::CommunityRole;
use domain::publication::{
    Gathering, GatheringFormat, IanaTimeZone, Kind, Language, Place, PublicationCommand, Topic,
};
use domain::publication::{Publication, PublicationContent};
use domain::thread::{PostBody, Thread, ThreadCommand};
use domain::values::{Description, Title};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use store::{CommandBus, EventLog, EventMetadata, PendingAppend};
use uuid::Uuid;

/// Threads per community, and replies per thread.
const THREADS_PER_COMMUNITY: usize = 2;
const REPLIES_PER_THREAD: usize = 4;
/// One publication for this many initiatives.
const INITIATIVES_PER_PUBLICATION: usize = 5;
/// Gatherings start from this many days before the anchor day to this many after it (about a
/// quarter of them past, the rest in the next nine months, like a living calendar).
const GATHERINGS_FROM_DAY: i64 = -90;
const GATHERINGS_TO_DAY: i64 = 270;
/// Publication `p` is placed this many days after publication `p - 1` (modulo the span; prime
/// to it, so no day repeats within a span), so that even a small history has past and upcoming
/// gatherings rather than a first run of past ones.
const GATHERING_STRIDE: usize = 37;

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct PlatformWritten {
    pub events: u64,
    pub initiatives: usize,
    pub communities: usize,
    pub threads: usize,
    pub joint_projects: usize,
    pub publications: usize,
    pub already_present: bool,
}

/// Writes the synthetic platform of `initiatives` and `seed`, its gatherings dated around
/// `anchor`.
pub async fn write_platform(
    log: &EventLog,
    initiatives: usize,
    seed: u64,
    anchor: NaiveDate,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PlatformWritten, String> {
    write_platform_of(log, initiatives, 0, seed, anchor, progress).await
}

/// [`write_platform`] whose history of initiatives, communities and projects is filled with
/// profile edits up to `events` (as `articula bench projections` writes it), before the threads
/// and publications.
pub async fn write_platform_of(
    log: &EventLog,
    initiatives: usize,
    events: u64,
    seed: u64,
    anchor: NaiveDate,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PlatformWritten, String> {
    let (history, communities) =
        crate::synthetic::write_history(log, initiatives, events, seed, progress).await?;
    let mut written = PlatformWritten {
        events: history.events,
        initiatives: history.initiatives,
        communities: history.communities,
        joint_projects: history.joint_projects,
        already_present: history.already_present,
        ..PlatformWritten::default()
    };
    if history.already_present {
        return Ok(written);
    }
    // A stream of its own, so that the history above is the same with or without this part.
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_ac71_7177);
    let moderator = Actor::new(uuid(&mut rng).into(), [Role::Member, Role::Moderator]);
    let start = Utc
        .with_ymd_and_hms(2025, 6, 1, 12, 0, 0)
        .single()
        .unwrap_or_default();
    let threads: CommandBus<Thread> = log.commands(());
    let publications: CommandBus<Publication> = log.commands(());
    let mut pending: Vec<PendingAppend<'_>> = Vec::new();
    let text = |e: domain::values::ValueError| format!("synthetic value refused: {e}");
    for (c, (community, members)) in communities.iter().enumerate() {
        if members.is_empty() {
            continue;
        }
        for t in 0..THREADS_PER_COMMUNITY {
            let id = uuid(&mut rng);
            let author = members[rng.gen_range(0..members.len())].clone();
            let at = start + Duration::minutes((c * THREADS_PER_COMMUNITY + t) as i64);
            let mut decided = threads
                .decide(
                    &id.to_string(),
                    ThreadCommand::StartThread {
                        thread_id: id.into(),
                        community_id: *community,
                        opening_post_id: uuid(&mut rng).into(),
                        actor: author,
                        actor_role: Some(CommunityRole::Member),
                        title: Title::new(format!("Tema de conversación {c}-{t}")).map_err(text)?,
                        body: PostBody::new("¿Qué experiencias tienen?").map_err(text)?,
                        at,
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            for r in 0..REPLIES_PER_THREAD {
                let replier = members[rng.gen_range(0..members.len())].clone();
                decided = decided
                    .then(ThreadCommand::Reply {
                        post_id: uuid(&mut rng).into(),
                        actor: replier,
                        actor_role: Some(CommunityRole::Member),
                        body: PostBody::new(format!("Respuesta {r}")).map_err(text)?,
                        at: at + Duration::hours(r as i64 + 1),
                    })
                    .await
                    .map_err(|e| e.to_string())?;
            }
            pending.push(
                decided
                    .into_pending(&metadata("StartThread"))
                    .map_err(|e| e.to_string())?,
            );
            written.threads += 1;
        }
    }
    written.events += commit(log, std::mem::take(&mut pending)).await?;
    progress(written.events);

    let authors: Vec<Actor> = communities.iter().flat_map(|(_, m)| m.clone()).collect();
    for p in 0..initiatives / INITIATIVES_PER_PUBLICATION {
        let Some(author) = authors.get(rng.gen_range(0..authors.len().max(1))) else {
            break;
        };
        let id = uuid(&mut rng);
        let at = start + Duration::days(10) + Duration::minutes(p as i64);
        let kind = match p % 3 {
            0 => Kind::Publication,
            1 => Kind::News,
            _ => Kind::Gathering(gathering(p, anchor).map_err(text)?),
        };
        let content = PublicationContent {
            title: Title::new(format!("Publicación sintética {p}")).map_err(text)?,
            summary: Description::new("Contenido generado para pruebas de carga.").map_err(text)?,
            link: None,
            language: Some(Language::ALL[p % Language::ALL.len()]),
            topic: matches!(kind, Kind::Publication)
                .then(|| Topic::ALL[(p / 3) % Topic::ALL.len()]),
            format: matches!(kind, Kind::Gathering(_))
                .then(|| GatheringFormat::ALL[(p / 3) % GatheringFormat::ALL.len()]),
            kind,
        };
        let mut decided = publications
            .decide(
                &id.to_string(),
                PublicationCommand::Submit {
                    publication_id: id.into(),
                    actor: author.clone(),
                    content,
                    at,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
        if p % 4 != 3 {
            decided = decided
                .then(PublicationCommand::Approve {
                    actor: moderator.clone(),
                    at: at + Duration::hours(2),
                })
                .await
                .map_err(|e| e.to_string())?;
        }
        pending.push(
            decided
                .into_pending(&metadata("SubmitPublication"))
                .map_err(|e| e.to_string())?,
        );
        written.publications += 1;
        if pending.len() >= 250 {
            written.events += commit(log, std::mem::take(&mut pending)).await?;
            progress(written.events);
        }
    }
    written.events += commit(log, pending).await?;
    progress(written.events);
    Ok(written)
}

/// Gathering `p`, on a day spread over [`GATHERINGS_FROM_DAY`, `GATHERINGS_TO_DAY`) around
/// `anchor`.
fn gathering(p: usize, anchor: NaiveDate) -> Result<Gathering, domain::values::ValueError> {
    let span = (GATHERINGS_TO_DAY - GATHERINGS_FROM_DAY) as usize;
    let offset = (p * GATHERING_STRIDE) % span;
    let day = anchor + Duration::days(GATHERINGS_FROM_DAY + offset as i64);
    Ok(Gathering {
        starts_at: day.and_hms_opt(9, 0, 0).unwrap_or_default(),
        ends_at: day.and_hms_opt(17, 0, 0).unwrap_or_default(),
        time_zone: IanaTimeZone::new("America/Santiago")?,
        place: Some(Place::new(format!("Sede regional {p}"))?),
        online_link: None,
    })
}

async fn commit(log: &EventLog, pending: Vec<PendingAppend<'_>>) -> Result<u64, String> {
    let events = pending.iter().map(|p| p.event_count() as u64).sum();
    if !pending.is_empty() {
        log.commit_together(pending)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(events)
}

fn metadata(command: &str) -> EventMetadata {
    EventMetadata::system("seed", command)
}

fn uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}
