//! Where the engine's CPU work (applying a batch, reading or writing a snapshot) runs: on
//! Tokio's blocking threads (except a small batch of quick projections, applied where it was
//! read: `Engine::applies_in_place`), or, for the history keeper, on a thread of its own in the idle
//! scheduling class, which the kernel gives only CPU time that no normal thread wants. A fold of
//! the whole log by the keeper then never slows the live read models it runs beside (measured:
//! docs/benchmarks.md, "The live tail while snapshots are saved"). Threads a work starts
//! (the side-by-side application of a batch) inherit the class.

/// Runs `work` off the async threads, at idle priority when `idle`. An error if it panicked.
pub(super) async fn run_blocking<T: Send + 'static>(
    idle: bool,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    if !idle {
        return tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| e.to_string());
    }
    let (done, outcome) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("history-keeper".into())
        .spawn(move || {
            lower_priority();
            let _ = done.send(work());
        })
        .map_err(|e| e.to_string())?;
    outcome
        .await
        .map_err(|_| "the work panicked on its thread".to_owned())
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    use thread_priority::unix::{
        set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
        ThreadSchedulePolicy,
    };
    use thread_priority::ThreadPriority;
    let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
    if let Err(error) =
        set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle)
    {
        // Not fatal: the work runs at normal priority, as it would elsewhere.
        tracing::warn!(?error, "cannot lower the history keeper's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}
