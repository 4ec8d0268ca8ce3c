//! A country's outline with a point on it, drawn on the server as SVG (the initiative page's
//! small map): from the same Natural Earth shapes as the interactive map, with no script.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::assets;

type Ring = Vec<[f64; 2]>;
type Polygon = Vec<Ring>;

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    id: String,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Geometry {
    coordinates: Vec<Polygon>,
}

/// Each country's polygons, by ISO 3166-1 alpha-2 code, read once from the bundled shapes.
fn outlines() -> &'static HashMap<String, Vec<Polygon>> {
    static OUTLINES: OnceLock<HashMap<String, Vec<Polygon>>> = OnceLock::new();
    OUTLINES.get_or_init(|| {
        let parsed = assets::bytes("vendor/natural-earth/region.geojson")
            .and_then(|bytes| serde_json::from_slice::<Collection>(&bytes).ok());
        match parsed {
            Some(collection) => collection
                .features
                .into_iter()
                .map(|f| (f.id, f.geometry.coordinates))
                .collect(),
            None => {
                tracing::error!("the bundled country outlines cannot be read");
                HashMap::new()
            }
        }
    })
}

/// The drawing: an SVG path of the outline and the point, in a `viewBox` of `width` × `height`.
#[derive(Debug, Clone, PartialEq)]
pub struct MiniMap {
    pub width: u32,
    pub height: u32,
    pub path: String,
    pub x: f64,
    pub y: f64,
}

/// Degrees of margin around the main landmass; islands farther out (Easter Island for Chile,
/// San Andrés for Colombia) are left out so that the country fills the picture.
const MARGIN: f64 = 1.5;
const WIDTH: f64 = 320.0;
const MAX_HEIGHT: f64 = 420.0;

#[derive(Debug, Clone, Copy)]
struct Bounds {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
}

impl Bounds {
    fn of(polygon: &Polygon) -> Self {
        let mut b = Bounds {
            west: f64::MAX,
            south: f64::MAX,
            east: f64::MIN,
            north: f64::MIN,
        };
        for [lon, lat] in polygon.iter().flatten() {
            b.include(*lon, *lat);
        }
        b
    }
    fn include(&mut self, lon: f64, lat: f64) {
        self.west = self.west.min(lon);
        self.east = self.east.max(lon);
        self.south = self.south.min(lat);
        self.north = self.north.max(lat);
    }
    fn area(&self) -> f64 {
        (self.east - self.west) * (self.north - self.south)
    }
    fn grown(&self, by: f64) -> Self {
        Bounds {
            west: self.west - by,
            south: self.south - by,
            east: self.east + by,
            north: self.north + by,
        }
    }
    fn overlaps(&self, other: &Bounds) -> bool {
        self.west <= other.east
            && other.west <= self.east
            && self.south <= other.north
            && other.south <= self.north
    }
}

/// The outline of `country` around the point (`lat`, `lon`); `None` if the shapes have no
/// outline for it.
pub fn mini_map(country: &str, lat: f64, lon: f64) -> Option<MiniMap> {
    let polygons = outlines().get(country)?;
    let main = polygons
        .iter()
        .map(Bounds::of)
        .max_by(|a, b| a.area().total_cmp(&b.area()))?;
    let mut frame = main;
    frame.include(lon, lat);
    let frame = frame.grown(MARGIN);
    let shown: Vec<&Polygon> = polygons
        .iter()
        .filter(|p| Bounds::of(p).overlaps(&frame))
        .collect();
    // Equirectangular, with longitudes shortened by the cosine of the middle latitude so that
    // shapes keep their proportions.
    let squeeze = ((frame.south + frame.north) / 2.0).to_radians().cos();
    let span_x = (frame.east - frame.west) * squeeze;
    let span_y = frame.north - frame.south;
    let scale = (WIDTH / span_x).min(MAX_HEIGHT / span_y);
    let project = |lon: f64, lat: f64| {
        (
            (lon - frame.west) * squeeze * scale,
            (frame.north - lat) * scale,
        )
    };
    let mut path = String::new();
    for ring in shown.iter().flat_map(|p| p.iter()) {
        for (i, [lon, lat]) in ring.iter().enumerate() {
            let (x, y) = project(*lon, *lat);
            path.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }));
        }
        path.push('Z');
    }
    let (x, y) = project(lon, lat);
    Some(MiniMap {
        width: (span_x * scale).ceil() as u32,
        height: (span_y * scale).ceil() as u32,
        path,
        x: (x * 10.0).round() / 10.0,
        y: (y * 10.0).round() / 10.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chile_is_drawn_without_easter_island_and_the_point_lies_inside_the_picture() {
        // Osorno.
        let map = mini_map("CL", -40.57, -73.13).expect("Chile has an outline");
        assert!(map.height > map.width, "Chile is long: {map:?}");
        assert!(map.x > 0.0 && map.x < f64::from(map.width));
        assert!(map.y > 0.0 && map.y < f64::from(map.height));
        assert!(map.path.starts_with('M') && map.path.ends_with('Z'));
        assert!(mini_map("XX", 0.0, 0.0).is_none());
    }
}
