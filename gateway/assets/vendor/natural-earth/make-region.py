#!/usr/bin/env python3
"""Cuts the countries of Latin America and the Caribbean out of Natural Earth's 1:50m Admin 0
outlines (npm `world-atlas`, TopoJSON converted to GeoJSON with `topo2geo` of `topojson-client`)
and writes them as a small GeoJSON for the map's background: coordinates rounded to 2 decimals
(about 1 km, finer than a screen pixel at the zoom levels the map offers), repeated points
dropped, rings that collapse dropped. Each feature keeps its ISO 3166-1 alpha-2 code.

    python3 make-region.py c50.geojson > region.geojson
"""
import json
import sys

# ISO 3166-1 numeric → alpha-2, for the codes the domain marks as Latin America and the
# Caribbean (UN M49 region 419; domain/src/values/countries.rs).
REGION = {
    "028": "AG", "660": "AI", "032": "AR", "533": "AW", "052": "BB", "652": "BL", "068": "BO",
    "535": "BQ", "076": "BR", "044": "BS", "074": "BV", "084": "BZ", "152": "CL", "170": "CO",
    "188": "CR", "192": "CU", "531": "CW", "212": "DM", "214": "DO", "218": "EC", "238": "FK",
    "308": "GD", "254": "GF", "312": "GP", "239": "GS", "320": "GT", "328": "GY", "340": "HN",
    "332": "HT", "388": "JM", "659": "KN", "136": "KY", "662": "LC", "663": "MF", "474": "MQ",
    "500": "MS", "484": "MX", "558": "NI", "591": "PA", "604": "PE", "630": "PR", "600": "PY",
    "740": "SR", "222": "SV", "534": "SX", "796": "TC", "780": "TT", "858": "UY", "670": "VC",
    "862": "VE", "092": "VG", "850": "VI",
}


def ring(points):
    out = []
    for lon, lat in points:
        p = [round(lon, 2), round(lat, 2)]
        if not out or out[-1] != p:
            out.append(p)
    if len(out) >= 4 and out[0] == out[-1]:
        return out
    return None


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def main(path):
    world = json.load(open(path))
    features = []
    for feature in world["features"]:
        code = REGION.get(feature.get("id"))
        if code is None or feature.get("geometry") is None:
            continue
        shapes = []
        for polygon in polygons(feature["geometry"]):
            rings = [r for r in (ring(r) for r in polygon) if r]
            if rings:
                shapes.append(rings)
        if shapes:
            features.append({
                "type": "Feature",
                "id": code,
                "properties": {"code": code},
                "geometry": {"type": "MultiPolygon", "coordinates": shapes},
            })
    features.sort(key=lambda f: f["id"])
    json.dump({"type": "FeatureCollection", "features": features}, sys.stdout,
              separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1])
