//! Each filter alone and together, and search that ignores case and accents.

use domain::initiative::ProfileChanges;
use domain::values::{
    CountryCode, Description, GeoPoint, InitiativeKind, MaturityStage, Region, Sector, Sectors,
};

use super::super::fixtures::*;
use super::*;

struct Place {
    name: &'static str,
    description: &'static str,
    region: &'static str,
    country: &'static str,
    lat: f64,
    lon: f64,
    sectors: &'static [Sector],
    kind: InitiativeKind,
    maturity: MaturityStage,
}

const PLACES: &[Place] = &[
    Place {
        name: "Clúster Minero de Antofagasta",
        description: "Proveedores de la minería del cobre y del litio.",
        region: "Antofagasta",
        country: "CL",
        lat: -23.6509,
        lon: -70.3975,
        sectors: &[Sector::Mining, Sector::Lithium],
        kind: InitiativeKind::ClusterInitiative,
        maturity: MaturityStage::Consolidation,
    },
    Place {
        name: "Arranjo Produtivo de Tecnologia",
        description: "Empresas de software e serviços de informação.",
        region: "São Paulo",
        country: "BR",
        lat: -23.5505,
        lon: -46.6333,
        sectors: &[Sector::Ict, Sector::DigitalTransformation],
        kind: InitiativeKind::LocalProductiveProject,
        maturity: MaturityStage::Launch,
    },
    Place {
        name: "Red de Electromovilidad",
        description: "Buses eléctricos y baterías; también turismo sostenible.",
        region: "Región Metropolitana",
        country: "CL",
        lat: -33.4489,
        lon: -70.6693,
        sectors: &[Sector::Electromobility, Sector::SustainableTourism],
        kind: InitiativeKind::BusinessNetwork,
        maturity: MaturityStage::Launch,
    },
    Place {
        name: "Cadena del Açaí e Maçã",
        description: "Produtores de açaí, limões e maçã do Pará.",
        region: "Pará",
        country: "BR",
        lat: -1.4558,
        lon: -48.4902,
        sectors: &[Sector::AgriFoodFishing],
        kind: InitiativeKind::ProductiveChainProgramme,
        maturity: MaturityStage::PreIncubation,
    },
    Place {
        name: "Polo de la Yerba Mate",
        description: "Productores de yerba mate de Misiones y del ñandú.",
        region: "Misiones",
        country: "AR",
        lat: -27.3621,
        lon: -55.9009,
        sectors: &[Sector::AgriFoodFishing, Sector::Logistics],
        kind: InitiativeKind::ClusterInitiative,
        maturity: MaturityStage::Construction,
    },
];

/// The map of [`PLACES`]; place `i` is initiative `i + 1`.
fn map() -> InitiativeMap {
    places_history().fold()
}

/// The approvals of [`PLACES`]; place `i` is initiative `i + 1`.
fn places_history() -> History {
    let mut history = History::default();
    for (i, place) in PLACES.iter().enumerate() {
        let mut p = profile(place.name);
        p.description = Description::new(place.description).unwrap();
        p.region = Region::new(place.region).unwrap();
        p.country = CountryCode::new(place.country).unwrap();
        p.location = GeoPoint::new(place.lat, place.lon).unwrap();
        p.sectors = Sectors::new(place.sectors.to_vec()).unwrap();
        p.kind = place.kind;
        p.maturity_stage = place.maturity;
        history.approve(initiative(i as u32 + 1), p, at(2024, 1, 1));
    }
    history
}

fn places(numbers: &[u32]) -> Vec<InitiativeId> {
    numbers.iter().copied().map(initiative).collect()
}

fn now() -> DateTime<Utc> {
    at(2024, 6, 1)
}

fn search(map: &InitiativeMap, q: &str) -> Vec<InitiativeId> {
    let filter = MapFilter {
        text: Some(TextQuery::new(q).unwrap()),
        ..Default::default()
    };
    ids(map, &filter, now())
}

fn countries(codes: &[&str]) -> MapFilter {
    MapFilter {
        countries: codes.iter().map(|c| CountryCode::new(c).unwrap()).collect(),
        ..Default::default()
    }
}

