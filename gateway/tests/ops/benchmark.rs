//! `articula bench http` as anyone runs it (docs/benchmarks.md, "Commands over HTTP"): a short
//! run on each backend, so that the benchmark is known to run from end to end and to print every
//! row it promises. Its figures are read by people on a machine of their choosing, so none is
//! compared with a target here; that each cell holds a measured figure is asserted.

use super::support::{articula, run_ok};

/// The cells of the row of `workload` in `output`'s table, between its bars.
fn row<'a>(output: &'a str, workload: &str) -> Vec<&'a str> {
    let start = format!("| {workload} |");
    let line = output
        .lines()
        .find(|line| line.starts_with(&start))
        .unwrap_or_else(|| panic!("no row `{workload}` in:\n{output}"));
    let cells: Vec<&str> = line.split('|').map(str::trim).collect();
    cells[1..cells.len() - 1].to_vec()
}

/// The rate of a cell `N/s · p50 · p99`, which must be a figure above zero.
fn rate(cell: &str) -> f64 {
    let (rate, latencies) = cell
        .split_once("/s · ")
        .unwrap_or_else(|| panic!("not `rate · p50 · p99`: {cell}"));
    assert!(latencies.contains(" ms · "), "no p50 and p99: {cell}");
    let rate: f64 = rate.parse().unwrap_or_else(|_| panic!("no rate: {cell}"));
    assert!(rate > 0.0, "{cell}");
    rate
}

/// A share of the machine's CPU, `N%` from 0 to 100 (Linux has the figure in `/proc/stat`).
fn stolen_percent(cell: &str) -> f64 {
    let percent: f64 = cell
        .strip_suffix('%')
        .and_then(|figure| figure.parse().ok())
        .unwrap_or_else(|| panic!("not N%: {cell}"));
    assert!((0.0..=100.0).contains(&percent), "{cell}");
    percent
}

fn positive(cell: &str) -> f64 {
    let value: f64 = cell
        .parse()
        .unwrap_or_else(|_| panic!("not a figure: {cell}"));
    assert!(value > 0.0, "{cell}");
    value
}

/// Runs `articula bench http` briefly on `backend` at two clients, the registrations in `pairs`
/// alternated pairs: it prints its table under `heading` alone, every row of it holds measured
/// figures, and the pairs are said when there is more than one.
fn bench_http(backend: &str, heading: &str, pairs: usize) {
    let dir = tempfile::tempdir().unwrap();
    let server = store::testing::admin_url();
    let pairs_arg = pairs.to_string();
    let stdout = run_ok(articula(dir.path()).args([
        "bench",
        "http",
        "--seconds",
        "1",
        "--clients",
        "2",
        "--backends",
        backend,
        "--server",
        &server,
        "--pairs",
        &pairs_arg,
    ]));
    let headings: Vec<_> = stdout.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(headings, [heading], "{stdout}");
    every_row_measured(&stdout);
    alternated_pairs(&stdout, pairs);
}

/// With more than one pair, a line gives every pair's ratio and p50 ratio, the first being the
/// table's, their medians, each side's rates and the CPU the host took during each side's run;
/// with one, there is no such line.
fn alternated_pairs(stdout: &str, pairs: usize) {
    let start = format!("Registrations at 2 clients in {pairs} alternated pairs");
    let line = stdout.lines().find(|line| line.starts_with(&start));
    if pairs == 1 {
        assert!(!stdout.contains("alternated pairs"), "{stdout}");
        return;
    }
    let line = line.unwrap_or_else(|| panic!("no line `{start}…` in:\n{stdout}"));
    let between = |after: &str, before: &str| {
        let (_, rest) = line.split_once(after).unwrap_or_else(|| panic!("{line}"));
        rest.split_once(before)
            .unwrap_or_else(|| panic!("{line}"))
            .0
    };
    let ratios: Vec<&str> = between("ratios ", " (median").split(" · ").collect();
    assert_eq!(ratios.len(), pairs, "{line}");
    assert_eq!(
        ratios[0],
        row(stdout, "register")[5],
        "the table's pair first: {line}"
    );
    let mut values: Vec<f64> = ratios.iter().map(|ratio| positive(ratio)).collect();
    values.sort_by(f64::total_cmp);
    let median = positive(between("(median ", ")"));
    assert!(values[0] <= median && median <= values[pairs - 1], "{line}");
    // The p50 ratios likewise, the first the table's.
    let p50_ratios: Vec<&str> = between("p50 ratios ", " (median").split(" · ").collect();
    assert_eq!(p50_ratios.len(), pairs, "{line}");
    assert_eq!(p50_ratios[0], row(stdout, "register")[6], "{line}");
    p50_ratios.into_iter().for_each(|ratio| _ = positive(ratio));
    for side in [
        between("; Articula ", "/s sustained"),
        between("framework ", "/s;"),
    ] {
        let rates: Vec<f64> = side.split(" · ").map(positive).collect();
        assert_eq!(rates.len(), pairs, "{line}");
    }
    let stolen: Vec<&str> = between("the bare framework's: ", ".")
        .split(" · ")
        .collect();
    assert_eq!(stolen.len(), pairs, "{line}");
    for pair in stolen {
        let (ours, theirs) = pair.split_once(" and ").unwrap_or_else(|| panic!("{line}"));
        stolen_percent(ours);
        stolen_percent(theirs);
    }
}

