//! Where the CPU went during a measurement: this process (server, load generator and bare
//! framework) and PostgreSQL's processes; and this process's memory. From `/proc` (Linux;
//! elsewhere the figures say n/a).

use std::time::Duration;

/// CPU time used so far: this process's, and all `postgres` processes' of this machine.
#[derive(Clone, Copy, Default)]
pub(super) struct CpuTimes {
    this: Option<Duration>,
    postgres: Option<Duration>,
}

/// Kernel clock ticks per second of `/proc/*/stat` (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

impl CpuTimes {
    pub fn now() -> Self {
        let postgres = std::fs::read_dir("/proc").ok().map(|entries| {
            entries
                .flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .bytes()
                        .all(|b| b.is_ascii_digit())
                })
                .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
                .filter_map(|stat| parse(&stat).filter(|(name, _)| name == "postgres"))
                .map(|(_, time)| time)
                .sum()
        });
        let this = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|stat| parse(&stat))
            .map(|(_, time)| time);
        Self { this, postgres }
    }

    /// Cores used on average between `earlier` and now, over `elapsed`.
    pub fn since(&self, earlier: &Self, elapsed: Duration) -> String {
        let cores = |now: Option<Duration>, then: Option<Duration>| match (now, then) {
            (Some(now), Some(then)) => format!(
                "{:.2} cores",
                now.saturating_sub(then).as_secs_f64() / elapsed.as_secs_f64().max(1e-9)
            ),
            _ => "n/a".to_owned(),
        };
        format!(
            "{} · {}",
            cores(self.this, earlier.this),
            cores(self.postgres, earlier.postgres)
        )
    }
}

/// This process's resident memory now and at its peak (`VmRSS`, `VmHWM` of `/proc/self/status`).
pub(super) fn memory() -> String {
    let (resident, peak) = memory_of("self");
    format!("{resident} (peak {peak})")
}

/// The resident set and its peak (`VmRSS`, `VmHWM`) of process `pid` (or `self`), in MB.
pub(crate) fn memory_of(pid: &str) -> (String, String) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or_else(|| "n/a".to_owned(), |kb| format!("{:.0} MB", kb / 1024.0))
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The command name and user + system time of a `/proc/<pid>/stat` line.
fn parse(stat: &str) -> Option<(String, Duration)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_owned();
    // After the name: state is field 3; utime and stime are fields 14 and 15.
    let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((
        name,
        Duration::from_secs_f64(ticks as f64 / TICKS_PER_SECOND),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_system_ticks_are_read_after_the_name() {
        let stat = "4242 (post gres) S 1 2 3 4 5 6 7 8 9 10 150 50 0 0 20 0";
        let (name, time) = parse(stat).unwrap();
        assert_eq!(name, "post gres");
        assert_eq!(time, Duration::from_secs(2));
    }
}
