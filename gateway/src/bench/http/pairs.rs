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

/// Measures `more` pairs after `first` (the pair the table's row shows) at `clients`, and says
/// every pair's ratio of sustained rates, their median, and each side's rates.
pub(super) async fn alternated(
    target: &Target,
    bare: &Arc<Bare>,
    clients: usize,
    duration: Duration,
    first: (&Measured, &Measured),
    more: usize,
) -> Result<String, String> {
    let mut rates = vec![(first.0.sustained_rate(), first.1.sustained_rate())];
    let p50_ratio = |ours: &Measured, theirs: &Measured| {
        ours.run.p50.as_secs_f64() / theirs.run.p50.as_secs_f64().max(1e-9)
    };
    let mut p50_ratios = vec![p50_ratio(first.0, first.1)];
    let stolen = |ours: &Measured, theirs: &Measured| {
        let (ours, theirs) = (ours.cpu.stolen_percent(), theirs.cpu.stolen_percent());
        format!("{ours} and {theirs}")
    };
    let mut stolen_in_pairs = vec![stolen(first.0, first.1)];
    for pair in 1..=more {
        let ours = measure(duration, clients, target.register(), Some(target)).await?;
        let label = format!("{clients}-pair-{pair}");
        let theirs = measure(duration, clients, fresh_aggregates(bare, label), None).await?;
        rates.push((ours.sustained_rate(), theirs.sustained_rate()));
        stolen_in_pairs.push(stolen(&ours, &theirs));
        p50_ratios.push(p50_ratio(&ours, &theirs));
    }
    let ratios: Vec<f64> = rates
        .iter()
        .map(|(ours, theirs)| ours / theirs.max(1e-9))
        .collect();
    let listed = |values: Vec<String>| values.join(" · ");
    let ratios_of = |ratios: &[f64]| {
        let each = listed(ratios.iter().map(|r| format!("{r:.2}")).collect());
        format!("{each} (median {:.2})", median(ratios))
    };
    let rates_of = |side: fn(&(f64, f64)) -> f64| {
        listed(
            rates
                .iter()
                .map(|pair| format!("{:.0}", side(pair)))
                .collect(),
        )
    };
    Ok(format!(
        "Registrations at {} in {} alternated pairs (Articula's, then the bare framework's in \
         process): ratios {}; p50 ratios {}; Articula {}/s sustained, the bare framework {}/s; \
         the machine's CPU the host took for others, Articula's run and the bare framework's: {}.",
        clients_phrase(clients),
        rates.len(),
        ratios_of(&ratios),
        ratios_of(&p50_ratios),
        rates_of(|(ours, _)| *ours),
        rates_of(|(_, theirs)| *theirs),
        listed(stolen_in_pairs),
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
