//! One record's history: every event of its stream with metadata and hashes, the aggregate's
//! state after each (folded with the domain's own `apply`), whether the stream's hash chain
//! holds, and the differences between the states after any two of its versions.

use serde_json::Value;
use store::chain::{Break, ChainedEvent};

use super::diff::{first_differences, Difference};
use super::known::{self, AggregateKind};
use super::{open_read, Asked};
use crate::access::Caller;
use crate::app::Refusal;
use crate::state::AppState;

/// How many differences between two versions are listed at most.
pub const MAX_DIFFERENCES: usize = 200;

/// A stream named by its aggregate type and its id in the stored form.
#[derive(Clone, Copy)]
pub struct Stream<'a> {
    pub kind: &'static AggregateKind,
    pub id: &'a str,
}

/// The aggregate type called `aggregate_type` and `raw_id` in its stored form: a 404 for a
/// type the domain does not have, a 400 for an id not of that type's shape.
pub fn stream_id(
    aggregate_type: &str,
    raw_id: &str,
) -> Result<(&'static AggregateKind, String), Refusal> {
    let kind = known::aggregate(aggregate_type).ok_or_else(|| {
        Refusal::NotFound(format!(
            "there is no aggregate type `{aggregate_type}`: use one of {}",
            known::aggregate_names()
        ))
    })?;
    let id = kind.id.normalize(raw_id).ok_or_else(|| {
        Refusal::invalid_input(format!(
            "`{raw_id}` is not an id of {} streams: those are {}",
            kind.name,
            kind.id.describe()
        ))
    })?;
    Ok((kind, id))
}

/// A stream's whole history.
#[derive(Debug)]
pub struct History {
    /// By sequence, each with the state after it (or why it could not be folded).
    pub events: Vec<(ChainedEvent, Result<Value, String>)>,
    /// Where the stream's hash chain first breaks, if it does.
    pub chain_break: Option<Break>,
}

impl History {
    /// The differences between the states after versions (sequences) `a` and `b`: `None` if
    /// either is not a version of this record or could not be folded.
    pub fn differences(&self, a: i64, b: i64) -> Option<Vec<Difference>> {
        let state = |sequence: i64| {
            self.events
                .iter()
                .find(|(event, _)| event.sequence == sequence)
                .and_then(|(_, state)| state.as_ref().ok())
        };
        Some(first_differences(state(a)?, state(b)?, MAX_DIFFERENCES))
    }
}

/// Every event of `stream`: a 404 when it has none.
pub async fn read(
    state: &AppState,
    caller: &Caller,
    stream: Stream<'_>,
    asked: Asked<'_>,
) -> Result<History, Refusal> {
    open_read(state, caller, asked).await?;
    let events =
        store::audit::read_stream(state.log.database(), stream.kind.name, stream.id).await?;
    if events.is_empty() {
        return Err(Refusal::NotFound(format!(
            "the {} stream `{}` has no events",
            stream.kind.name, stream.id
        )));
    }
    let chain_break = store::chain::check_stream(&events);
    let states = (stream.kind.fold)(&events);
    Ok(History {
        events: events.into_iter().zip(states).collect(),
        chain_break,
    })
}
