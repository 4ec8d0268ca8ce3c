//! The fixed sector taxonomy and the table of which sectors complement each other.
//!
//! Two parts, as in DESIGN §2: broad economic sectors (where an initiative's firms make their
//! living) and ECLAC's driving sectors, used as themes (the transformations the region's
//! productive development policies push). An initiative may carry both kinds.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::ValueError;

/// A language the platform labels things in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    Es,
    Pt,
    En,
}

macro_rules! sectors {
    ($($variant:ident = $code:literal, $driving:literal, $es:literal, $pt:literal, $en:literal;)+) => {
        /// A sector of the taxonomy. Serde names are stable snake_case codes: they are stored in
        /// events, so a variant may be added but never renamed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Sector {
            $($variant,)+
        }

        impl Sector {
            /// Every sector: broad sectors first, then driving sectors.
            pub const ALL: &'static [Sector] = &[$(Sector::$variant,)+];

            /// The stable code, as in JSON.
            pub const fn code(&self) -> &'static str {
                match self { $(Sector::$variant => $code,)+ }
            }

            /// Whether this is one of ECLAC's driving sectors (a theme) rather than a broad sector.
            pub const fn is_driving_sector(&self) -> bool {
                match self { $(Sector::$variant => $driving,)+ }
            }

            /// A human label in the given language.
            pub const fn label(&self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Sector::$variant, Lang::Es) => $es,
                      (Sector::$variant, Lang::Pt) => $pt,
                      (Sector::$variant, Lang::En) => $en,)+
                }
            }
        }
    };
}

sectors! {
    // Broad economic sectors.
    AgriFoodFishing = "agri_food_fishing", false, "Agroalimentos y pesca", "Agroalimentos e pesca", "Agri-food and fishing";
    Forestry = "forestry", false, "Forestal", "Florestal", "Forestry";
    Mining = "mining", false, "Minería", "Mineração", "Mining";
    Manufacturing = "manufacturing", false, "Manufactura", "Indústria de transformação", "Manufacturing";
    Energy = "energy", false, "Energía", "Energia", "Energy";
    Construction = "construction", false, "Construcción", "Construção", "Construction";
    Logistics = "logistics", false, "Logística", "Logística", "Logistics";
    Tourism = "tourism", false, "Turismo", "Turismo", "Tourism";
    Ict = "ict", false, "Tecnologías de la información y las comunicaciones", "Tecnologias da informação e comunicação", "Information and communication technologies";
    Health = "health", false, "Salud", "Saúde", "Health";
    CreativeIndustries = "creative_industries", false, "Industrias creativas", "Indústrias criativas", "Creative industries";
    OtherServices = "other_services", false, "Otros servicios", "Outros serviços", "Other services";
    // ECLAC driving sectors (themes).
    EnergyTransition = "energy_transition", true, "Transición energética", "Transição energética", "Energy transition";
    GreenHydrogen = "green_hydrogen", true, "Hidrógeno verde", "Hidrogênio verde", "Green hydrogen";
    Lithium = "lithium", true, "Litio", "Lítio", "Lithium";
    Electromobility = "electromobility", true, "Electromovilidad", "Eletromobilidade", "Electromobility";
    CircularEconomy = "circular_economy", true, "Economía circular", "Economia circular", "Circular economy";
    Bioeconomy = "bioeconomy", true, "Bioeconomía", "Bioeconomia", "Bioeconomy";
    PharmaLifeSciences = "pharma_life_sciences", true, "Industria farmacéutica y ciencias de la vida", "Indústria farmacêutica e ciências da vida", "Pharmaceuticals and life sciences";
    MedicalDevices = "medical_devices", true, "Dispositivos médicos", "Dispositivos médicos", "Medical devices";
    DigitalTransformation = "digital_transformation", true, "Transformación digital", "Transformação digital", "Digital transformation";
    ModernServicesExport = "modern_services_export", true, "Exportación de servicios modernos", "Exportação de serviços modernos", "Modern services export";
    AdvancedManufacturing = "advanced_manufacturing", true, "Manufactura avanzada", "Manufatura avançada", "Advanced manufacturing";
    SustainableWaterManagement = "sustainable_water_management", true, "Gestión sostenible del agua", "Gestão sustentável da água", "Sustainable water management";
    CareEconomy = "care_economy", true, "Economía del cuidado", "Economia do cuidado", "Care economy";
    SustainableTourism = "sustainable_tourism", true, "Turismo sostenible", "Turismo sustentável", "Sustainable tourism";
}

impl Sector {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let code = raw.trim();
        Sector::ALL
            .iter()
            .copied()
            .find(|s| s.code() == code)
            .ok_or_else(|| {
                ValueError::new(
                    "sectors",
                    format!(
                        "'{code}' is not a sector of the taxonomy; use one of: {}",
                        Sector::codes()
                    ),
                )
            })
    }

    fn codes() -> String {
        Sector::ALL
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Sector {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::parse(s)
    }
}

/// The sectors of one initiative: 1 to 10, no duplicates, in the order given (the first is the
/// main one, which a map legend can colour by).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Sector>", into = "Vec<Sector>")]
pub struct Sectors(Vec<Sector>);

impl Sectors {
    pub const FIELD: &'static str = "sectors";
    pub const MAX: usize = 10;

    pub fn new(sectors: Vec<Sector>) -> Result<Self, ValueError> {
        if sectors.is_empty() {
            return Err(ValueError::new(Self::FIELD, "choose at least one sector"));
        }
        if sectors.len() > Self::MAX {
            return Err(ValueError::new(
                Self::FIELD,
                format!("choose at most {} sectors (got {}); keep the ones that describe most of the firms", Self::MAX, sectors.len()),
            ));
        }
        for (i, s) in sectors.iter().enumerate() {
            if sectors[..i].contains(s) {
                return Err(ValueError::new(
                    Self::FIELD,
                    format!("'{s}' is listed more than once; list each sector once"),
                ));
            }
        }
        Ok(Self(sectors))
    }

    pub fn as_slice(&self) -> &[Sector] {
        &self.0
    }

    /// The first sector listed.
    pub fn primary(&self) -> Sector {
        self.0[0]
    }

    pub fn contains(&self, s: Sector) -> bool {
        self.0.contains(&s)
    }

    pub fn iter(&self) -> impl Iterator<Item = Sector> + '_ {
        self.0.iter().copied()
    }
}

impl TryFrom<Vec<Sector>> for Sectors {
    type Error = ValueError;
    fn try_from(v: Vec<Sector>) -> Result<Self, ValueError> {
        Self::new(v)
    }
}

impl From<Sectors> for Vec<Sector> {
    fn from(s: Sectors) -> Self {
        s.0
    }
}
