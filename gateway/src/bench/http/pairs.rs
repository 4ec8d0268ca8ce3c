//! Registrations measured in alternated pairs (`articula bench http --pairs N`): Articula's, then
//! the bare framework's in process, N times over at each number of clients.
//!
//! Why: on a shared virtual machine the rate of the same work moves by a quarter between runs
//! minutes apart (docs/benchmarks.md, thirty-fifth and thirty-sixth sessions), so one pair's
//! ratio says as much about the minute it ran in as about the two sides. Pairs measured one
//! right after the other, and the median of their ratios, let that drift fall on both sides
//! alike. Every pair is printed, not only the median.

use std::sync::Arc;
use std::time::Duration;

use super::bare::Bare;
use super::target::{Operation, Target};
use super::{clients_phrase, measure, Measured};

/// The bare framework's command on a fresh aggregate each time: one 300-byte event on a stream
/// named after `label`, the worker and the count, so that no two commands of a run share one.
pub(super) fn fresh_aggregates(
    bare: &Arc<Bare>,
    label: String,
) -> impl Fn(usize, usize) -> Operation + Clone + Send + Sync + 'static {
    let bare = bare.clone();
    move |worker, n| {
        let bare = bare.clone();
        let stream = format!("fresh-{label}-{worker}-{n}");
        Box::pin(async move { bare.write(&stream).await })
    }
}

/// One pair, as its line gives it.
struct Pair {
    ours: f64,
    theirs: f64,
    ratio: f64,
    p50_ratio: f64,
    /// The share of the CPU the host took during each side's run.
    stolen: String,
}

impl Pair {
    fn of(ours: &Measured, theirs: &Measured) -> Self {
        Self {
            ours: ours.sustained_rate(),
            theirs: theirs.sustained_rate(),
            ratio: ours.rate_ratio(theirs),
            p50_ratio: ours.p50_ratio(theirs),
            stolen: format!(
                "{} and {}",
                ours.cpu.stolen_percent(),
                theirs.cpu.stolen_percent()
            ),
        }
    }
}

/// Measures `more` pairs after `first` (the pair the table's row shows) at `clients`, and says
/// every pair's ratio and p50 ratio with their medians, each side's rates, and the CPU the host
/// took during each side's run.
pub(super) async fn alternated(
    target: &Target,
    bare: &Arc<Bare>,
    clients: usize,
    duration: Duration,
    first: (&Measured, &Measured),
    more: usize,
) -> Result<String, String> {
    let mut pairs = vec![Pair::of(first.0, first.1)];
    for pair in 1..=more {
        let ours = measure(duration, clients, target.register(), Some(target)).await?;
        let label = format!("{clients}-pair-{pair}");
        let theirs = measure(duration, clients, fresh_aggregates(bare, label), None).await?;
        pairs.push(Pair::of(&ours, &theirs));
    }
    let each =
        |figure: &dyn Fn(&Pair) -> String| pairs.iter().map(figure).collect::<Vec<_>>().join(" · ");
    let ratios_of = |ratio: fn(&Pair) -> f64| {
        let ratios: Vec<f64> = pairs.iter().map(ratio).collect();
        let median = median(&ratios);
        format!(
            "{} (median {median:.2})",
            each(&|pair| format!("{:.2}", ratio(pair)))
        )
    };
    Ok(format!(
        "Registrations at {} in {} alternated pairs (Articula's, then the bare framework's in \
         process): ratios {}; p50 ratios {}; Articula {}/s sustained, the bare framework {}/s; \
         the machine's CPU the host took for others, Articula's run and the bare framework's: {}.",
        clients_phrase(clients),
        pairs.len(),
        ratios_of(|pair| pair.ratio),
        ratios_of(|pair| pair.p50_ratio),
        each(&|pair| format!("{:.0}", pair.ours)),
        each(&|pair| format!("{:.0}", pair.theirs)),
        each(&|pair| pair.stolen.clone()),
    ))
}

/// The middle value; of an even count, the mean of the two middle ones.
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones() {
        assert_eq!(median(&[1.2, 0.8, 1.0]), 1.0);
        assert_eq!(median(&[1.3, 0.9, 1.1, 0.7]), 1.0);
        assert_eq!(median(&[0.95]), 0.95);
    }
}
