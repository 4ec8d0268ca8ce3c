//! Initiatives and firms per country, sector, kind and maturity stage, and in total, over the
//! approved initiatives that are not retired (what the map shows); and the platform's growth:
//! how many initiatives were first approved in each month, from the history.
//!
//! Each initiative stream is folded with the aggregate itself; after each event the tallies take
//! out what the initiative counted for before and add what it counts for now, so an approved
//! change of country or sectors moves it and retirement takes it out. The tallies are part of
//! the snapshot, so verification compares them too; a key whose count reaches zero is dropped,
//! so a live model and a rebuilt one are equal.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use domain::initiative::InitiativeEvent;
use domain::initiative::{Initiative, InitiativeStatus};
use domain::values::{CountryCode, InitiativeId, InitiativeKind, MaturityStage, Sector};
use serde::{Deserialize, Serialize};

use crate::stored::Stored;
use crate::{DomainEvent, Envelope, Projection, ProjectionError, Restoring};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Statistics {
    /// Every initiative that counts or may yet count (retired ones are dropped: it is final).
    /// Snapshots write it in lines ([`crate::parts`]); read back, a state is parsed only when
    /// an event changes it, since the tallies are stored with them.
    initiatives: BTreeMap<InitiativeId, Stored<Initiative>>,
    tallies: Tallies,
    /// Whether some states may not be parsed yet (read back for one read): only then does a
    /// batch parse ahead the states it changes, which costs a search per event.
    #[serde(skip)]
    unparsed_states: bool,
}

/// How many initiatives, and how many firms they bring together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub initiatives: u64,
    pub firms: u64,
}

/// The counts, keyed by the codes the API uses (ISO 3166-1 alpha-2 country, sector code, kind
/// code, maturity stage code). An initiative counts once in each of its sectors, so the sector
/// rows add up to more than the total when initiatives have several sectors. Only keys with at
/// least one initiative appear.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tallies {
    pub total: Count,
    pub by_country: BTreeMap<String, Count>,
    pub by_sector: BTreeMap<String, Count>,
    pub by_kind: BTreeMap<String, Count>,
    pub by_maturity: BTreeMap<String, Count>,
    /// Initiatives first approved in each month (`YYYY-MM`, UTC), with the firms they had then:
    /// history, so later changes and retirement do not take them out.
    pub approved_by_month: BTreeMap<String, Count>,
}

/// What one initiative counts for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Contribution {
    country: CountryCode,
    sectors: Vec<Sector>,
    kind: InitiativeKind,
    maturity: MaturityStage,
    firms: u64,
}

impl Contribution {
    fn of(initiative: &Initiative) -> Option<Self> {
        if initiative.status() != InitiativeStatus::Approved {
            return None;
        }
        let profile = initiative.profile()?;
        Some(Self {
            country: profile.country,
            sectors: profile.sectors.as_slice().to_vec(),
            kind: profile.kind,
            maturity: profile.maturity_stage,
            firms: u64::from(profile.number_of_firms.get()),
        })
    }
}

/// The serde name of a unit enum variant (the code stored in events and used by the API).
pub(crate) fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        _ => String::new(),
    }
}

impl Projection for Statistics {
    const NAME: &'static str = "statistics";
    /// 2: maturity stages and approvals per month were added; 3: the initiatives in parts; 4:
    /// in lines; 5: in lines of keys and lines of values ([`crate::parts`]).
    const SNAPSHOT_VERSION: i32 = 5;

    fn prepare(&mut self, events: &[Envelope]) {
        if self.unparsed_states {
            crate::stored::parse_ahead(&self.initiatives, events, Envelope::initiative);
        }
    }

    fn write_state(&self) -> Result<Vec<u8>, String> {
        // The tallies are stored: nothing is needed of a state until an event changes it.
        crate::parts::write(&self.tallies, &self.initiatives, |_| Ok(()))
    }

    fn read_state(state: Vec<u8>) -> Result<Self, String> {
        let read: crate::parts::Read<_, _, _, ()> = crate::parts::read(state)?;
        Ok(Self {
            initiatives: read.map,
            tallies: read.rest,
            unparsed_states: true,
        })
    }

