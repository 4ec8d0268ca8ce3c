//! The worked example of docs/matching.md: a lithium and electromobility project led by a
//! Chilean cluster, and initiatives whose order a person can check by hand from the weights.

use domain::actor::Actor;
use domain::values::{InitiativeId, JointProjectId, MaturityStage, Sector::*};

use super::{id, manager_of, moderator, ranking, reasons, History, Plan, Stage, Traits};

pub(in crate::matching) struct World {
    pub history: History,
    pub lead: InitiativeId,
    pub a: InitiativeId,
    pub b: InitiativeId,
    pub c: InitiativeId,
    pub d: InitiativeId,
    pub e: InitiativeId,
    pub f: InitiativeId,
    pub g: InitiativeId,
    pub retired: InitiativeId,
    pub unapproved: InitiativeId,
    /// Lithium and electromobility, led by `lead`, approved, call open, `g` invited.
    pub project: JointProjectId,
    /// Advanced manufacturing, led by `c`, approved, call open.
    pub r: JointProjectId,
    /// Led by `d`, approved, call closed.
    pub closed: JointProjectId,
    /// Lithium, led by `lead` with `b`, completed.
    pub earlier: JointProjectId,
}

pub(in crate::matching) fn world() -> World {
    let mut h = History::new();
    let lead = h.initiative(
        0x1,
        Traits {
            name: "Clúster del Litio de Antofagasta",
            country: "CL",
            sectors: &[Lithium, Mining],
            focus: "Extracción y refinación de litio",
            maturity: MaturityStage::Consolidation,
        },
        true,
    );
    let a = h.initiative(
        0xa,
        Traits {
            name: "Red de Electromovilidad de Córdoba",
            country: "AR",
            sectors: &[Electromobility, AdvancedManufacturing],
            focus: "Ensamblaje de vehículos eléctricos y venta de flotas",
            maturity: MaturityStage::Construction,
        },
        true,
    );
    let b = h.initiative(
        0xb,
        Traits {
            name: "Proveedores del Salar de Atacama",
            country: "CL",
            sectors: &[Lithium],
            focus: "Proveedores de equipamiento para salares",
            maturity: MaturityStage::Consolidation,
        },
        true,
    );
    let c = h.initiative(
        0xc,
        Traits {
            name: "Cadena del Litio de Potosí",
            country: "BO",
            sectors: &[Lithium, Electromobility],
            focus: "",
            maturity: MaturityStage::Launch,
        },
        true,
    );
    let d = h.initiative(
        0xd,
        Traits {
            name: "Clúster de Energías Renovables de Arequipa",
            country: "PE",
            sectors: &[EnergyTransition, GreenHydrogen],
            focus: "Distribución de energía renovable",
            maturity: MaturityStage::Construction,
        },
        true,
    );
    let e = h.initiative(
        0xe,
        Traits {
            name: "Electromovilidad de Nuevo León",
            country: "MX",
            sectors: &[Lithium, Electromobility],
            focus: "",
            maturity: MaturityStage::Construction,
        },
        true,
    );
    let f = h.initiative(
        0xf,
        Traits {
            name: "Ruta del Café del Huila",
            country: "CO",
            sectors: &[Tourism],
            focus: "Turismo de fincas cafeteras",
            maturity: MaturityStage::Consolidation,
        },
        true,
    );
    let g = h.initiative(
        0x10,
        Traits {
            name: "Baterías de Jujuy",
            country: "AR",
            sectors: &[Lithium, Electromobility],
            focus: "",
            maturity: MaturityStage::Construction,
        },
        true,
    );
    let retired = h.initiative(
        0x11,
        Traits {
            name: "Litio de Catamarca",
            country: "AR",
            sectors: &[Lithium, Electromobility],
            focus: "",
            maturity: MaturityStage::Consolidation,
        },
        true,
    );
    h.retire(retired);
    let unapproved = h.initiative(
        0x12,
        Traits {
            name: "Electromovilidad de Santiago",
            country: "CL",
            sectors: &[Lithium, Electromobility],
            focus: "",
            maturity: MaturityStage::Consolidation,
        },
        false,
    );
    // The lead's manager meets the managers of B and E in a community of practice; so do the
    // managers of the two initiatives that cannot be candidates.
    h.community(0x100, &[lead, b, e, retired, unapproved].map(manager_of));
    let earlier = h.project(
        0x200,
        lead,
        Plan {
            accepted: &[b],
            ..Plan::new(&[Lithium], Stage::Completed)
        },
    );
    let project = h.project(
        0x201,
        lead,
        Plan {
            invited: &[g],
            open: true,
            ..Plan::new(&[Lithium, Electromobility], Stage::Approved)
        },
    );
    let r = h.project(
        0x202,
        c,
        Plan {
            open: true,
            ..Plan::new(&[AdvancedManufacturing], Stage::Approved)
        },
    );
    let closed = h.project(0x203, d, Plan::new(&[Electromobility], Stage::Approved));
    World {
        history: h,
        lead,
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        retired,
        unapproved,
        project,
        r,
        closed,
        earlier,
    }
}

