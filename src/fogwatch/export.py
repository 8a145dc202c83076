"""Exports of the stored record for the tools analysts already use: ACLED-style CSV, PLOVER-style
JSON Lines, GeoJSON, and a flat events table as CSV or Parquet.

`export(db, fmt, out, **filters)` is the one entry point (the CLI and the API call it); filters are
`date_from`, `date_to` (dates or YYYY-MM-DD), `country` (ISO3 or name) and `type` (a PLOVER type,
an ACLED event type or sub-event type).

What a row stands for:
- acled-csv: one row per incident, in ACLED's columns and by its conventions; why one per incident
  and not one per report, and which events ACLED would not code, is in fogwatch.export_acled.
- plover-jsonl: one object per factual event (negated and hypothetical ones left out, historical
  ones flagged) in PLOVER's terms (event type, mode, source and target actor with country and
  sector), with where, when, its killed figures, and its provenance: article, outlet, the claim's
  source and stance, and who denies it.
- geojson: a FeatureCollection of incidents (and of factual current events no incident holds).
  A feature has a Point only when its place is precise (geo_precision 1); a region or a country
  is a feature with `geometry: null` and its geo_precision, never a pin on a centroid or capital.
- csv / parquet: every stored event as one flat row, flags included (FLAT_COLUMNS; in Parquet,
  dates are date32, counts int64, coordinates float64, flags bool).

Text from articles is untrusted: every string taken from one goes through
`export_base.clean_text` (no HTML, no control characters), and CSV cells that a spreadsheet would
run as a formula get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, get_args

from fogwatch.export_acled import ACLED_COLUMNS, acled_rows, interaction
from fogwatch.export_base import (
    FILTERS, ExportFilter, Location, Stored, StoredEvent, amount_text, clean_text, countries, event_figures,
    killed_summary, load, location_of, spreadsheet_safe, unit_sources,
)
from fogwatch.model import PloverType
from fogwatch.store.database import Database

__all__ = ["ACLED_COLUMNS", "FILTERS", "FLAT_COLUMNS", "FORMATS", "PLOVER_TYPES", "ExportFilter", "export",
           "interaction", "parquet_schema"]

FORMATS = ("acled-csv", "plover-jsonl", "geojson", "csv", "parquet")
PLOVER_TYPES = frozenset(get_args(PloverType))
# The flat events table (csv and parquet): column → type.
FLAT_COLUMNS: dict[str, str] = {
    "article_id": "str", "event_id": "str", "incident_id": "str", "date": "date", "date_to": "date",
    "time_text": "str", "time_granularity": "str", "published": "date", "outlet": "str", "outlets": "str",
    "title": "str", "url": "str", "trigger": "str", "sentence": "str", "type": "str", "mode": "str",
    "acled_event_type": "str", "acled_sub_event_type": "str", "actors": "str", "actor_countries": "str",
    "actor_sectors": "str", "targets": "str", "target_countries": "str", "target_sectors": "str", "place": "str",
    "place_text": "str", "admin1": "str", "country": "str", "country_name": "str", "latitude": "float",
    "longitude": "float", "feature": "str", "geo_precision": "int", "killed_low": "int", "killed_best": "int",
    "killed_high": "int", "killed_acled": "int", "figures": "str", "claim_source": "str",
    "claim_source_kind": "str", "claim_stance": "str", "claim_cue": "str", "denied_by": "str",
    "negated": "bool", "hypothetical": "bool", "historical": "bool",
}


# -- PLOVER, GeoJSON and the flat table ----------------------------------------------------------

def _opt(value: Any) -> str | None:
    """Article text made inert (`clean_text`), None when empty."""
    return clean_text(value) or None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _party(item: dict[str, Any]) -> dict[str, Any]:
    return {"actor": _opt(item.get("name")), "text": _opt(item.get("text")), "country": item.get("country"),
            "sector": item.get("sector")}


def _place(location: Location, place: dict[str, Any] | None = None) -> dict[str, Any] | None:
    if not (location.name or location.country):
        return None
    coords = location.coords
    country = countries().get(location.country or "")
    return {"name": _opt(location.name), "admin1": location.admin1_name or None, "country": location.country,
            "country_name": country.name if country else None, "lat": coords[0] if coords else None,
            "lon": coords[1] if coords else None, "feature": location.feature, "geo_precision": location.precision,
            "geonameid": (place or {}).get("geonameid")}


def _provenance(event: StoredEvent) -> dict[str, Any]:
    """Where an event comes from: its article, the outlets that carried it, and who says it."""
    claim = event.claim or {}
    source = claim.get("source") or {}
    return {
        "article_id": event.ref.article_id, "outlet": _opt(event.article.get("outlet")),
        "outlets": [clean_text(o) for o in event.outlets], "title": _opt(event.article.get("title")),
        "url": _opt(event.article.get("url")), "published": event.article.get("published"),
        "claim_source": {"name": _opt(source.get("name")), "text": _opt(source.get("text")),
                         "kind": source.get("kind") or "outlet", "country": source.get("country"),
                         "sector": source.get("sector")},
        "stance": claim.get("stance") or "assert", "cue": _opt((claim.get("cue") or {}).get("text")),
        "denied_by": [clean_text(d.source.name) or d.source.kind for d in event.ref.denials],
    }


def plover_records(stored: Stored, filt: ExportFilter = ExportFilter()) -> Iterator[dict[str, Any]]:
    """One PLOVER-style object per factual event, with who reports it and how."""
    for event in stored.events:
        ref = event.ref
        if not event.factual or ref.type not in PLOVER_TYPES:
            continue
        if not filt.keeps(ref.date_from, ref.place_country, event.types):
            continue
        yield {
            "id": f"{ref.article_id}:{ref.event_id}", "event_type": ref.type, "mode": event.event.get("mode"),
            "date": _iso(ref.date_from), "date_to": _iso(ref.date_to), "date_text": _opt(event.time.get("text")),
            "source_actor": _party(event.actors[0]) if event.actors else None,
            "target_actor": _party(event.targets[0]) if event.targets else None,
            "actors": [_party(a) for a in event.actors], "targets": [_party(t) for t in event.targets],
            "location": _place(location_of(ref), event.place),
            "fatalities": killed_summary(event_figures(ref)) if ref.figures else None,
            "acled": ({"event_type": ref.acled_event_type, "sub_event_type": ref.acled_sub_event_type}
                      if ref.acled_event_type else None),
            "trigger": _opt(event.event.get("trigger")), "text": _opt(event.event.get("text")),
            "historical": ref.historical, "incident": event.incident, "provenance": _provenance(event),
        }


def geojson_features(stored: Stored, filt: ExportFilter = ExportFilter()) -> list[dict[str, Any]]:
    """Incidents (and events no incident holds) as Features; a Point only for a precise place."""
    features = []
    for unit in stored.units():
        day, precision = unit.when()
        if not filt.keeps(day, unit.location.country, unit.types):
            continue
        location = unit.location
        coords, country = location.coords, countries().get(location.country or "")
        point = {"type": "Point", "coordinates": [coords[1], coords[0]]} if coords and location.precision == 1 else None
        features.append({"type": "Feature", "id": unit.id, "geometry": point, "properties": {
            "id": unit.id, "kind": unit.kind, "type": unit.type, "acled_event_type": unit.acled_event_type,
            "acled_sub_event_type": unit.acled_sub_event_type, "date": _iso(day), "time_precision": precision,
            "date_from": _iso(unit.date_from), "date_to": _iso(unit.date_to),
            **{f"fatalities_{k}": unit.fatalities.get(k) for k in ("low", "best", "high", "acled")},
            "reports": len(unit.reports), "outlets": unit.outlets, "independent_sources": unit.independent_sources,
            "grade": unit.grade, "place_name": _opt(location.name), "admin1": location.admin1_name or None,
            "country": location.country, "country_name": country.name if country else None,
            "geo_precision": location.precision, "feature": location.feature, "sources": unit_sources(unit),
            "disputes": len(unit.disputes),
        }})
    return features


def _joined(values: Iterable[Any]) -> str | None:
    return "; ".join(clean_text(v) if v else "?" for v in values) or None


def _figures_text(event: StoredEvent) -> str | None:
    return "; ".join(f"{f.category} {amount_text(f.low, f.high)}" + (" (denied)" if f.denied else "")
                     for f in event.ref.figures) or None


def flat_rows(stored: Stored, filt: ExportFilter = ExportFilter()) -> Iterator[dict[str, Any]]:
    """Every stored event as one flat row (FLAT_COLUMNS), flags included."""
    for event in stored.events:
        ref = event.ref
        if not filt.keeps(ref.date_from, ref.place_country, event.types):
            continue
        location, claim = location_of(ref), event.claim or {}
        source, coords = claim.get("source") or {}, location.coords
        killed = killed_summary(event_figures(ref)) if ref.figures else {}
        country = countries().get(ref.place_country or "")
        actors, targets = event.actors, event.targets
        yield {
            "article_id": ref.article_id, "event_id": ref.event_id, "incident_id": event.incident,
            "date": ref.date_from, "date_to": ref.date_to, "time_text": _opt(event.time.get("text")),
            "time_granularity": event.time.get("granularity"), "published": ref.published,
            "outlet": _opt(event.article.get("outlet")), "outlets": _joined(event.outlets),
            "title": _opt(event.article.get("title")), "url": _opt(event.article.get("url")),
            "trigger": _opt(event.event.get("trigger")), "sentence": _opt(event.event.get("text")),
            "type": ref.type, "mode": event.event.get("mode"), "acled_event_type": ref.acled_event_type,
            "acled_sub_event_type": ref.acled_sub_event_type,
            "actors": _joined(a.get("name") or a.get("text") for a in actors),
            "actor_countries": _joined(a.get("country") for a in actors),
            "actor_sectors": _joined(a.get("sector") for a in actors),
            "targets": _joined(t.get("name") or t.get("text") for t in targets),
            "target_countries": _joined(t.get("country") for t in targets),
            "target_sectors": _joined(t.get("sector") for t in targets),
            "place": _opt(location.name), "place_text": _opt(event.place.get("text")),
            "admin1": location.admin1_name or None, "country": ref.place_country,
            "country_name": country.name if country else None,
            "latitude": coords[0] if coords else None, "longitude": coords[1] if coords else None,
            "feature": location.feature,
            "geo_precision": location.precision if (location.name or location.country) else None,
            **{f"killed_{k}": killed.get(k) for k in ("low", "best", "high", "acled")},
            "figures": _figures_text(event), "claim_source": _opt(source.get("name") or source.get("text")),
            "claim_source_kind": source.get("kind"), "claim_stance": claim.get("stance"),
            "claim_cue": _opt((claim.get("cue") or {}).get("text")),
            "denied_by": _joined(d.source.name for d in ref.denials),
            "negated": ref.negated, "hypothetical": ref.hypothetical, "historical": ref.historical,
        }


# -- writers -------------------------------------------------------------------------------------

@contextmanager
def _text_stream(stream: BinaryIO) -> Iterator[io.TextIOWrapper]:
    """UTF-8 text over the caller's binary stream, detached (not closed) afterwards."""
    wrapper = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()