/// Every row of one backend's table holds measured figures.
fn every_row_measured(stdout: &str) {
    // The commands: Articula, the bare framework in-process and behind HTTP, their ratios, and
    // where the CPU went.
    for workload in ["register", "reply (growing stream)"] {
        let cells = row(stdout, workload);
        assert_eq!(cells[1], "2", "{cells:?}");
        let ours = rate(cells[2]);
        let bare = rate(cells[4]);
        let ratio = positive(cells[5]);
        // The ratio printed is of the sustained rate (the cell after Articula's) to the bare's.
        let (_, sustained) = cells[3].split_once(" · ").expect("caught up · sustained");
        let sustained = positive(sustained.trim_end_matches("/s"));
        assert!(sustained <= ours, "{cells:?}");
        // Within the rounding of the cells (rates to the unit, the ratio to 0.01).
        let expected = sustained / bare;
        assert!(
            (ratio - expected).abs() <= 0.01 + 0.02 * expected,
            "{cells:?}"
        );
        positive(cells[6]);
        rate(cells[7]);
        positive(cells[8]);
        // Each side's CPU ends with the share the host took for others (steal).
        let sides: Vec<&str> = cells[9].split(" · bare: ").collect();
        assert_eq!(sides.len(), 2, "{cells:?}");
        for side in cells[9].split(": ").skip(1).chain([sides[0]]) {
            let (_, stolen) = side.rsplit_once(" µs/op (").expect("µs/op (N% stolen)");
            stolen_percent(stolen.split(" stolen)").next().unwrap());
        }
    }

    // The reads, and beside three of them the same bytes served from memory.
    for (workload, from_memory) in [
        ("GET /v1/map", true),
        ("GET /v1/map, gzip (as browsers ask)", false),
        ("GET /v1/initiatives/{id}", true),
        ("GET /health (the API's layers alone)", true),
    ] {
        let cells = row(stdout, workload);
        assert_eq!(cells[1], "64", "{cells:?}");
        rate(cells[2]);
        if from_memory {
            let memory = cells[7]
                .strip_suffix(" (the same bytes from memory)")
                .unwrap_or_else(|| panic!("not from memory: {cells:?}"));
            rate(memory);
            positive(cells[8]);
        }
    }
    assert!(
        stdout.contains("Reads as multiples of the registrations"),
        "{stdout}"
    );

    // The server's own stages, as its `/metrics` counted them for the commands.
    for stage in [
        "append",
        "authenticate",
        "decide",
        "load",
        "read_your_writes",
    ] {
        let cells = row(stdout, stage);
        let commands: u64 = cells[1].parse().expect("a count of commands");
        assert!(commands > 0, "{cells:?}");
        assert!(cells[2].ends_with(" ms"), "{cells:?}");
    }
}

#[test]
fn bench_http_on_postgresql_prints_every_row_and_the_alternated_pairs() {
    bench_http("postgres", "## PostgreSQL", 2);
}

#[test]
fn bench_http_on_the_embedded_store_prints_every_row_with_measured_figures() {
    bench_http("sqlite", "## SQLite", 1);
}