fn names(list: &[(&str, u32)]) -> Vec<(String, u32)> {
    list.iter().map(|(n, s)| (n.to_string(), *s)).collect()
}

#[test]
fn candidates_for_the_project_come_in_the_documented_order() {
    let w = world();
    let matches = w.history.model.matches_for_project(w.project, 10);
    assert_eq!(
        ranking(&matches),
        names(&[
            ("Proveedores del Salar de Atacama", 525),
            // A tie at 500: A's id (…0a) sorts before E's (…0e).
            ("Red de Electromovilidad de Córdoba", 500),
            ("Electromovilidad de Nuevo León", 500),
            ("Cadena del Litio de Potosí", 400),
            ("Clúster de Energías Renovables de Arequipa", 375),
        ])
    );
    let ids: Vec<InitiativeId> = matches.iter().map(|m| m.initiative.id).collect();
    assert_eq!(ids, [w.b, w.a, w.e, w.c, w.d]);
}

#[test]
fn every_result_carries_its_reasons_with_weights_and_points_that_add_up() {
    let w = world();
    let matches = w.history.model.matches_for_project(w.project, 10);
    let expected: [&[(&str, u32, &str)]; 5] = [
        &[
            ("shared_sectors", 125, "lithium"),
            (
                "complementary_value_chain",
                100,
                "adds inputs to the lead's primary_production, processing",
            ),
            ("shared_communities", 50, "1 community"),
            ("maturity", 100, "same stage: consolidation"),
            ("earlier_collaboration", 150, "1 earlier joint project"),
        ],
        &[
            ("shared_sectors", 125, "electromobility"),
            (
                "complementary_sectors",
                75,
                "advanced_manufacturing complements electromobility",
            ),
            (
                "complementary_value_chain",
                100,
                "adds markets to the lead's primary_production, processing",
            ),
            ("cross_border", 150, "AR, lead in CL"),
            ("maturity", 50, "construction, lead at consolidation"),
        ],
        &[
            ("shared_sectors", 250, "lithium, electromobility"),
            ("cross_border", 150, "MX, lead in CL"),
            ("shared_communities", 50, "1 community"),
            ("maturity", 50, "construction, lead at consolidation"),
        ],
        &[
            ("shared_sectors", 250, "lithium, electromobility"),
            ("cross_border", 150, "BO, lead in CL"),
        ],
        &[
            (
                "complementary_sectors",
                75,
                "energy_transition complements electromobility",
            ),
            (
                "complementary_value_chain",
                100,
                "adds markets to the lead's primary_production, processing",
            ),
            ("cross_border", 150, "PE, lead in CL"),
            ("maturity", 50, "construction, lead at consolidation"),
        ],
    ];
    for (found, expected) in matches.iter().zip(expected) {
        assert_eq!(
            reasons(&found.reasons),
            expected,
            "{}",
            found.initiative.name
        );
        for reason in &found.reasons {
            assert_eq!(reason.weight, reason.kind.weight());
            assert!(reason.points <= reason.weight);
        }
        let sum: u32 = found.reasons.iter().map(|r| r.points).sum();
        assert_eq!(sum, found.score, "{}", found.initiative.name);
    }
    let a = &matches[1].initiative;
    assert_eq!(a.country.as_str(), "AR");
    assert_eq!(a.sectors, [Electromobility, AdvancedManufacturing]);
}

