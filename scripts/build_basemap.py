"""Build the dashboard's base map: Natural Earth country shapes as a compact GeoJSON.

Input: `countries-110m.json` (TopoJSON) from the npm package `world-atlas` (ISC licence; the shapes
are Natural Earth, public domain). Fetch it outside the project, e.g.

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_basemap.py /tmp/package/countries-110m.json

Output: src/fogwatch/web/static/data/countries.geojson (a FeatureCollection; each feature has
`id` = ISO 3166-1 numeric code as given by world-atlas, and `properties.name`). Coordinates are
rounded to 2 decimals (about 1 km), which is finer than the 1:110m source.

The TopoJSON is decoded here (no topojson-client): arcs are delta-encoded integer positions under
`transform` (scale, translate); a geometry lists arc indices, and a negative index ~i means arc i
reversed. Consecutive arcs of a ring share their joining point, which is dropped once.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "fogwatch" / "web" / "static" / "data" / "countries.geojson"
DECIMALS = 2


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points, x, y = [], 0, 0
        for position in arc:
            if transform:
                x += position[0]
                y += position[1]
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((position[0], position[1]))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    out: list[tuple[float, float]] = []
    for index in indices:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        out.extend(points[1:] if out else points)
    rounded: list[list[float]] = []
    for lon, lat in out:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if rounded and rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded


def polygon(rings: list[list[int]], arcs) -> list[list[list[float]]]:
    return [r for r in (ring(indices, arcs) for indices in rings) if len(r) >= 4]


def to_geojson(topology: dict, name: str = "countries") -> dict:
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            coords = polygon(geometry["arcs"], arcs)
            if not coords:
                continue
            geo = {"type": "Polygon", "coordinates": coords}
        elif kind == "MultiPolygon":
            coords = [p for p in (polygon(rings, arcs) for rings in geometry["arcs"]) if p]
            if not coords:
                continue
            geo = {"type": "MultiPolygon", "coordinates": coords}
        else:
            continue
        features.append({"type": "Feature", "id": geometry.get("id"),
                         "properties": {"name": (geometry.get("properties") or {}).get("name")},
                         "geometry": geo})
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topojson", type=Path, help="countries-110m.json from the npm package world-atlas")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    collection = to_geojson(json.loads(args.topojson.read_text(encoding="utf-8")))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print(f"{len(collection['features'])} countries -> {args.output} ({args.output.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