    /// A model that serves parses every state now, to find an unreadable one at once; one
    /// restored for a single read parses only those later events change (its tallies are
    /// stored).
    fn restored(&mut self, restoring: Restoring) -> Result<(), ProjectionError> {
        if restoring == Restoring::ToServe {
            crate::stored::parse_all(&mut self.initiatives)
                .map_err(|e| ProjectionError(format!("the statistics' state of {e}")))?;
            self.unparsed_states = false;
        }
        Ok(())
    }

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        let DomainEvent::Initiative(id, payload) = event.event()? else {
            return Ok(());
        };
        let initiative = crate::stored::entry_mut(&mut self.initiatives, *id, "the statistics")?;
        let before = Contribution::of(initiative);
        initiative.apply(payload.clone());
        let after = Contribution::of(initiative);
        if let (InitiativeEvent::InitiativeApproved { at, .. }, Some(approved)) = (payload, &after)
        {
            let month = self
                .tallies
                .approved_by_month
                .entry(at.format("%Y-%m").to_string())
                .or_default();
            month.initiatives += 1;
            month.firms += approved.firms;
        }
        if initiative.status() == InitiativeStatus::Retired {
            self.initiatives.remove(id);
        }
        if before != after {
            if let Some(before) = &before {
                self.tallies.subtract(before).map_err(|what| {
                    ProjectionError(format!(
                        "statistics of initiative {id} do not add up: {what} would go below zero"
                    ))
                })?;
            }
            if let Some(after) = &after {
                self.tallies.add(after);
            }
        }
        Ok(())
    }
}

impl Tallies {
    fn add(&mut self, c: &Contribution) {
        let plus = |count: &mut Count| {
            count.initiatives += 1;
            count.firms += c.firms;
        };
        plus(&mut self.total);
        plus(self.by_country.entry(c.country.to_string()).or_default());
        for sector in &c.sectors {
            plus(self.by_sector.entry(sector.code().to_owned()).or_default());
        }
        plus(self.by_kind.entry(code(&c.kind)).or_default());
        plus(self.by_maturity.entry(code(&c.maturity)).or_default());
    }

    /// Takes `c` out; names the count that would go below zero instead (a fold that does not add
    /// up is a defect to stop at, not to hide).
    fn subtract(&mut self, c: &Contribution) -> Result<(), String> {
        /// Which of the two would go below zero: named by the caller only then, since this
        /// runs at every event that changes an approved initiative.
        fn minus(count: &mut Count, firms: u64) -> Result<(), &'static str> {
            count.initiatives = count.initiatives.checked_sub(1).ok_or("count")?;
            count.firms = count.firms.checked_sub(firms).ok_or("firms")?;
            Ok(())
        }
        fn minus_key(
            counts: &mut BTreeMap<String, Count>,
            key: &str,
            firms: u64,
            dimension: &str,
        ) -> Result<(), String> {
            let count = counts
                .get_mut(key)
                .ok_or_else(|| format!("the {dimension} {key} count"))?;
            minus(count, firms).map_err(|which| format!("the {dimension} {key} {which}"))?;
            if count.initiatives == 0 {
                counts.remove(key);
            }
            Ok(())
        }
        minus(&mut self.total, c.firms).map_err(|which| format!("the total {which}"))?;
        minus_key(&mut self.by_country, c.country.as_str(), c.firms, "country")?;
        for sector in &c.sectors {
            minus_key(&mut self.by_sector, sector.code(), c.firms, "sector")?;
        }
        minus_key(&mut self.by_kind, &code(&c.kind), c.firms, "kind")?;
        minus_key(
            &mut self.by_maturity,
            &code(&c.maturity),
            c.firms,
            "maturity",
        )
    }

    /// One row per (dimension, key), for tables and CSV: the total first (key `all`), then
    /// countries, sectors, kinds and maturity stages, each by key, then the approvals per month
    /// (dimension `approved_in_month`, in order of time).
    pub fn rows(&self) -> Vec<Row<'_>> {
        let mut rows = vec![Row {
            dimension: "total",
            key: "all",
            count: self.total,
        }];
        for (dimension, counts) in [
            ("country", &self.by_country),
            ("sector", &self.by_sector),
            ("kind", &self.by_kind),
            ("maturity", &self.by_maturity),
            ("approved_in_month", &self.approved_by_month),
        ] {
            rows.extend(counts.iter().map(|(key, count)| Row {
                dimension,
                key,
                count: *count,
            }));
        }
        rows
    }
}

/// One line of the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    pub dimension: &'static str,
    pub key: &'a str,
    pub count: Count,
}

impl Statistics {
    /// The current counts.
    pub fn tallies(&self) -> &Tallies {
        &self.tallies
    }
}