/// A model restored for one read lists its slots by country, sector and grid cell only for the
/// first query that filters by one of them, and then answers as a model that kept the lists all
/// along, whether the events after its place came before that query or after it.
#[test]
fn a_model_restored_for_one_read_lists_facets_only_for_a_query_that_filters_by_them() {
    let mut history = places_history();
    let placed = history.len();
    let moved = ProfileChanges {
        country: Some(CountryCode::new("AR").unwrap()),
        location: Some(GeoPoint::new(-24.7859, -65.4117).unwrap()),
        ..Default::default()
    };
    history
        .record(initiative(1), updated(moved, at(2024, 2, 1)))
        .record(initiative(3), retired(at(2024, 2, 2)))
        .approve(initiative(6), profile("Red del Litio"), at(2024, 3, 1));
    let live: InitiativeMap = history.fold();
    let at_place = history.fold_first::<InitiativeMap>(placed);

    let mut listed_last = round_trip_for(&at_place, Restoring::ForOneRead);
    history.feed_from(placed, &mut listed_last);
    assert_eq!(ids(&listed_last, &MapFilter::default(), now()).len(), 5);
    assert!(
        !listed_last.index.has_lists(),
        "neither the events nor the whole map need them"
    );
    let mut listed_first = round_trip_for(&at_place, Restoring::ForOneRead);
    assert_eq!(
        ids(&listed_first, &countries(&["CL"]), now()),
        places(&[1, 3])
    );
    assert!(listed_first.index.has_lists());
    history.feed_from(placed, &mut listed_first);

    let lithium = MapFilter {
        sectors: [Sector::Lithium].into(),
        ..Default::default()
    };
    let north_west_argentina = MapFilter {
        bbox: Some(BoundingBox::new(-66.0, -26.0, -64.0, -23.0).unwrap()),
        ..Default::default()
    };
    assert_eq!(ids(&live, &countries(&["CL"]), now()), places(&[6]));
    assert_eq!(ids(&live, &countries(&["AR"]), now()), places(&[1, 5]));
    assert_eq!(ids(&live, &lithium, now()), places(&[1, 6]));
    assert_eq!(ids(&live, &north_west_argentina, now()), places(&[1]));
    let filters = [
        countries(&["CL"]),
        countries(&["AR"]),
        lithium,
        north_west_argentina,
    ];
    for filter in &filters {
        let expected = ids(&live, filter, now());
        assert_eq!(ids(&listed_last, filter, now()), expected, "{filter:?}");
        assert_eq!(ids(&listed_first, filter, now()), expected, "{filter:?}");
    }
    assert!(listed_last.index.has_lists());
}

#[test]
fn several_countries_mean_any_of_them() {
    let map = map();
    assert_eq!(ids(&map, &countries(&["CL"]), now()), places(&[1, 3]));
    assert_eq!(
        ids(&map, &countries(&["AR", "BR"]), now()),
        places(&[2, 4, 5])
    );
    assert!(ids(&map, &countries(&["MX"]), now()).is_empty());
}

#[test]
fn several_sectors_mean_any_of_them() {
    let map = map();
    let sectors = |list: &[Sector]| MapFilter {
        sectors: list.iter().copied().collect(),
        ..Default::default()
    };
    assert_eq!(ids(&map, &sectors(&[Sector::Lithium]), now()), places(&[1]));
    assert_eq!(
        ids(
            &map,
            &sectors(&[Sector::AgriFoodFishing, Sector::Ict]),
            now()
        ),
        places(&[2, 4, 5])
    );
    assert!(ids(&map, &sectors(&[Sector::CareEconomy]), now()).is_empty());
}

#[test]
fn kind_and_maturity_filter_and_criteria_combine_with_and() {
    let map = map();
    let clusters = MapFilter {
        kinds: [InitiativeKind::ClusterInitiative].into(),
        ..Default::default()
    };
    assert_eq!(ids(&map, &clusters, now()), places(&[1, 5]));
    let launching = MapFilter {
        maturities: [MaturityStage::Launch, MaturityStage::PreIncubation].into(),
        ..Default::default()
    };
    assert_eq!(ids(&map, &launching, now()), places(&[2, 3, 4]));
    let chilean_launching = MapFilter {
        countries: countries(&["CL"]).countries,
        ..launching.clone()
    };
    assert_eq!(ids(&map, &chilean_launching, now()), places(&[3]));
    let everything = MapFilter {
        countries: countries(&["BR"]).countries,
        sectors: [Sector::AgriFoodFishing].into(),
        kinds: [InitiativeKind::ProductiveChainProgramme].into(),
        maturities: [MaturityStage::PreIncubation].into(),
        stale: Some(false),
        bbox: Some(BoundingBox::new(-50.0, -5.0, -45.0, 0.0).unwrap()),
        text: Some(TextQuery::new("acai").unwrap()),
    };
    assert_eq!(ids(&map, &everything, now()), places(&[4]));
    let stale = MapFilter {
        stale: Some(true),
        ..everything
    };
    assert!(ids(&map, &stale, now()).is_empty());
}

