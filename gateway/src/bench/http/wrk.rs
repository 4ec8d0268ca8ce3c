//! The registrations and the reads driven by `wrk` (`articula bench http --wrk`): the client the
//! issue's first figures were taken with, an external C program whose cost per request is lower
//! than this process's client, so a request's latency under it is less the client's and more the
//! server's and the machine's.
//!
//! * **register** ([`register`]): `wrk` POSTs `/v1/initiatives` as the members of the load, a
//!   script of its own giving each request its member's token and a name of its own; its rate
//!   is set beside the bare framework's of the same run (`super::compare`).
//! * **reads** ([`reads`]): each measured on Articula and, in the same run, on the same bytes
//!   served from memory behind the same HTTP path (`behind_http.rs`): how far a read's p99 is
//!   the machine's and how far Articula's.
//!
//! `wrk` is not a dependency of the build or of the tests: Debian packages it (`wrk`), and the
//! option asks for it by name, saying so when it is missing.

use std::io::Write;
use std::time::Duration;

use tokio::process::Command;

use super::behind_http::BehindHttp;
use super::load::Run;
use super::target::{initiative, Target};
use super::{BROWSERS_ACCEPT, HEALTH, MAP, READERS};

/// The path a registration POSTs to.
const INITIATIVES: &str = "/v1/initiatives";

/// Registers new initiatives with `wrk` at `clients` connections for `duration`: each request
/// as one of the load's members in turn, with the same profile as the load's (`Target::register`)
/// under a name of its own. A run with any answer but 201 is refused ([`wrk`]).
pub(super) async fn register(
    target: &Target,
    clients: usize,
    duration: Duration,
) -> Result<Run, String> {
    let text = register_script(target.member_tokens())?;
    // Removed when dropped, after `wrk` has ended.
    let script = tempfile::Builder::new()
        .prefix("articula-bench-register")
        .suffix(".lua")
        .tempfile()
        .and_then(|mut file| file.write_all(text.as_bytes()).map(|()| file))
        .map_err(|error| format!("the script for `wrk` cannot be written: {error}"))?;
    let path = script.path().to_string_lossy().into_owned();
    let url = target.url(INITIATIVES);
    wrk(&url, clients, duration, &["-s".to_owned(), path]).await
}

/// Where the name goes in the profile a registration sends.
const NAME_HERE: &str = "{name}";

/// The Lua script with which `wrk` registers (see [`register`]). `wrk` runs one copy per thread;
/// each request is written by `request()`, with the thread's `number` (set in `setup`) and its
/// count of requests in the name, so that no two are alike.
fn register_script(tokens: &[String]) -> Result<String, String> {
    let profile = initiative(&format!("Clúster de prueba wrk {NAME_HERE}")).to_string();
    let (before, after) = profile
        .split_once(NAME_HERE)
        .ok_or("the profile has no place for its name")?;
    let quoted = |text: &str| {
        // A Lua long string takes any bytes up to its closing bracket, without escapes.
        if text.contains("]==]") {
            Err(format!("`{text}` cannot be quoted for Lua"))
        } else {
            Ok(format!("[==[{text}]==]"))
        }
    };
    let tokens = tokens
        .iter()
        .map(|token| quoted(token))
        .collect::<Result<Vec<_>, _>>()?
        .join(", ");
    let (before, after) = (quoted(before)?, quoted(after)?);
    Ok(format!(
        r#"-- Written by `articula bench http --wrk` (gateway/src/bench/http/wrk.rs).
local tokens = {{ {tokens} }}
local before, after = {before}, {after}
local threads = 0
function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end
local sent = 0
function request()
  sent = sent + 1
  local headers = {{
    ["Authorization"] = "Bearer " .. tokens[(sent + number) % #tokens + 1],
    ["Content-Type"] = "application/json",
  }}
  return wrk.format("POST", nil, headers, before .. number .. "-" .. sent .. after)
end
"#
    ))
}

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
        let asking = match accept {
            Some(accept) => vec!["-H".to_owned(), format!("Accept-Encoding: {accept}")],
            None => Vec::new(),
        };
        let ours = wrk(&target.url(path), READERS, duration, &asking).await?;
        // The bare server keeps each answer as Articula sent it plain, not in gzip.
        let from_memory = match accept {
            None => Some(wrk(&behind.url(path), READERS, duration, &[]).await?),
            Some(_) => None,
        };
        let (beside, ratio, p99_ratio) = match &from_memory {
            Some(bare) => (
                bare.cell(),
                format!("{:.2}", ours.rate() / bare.rate().max(1e-9)),
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
            multiples.push(format!("{read} {:.1}×", ours.rate() / rate.max(1e-9)));
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

/// Runs `wrk` with two threads (the machine's cores; one for one connection) and `connections` on
/// `url` for `duration`, with `options` (a header, a script). Refuses a run with any failed
/// request: a benchmark of failing requests measures nothing.
async fn wrk(
    url: &str,
    connections: usize,
    duration: Duration,
    options: &[String],
) -> Result<Run, String> {
    let output = Command::new("wrk")
        .arg(format!("-t{}", connections.clamp(1, 2)))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("--latency")
        .args(options)
        .arg(url)
        .output()
        .await
        .map_err(|error| {
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
fn parse(report: &str) -> Result<Run, String> {
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
    let done = requests(report)?;
    Ok(Run {
        done,
        // From the rate, which `wrk` prints to a hundredth of a request a second, rather than
        // from the time it prints to a hundredth of a second.
        elapsed: Duration::from_secs_f64(done as f64 / rate.max(1e-9)),
        p50: latency(value("50%")?)?,
        p99: latency(value("99%")?)?,
    })
}

/// The count of answers of `wrk`'s line `106352 requests in 5.04s, 10.80GB read`.
fn requests(report: &str) -> Result<usize, String> {
    let done = report
        .lines()
        .find_map(|line| line.trim().split_once(" requests in "))
        .map(|(done, _)| done)
        .ok_or_else(|| format!("no `requests in` line in its report:\n{report}"))?;
    done.parse()
        .map_err(|_| format!("`{done}` is not a count of requests"))
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
            Run {
                done: 106352,
                elapsed: Duration::from_secs_f64(106352.0 / 21094.92),
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
        let uncounted = REPORT.replace("  106352 requests in 5.04s, 10.80GB read\n", "");
        assert!(parse(&uncounted)
            .unwrap_err()
            .contains("no `requests in` line"));
    }

    #[test]
    fn the_registering_script_sends_each_member_token_and_the_profile_around_its_name() {
        let tokens = ["first-token".to_owned(), "second-token".to_owned()];
        let script = register_script(&tokens).unwrap();
        assert!(script.contains("local tokens = { [==[first-token]==], [==[second-token]==] }"));
        let profile = initiative(&format!("Clúster de prueba wrk {NAME_HERE}")).to_string();
        let (before, after) = profile.split_once(NAME_HERE).unwrap();
        assert!(script.contains(&format!(
            "local before, after = [==[{before}]==], [==[{after}]==]"
        )));
        assert!(script.contains(
            r#"wrk.format("POST", nil, headers, before .. number .. "-" .. sent .. after)"#
        ));
        let unquotable = ["a]==]b".to_owned()];
        assert!(register_script(&unquotable)
            .unwrap_err()
            .contains("cannot be quoted for Lua"));
    }
}
