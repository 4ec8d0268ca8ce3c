//! The reads driven by `wrk` (`articula bench http --wrk`): the client the first figures
//! were taken with, an external C program whose cost per request is lower than this process's
//! client, so a read's latency under it is less the client's and more the server's and the
//! machine's. Each read is measured on Articula and, in the same run, on the same bytes served
//! from memory behind the same HTTP path (`behind_http.rs`): how far a read's p99 is the
//! machine's and how far Articula's.
//!
//! `wrk` is not a dependency of the build or of the tests: Debian packages it (`wrk`), and the
//! option asks for it by name, saying so when it is missing.

use std::time::Duration;

use tokio::process::Command;

use super::behind_http::BehindHttp;
use super::target::Target;
use super::{BROWSERS_ACCEPT, HEALTH, MAP, READERS};

/// Measures the reads of [`super::compare`] with `wrk` (the profile read at `profile`), each
/// beside the same bytes from memory where the bare server keeps them, and prints their table;
/// with the registrations' rate, the reads as multiples of it.
pub(super) async fn reads(
    target: &Target,
    behind: &BehindHttp,
    profile: &str,
    duration: Duration,
    writes: Option<(usize, f64)>,
) -> Result<(), String> {
    println!(
        "\nThe reads driven by `wrk -t2 -c{READERS} --latency` (`--wrk`), each beside the same \
         bytes served from memory behind the same HTTP path:\n"
    );
    println!("| read | Articula | the same bytes from memory | ratio | p99 ratio |");
    println!("|---|---:|---:|---:|---:|");
    let reads = [
        ("GET /v1/map", MAP, None),
        (
            "GET /v1/map, gzip (as browsers ask)",
            MAP,
            Some(BROWSERS_ACCEPT),
        ),
        ("GET /v1/initiatives/{id}", profile, None),
        ("GET /health (the API's layers alone)", HEALTH, None),
    ];
    let mut multiples = Vec::new();
    for (read, path, accept) in reads {
        let ours = wrk(&target.url(path), READERS, duration, accept).await?;
        // The bare server keeps each answer as Articula sent it plain, not in gzip.
        let from_memory = match accept {
            None => Some(wrk(&behind.url(path), READERS, duration, None).await?),
            Some(_) => None,
        };
        let (beside, ratio, p99_ratio) = match &from_memory {
            Some(bare) => (
                bare.cell(),
                format!("{:.2}", ours.rate / bare.rate.max(1e-9)),
                format!(
                    "{:.2}",
                    ours.p99.as_secs_f64() / bare.p99.as_secs_f64().max(1e-9)
                ),
            ),
            None => Default::default(),
        };
        println!(
            "| {read} | {} | {beside} | {ratio} | {p99_ratio} |",
            ours.cell()
        );
        // `/health` is a yardstick, not a read anyone makes at the write rate's multiple.
        if let Some((_, rate)) = writes.filter(|_| path != HEALTH) {
            multiples.push(format!("{read} {:.1}×", ours.rate / rate.max(1e-9)));
        }
    }
    if let Some((clients, rate)) = writes {
        println!(
            "\nWith `wrk`, as multiples of the registrations at {} ({rate:.0}/s sustained): {}.",
            super::clients_phrase(clients),
            multiples.join(", ")
        );
    }
    Ok(())
}

/// What one run of `wrk` measured.
#[derive(Debug, PartialEq)]
pub(super) struct WrkRun {
    /// Requests per second, as `wrk` counts them (answers completed over the run's time).
    pub rate: f64,
    pub p50: Duration,
    pub p99: Duration,
}

impl WrkRun {
    /// `rate · p50 · p99` for a table cell, as [`super::load::Run::cell`].
    pub fn cell(&self) -> String {
        format!(
            "{:.0}/s · {} · {}",
            self.rate,
            super::load::millis(self.p50),
            super::load::millis(self.p99)
        )
    }
}

