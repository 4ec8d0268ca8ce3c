//! Which state a read answers from: the live read model (after `?min_position=` if given), or
//! the read model folded afresh up to a past position or time (as-of, DESIGN §3) — which only
//! auditors and admins may ask for ([`ReadAt::permit`]). Every read use case takes a `ReadAt`.

use chrono::{DateTime, Utc};
use domain::actor::Role;
use projections::{fold, FoldError, Projection, ProjectionHandle, Until};
use store::FeedPosition;

use super::Refusal;
use crate::access::Caller;
use crate::state::AppState;

/// Which state a read answers from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadAt {
    /// The live read model, once it has reached `min_position` if one was given.
    Live { min_position: Option<i64> },
    /// The read model as of a global position (that event included).
    AtPosition(i64),
    /// The read model as of a time.
    AsOf(DateTime<Utc>),
}

impl ReadAt {
    /// Parses the three parameters from a query string, ignoring every other parameter.
    pub fn parse(query: &str) -> Result<Self, Refusal> {
        let mut min_position = None;
        let mut at_position = None;
        let mut as_of = None;
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "min_position" => min_position = Some(parse_position(&key, &value)?),
                "at_position" => at_position = Some(parse_position(&key, &value)?),
                "as_of" => as_of = Some(time(&value)?),
                _ => {}
            }
        }
        match (min_position, at_position, as_of) {
            (min_position, None, None) => Ok(Self::Live { min_position }),
            (None, Some(at), None) => Ok(Self::AtPosition(at)),
            (None, None, Some(at)) => Ok(Self::AsOf(at)),
            _ => Err(Refusal::invalid_input(
                "send at most one of min_position, at_position and as_of",
            )),
        }
    }

    /// Parses the parameters of a read that only answers from the live model: `as_of` and
    /// `at_position` are refused as a bad request for every caller, saying `why`.
    pub fn parse_live(query: &str, why: &str) -> Result<Self, Refusal> {
        let read_at = Self::parse(query)?;
        if read_at.is_historical() {
            return Err(Refusal::invalid_input(format!(
                "{why}: as_of and at_position are not accepted here"
            )));
        }
        Ok(read_at)
    }

    /// Whether this read looks into the past (auditors' and admins' privilege).
    pub fn is_historical(&self) -> bool {
        !matches!(self, Self::Live { .. })
    }

    /// The live read model, without waiting.
    pub const LIVE: Self = Self::Live { min_position: None };

    /// Refuses a historical read by anyone but an auditor or admin.
    pub fn permit(&self, caller: &Caller) -> Result<(), Refusal> {
        if !self.is_historical() {
            return Ok(());
        }
        let Some(actor) = caller.actor() else {
            return Err(Refusal::NotSignedIn(
                "as_of and at_position are for auditors and admins; sign in first".into(),
            ));
        };
        if !actor.has_role(Role::Auditor) && !actor.has_role(Role::Admin) {
            return Err(Refusal::NotAllowed(
                "as_of and at_position are for auditors and admins".into(),
            ));
        }
        Ok(())
    }

    /// The moment staleness is judged at: the time asked about, or now.
    pub fn moment(&self) -> DateTime<Utc> {
        match self {
            Self::AsOf(at) => *at,
            _ => Utc::now(),
        }
    }

    /// Reads `handle`'s model (live or folded to the requested point) through `f`.
    pub async fn read<P: Projection, T>(
        &self,
        state: &AppState,
        handle: &ProjectionHandle<P>,
        f: impl FnOnce(&P) -> T,
    ) -> Result<T, Refusal> {
        let feed = state.log.feed();
        let until = match self {
            Self::Live { min_position } => {
                if let Some(min) = *min_position {
                    wait_until_reached(state, handle, min).await?;
                }
                if let Some(reason) = handle.status().failed {
                    tracing::error!(projection = P::NAME, %reason, "read of a stopped projection");
                    return Err(Refusal::Unavailable(format!(
                        "the {} read model has stopped and is being looked at; see /ready",
                        P::NAME
                    )));
                }
                return Ok(handle.read(f));
            }
            Self::AtPosition(at) => {
                let head = feed.head_position().await?;
                if *at > head {
                    return Err(beyond_head("at_position", *at, head));
                }
                if *at == 0 {
                    Until::Position(FeedPosition::START)
                } else {
                    let target = feed.locate(*at).await?.ok_or_else(|| {
                        Refusal::invalid_input(format!(
                            "no committed event has position {at}; use a position a write or \
                             the audit log gave"
                        ))
                    })?;
                    // Committed is not yet final in the feed while an older transaction is
                    // open; once the live engine has the event, the fold will reach it too.
                    if !state.engine.wait_for(target, state.read_wait).await {
                        return Err(Refusal::Unavailable(format!(
                            "position {at} is not readable in the feed yet; try again shortly"
                        )));
                    }
                    Until::Position(target)
                }
            }
            Self::AsOf(at) => Until::RecordedBy(*at),
        };
        let (folded, _) = fold::<P>(&feed, Some(&state.history), until)
            .await
            .map_err(|e| match e {
                FoldError::Store(e) => Refusal::from(e),
                FoldError::Failed(reason) => {
                    Refusal::internal(format!("{} cannot be folded: {reason}", P::NAME))
                }
            })?;
        let answer = folded.read(f);
        // Freeing a model of 100,000 initiatives takes tens of milliseconds: off the answer's
        // path, and off the runtime's threads.
        tokio::task::spawn_blocking(move || drop(folded));
        Ok(answer)
    }
}

