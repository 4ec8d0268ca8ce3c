//! What a map query may ask for. Values are checked when they are built, so a query that
//! exists is answerable; the messages of the errors say what to send instead.

use std::collections::BTreeSet;

use domain::values::{CountryCode, InitiativeKind, MaturityStage, Sector};

use super::text;

/// Which initiatives to show. Each set left empty means "any"; several values in one set mean
/// "any of them"; the criteria together mean "all of them".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapFilter {
    pub countries: BTreeSet<CountryCode>,
    /// Initiatives with at least one of these sectors.
    pub sectors: BTreeSet<Sector>,
    pub kinds: BTreeSet<InitiativeKind>,
    pub maturities: BTreeSet<MaturityStage>,
    /// Only stale (`Some(true)`) or only fresh (`Some(false)`) records.
    pub stale: Option<bool>,
    pub bbox: Option<BoundingBox>,
    pub text: Option<TextQuery>,
}

/// A longitude/latitude box, edges included, in RFC 7946 order: west, south, east, north.
///
/// A box that crosses the antimeridian (west > east) is refused rather than read as two boxes:
/// the region this platform covers never needs one, and a client that sends one has more likely
/// swapped its corners.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    min_lon: f64,
    min_lat: f64,
    max_lon: f64,
    max_lat: f64,
}

impl BoundingBox {
    pub fn new(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Result<Self, String> {
        for (name, value, limit) in [
            ("minimum longitude", min_lon, 180.0),
            ("minimum latitude", min_lat, 90.0),
            ("maximum longitude", max_lon, 180.0),
            ("maximum latitude", max_lat, 90.0),
        ] {
            if !value.is_finite() || value.abs() > limit {
                return Err(format!(
                    "bbox {name} must be a number between -{limit} and {limit} degrees (got \
                     {value}); send bbox=minLon,minLat,maxLon,maxLat"
                ));
            }
        }
        if min_lat > max_lat {
            return Err(format!(
                "bbox minimum latitude {min_lat} is north of its maximum latitude {max_lat}; \
                 send bbox=minLon,minLat,maxLon,maxLat (south before north)"
            ));
        }
        if min_lon > max_lon {
            return Err(format!(
                "bbox minimum longitude {min_lon} is east of its maximum longitude {max_lon}: \
                 boxes that cross the antimeridian are not supported; split it into two \
                 requests, one ending at 180 and one starting at -180 (or, if the corners are \
                 swapped, send bbox=minLon,minLat,maxLon,maxLat)"
            ));
        }
        Ok(Self {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }

    /// Reads `minLon,minLat,maxLon,maxLat` (RFC 7946 §5, two dimensions).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
        let [min_lon, min_lat, max_lon, max_lat] = parts.as_slice() else {
            return Err(format!(
                "bbox must be four numbers, minLon,minLat,maxLon,maxLat, e.g. \
                 bbox=-75.5,-56,-66.4,-17.5 (got `{raw}`)"
            ));
        };
        let number = |part: &str| {
            part.parse::<f64>().map_err(|_| {
                format!(
                    "bbox must be four numbers, minLon,minLat,maxLon,maxLat; `{part}` is not a \
                     number (got `{raw}`)"
                )
            })
        };
        Self::new(
            number(min_lon)?,
            number(min_lat)?,
            number(max_lon)?,
            number(max_lat)?,
        )
    }

    pub fn min_lon(&self) -> f64 {
        self.min_lon
    }
    pub fn min_lat(&self) -> f64 {
        self.min_lat
    }
    pub fn max_lon(&self) -> f64 {
        self.max_lon
    }
    pub fn max_lat(&self) -> f64 {
        self.max_lat
    }

    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        (self.min_lon..=self.max_lon).contains(&lon) && (self.min_lat..=self.max_lat).contains(&lat)
    }
}

/// Words to find in an initiative's name, description or region.
///
/// The rule: the query and the texts are folded (case and accents dropped, see [`text::fold`])
/// and cut into words at anything that is not a letter or digit; an initiative matches when
/// every query word occurs inside some word of its texts ("litio" finds "Litio", "sao" finds
/// "São", "movilidad" finds "Electromovilidad"). Word order does not matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    words: Vec<String>,
}

impl TextQuery {
    /// Longer queries are refused: no name or region is this long, and each word costs a pass
    /// over the vocabulary.
    pub const MAX_CHARS: usize = 200;
    pub const MAX_WORDS: usize = 10;

