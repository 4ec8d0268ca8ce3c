//! Property tests of a gathering's when and where, over every zone of the database: a wall-clock
//! time skipped by a clock change is refused, an end that is not after the start (in real time)
//! is refused, and nothing panics. `Place` gets the shared text properties.
//!
//! The expected answer comes from an oracle that only converts UTC to local time (the direction
//! that cannot fail): the occurrences of a wall-clock time are the instants, found by trying
//! every offset the zone uses around it, whose local time reads that wall clock.

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{Tz, TZ_VARIANTS};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;
use crate::values::text_tests::text_properties;

text_properties!(place, crate::publication::PlaceRules);

/// 1900-01-01 to 2100-01-01, in seconds since the epoch.
const YEARS_1900_TO_2100: std::ops::Range<i64> = -2_208_988_800..4_102_444_800;

fn zone() -> impl Strategy<Value = Tz> {
    proptest::sample::select(&TZ_VARIANTS[..])
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    YEARS_1900_TO_2100.prop_map(|s| DateTime::from_timestamp(s, 0).expect("in range"))
}

fn offset_at(tz: Tz, utc: DateTime<Utc>) -> i64 {
    tz.offset_from_utc_datetime(&utc.naive_utc())
        .fix()
        .local_minus_utc()
        .into()
}