async fn wait_until_reached<P: Projection>(
    state: &AppState,
    handle: &ProjectionHandle<P>,
    min: i64,
) -> Result<(), Refusal> {
    let feed = state.log.feed();
    let head = feed.head_position().await?;
    if min > head {
        return Err(beyond_head("min_position", min, head));
    }
    if min == 0 {
        return Ok(());
    }
    let not_yet = || {
        Refusal::Unavailable(format!(
            "this server's read models have not reached position {min} yet; try again shortly"
        ))
    };
    // Not committed yet (or never will be): wait as for any other position, then give up.
    let Some(target) = feed.locate(min).await? else {
        tokio::time::sleep(state.read_wait).await;
        return match feed.locate(min).await? {
            Some(target) if handle.wait_for(target, state.read_wait / 10).await => Ok(()),
            _ => Err(not_yet()),
        };
    };
    if handle.wait_for(target, state.read_wait).await {
        Ok(())
    } else {
        Err(not_yet())
    }
}

fn beyond_head(parameter: &str, asked: i64, head: i64) -> Refusal {
    Refusal::invalid_input(format!(
        "{parameter}={asked} is beyond the newest event in the log (position {head})"
    ))
}

/// A global position given as query parameter `key`.
pub fn parse_position(key: &str, value: &str) -> Result<i64, Refusal> {
    value
        .parse::<i64>()
        .ok()
        .filter(|p| *p >= 0)
        .ok_or_else(|| {
            Refusal::invalid_input(format!(
                "{key} must be a global position: a whole number, 0 or more (got `{value}`)"
            ))
        })
}

/// A page size given as `limit`: 1 to `max`.
pub fn parse_limit(value: &str, max: usize) -> Result<usize, Refusal> {
    value
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| {
            Refusal::invalid_input(format!(
                "limit must be a whole number from 1 to {max} (got `{value}`)"
            ))
        })
}

fn time(value: &str) -> Result<DateTime<Utc>, Refusal> {
    let at = DateTime::parse_from_rfc3339(value)
        .map_err(|_| {
            Refusal::invalid_input(format!(
                "as_of must be an RFC 3339 time such as 2024-06-30T23:59:59Z (got `{value}`)"
            ))
        })?
        .with_timezone(&Utc);
    if at > Utc::now() {
        return Err(Refusal::invalid_input(format!(
            "as_of {value} is in the future; ask about a moment that has passed"
        )));
    }
    Ok(at)
}
