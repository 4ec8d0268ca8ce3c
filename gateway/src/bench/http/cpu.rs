//! Where the CPU went during a measurement: the load's threads (the client, and the bare
//! framework when it runs in-process) and the load's processes (`wrk`), the rest of this process
//! (the server measured, with its background) and PostgreSQL's processes; the share of the
//! machine's CPU time its host took for others (steal, on a virtual machine); and this
//! process's memory. From `/proc` (Linux; elsewhere the figures say n/a).

use std::time::Duration;

use super::load::LOAD_THREADS;

/// CPU time used so far: this process's, its load threads' ([`LOAD_THREADS`]), its children's
/// that have ended (`wrk`'s), and all `postgres` processes' of this machine.
#[derive(Clone, Copy, Default)]
pub(super) struct CpuTimes {
    this: Option<Duration>,
    load: Option<Duration>,
    children: Option<Duration>,
    postgres: Option<Duration>,
    /// The machine's CPU time so far, all of it and the part stolen ([`machine_ticks`]).
    machine: Option<MachineTicks>,
}

/// Clock ticks of all the machine's CPUs, from the `cpu` line of `/proc/stat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct MachineTicks {
    /// User, nice, system, idle, I/O wait, interrupts, soft interrupts and steal together (the
    /// guests' time is counted in user already).
    all: u64,
    /// Time the host gave to something else while this machine wanted to run.
    stolen: u64,
}

/// Kernel clock ticks per second of `/proc/*/stat` (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

impl CpuTimes {
    pub fn now() -> Self {
        let postgres = time_of_all_named("/proc", "postgres");
        let load = time_of_all_named("/proc/self/task", LOAD_THREADS);
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        Self {
            this: parse(&stat).map(|(_, time)| time),
            load,
            children: children(&stat),
            postgres,
            machine: machine_ticks(&std::fs::read_to_string("/proc/stat").unwrap_or_default()),
        }
    }

    /// What was used between `earlier` and now, over `elapsed`, for `operations` operations.
    pub fn since(&self, earlier: &Self, elapsed: Duration, operations: usize) -> CpuUse {
        let used = |now: Option<Duration>, then: Option<Duration>| Some(now?.saturating_sub(then?));
        let this = used(self.this, earlier.this);
        let threads = used(self.load, earlier.load);
        let processes = used(self.children, earlier.children);
        CpuUse {
            server: this
                .zip(threads)
                .map(|(this, load)| this.saturating_sub(load)),
            load: threads
                .zip(processes)
                .map(|(threads, processes)| threads + processes),
            postgres: used(self.postgres, earlier.postgres),
            stolen: self.machine.zip(earlier.machine).and_then(|(now, then)| {
                let all = now.all.checked_sub(then.all).filter(|all| *all > 0)?;
                Some(now.stolen.saturating_sub(then.stolen) as f64 / all as f64)
            }),
            elapsed,
            operations,
        }
    }
}

/// The CPU a measurement used, by whom.
pub(super) struct CpuUse {
    /// This process but its load: the server measured, with its background (and this command's
    /// own bookkeeping between runs, a small part).
    server: Option<Duration>,
    /// The load's threads (the client, and the bare framework when it runs in-process) and
    /// processes (`wrk`, once it has ended).
    load: Option<Duration>,
    postgres: Option<Duration>,
    /// The share of the machine's CPU time the host took for others: a measurement during
    /// which it took much ran on less machine than the one beside it.
    stolen: Option<f64>,
    elapsed: Duration,
    operations: usize,
}

impl CpuUse {
    /// `server · load · PostgreSQL` in cores, then the same in µs per operation, for a table
    /// cell.
    pub fn cell(&self) -> String {
        let parts = [self.server, self.load, self.postgres];
        // Each part's seconds times `scale`, with `decimals`.
        let figures = |scale: f64, decimals: usize| {
            parts
                .map(|part| match part {
                    Some(time) => format!("{:.*}", decimals, time.as_secs_f64() * scale),
                    None => "n/a".to_owned(),
                })
                .join(" · ")
        };
        let cores = figures(1.0 / self.elapsed.as_secs_f64().max(1e-9), 2);
        let per_operation = figures(1e6 / self.operations.max(1) as f64, 0);
        format!(
            "{cores} cores = {per_operation} µs/op ({} stolen)",
            self.stolen_percent()
        )
    }

    /// The share of the machine's CPU the host took for others, as `N%` (`n/a` if unknown).
    pub fn stolen_percent(&self) -> String {
        self.stolen.map_or_else(
            || "n/a".to_owned(),
            |share| format!("{:.0}%", share * 100.0),
        )
    }
}

/// All the CPU time and the stolen time of the `cpu` line of a `/proc/stat`.
fn machine_ticks(stat: &str) -> Option<MachineTicks> {
    let line = stat.lines().find(|line| line.starts_with("cpu "))?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    Some(MachineTicks {
        all: ticks.iter().sum(),
        stolen: *ticks.get(7)?,
    })
}

/// The CPU time of every process (or thread) named `name` under `dir` (`/proc`, or a task
/// directory) together, as far as they can be read.
fn time_of_all_named(dir: &str, name: &str) -> Option<Duration> {
    let entries = std::fs::read_dir(dir).ok()?;
    Some(
        entries
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            })
            .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
            .filter_map(|stat| parse(&stat))
            .filter(|(named, _)| named == name)
            .map(|(_, time)| time)
            .sum(),
    )
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
    // utime and stime are fields 14 and 15.
    Some((name, ticks(stat, 14)? + ticks(stat, 15)?))
}