    pub fn new(raw: &str) -> Result<Self, String> {
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "q is longer than {} characters; search for fewer words",
                Self::MAX_CHARS
            ));
        }
        let folded = text::fold(raw);
        let mut words: Vec<String> = text::words(&folded).map(str::to_owned).collect();
        words.sort();
        words.dedup();
        // A word inside another query word adds nothing: every text that has the longer one
        // has it too.
        let kept: Vec<String> = words
            .iter()
            .filter(|w| {
                !words
                    .iter()
                    .any(|other| other != *w && other.contains(w.as_str()))
            })
            .cloned()
            .collect();
        if kept.is_empty() {
            return Err(format!(
                "q must hold at least one word of letters or digits (got `{raw}`)"
            ));
        }
        if kept.len() > Self::MAX_WORDS {
            return Err(format!(
                "q holds {} words; search for at most {}",
                kept.len(),
                Self::MAX_WORDS
            ));
        }
        Ok(Self { words: kept })
    }

    /// The folded words, each of which must occur.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether every word occurs in `folded` (text already folded by [`text::fold`]). A query
    /// word holds no separator, so occurring in the text is occurring inside one of its words:
    /// the same rule as the map's word index, for lists small enough to scan.
    pub fn matches(&self, folded: &str) -> bool {
        self.words.iter().all(|word| folded.contains(word.as_str()))
    }

    /// How many of the words occur in `folded`: what ranks a title hit above a summary hit.
    pub fn hits(&self, folded: &str) -> usize {
        self.words
            .iter()
            .filter(|word| folded.contains(word.as_str()))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bbox_is_west_south_east_north() {
        let bbox = BoundingBox::parse("-75.5, -56,-66.4,-17.5").unwrap();
        assert_eq!(
            (
                bbox.min_lon(),
                bbox.min_lat(),
                bbox.max_lon(),
                bbox.max_lat()
            ),
            (-75.5, -56.0, -66.4, -17.5)
        );
        assert!(bbox.contains(-70.4, -23.65));
        assert!(bbox.contains(-75.5, -56.0), "edges are inside");
        assert!(bbox.contains(-66.4, -17.5), "edges are inside");
        assert!(!bbox.contains(-23.65, -70.4), "lat/lon swapped is outside");
        assert!(BoundingBox::parse("-180,-90,180,90").is_ok());
        assert!(
            BoundingBox::parse("10,10,10,10").is_ok(),
            "a point is a box"
        );
    }

    #[test]
    fn malformed_bboxes_are_refused_saying_why() {
        let refusal = |raw: &str| BoundingBox::parse(raw).unwrap_err();
        assert!(refusal("1,2,3").contains("four numbers"));
        assert!(refusal("1,2,3,4,5,6").contains("four numbers"));
        assert!(refusal("").contains("four numbers"));
        assert!(refusal("a,2,3,4").contains("`a` is not a number"));
        assert!(refusal("1,,3,4").contains("`` is not a number"));
        assert!(refusal("NaN,2,3,4").contains("between -180 and 180"));
        assert!(refusal("-181,2,3,4").contains("minimum longitude"));
        assert!(refusal("1,2,3,90.5").contains("maximum latitude"));
        assert!(refusal("1,-91,3,4").contains("between -90 and 90"));
        assert!(refusal("-70,-20,-60,-30").contains("south before north"));
        let antimeridian = refusal("170,-20,-170,-10");
        assert!(antimeridian.contains("antimeridian"), "{antimeridian}");
        assert!(antimeridian.contains("two requests"), "{antimeridian}");
    }

    #[test]
    fn a_text_query_is_folded_words() {
        assert_eq!(
            TextQuery::new("  Clúster  SÃO-Paulo ").unwrap().words(),
            ["cluster", "paulo", "sao"]
        );
        assert_eq!(
            TextQuery::new("lit litio Litio").unwrap().words(),
            ["litio"],
            "a word inside another adds nothing"
        );
        assert!(TextQuery::new("  ¿?  ")
            .unwrap_err()
            .contains("at least one word"));
        assert!(TextQuery::new(&"a".repeat(201))
            .unwrap_err()
            .contains("200"));
        let many = "uno dos tres cuatro cinco seis siete ocho nueve diez once";
        assert!(TextQuery::new(many).unwrap_err().contains("at most 10"));
    }
}