def _csv_cell(value: Any) -> Any:
    """A value as a CSV cell: empty for None, ISO dates, true/false, and no formula a spreadsheet runs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_safe(value)


def _write_csv(stream: BinaryIO, columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> int:
    """RFC 4180 CSV (the csv module quotes commas, quotes and line breaks) with a header row."""
    columns = list(columns)
    count = 0
    with _text_stream(stream) as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row.get(c)) for c in columns])
            count += 1
    return count


def write_acled_csv(stored: Stored, filt: ExportFilter, stream: BinaryIO) -> int:
    """ACLED's columns in ACLED's order, one row per incident (fogwatch.export_acled)."""
    return _write_csv(stream, ACLED_COLUMNS, acled_rows(stored, filt))


def write_plover_jsonl(stored: Stored, filt: ExportFilter, stream: BinaryIO) -> int:
    """One JSON object per line, so a consumer can stream a large export."""
    count = 0
    with _text_stream(stream) as handle:
        for record in plover_records(stored, filt):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_geojson(stored: Stored, filt: ExportFilter, stream: BinaryIO) -> int:
    """One FeatureCollection (RFC 7946: coordinates are [lon, lat])."""
    features = geojson_features(stored, filt)
    with _text_stream(stream) as handle:
        json.dump({"type": "FeatureCollection", "features": features}, handle, ensure_ascii=False)
        handle.write("\n")
    return len(features)


def write_flat_csv(stored: Stored, filt: ExportFilter, stream: BinaryIO) -> int:
    """Every event as one readable row, for spreadsheets and pandas."""
    return _write_csv(stream, FLAT_COLUMNS, flat_rows(stored, filt))


def parquet_schema() -> Any:
    """FLAT_COLUMNS as Arrow types, so a reader gets dates and numbers rather than text."""
    import pyarrow as pa

    kinds = {"str": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(name, kinds[kind]) for name, kind in FLAT_COLUMNS.items()])


def write_parquet(stored: Stored, filt: ExportFilter, stream: BinaryIO) -> int:
    """The flat table with its declared types (the table is built in memory, then written)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(flat_rows(stored, filt))
    schema = parquet_schema()
    table = pa.table({name: pa.array([r[name] for r in rows], type=schema.field(name).type) for name in schema.names},
                     schema=schema)
    pq.write_table(table, stream)
    return len(rows)


Writer = Callable[[Stored, ExportFilter, BinaryIO], int]
WRITERS: dict[str, Writer] = {
    "acled-csv": write_acled_csv, "plover-jsonl": write_plover_jsonl, "geojson": write_geojson,
    "csv": write_flat_csv, "parquet": write_parquet,
}


def export(db: Database, fmt: str, out: BinaryIO | Path | str, **filters: Any) -> int:
    """Write the store in format `fmt` (one of FORMATS) to `out` (a binary stream, left open, or a
    path) and return how many rows, lines or features were written."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    filt = ExportFilter.of(**{k: v for k, v in filters.items() if v is not None})
    stored = load(db)
    if isinstance(out, (str, Path)):
        with open(out, "wb") as handle:
            return writer(stored, filt, handle)
    return writer(stored, filt, out)
