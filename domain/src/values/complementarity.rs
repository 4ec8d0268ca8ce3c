//! Which sectors complement each other along value chains, for matching initiatives.

use std::sync::OnceLock;

use super::Sector;

use Sector::*;

/// Sectors that complement each other along value chains, with the reason, for matching
/// initiatives into joint projects.
///
/// A pair belongs here when firms in one sector are typical suppliers, customers or enablers of
/// firms in the other, so that initiatives in the two have something to build together (not
/// merely because both are "green" or both are "services"). The relation is symmetric and
/// irreflexive: each pair is written once and `complements` reads it both ways; a sector always
/// matches itself through plain equality, not through this table.
pub const COMPLEMENTARY_PAIRS: &[(Sector, Sector, &str)] = &[
    (
        Lithium,
        Electromobility,
        "lithium compounds become the batteries that electric vehicles run on",
    ),
    (
        Mining,
        Lithium,
        "lithium is extracted and refined by mining firms and their suppliers",
    ),
    (
        Mining,
        GreenHydrogen,
        "green hydrogen decarbonises mining fleets and enables green steel and copper",
    ),
    (
        Mining,
        SustainableWaterManagement,
        "mining competes for water in arid basins and needs treatment and desalination",
    ),
    (
        AgriFoodFishing,
        Logistics,
        "perishable food exports depend on cold chains, ports and traceability",
    ),
    (
        AgriFoodFishing,
        Bioeconomy,
        "crop, fishery and processing residues are the feedstock of bio-based products",
    ),
    (
        AgriFoodFishing,
        SustainableWaterManagement,
        "irrigation and aquaculture are the largest water users",
    ),
    (
        AgriFoodFishing,
        Tourism,
        "gastronomy and agritourism sell local produce to visitors",
    ),
    (
        AgriFoodFishing,
        DigitalTransformation,
        "agtech (sensors, traceability, e-commerce) raises farm and fishery productivity",
    ),
    (
        Forestry,
        Bioeconomy,
        "wood and forest biomass feed bio-materials, bio-energy and chemicals",
    ),
    (
        Forestry,
        Construction,
        "engineered timber is a low-carbon building material",
    ),
    (
        Energy,
        EnergyTransition,
        "utilities and energy suppliers carry out the shift to renewables",
    ),
    (
        Energy,
        GreenHydrogen,
        "green hydrogen needs large amounts of renewable electricity",
    ),
    (
        GreenHydrogen,
        EnergyTransition,
        "hydrogen decarbonises uses that electricity cannot reach directly",
    ),
    (
        GreenHydrogen,
        Logistics,
        "hydrogen and its derivatives are exported through ports and pipelines",
    ),
    (
        Electromobility,
        EnergyTransition,
        "electric transport shifts demand from fuels to clean power",
    ),
    (
        Electromobility,
        AdvancedManufacturing,
        "vehicles, chargers and components are built by advanced manufacturers",
    ),
    (
        Manufacturing,
        AdvancedManufacturing,
        "conventional plants upgrade through automation and new materials",
    ),
    (
        Manufacturing,
        CircularEconomy,
        "manufacturers redesign products and reuse scrap and by-products",
    ),
    (
        Manufacturing,
        Logistics,
        "supply chains connect plants with inputs and markets",
    ),
    (
        Construction,
        CircularEconomy,
        "demolition waste and secondary materials re-enter building",
    ),
    (
        Bioeconomy,
        CircularEconomy,
        "bio-based products close material loops",
    ),
    (
        Bioeconomy,
        PharmaLifeSciences,
        "biodiversity and bioprocesses supply active ingredients",
    ),
    (
        Tourism,
        SustainableTourism,
        "tourism operators adopt sustainability practices and certifications",
    ),
    (
        SustainableTourism,
        CreativeIndustries,
        "cultural heritage, crafts and festivals are what visitors come for",
    ),
    (
        Health,
        PharmaLifeSciences,
        "health services are the main buyers of medicines and the sites of clinical trials",
    ),
    (
        Health,
        MedicalDevices,
        "hospitals and clinics buy and co-develop medical devices",
    ),
    (
        Health,
        CareEconomy,
        "care of the elderly and dependent people works alongside health services",
    ),
    (
        PharmaLifeSciences,
        MedicalDevices,
        "both share regulation, clinical validation and health buyers",
    ),
    (
        MedicalDevices,
        AdvancedManufacturing,
        "precision manufacturing produces medical devices",
    ),
    (
        Ict,
        DigitalTransformation,
        "software and connectivity firms supply the digitalisation of other sectors",
    ),
    (
        Ict,
        ModernServicesExport,
        "software and IT services are the core of exportable modern services",
    ),
    (
        DigitalTransformation,
        ModernServicesExport,
        "digital delivery is what makes services exportable",
    ),
    (
        CreativeIndustries,
        ModernServicesExport,
        "audiovisual, design and games are exported as services",
    ),
    (
        CareEconomy,
        OtherServices,
        "care services draw on and create local service providers",
    ),
];

impl Sector {
    /// The sectors that complement this one along value chains (see [`COMPLEMENTARY_PAIRS`]).
    pub fn complements(&self) -> &'static [Sector] {
        static TABLE: OnceLock<Vec<Vec<Sector>>> = OnceLock::new();
        let table = TABLE.get_or_init(|| {
            let mut table = vec![Vec::new(); Sector::ALL.len()];
            for &(a, b, _) in COMPLEMENTARY_PAIRS {
                table[a as usize].push(b);
                table[b as usize].push(a);
            }
            for row in &mut table {
                row.sort();
                row.dedup();
            }
            table
        });
        &table[*self as usize]
    }

    /// Why `a` and `b` complement each other, if they do (in either order).
    pub fn complementarity_reason(a: Sector, b: Sector) -> Option<&'static str> {
        COMPLEMENTARY_PAIRS
            .iter()
            .find(|(x, y, _)| (*x == a && *y == b) || (*x == b && *y == a))
            .map(|(_, _, why)| *why)
    }

    /// Whether the two sectors complement each other (symmetric; a sector does not complement
    /// itself).
    pub fn are_complementary(a: Sector, b: Sector) -> bool {
        a.complements().contains(&b)
    }
}

/// Free function form of [`Sector::are_complementary`].
pub fn are_complementary(a: Sector, b: Sector) -> bool {
    Sector::are_complementary(a, b)
}