/// Every instant whose wall clock in `tz` reads `local`, earliest first.
fn occurrences(tz: Tz, local: NaiveDateTime) -> Vec<DateTime<Utc>> {
    let probe = local.and_utc();
    // Offsets stay within ±16 h, so an occurrence lies within 16 h of `probe`.
    let mut offsets: Vec<i64> = (-72..=72)
        .map(|k| offset_at(tz, probe + Duration::minutes(15 * k)))
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mut found: Vec<DateTime<Utc>> = offsets
        .into_iter()
        .map(|offset| probe - Duration::seconds(offset))
        .filter(|u| u.with_timezone(&tz).naive_local() == local)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// What `decide` must answer for a gathering with a place, from the oracle alone.
fn expected(tz: Tz, start: NaiveDateTime, end: NaiveDateTime) -> Result<(), PublicationRule> {
    match (occurrences(tz, start).first(), occurrences(tz, end).first()) {
        (Some(s), Some(e)) if e > s => Ok(()),
        (Some(_), Some(_)) => Err(PublicationRule::GatheringEndsBeforeStart),
        _ => Err(PublicationRule::LocalTimeDoesNotExist),
    }
}

fn gathering(tz: Tz, starts_at: NaiveDateTime, ends_at: NaiveDateTime) -> Gathering {
    Gathering {
        starts_at,
        ends_at,
        time_zone: IanaTimeZone::new(tz.name()).expect("a database name"),
        place: Some(Place::new("Sala 1").expect("a place")),
        online_link: None,
    }
}

/// `decide` on submitting `g`, reduced to the gathering rule it broke.
fn decided(g: Gathering) -> Result<(), PublicationRule> {
    let command = PublicationCommand::Submit {
        publication_id: PublicationId::from_uuid(Uuid::from_u128(1)),
        actor: Actor::member(AccountId::from_uuid(Uuid::from_u128(2))),
        content: PublicationContent {
            title: Title::new("Encuentro").expect("a title"),
            summary: Description::new("").expect("a description"),
            link: None,
            kind: Kind::Gathering(g),
            language: None,
            topic: None,
            format: None,
        },
        at: DateTime::from_timestamp(0, 0).expect("the epoch"),
    };
    match Publication::default().decide(command) {
        Ok(events) => {
            assert_eq!(events.len(), 1, "one event per submission");
            Ok(())
        }
        Err(PublicationError::RuleViolated(rule)) => Err(rule),
        Err(other) => panic!("a gathering rule, not {other:?}"),
    }
}

/// The first instant after `from` (within `days`) where the zone's offset grows, found by
/// stepping six hours at a time and then halving: the clocks jump forward there.
fn next_jump_forward(tz: Tz, from: DateTime<Utc>, days: i64) -> Option<(DateTime<Utc>, i64, i64)> {
    let step = Duration::hours(6);
    let mut t = from;
    while t < from + Duration::days(days) {
        let (before, after) = (offset_at(tz, t), offset_at(tz, t + step));
        if after > before {
            // Whole seconds: transitions fall on them, and so do the wall clocks tried.
            let (mut lo, mut hi) = (t.timestamp(), (t + step).timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                let at = DateTime::from_timestamp(mid, 0).expect("in range");
                if offset_at(tz, at) == before {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let jump = DateTime::from_timestamp(hi, 0).expect("in range");
            return Some((jump, before, offset_at(tz, jump)));
        }
        t += step;
    }
    None
}

proptest! {
    #[test]
    fn gatherings_are_refused_exactly_as_the_oracle_says(tz in zone(), start in instant(), minutes in -3000i64..3000, shift in -7200i64..7200) {
        let starts_at = start.naive_utc() + Duration::seconds(shift);
        let ends_at = starts_at + Duration::minutes(minutes);
        prop_assert_eq!(decided(gathering(tz, starts_at, ends_at)), expected(tz, starts_at, ends_at));
    }

    #[test]
    fn end_before_start_is_refused_for_arbitrary_instants(tz in zone(), a in instant(), b in instant()) {
        let (s, e) = (a.with_timezone(&tz).naive_local(), b.with_timezone(&tz).naive_local());
        // Only wall clocks that happen once name one instant; the others are in `expected`.
        prop_assume!(occurrences(tz, s).len() == 1 && occurrences(tz, e).len() == 1);
        let want = if b > a { Ok(()) } else { Err(PublicationRule::GatheringEndsBeforeStart) };
        prop_assert_eq!(decided(gathering(tz, s, e)), want);
    }

    #[test]
    fn instants_are_the_first_occurrence_of_the_wall_clock(tz in zone(), u in instant()) {
        let local = u.with_timezone(&tz).naive_local();
        let g = gathering(tz, local, local);
        let first = g.start_instant().expect("a wall clock that happened exists");
        prop_assert!(first <= u && u - first <= Duration::days(1), "{} for {}", first, u);
        prop_assert_eq!(first.with_timezone(&tz).naive_local(), local);
        prop_assert_eq!(Some(first), occurrences(tz, local).first().copied());
        prop_assert_eq!(g.end_instant(), Some(first));
    }

    #[test]
    fn wall_clocks_skipped_by_a_clock_change_are_refused(tz in zone(), from in instant(), into in 0.0f64..1.0, hours in 1i64..200) {
        let Some((jump, before, after)) = next_jump_forward(tz, from, 3 * 366) else {
            return Ok(()); // the zone did not move its clocks forward in those three years
        };
        let gap_start = jump.naive_utc() + Duration::seconds(before);
        // `into` of the way through the gap, at whole seconds.
        let skipped = gap_start + Duration::seconds(((after - before) as f64 * into) as i64);
        prop_assert!(occurrences(tz, skipped).is_empty(), "{} happens in {}", skipped, tz.name());
        let other = skipped + Duration::hours(hours);
        prop_assume!(!occurrences(tz, other).is_empty());
        prop_assert_eq!(decided(gathering(tz, skipped, other)), Err(PublicationRule::LocalTimeDoesNotExist));
        let earlier = skipped - Duration::hours(hours);
        prop_assume!(!occurrences(tz, earlier).is_empty());
        prop_assert_eq!(decided(gathering(tz, earlier, skipped)), Err(PublicationRule::LocalTimeDoesNotExist));
        prop_assert_eq!(gathering(tz, skipped, skipped).start_instant(), None);
    }

    #[test]
    fn any_wall_clock_in_any_zone_never_panics(
        tz in zone(),
        s in DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp(),
        e in prop_oneof![Just(0i64), -100_000i64..100_000, any::<i64>()],
        nanos in prop_oneof![Just(0u32), 0u32..2_000_000_000],
    ) {
        // Leap seconds (nanos past 10^9) included where chrono can represent them.
        let Some(start) = DateTime::from_timestamp(s, nanos).map(|t| t.naive_utc()) else {
            return Ok(());
        };
        let end = Duration::try_seconds(e)
            .and_then(|d| start.checked_add_signed(d))
            .unwrap_or(start);
        let g = gathering(tz, start, end);
        let _ = (g.start_instant(), g.end_instant());
        let _ = decided(g.clone());
        let json = serde_json::to_string(&g).expect("serialises");
        prop_assert_eq!(serde_json::from_str::<Gathering>(&json).expect("reads back"), g);
    }

    #[test]
    fn gatherings_with_an_unknown_zone_are_not_read(g_tz in zone(), zone_name in crate::values::text_tests::garbage()) {
        let local = DateTime::from_timestamp(1_700_000_000, 0).expect("in range").naive_utc();
        let mut json = serde_json::to_value(gathering(g_tz, local, local)).expect("serialises");
        json["time_zone"] = serde_json::Value::String(zone_name.clone());
        let read = serde_json::from_value::<Gathering>(json);
        prop_assert_eq!(read.is_ok(), IanaTimeZone::new(&zone_name).is_ok());
    }
}

#[test]
fn gatherings_need_a_place_or_a_link_whatever_the_times() {
    let local = DateTime::from_timestamp(1_700_000_000, 0)
        .expect("in range")
        .naive_utc();
    for tz in [Tz::UTC, Tz::America__Santiago, Tz::Pacific__Apia] {
        let nowhere = Gathering {
            place: None,
            ..gathering(tz, local, local - Duration::hours(1))
        };
        assert_eq!(
            decided(nowhere),
            Err(PublicationRule::GatheringNeedsPlaceOrLink)
        );
    }
}
