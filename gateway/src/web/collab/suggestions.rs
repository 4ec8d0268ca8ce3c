//! A suggested partner as the page shows it: the initiative, its score as a share of a perfect
//! match, and each reason in the reader's language (the read model's details name codes of
//! sectors and countries, which are labelled here).

use domain::values::Sector;
use projections::{fraction, Match, ReasonKind};

use super::super::i18n::{Arg, Tr};

pub struct Suggestion {
    pub id: String,
    pub name: String,
    pub country: String,
    pub sectors: String,
    /// How good a match, in words ("a 62 % match").
    pub score: String,
    pub reasons: Vec<String>,
}

pub fn of(t: &Tr, found: &Match) -> Suggestion {
    let initiative = &found.initiative;
    Suggestion {
        id: initiative.id.to_string(),
        name: initiative.name.clone(),
        country: t.label("country", initiative.country.as_str()),
        sectors: initiative
            .sectors
            .iter()
            .map(|s| t.label("sector", s.code()))
            .collect::<Vec<_>>()
            .join(", "),
        score: t.with(
            "collab-suggestion-score",
            &[(
                "score",
                Arg::Number(f64::from(percent(fraction(found.score)))),
            )],
        ),
        reasons: found
            .reasons
            .iter()
            .map(|reason| {
                let label = t.get(&format!(
                    "collab-reason-{}",
                    reason.kind.code().replace('_', "-")
                ));
                let detail = detail(t, reason.kind, &reason.detail);
                let points = percent(fraction(reason.points));
                let text = t.with(
                    "collab-reason-points",
                    &[("points", Arg::Number(f64::from(points)))],
                );
                if detail.is_empty() {
                    format!("{label} ({text})")
                } else {
                    format!("{label}: {detail} ({text})")
                }
            })
            .collect(),
    }
}

fn percent(share: f64) -> u32 {
    // A share is 0 to 1; its hundredths fit a u32.
    (share * 100.0).round().clamp(0.0, 100.0) as u32
}

/// The detail of a reason about sectors, with each sector code labelled; others say enough by
/// their label.
fn detail(t: &Tr, kind: ReasonKind, detail: &str) -> String {
    let sector = |code: &str| {
        Sector::parse(code.trim())
            .map(|s| t.label("sector", s.code()))
            .unwrap_or_default()
    };
    match kind {
        ReasonKind::SharedSectors => detail
            .split(", ")
            .map(sector)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        ReasonKind::ComplementarySectors => detail
            .split("; ")
            .filter_map(|pair| pair.split_once(" complements "))
            .map(|(theirs, ours)| {
                t.with(
                    "collab-reason-complements",
                    &[
                        ("theirs", Arg::Text(sector(theirs))),
                        ("ours", Arg::Text(sector(ours))),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => String::new(),
    }
}
