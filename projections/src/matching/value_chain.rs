//! Which links of a value chain an initiative works on, read from its free-text value-chain
//! focus.
//!
//! The domain keeps the focus as free text ("Proveedores de servicios mineros", "Processing and
//! export of salmon"), so matching recognises four links by keywords in Spanish, Portuguese and
//! English, ignoring case and accents. A keyword matches the start of a word ("export" matches
//! "exportación"). Text that names no link simply has none: the value-chain factor then does not
//! apply, it never guesses.

use domain::values::ValueChainFocus;

/// One link of a value chain, upstream to downstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Suppliers of inputs, equipment and services to the chain.
    Inputs,
    /// Farming, fishing, forestry, extraction: the raw product.
    PrimaryProduction,
    /// Turning raw products into goods: processing, manufacturing, packaging, assembly.
    Processing,
    /// Getting goods to buyers: distribution, logistics, trade, export, retail.
    Markets,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Inputs,
        Stage::PrimaryProduction,
        Stage::Processing,
        Stage::Markets,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Inputs => "inputs",
            Stage::PrimaryProduction => "primary_production",
            Stage::Processing => "processing",
            Stage::Markets => "markets",
        }
    }

    fn bit(self) -> Stages {
        1 << (self as u8)
    }

    /// The word beginnings that name this link (folded: lower case, no accents). Chosen so that
    /// common words of other meanings do not match: "farm" would match "farmacéutica", so only
    /// "farming" and "farmer" are listed; "transforma" would catch "transformación digital".
    fn keywords(self) -> &'static [&'static str] {
        match self {
            Stage::Inputs => &[
                "proveedor",
                "fornecedor",
                "supplier",
                "insumo",
                "input",
                "equipamiento",
                "equipamento",
                "equipment",
                "maquinaria",
                "maquinario",
                "machinery",
                "semilla",
                "semente",
                "seed",
                "fertiliz",
            ],
            Stage::PrimaryProduction => &[
                "cultiv",
                "cosech",
                "colheit",
                "harvest",
                "siembr",
                "plantio",
                "agricult",
                "agropecu",
                "ganad",
                "pecuar",
                "livestock",
                "farming",
                "farmer",
                "pesca",
                "pesque",
                "fishing",
                "fisher",
                "acuicult",
                "aquicult",
                "aquacult",
                "silvicult",
                "extrac",
                "mineria",
                "mineracao",
                "mining",
                "primari",
                "primary",
            ],
            Stage::Processing => &[
                "procesa",
                "processa",
                "processing",
                "processor",
                "agroindustr",
                "industrializ",
                "manufact",
                "fabrica",
                "refin",
                "envas",
                "empaque",
                "embala",
                "packag",
                "ensambl",
                "montag",
                "assembl",
            ],
            Stage::Markets => &[
                "distribu",
                "comercializ",
                "commerciali",
                "export",
                "mercad",
                "market",
                "venta",
                "vendas",
                "sales",
                "retail",
                "minorist",
                "varej",
                "logist",
                "transport",
            ],
        }
    }
}

/// A set of [`Stage`]s, one bit each.
pub type Stages = u8;

/// The links `focus` names.
pub fn stages_of(focus: &ValueChainFocus) -> Stages {
    stages_in(focus.as_ref())
}

fn stages_in(text: &str) -> Stages {
    let folded = fold(text);
    let mut found = 0;
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        for stage in Stage::ALL {
            if stage.keywords().iter().any(|k| word.starts_with(k)) {
                found |= stage.bit();
            }
        }
    }
    found
}

/// The stages in `stages`, upstream first.
pub fn stage_list(stages: Stages) -> impl Iterator<Item = Stage> {
    Stage::ALL
        .into_iter()
        .filter(move |stage| stages & stage.bit() != 0)
}

/// Lower case without the accents of Spanish and Portuguese, so that "Exportação" and
/// "exportacao" read alike.
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<&'static str> {
        stage_list(stages_in(text)).map(Stage::code).collect()
    }

    #[test]
    fn recognises_links_in_three_languages_ignoring_case_and_accents() {
        assert_eq!(codes("Proveedores de servicios mineros"), ["inputs"]);
        assert_eq!(
            codes("Cultivo y PROCESAMIENTO de palta para exportación"),
            ["primary_production", "processing", "markets"]
        );
        assert_eq!(codes("Beneficiamento e exportação de café"), ["markets"]);
        assert_eq!(
            codes("Salmon farming and processing"),
            ["primary_production", "processing"]
        );
        assert_eq!(codes("Extração de lítio"), ["primary_production"]);
    }

    #[test]
    fn words_of_other_meanings_and_empty_text_name_no_link() {
        assert!(codes("").is_empty());
        assert!(codes("Industria farmacéutica y transformación digital").is_empty());
        assert!(codes("Red de empresas de software").is_empty());
    }
}
