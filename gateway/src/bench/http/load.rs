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

/// What one measurement did.
pub(super) struct Run {
    pub done: usize,
    pub elapsed: Duration,
    /// Every operation's latency, sorted.
    latencies: Vec<Duration>,
}

impl Run {
    pub fn rate(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency under which `fraction` of the operations completed.
    pub fn quantile(&self, fraction: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() as f64 * fraction).ceil() as usize)
            .clamp(1, self.latencies.len());
        self.latencies[index - 1]
    }

    /// `rate · p50 · p99` for a table cell.
    pub fn cell(&self) -> String {
        format!(
            "{:.0}/s · {} · {}",
            self.rate(),
            millis(self.quantile(0.5)),
            millis(self.quantile(0.99))
        )
    }
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
    Ok(Run {
        done: latencies.len(),
        elapsed,
        latencies,
    })
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
        assert!(run.quantile(0.5) >= Duration::from_millis(2));
        assert!(run.quantile(0.99) >= run.quantile(0.5));
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
}
