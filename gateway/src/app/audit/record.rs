//! Every audit read is recorded before it is answered, in `audit_reads` and in the log (target
//! `articula::audit`): the account, the role it read under, the route and the query string. No
//! name or email: the filters hold positions, times, types and ids (ids are checked to be ids
//! before a read is recorded). If the record cannot be written the read is refused, so that no
//! audit read goes unrecorded.

use domain::actor::Role;
use store::audit::AuditRead;

use crate::access::Caller;
use crate::app::Refusal;
use crate::state::AppState;

/// Records that `caller` reads `path` with `query` (the API's route or the console's page); a
/// 503 if the record cannot be written.
pub async fn record_read(
    state: &AppState,
    caller: &Caller,
    path: &str,
    query: &str,
) -> Result<(), Refusal> {
    let Some(actor) = caller.actor() else {
        return Err(Refusal::NotSignedIn("sign in first".into()));
    };
    let role = [Role::Auditor, Role::Admin]
        .into_iter()
        .filter(|role| actor.has_role(*role))
        .map(|role| format!("{role:?}").to_lowercase())
        .collect::<Vec<_>>()
        .join(",");
    let read = AuditRead {
        account_id: actor.account.into_uuid(),
        role,
        resource: format!("GET {path}"),
        query: query.to_string(),
        read_at: None,
    };
    if let Err(error) = store::audit::record_read(state.log.database(), &read).await {
        tracing::error!(target: "articula::audit", %error, resource = %read.resource,
            "an audit read could not be recorded; refused");
        return Err(Refusal::Unavailable(
            "this audit read could not be recorded, and audit reads are only answered once \
             recorded; try again shortly"
                .into(),
        ));
    }
    tracing::info!(
        target: "articula::audit",
        account = %read.account_id,
        role = %read.role,
        resource = %read.resource,
        query = %read.query,
        "audit read"
    );
    Ok(())
}
