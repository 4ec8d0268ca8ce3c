//! Text folded for search, so that case and accents do not matter: a visitor who types
//! "Sao Paulo" or "cluster" on an English keyboard finds "São Paulo" and "Clúster".

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// `text` decomposed (Unicode compatibility decomposition, NFKD), without its combining marks,
/// in lower case: "Clúster" → "cluster", "São Paulo" → "sao paulo", "Ñuñoa" → "nunoa",
/// "Açaí" → "acai", "ª" → "a". Letters that are not a base letter plus marks ("ø", "ß") stay.
///
/// Decomposing one character at a time is enough: canonical reordering only reorders the
/// combining marks, and every one of them is dropped.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            // The common case, and one decomposition cannot change.
            folded.push(c.to_ascii_lowercase());
        } else {
            decompose_compatible(c, |part| {
                if !is_combining_mark(part) {
                    folded.extend(part.to_lowercase());
                }
            });
        }
    }
    folded
}

/// The words of folded text: runs of letters and digits; everything else separates them.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_and_portuguese_accents_and_case_fold_away() {
        assert_eq!(fold("Clúster"), "cluster");
        assert_eq!(fold("SÃO PAULO"), "sao paulo");
        assert_eq!(fold("Ñuñoa, Bío-Bío"), "nunoa, bio-bio");
        assert_eq!(fold("Açaí e Maçã"), "acai e maca");
        assert_eq!(
            fold("Paraná, Pará, Amapá, Goiás"),
            "parana, para, amapa, goias"
        );
        assert_eq!(
            fold("Araucanía, Ñandú, pingüino"),
            "araucania, nandu, pinguino"
        );
        assert_eq!(fold("Limões e Sertões"), "limoes e sertoes");
        assert_eq!(fold("1ª Região"), "1a regiao");
    }

    #[test]
    fn precomposed_and_decomposed_forms_fold_alike() {
        assert_eq!(fold("Cl\u{fa}ster"), fold("Clu\u{301}ster"));
        assert_eq!(fold("S\u{e3}o"), fold("Sa\u{303}o"));
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let folded = fold("Clúster TIC (Bío-Bío), 2024!");
        let found: Vec<&str> = words(&folded).collect();
        assert_eq!(found, ["cluster", "tic", "bio", "bio", "2024"]);
        assert_eq!(words("  ,;  ").count(), 0);
    }
}