/// Runs `wrk` with two threads (the machine's cores) and `connections` on `url` for `duration`,
/// sending `Accept-Encoding: accept` when given. Refuses a run with any failed request: a
/// benchmark of failing requests measures nothing.
pub(super) async fn wrk(
    url: &str,
    connections: usize,
    duration: Duration,
    accept: Option<&str>,
) -> Result<WrkRun, String> {
    let mut command = Command::new("wrk");
    command
        .arg("-t2")
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("--latency");
    if let Some(accept) = accept {
        command.arg("-H").arg(format!("Accept-Encoding: {accept}"));
    }
    let output = command.arg(url).output().await.map_err(|error| {
        format!(
            "`wrk` cannot be run ({error}); --wrk needs it on the PATH \
             (Debian: apt-get install wrk)"
        )
    })?;
    let said = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "`wrk` on {url} ended with {}: {said}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse(&said).map_err(|error| format!("`wrk` on {url}: {error}"))
}

/// Reads `wrk --latency`'s report: `Requests/sec:`, the 50% and 99% lines of its latency
/// distribution, and any line saying that requests failed.
fn parse(report: &str) -> Result<WrkRun, String> {
    for line in report.lines().map(str::trim) {
        if line.starts_with("Non-2xx or 3xx responses:") || line.starts_with("Socket errors:") {
            return Err(format!("requests failed: {line}"));
        }
    }
    let value = |label: &str| {
        report
            .lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(label))
            .map(str::trim)
            .ok_or_else(|| format!("no `{label}` line in its report:\n{report}"))
    };
    let rate = value("Requests/sec:")?;
    let rate = rate
        .parse::<f64>()
        .map_err(|_| format!("`Requests/sec: {rate}` is not a number"))?;
    Ok(WrkRun {
        rate,
        p50: latency(value("50%")?)?,
        p99: latency(value("99%")?)?,
    })
}

/// A latency as `wrk` prints it: a number and one of `us`, `ms`, `s`, `m`, `h`.
fn latency(printed: &str) -> Result<Duration, String> {
    let unit_at = printed
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("`{printed}` has no unit"))?;
    let (number, unit) = printed.split_at(unit_at);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{printed}` is not a latency"))?;
    let nanos_per_unit = match unit {
        "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" => 60e9,
        "h" => 3600e9,
        _ => return Err(format!("`{printed}` has an unknown unit")),
    };
    Ok(Duration::from_nanos(
        (number * nanos_per_unit).round() as u64
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report of Debian's wrk 4.1.0 on this machine (`wrk -t2 -c64 -d5s --latency` on the
    /// seed's map served by `articula serve`).
    const REPORT: &str = "\
Running 5s test @ http://127.0.0.1:8088/v1/map
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.59ms    1.43ms  13.14ms   72.44%
    Req/Sec    10.62k     1.64k   13.20k    67.00%
  Latency Distribution
     50%    2.41ms
     75%    3.27ms
     90%    4.43ms
     99%    6.89ms
  106352 requests in 5.04s, 10.80GB read
Requests/sec:  21094.92
Transfer/sec:      2.14GB
";

    #[test]
    fn the_rate_and_quantiles_are_read_from_the_report() {
        assert_eq!(
            parse(REPORT).unwrap(),
            WrkRun {
                rate: 21094.92,
                p50: Duration::from_micros(2410),
                p99: Duration::from_micros(6890),
            }
        );
        assert_eq!(latency("812.00us").unwrap(), Duration::from_micros(812));
        assert_eq!(latency("1.50s").unwrap(), Duration::from_millis(1500));
        assert!(latency("3.2").is_err());
        assert!(latency("3.2ks").is_err());
    }

    #[test]
    fn a_run_with_failed_requests_or_no_distribution_is_refused() {
        let failed = REPORT.replace(
            "Requests/sec:",
            "  Non-2xx or 3xx responses: 12\nRequests/sec:",
        );
        assert!(parse(&failed)
            .unwrap_err()
            .contains("Non-2xx or 3xx responses: 12"));
        let errors = REPORT.replace(
            "Requests/sec:",
            "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec:",
        );
        assert!(parse(&errors).unwrap_err().contains("read 3"));
        let without = REPORT.replace("     99%    6.89ms\n", "");
        assert!(parse(&without).unwrap_err().contains("no `99%` line"));
    }
}