#[test]
fn the_limit_keeps_the_best() {
    let w = world();
    let model = &w.history.model;
    let two: Vec<InitiativeId> = model
        .matches_for_project(w.project, 2)
        .iter()
        .map(|m| m.initiative.id)
        .collect();
    assert_eq!(two, [w.b, w.a]);
    assert!(model.matches_for_project(w.project, 0).is_empty());
    assert!(model.matches_for_project(id(0x999), 10).is_empty());
}

#[test]
fn open_projects_for_an_initiative_are_scored_alike_from_its_side() {
    let w = world();
    let model = &w.history.model;
    let for_a = model.projects_for_initiative(w.a, 10);
    let listed: Vec<(JointProjectId, u32)> =
        for_a.iter().map(|m| (m.project.id, m.score)).collect();
    // R shares A's advanced manufacturing (250 for a one-sector project), A's electromobility
    // complements it (75), Bolivia is another country (150), launch is one stage from
    // construction (50). The project scores A as A scored for it: 500.
    assert_eq!(listed, [(w.r, 525), (w.project, 500)]);
    assert_eq!(
        reasons(&for_a[0].reasons),
        [
            ("shared_sectors", 250, "advanced_manufacturing"),
            (
                "complementary_sectors",
                75,
                "electromobility complements advanced_manufacturing"
            ),
            ("cross_border", 150, "AR, lead in BO"),
            ("maturity", 50, "construction, lead at launch"),
        ]
    );
    let project = &for_a[1].project;
    assert_eq!(project.title, "Proyecto 513");
    assert_eq!(project.lead.id, w.lead);
    assert_eq!(project.sectors, [Lithium, Electromobility]);
    assert_eq!(
        for_a[1].reasons,
        model.matches_for_project(w.project, 10)[1].reasons
    );

    // Not the project it leads, not one it was invited to, not a closed call, nothing unrelated.
    let projects = |i| -> Vec<JointProjectId> {
        model
            .projects_for_initiative(i, 10)
            .iter()
            .map(|m| m.project.id)
            .collect()
    };
    assert_eq!(projects(w.c), [w.project]);
    assert_eq!(projects(w.g), [w.r]);
    assert!(projects(w.f).is_empty());
    assert!(projects(w.retired).is_empty());
    assert!(projects(w.unapproved).is_empty());
    let _ = (w.closed, w.earlier);
}

#[test]
fn matches_are_seen_by_whoever_may_see_the_project() {
    let mut w = world();
    let model = &w.history.model;
    let stranger = Actor::member(id(0x777));
    assert!(model.may_see_project_matches(w.project, None));
    assert!(!model.may_see_project_matches(id(0x999), None));
    assert!(model.may_see_initiative_matches(w.a, None));
    assert!(!model.may_see_initiative_matches(w.unapproved, None));
    assert!(!model.may_see_initiative_matches(w.unapproved, Some(&stranger)));
    assert!(model
        .may_see_initiative_matches(w.unapproved, Some(&Actor::member(manager_of(w.unapproved)))));

    let proposed = w.history.project(
        0x204,
        w.a,
        Plan {
            invited: &[w.g],
            ..Plan::new(&[Electromobility], Stage::Proposed)
        },
    );
    let model = &w.history.model;
    assert!(!model.may_see_project_matches(proposed, None));
    assert!(!model.may_see_project_matches(proposed, Some(&stranger)));
    assert!(model.may_see_project_matches(proposed, Some(&Actor::member(manager_of(w.a)))));
    assert!(model.may_see_project_matches(proposed, Some(&Actor::member(manager_of(w.g)))));
    assert!(model.may_see_project_matches(proposed, Some(&Actor::moderator(moderator()))));
    // Partners can be invited before approval: a proposed project has candidates.
    assert!(!model.matches_for_project(proposed, 10).is_empty());
}