/// The user + system time of the children that have ended and been waited for, of a
/// `/proc/<pid>/stat` line (`cutime`, `cstime`).
fn children(stat: &str) -> Option<Duration> {
    Some(ticks(stat, 16)? + ticks(stat, 17)?)
}

/// Field `number` (counted from 1, as in proc(5)) of a `/proc/<pid>/stat` line, in clock ticks.
fn ticks(stat: &str, number: usize) -> Option<Duration> {
    // The name (field 2) may hold spaces and parentheses: the fields are counted after its end,
    // where field 3, the state, comes first.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let ticks: u64 = after_name
        .split_whitespace()
        .nth(number - 3)?
        .parse()
        .ok()?;
    Some(Duration::from_secs_f64(ticks as f64 / TICKS_PER_SECOND))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cell_splits_the_server_from_the_load_in_cores_and_per_operation() {
        let earlier = CpuTimes {
            this: Some(Duration::from_secs(10)),
            load: Some(Duration::from_secs(6)),
            children: Some(Duration::from_secs(1)),
            postgres: Some(Duration::from_secs(100)),
            machine: Some(MachineTicks {
                all: 1_000,
                stolen: 10,
            }),
        };
        let now = CpuTimes {
            this: Some(Duration::from_secs(18)),
            load: Some(Duration::from_secs(8)),
            children: Some(Duration::from_secs(1)),
            postgres: Some(Duration::from_secs(104)),
            machine: Some(MachineTicks {
                all: 1_800,
                stolen: 130,
            }),
        };
        let used = now.since(&earlier, Duration::from_secs(4), 20_000);
        // 6 s of the server's, 2 s of the load's, 4 s of PostgreSQL's over 4 s and 20,000 ops.
        assert_eq!(
            used.cell(),
            "1.50 · 0.50 · 1.00 cores = 300 · 100 · 200 µs/op (15% stolen)"
        );
        // A child that ended meanwhile (`wrk`) is the load: not the server, which is this
        // process's own time.
        let with_wrk = CpuTimes {
            children: Some(Duration::from_secs(3)),
            ..now
        };
        assert_eq!(
            with_wrk
                .since(&earlier, Duration::from_secs(4), 20_000)
                .cell(),
            "1.50 · 1.00 · 1.00 cores = 300 · 200 · 200 µs/op (15% stolen)"
        );
        let unknown = CpuTimes {
            postgres: None,
            machine: None,
            ..now
        };
        assert_eq!(
            unknown
                .since(&earlier, Duration::from_secs(4), 20_000)
                .cell(),
            "1.50 · 0.50 · n/a cores = 300 · 100 · n/a µs/op (n/a stolen)"
        );
    }

    #[test]
    fn a_load_thread_is_counted_as_the_load_and_in_this_process() {
        const ENOUGH: Duration = Duration::from_millis(50);
        let before = CpuTimes::now();
        let spinning = std::thread::Builder::new()
            .name(LOAD_THREADS.to_owned())
            .spawn(move || {
                // Busy until this thread's time shows (ticks of 10 ms), or long past it.
                let started = std::time::Instant::now();
                let mut spins = 0u64;
                loop {
                    for _ in 0..100_000 {
                        spins = std::hint::black_box(spins.wrapping_add(1));
                    }
                    let during = CpuTimes::now();
                    let shown = during.load.unwrap() >= before.load.unwrap() + ENOUGH;
                    if shown || started.elapsed() > Duration::from_secs(20) {
                        return during;
                    }
                }
            })
            .unwrap();
        let during = spinning.join().unwrap();
        let load = during.load.unwrap() - before.load.unwrap();
        let this = during.this.unwrap() - before.this.unwrap();
        assert!(load >= ENOUGH, "{load:?}");
        // The kernel scales a process's times apart from its threads' (`cputime_adjust`), and
        // the process's can lag the sum of its threads' by a tick (seen once in CI: 40 < 50 ms).
        const TICK: Duration = Duration::from_millis(10);
        assert!(this + TICK >= load, "{this:?} < {load:?}");
    }

    #[test]
    fn the_machine_s_time_and_its_stolen_part_are_read_from_the_cpu_line() {
        let stat = "cpu  100 2 30 800 4 0 6 50 7 0\ncpu0 50 1 15 400 2 0 3 25 7 0\n";
        let ticks = machine_ticks(stat).unwrap();
        // The guests' 7 ticks are in the user time already.
        assert_eq!(
            ticks,
            MachineTicks {
                all: 992,
                stolen: 50
            }
        );
        assert_eq!(machine_ticks("cpu0 1 2 3\n"), None);
        assert_eq!(machine_ticks("cpu  1 2 x 4 5 6 7 8\n"), None);
    }

    #[test]
    fn user_and_system_ticks_are_read_after_the_name() {
        let stat = "4242 (post (gres)) S 1 2 3 4 5 6 7 8 9 10 150 50 300 100 20 0";
        let (name, time) = parse(stat).unwrap();
        assert_eq!(name, "post (gres)");
        assert_eq!(time, Duration::from_secs(2));
        assert_eq!(children(stat), Some(Duration::from_secs(4)));
        assert_eq!(children("4242 (cut) S 1 2"), None);
    }
}
