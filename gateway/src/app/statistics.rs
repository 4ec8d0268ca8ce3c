//! Statistics of the approved initiatives (the `statistics` projection): counts per country,
//! sector, kind and maturity stage, and approvals per month.

use projections::Tallies;

use super::{ReadAt, Refusal};
use crate::access::Caller;
use crate::state::AppState;

/// The statistics as of `read_at` (a past moment for auditors and admins only).
pub async fn tallies(
    state: &AppState,
    caller: &Caller,
    read_at: &ReadAt,
) -> Result<Tallies, Refusal> {
    read_at.permit(caller)?;
    read_at
        .read(state, &state.read.statistics, |s| s.tallies().clone())
        .await
}
