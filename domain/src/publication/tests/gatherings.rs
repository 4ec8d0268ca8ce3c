//! Gathering rules: time zone, end after start, place or link, daylight-saving edges.

use super::*;

fn submit(g: Gathering) -> Cmd {
    Cmd::Submit {
        publication_id: publication_id(),
        actor: author(),
        content: gathering(g),
        at: at(),
    }
}

fn rule(rule: PublicationRule) -> Error {
    Error::RuleViolated(rule)
}

#[test]
fn a_gathering_with_a_place_is_submitted() {
    framework()
        .given_no_previous_events()
        .when(submit(santiago()))
        .then_expect_events(vec![submitted(gathering(santiago()))]);
}

#[test]
fn an_online_gathering_needs_no_place() {
    let online = Gathering {
        place: None,
        online_link: Some(Website::new("https://meet.example.org/clusters").unwrap()),
        ..santiago()
    };
    framework()
        .given_no_previous_events()
        .when(submit(online.clone()))
        .then_expect_events(vec![submitted(gathering(online))]);
}

#[test]
fn a_gathering_needs_a_place_or_a_link() {
    let nowhere = Gathering {
        place: None,
        online_link: None,
        ..santiago()
    };
    framework()
        .given_no_previous_events()
        .when(submit(nowhere))
        .then_expect_error(rule(PublicationRule::GatheringNeedsPlaceOrLink));
}

#[test]
fn a_gathering_ends_after_it_starts() {
    for ends_at in [local(2024, 10, 1, 9, 0), local(2024, 9, 30, 18, 0)] {
        framework()
            .given_no_previous_events()
            .when(submit(Gathering {
                ends_at,
                ..santiago()
            }))
            .then_expect_error(rule(PublicationRule::GatheringEndsBeforeStart));
    }
}

#[test]
fn end_after_start_is_judged_in_real_time_not_on_the_clock_face() {
    // New York, 2024-11-03: clocks go back at 02:00, so 01:00-02:00 happens twice. Both times
    // are taken at their first occurrence, so 01:50 → 01:10 runs backwards in real time.
    let fold = Gathering {
        starts_at: local(2024, 11, 3, 1, 50),
        ends_at: local(2024, 11, 3, 1, 10),
        time_zone: IanaTimeZone::new("America/New_York").unwrap(),
        ..santiago()
    };
    framework()
        .given_no_previous_events()
        .when(submit(fold))
        .then_expect_error(rule(PublicationRule::GatheringEndsBeforeStart));
}

#[test]
fn a_wall_clock_time_skipped_by_daylight_saving_is_refused() {
    // New York, 2024-03-10: clocks jump from 02:00 to 03:00, so 02:30 never happens.
    let gap = Gathering {
        starts_at: local(2024, 3, 10, 2, 30),
        ends_at: local(2024, 3, 10, 5, 0),
        time_zone: IanaTimeZone::new("America/New_York").unwrap(),
        ..santiago()
    };
    framework()
        .given_no_previous_events()
        .when(submit(gap))
        .then_expect_error(rule(PublicationRule::LocalTimeDoesNotExist));
}

#[test]
fn an_edit_keeps_the_gathering_rules() {
    framework()
        .given(vec![submitted(gathering(santiago()))])
        .when(Cmd::Edit {
            actor: author(),
            content: gathering(Gathering {
                place: None,
                ..santiago()
            }),
            at: at(),
        })
        .then_expect_error(rule(PublicationRule::GatheringNeedsPlaceOrLink));
}

#[test]
fn instants_follow_the_time_zone() {
    let g = santiago();
    // Santiago is UTC-3 in October 2024 (daylight-saving time).
    assert_eq!(
        g.start_instant(),
        Some(Utc.with_ymd_and_hms(2024, 10, 1, 12, 0, 0).unwrap())
    );
    // An hour that happens twice means its first occurrence.
    let fold = Gathering {
        starts_at: local(2024, 11, 3, 1, 30),
        time_zone: IanaTimeZone::new("America/New_York").unwrap(),
        ..santiago()
    };
    assert_eq!(
        fold.start_instant(),
        Some(Utc.with_ymd_and_hms(2024, 11, 3, 5, 30, 0).unwrap())
    );
}

#[test]
fn time_zones_are_iana_names() {
    assert_eq!(
        IanaTimeZone::new(" America/Bogota ").unwrap().as_str(),
        "America/Bogota"
    );
    assert_eq!(IanaTimeZone::new("UTC").unwrap().tz(), chrono_tz::Tz::UTC);
    for bad in ["", "GMT-5", "america/bogota", "Mars/Olympus_Mons", "-03:00"] {
        let error = IanaTimeZone::new(bad).unwrap_err();
        assert_eq!(error.field, "time_zone", "{bad}");
    }
    assert!(serde_json::from_str::<IanaTimeZone>("\"Nowhere/City\"").is_err());
    let tz: IanaTimeZone = serde_json::from_str("\"America/Sao_Paulo\"").unwrap();
    assert_eq!(serde_json::to_string(&tz).unwrap(), "\"America/Sao_Paulo\"");
}

#[test]
fn content_json_is_flat_with_a_kind_tag() {
    let json = serde_json::to_value(gathering(santiago())).unwrap();
    assert_eq!(json["kind"], "gathering");
    assert_eq!(json["time_zone"], "America/Santiago");
    assert_eq!(json["starts_at"], "2024-10-01T09:00:00");
    let back: PublicationContent = serde_json::from_value(json).unwrap();
    assert_eq!(back, gathering(santiago()));
    let news_json = serde_json::to_value(news("a")).unwrap();
    assert_eq!(news_json["kind"], "news");
}
