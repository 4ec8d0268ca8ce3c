//! The load generator of `articula bench http`: N concurrent workers, each repeating one
//! operation until the time is up, with every operation's latency kept.

use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tokio::runtime::{Handle, Runtime};

/// The name of the threads the load runs on ([`drive`]): a runtime of their own, so that the
/// load's CPU is told apart from the server's ([`super::cpu`]). At most 15 bytes, as Linux keeps.
pub(super) const LOAD_THREADS: &str = "bench-load";

/// The load's runtime, made on first use and kept until the process ends (two workers, as the
/// machine has two cores). Its blocking threads are kept as long, since a thread that ended
/// would take its CPU time out of the load's sum.
fn load_runtime() -> Result<Handle, String> {
    static LOAD: OnceLock<Result<Runtime, String>> = OnceLock::new();
    let made = LOAD.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(LOAD_THREADS)
            .thread_keep_alive(Duration::from_secs(24 * 3600))
            .enable_all()
            .build()
            .map_err(|error| format!("the load's runtime cannot start: {error}"))
    });
    made.as_ref()
        .map(|runtime| runtime.handle().clone())
        .map_err(Clone::clone)
}

/// What one measurement did: by this process's load ([`drive`]) or by `wrk` (`wrk.rs`).
#[derive(Debug, PartialEq)]
pub(super) struct Run {
    pub done: usize,
    pub elapsed: Duration,
    /// The latencies under which half and 99% of the operations completed.
    pub p50: Duration,
    pub p99: Duration,
}

impl Run {
    /// The run of `latencies`, sorted, over `elapsed`.
    fn of(latencies: &[Duration], elapsed: Duration) -> Self {
        Self {
            done: latencies.len(),
            elapsed,
            p50: quantile(latencies, 0.5),
            p99: quantile(latencies, 0.99),
        }
    }

    pub fn rate(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// `rate · p50 · p99` for a table cell.
    pub fn cell(&self) -> String {
        format!(
            "{:.0}/s · {} · {}",
            self.rate(),
            millis(self.p50),
            millis(self.p99)
        )
    }
}

/// The latency under which `fraction` of `sorted` completed.
fn quantile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len());
    sorted[index - 1]
}

pub(super) fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// Runs `operation(worker, n)` on `workers` concurrent workers for `duration`, on the load's
/// runtime; the first failure ends the measurement with its message (a benchmark of failing
/// requests measures nothing).
pub(super) async fn drive<F, Fut>(
    workers: usize,
    duration: Duration,
    operation: F,
) -> Result<Run, String>
where
    F: Fn(usize, usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let load = load_runtime()?;
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..workers)
        .map(|worker| {
            let operation = operation.clone();
            load.spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    operation(worker, latencies.len()).await?;
                    latencies.push(sent.elapsed());
                }
                Ok::<_, String>(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    Ok(Run::of(&latencies, elapsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_operation_is_counted_and_quantiles_come_from_the_sorted_latencies() {
        let run = drive(3, Duration::from_millis(50), |_, _| async {
            tokio::time::sleep(Duration::from_millis(2)).await;
            Ok(())
        })
        .await
        .unwrap();
        assert!(run.done >= 3, "{}", run.done);
        assert!(run.p50 >= Duration::from_millis(2));
        assert!(run.p99 >= run.p50);
        let failing = drive(2, Duration::from_millis(50), |_, n| async move {
            if n == 1 {
                Err("refused".to_string())
            } else {
                Ok(())
            }
        })
        .await;
        assert_eq!(failing.err().as_deref(), Some("refused"));
    }

    #[test]
    fn quantiles_are_the_latencies_under_which_their_fraction_completed() {
        let latencies: Vec<_> = (1..=200).map(Duration::from_millis).collect();
        let run = Run::of(&latencies, Duration::from_secs(2));
        assert_eq!(
            (run.p50, run.p99),
            (Duration::from_millis(100), Duration::from_millis(198))
        );
        assert_eq!(run.rate(), 100.0);
        assert_eq!(Run::of(&[], Duration::from_secs(1)).p99, Duration::ZERO);
    }
}