#[test]
fn a_bbox_keeps_points_inside_or_on_its_edges() {
    let map = map();
    let bbox = |w, s, e, n| MapFilter {
        bbox: Some(BoundingBox::new(w, s, e, n).unwrap()),
        ..Default::default()
    };
    // Chile's north and centre: Antofagasta and Santiago.
    assert_eq!(
        ids(&map, &bbox(-75.0, -34.0, -68.0, -20.0), now()),
        places(&[1, 3])
    );
    // Exactly on the corner of Antofagasta.
    assert_eq!(
        ids(&map, &bbox(-70.3975, -23.6509, -70.0, -23.0), now()),
        places(&[1])
    );
    assert!(ids(&map, &bbox(-70.39, -23.6509, -70.0, -23.0), now()).is_empty());
    // A point box on a place.
    assert_eq!(
        ids(&map, &bbox(-46.6333, -23.5505, -46.6333, -23.5505), now()),
        places(&[2])
    );
    // The whole world is too many grid cells to look up: the facets decide alone.
    assert_eq!(
        ids(&map, &bbox(-180.0, -90.0, 180.0, 90.0), now()),
        places(&[1, 2, 3, 4, 5])
    );
    assert_eq!(
        ids(&map, &bbox(-180.0, -90.0, 0.0, -30.0), now()),
        places(&[3])
    );
    // Swapped latitude and longitude find nothing in this region.
    assert!(ids(&map, &bbox(-34.0, -75.0, -20.0, -68.0), now()).is_empty());
}

#[test]
fn search_ignores_case_and_spanish_and_portuguese_accents() {
    let map = map();
    assert_eq!(search(&map, "clúster"), places(&[1]));
    assert_eq!(search(&map, "CLUSTER"), places(&[1]));
    assert_eq!(search(&map, "Sao Paulo"), places(&[2]));
    assert_eq!(search(&map, "são paulo"), places(&[2]));
    assert_eq!(search(&map, "servicos"), places(&[2]), "ç");
    assert_eq!(search(&map, "informacao"), places(&[2]), "ã");
    assert_eq!(search(&map, "limoes"), places(&[4]), "õ");
    assert_eq!(search(&map, "nandu"), places(&[5]), "ñ");
    assert_eq!(search(&map, "ACAÍ maca"), places(&[4]));
    assert_eq!(search(&map, "para"), places(&[4]), "region, with accent");
    assert_eq!(search(&map, "electricos"), places(&[3]), "description");
    assert_eq!(search(&map, "antofagasta"), places(&[1]), "name and region");
}

#[test]
fn every_query_word_must_occur_inside_some_word() {
    let map = map();
    assert_eq!(
        search(&map, "movilidad"),
        places(&[3]),
        "inside Electromovilidad"
    );
    assert_eq!(search(&map, "de"), places(&[1, 2, 3, 4, 5]));
    assert_eq!(search(&map, "litio cobre"), places(&[1]));
    assert!(search(&map, "litio software").is_empty());
    assert!(search(&map, "hidrogeno").is_empty());
}

#[test]
fn search_follows_changes_to_the_texts() {
    let mut history = History::default();
    let id = initiative(1);
    history.approve(id, profile("Clúster del Cobre"), at(2024, 1, 1));
    let changes = ProfileChanges {
        description: Some(Description::new("Ahora también hidrógeno verde.").unwrap()),
        ..Default::default()
    };
    history.record(id, updated(changes, at(2024, 2, 1)));
    let map: InitiativeMap = history.fold();
    assert_eq!(search(&map, "hidrogeno verde"), [id]);
    assert!(
        search(&map, "proveedores").is_empty(),
        "the old description is gone"
    );
    assert_eq!(search(&map, "cobre"), [id]);
}
