"""Exports (ACLED CSV, PLOVER JSONL, GeoJSON, flat CSV and Parquet) over the demo corpus ingested
into a real SQLite database, plus three articles written here: one whose outlet and title try to
inject spreadsheet formulas and HTML, one placed only by its country, and one whose only events are
negated or hypothetical."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from fogwatch.demo import demo_corpus
from fogwatch.export import (
    ACLED_COLUMNS, FLAT_COLUMNS, FORMATS, PLOVER_TYPES, export, interaction, parquet_schema,
)
from fogwatch.export_base import clean_text, spreadsheet_safe
from fogwatch.ingest import ingest
from fogwatch.model import Article
from fogwatch.pipeline import extract_records
from fogwatch.reconcile.run import reconcile
from fogwatch.sources import ReadOptions, read_sources
from fogwatch.store import Database
from fogwatch.store.articles import store_articles

INJECTION_OUTLET = '=HYPERLINK("http://evil.example/x","click")'
NEGATION_OUTLET = "Negation Test Wire"
EXTRA = [
    {"id": "inject-1", "title": "@SUM(1+1) <script>alert(1)</script> Shelling in Kadugli", "outlet": INJECTION_OUTLET,
     "published": "2024-05-21",
     "text": "Artillery shells struck a market in Kadugli on Monday, killing at least 9 civilians, residents said. "
             "Local officials blamed militiamen for the attack. <b>Medics</b> said 15 people were wounded in Kadugli."},
    {"id": "country-1", "title": "Shelling reported in Chad", "outlet": "Country Level Post", "published": "2024-05-23",
     "text": "Government forces shelled villages in Chad on Sunday, killing 4 civilians, officials said."},
    {"id": "negate-1", "title": "Army denies shelling Kosti", "outlet": NEGATION_OUTLET, "published": "2024-05-22",
     "text": "The army did not shell the market in Kosti on Tuesday, a military spokesman said. Residents fear that "
             "the paramilitary could attack Kosti next week."},
]
FORMULA = re.compile(r"^[=+\-@\t\r]")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The demo corpus as `fogwatch demo` ingests it, then the test articles, once per backend. The
    negation article's flagged events are given an ACLED type, so that only their flags keep them out."""
    folder = tmp_path_factory.mktemp("export")
    url = str(folder / "export.db") if request.param == "sqlite" else request.getfixturevalue("postgres").new_database()
    database = Database(url)
    report = ingest(database, [str(demo_corpus())], ReadOptions())
    assert report.ok
    extra = folder / "extra.jsonl"
    extra.write_text("\n".join(json.dumps(item) for item in EXTRA), encoding="utf-8")
    articles = [a for a in read_sources([str(extra)], ReadOptions()) if isinstance(a, Article)]
    records = list(extract_records(articles))
    for record in records:
        for event in record["events"]:
            if event["negated"] or event["hypothetical"]:
                event["acled"] = {"event_type": "Battles", "sub_event_type": "Armed clash"}
    store_articles(database, articles, records, "test")
    reconcile(database, [r["article"]["id"] for r in records])
    yield database
    database.close()


@pytest.fixture(scope="module")
def exported(db: Database) -> dict[str, tuple[int, bytes]]:
    """Every format exported once: format → (count returned, bytes written)."""
    out = {}
    for fmt in FORMATS:
        buffer = io.BytesIO()
        out[fmt] = (export(db, fmt, buffer), buffer.getvalue())
    return out


def rows_of(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def acled(exported: dict[str, tuple[int, bytes]]) -> list[dict[str, str]]:
    return rows_of(exported["acled-csv"][1])[1]


def query(db: Database, sql: str, **params: Any) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def unit_reports(db: Database, unit_id: str) -> list[tuple[str, str]]:
    """The (article, event) pairs behind an exported row's fogwatch id: an incident's reports, or
    the one event of an `article:event` id."""
    if ":" in unit_id:
        return [tuple(unit_id.split(":", 1))]  # type: ignore[list-item]
    return [(r["article_id"], r["event_id"]) for r in
            query(db, "SELECT article_id, event_id FROM incident_reports WHERE incident_id = :i", i=unit_id)]


def fogwatch_id(row: dict[str, str]) -> str:
    match = re.search(r"fogwatch_id=([^;]+)", row["tags"])
    assert match, row["tags"]
    return match.group(1)


def flagged_events(db: Database) -> set[tuple[str, str]]:
    return {(r["article_id"], r["id"]) for r in
            query(db, "SELECT article_id, id FROM events WHERE negated = 1 OR hypothetical = 1")}


# -- ACLED CSV -----------------------------------------------------------------------------------

def test_acled_header_is_acleds_column_list(exported):
    header, rows = rows_of(exported["acled-csv"][1])
    assert header == list(ACLED_COLUMNS)
    assert ACLED_COLUMNS[:4] == ("event_id_cnty", "event_date", "year", "time_precision")
    assert ACLED_COLUMNS[-3:] == ("fatalities", "tags", "timestamp") and len(ACLED_COLUMNS) == 31
    assert len(rows) == exported["acled-csv"][0] >= 5


def test_acled_rows_follow_the_codebook(exported):
    ids = set()
    for row in acled(exported):
        assert None not in row and all(v is not None for v in row.values()), row  # the row parsed whole
        assert re.fullmatch(r"[A-Z]{3}\d+", row["event_id_cnty"]), row["event_id_cnty"]
        assert row["event_id_cnty"] not in ids
        ids.add(row["event_id_cnty"])
        day = date.fromisoformat(row["event_date"])
        assert row["year"] == str(day.year)
        assert row["time_precision"] in {"1", "2", "3"}
        assert row["geo_precision"] in {"1", "2", "3"}
        assert row["event_type"] and row["disorder_type"] and row["country"] and row["region"]
        assert row["iso"].isdigit()
        fatalities = int(row["fatalities"])
        assert fatalities >= 0
        if row["latitude"] or row["longitude"]:
            assert -90 <= float(row["latitude"]) <= 90 and -180 <= float(row["longitude"]) <= 180
        if row["inter1"] == "":
            assert row["actor1"] == "" and row["interaction"] == ""
            continue
        inter1, inter2 = int(row["inter1"]), int(row["inter2"])
        assert 1 <= inter1 <= 8 and 0 <= inter2 <= 8 and row["actor1"]
        assert (inter2 == 0) == (row["actor2"] == "")
        expected = inter1 * 10 if inter2 == 0 else min(inter1, inter2) * 10 + max(inter1, inter2)
        assert int(row["interaction"]) == expected, row
        if row["event_type"] == "Violence against civilians":
            assert inter2 == 7 and row["civilian_targeting"] == "Civilian targeting"


def test_interaction_codes():
    assert interaction(1, 7) == interaction(7, 1) == 17
    assert interaction(2, 0) == 20 and interaction(3, None) == 30
    assert interaction(None, 0) is None


def test_acled_one_row_per_incident_with_its_conservative_count(db, exported):
    rows = acled(exported)
    ids = [fogwatch_id(r) for r in rows]
    assert len(ids) == len(set(ids))
    behind = [report for unit_id in ids for report in unit_reports(db, unit_id)]
    assert len(behind) == len(set(behind)), "a report behind two rows would be counted twice"
    incidents = {r["id"]: r for r in query(db, "SELECT id, reports, fatalities_acled, acled_event_type FROM incidents")}
    by_incident = [r for r in rows if fogwatch_id(r) in incidents]
    assert by_incident, "reconciled incidents should give the rows"
    for row in by_incident:
        incident = incidents[fogwatch_id(row)]
        assert int(row["fatalities"]) == (incident["fatalities_acled"] or 0)
        assert row["event_type"] == incident["acled_event_type"]
    # the market shelling is reported ten times and is one row, coded with the lowest credible toll
    shelling = [r for r in by_incident if incidents[fogwatch_id(r)]["reports"] >= 5 and r["location"] == "El Fasher"]
    assert len(shelling) == 1
    assert shelling[0]["fatalities"] == "27" and shelling[0]["geo_precision"] == "1"
    assert "Sahel Dispatch" in shelling[0]["source"] and "Darfur Monitor Radio" in shelling[0]["source"]


def test_acled_leaves_out_negated_and_hypothetical_events(db, exported):
    flagged = flagged_events(db)
    negation_article = query(db, "SELECT id FROM articles WHERE outlet = :o", o=NEGATION_OUTLET)[0]["id"]
    coded = query(db, "SELECT id FROM events WHERE article_id = :a AND acled_event_type IS NOT NULL"
                      " AND (negated = 1 OR hypothetical = 1)", a=negation_article)
    assert coded, "the test article should hold flagged events that have an ACLED type"
    rows = acled(exported)
    for row in rows:
        assert not set(unit_reports(db, fogwatch_id(row))) & flagged, row
    assert all(NEGATION_OUTLET not in r["source"] for r in rows)


def test_acled_notes_name_sources_and_disputes(exported):
    rows = acled(exported)
    assert all(r["notes"].startswith(("On ", "Around ", "In ")) for r in rows)
    assert any("Killed" in r["notes"] and " says " in r["notes"] for r in rows)
    disputed = [r for r in rows if "Disputed" in r["notes"]]
    assert disputed and any(" denies " in r["notes"] for r in disputed)
    nyala = [r for r in rows if r["location"] == "Nyala"]
    assert nyala and "Disputed" in nyala[0]["notes"] and "(denied)" in nyala[0]["notes"]


def test_acled_country_level_rows_carry_no_pin(db, exported):
    rows = acled(exported)
    unplaced = [r for r in rows if r["location"] == ""]
    assert unplaced, "the demo has incidents known only by their country"
    for row in unplaced:
        assert row["latitude"] == row["longitude"] == "" and row["geo_precision"] == "3"
    chad = [r for r in rows if "Country Level Post" in r["source"]]
    assert chad and chad[0]["country"] == "Chad" and chad[0]["location"] == "" and chad[0]["latitude"] == ""
    # a country's gazetteer point is its capital: it must never stand in for an event's place
    capitals = query(db, "SELECT DISTINCT lat, lon FROM places WHERE feature = 'country'")
    assert len(capitals) >= 2
    pins = {(r["latitude"], r["longitude"]) for r in rows}
    assert not pins & {(str(c["lat"]), str(c["lon"])) for c in capitals}


def test_export_filters(db):
    def rows(**filters: Any) -> list[dict[str, str]]:
        buffer = io.BytesIO()
        export(db, "acled-csv", buffer, **filters)
        return rows_of(buffer.getvalue())[1]

    everything = rows()
    sudan = rows(country="SDN")
    assert sudan == rows(country="sudan") and 0 < len(sudan) < len(everything)
    assert all(r["country"] == "Sudan" for r in sudan)
    assert [r["country"] for r in rows(country="TCD")] == ["Chad"]
    assert rows(country="FRA") == []
    window = rows(date_from="2024-05-15", date_to=date(2024, 5, 16))
    assert window and len(window) < len(everything)
    assert all("2024-05-15" <= r["event_date"] <= "2024-05-16" for r in window)
    strikes = rows(type="Explosions/Remote violence")
    assert strikes and all(r["event_type"] == "Explosions/Remote violence" for r in strikes)
    assert len(rows(type="ASSAULT")) < len(everything)
    with pytest.raises(TypeError):
        rows(place="Nyala")
    with pytest.raises(ValueError):
        rows(date_from="last week")
    with pytest.raises(ValueError):
        export(db, "xlsx", io.BytesIO())


# -- PLOVER JSONL --------------------------------------------------------------------------------

def test_plover_jsonl_lines_are_plover_events(db, exported):
    count, data = exported["plover-jsonl"]
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == count > 0
    assert len(PLOVER_TYPES) == 16 and "ASSAULT" in PLOVER_TYPES
    flagged = flagged_events(db)
    outlets = set()
    for line in lines:
        item = json.loads(line)
        assert item["event_type"] in PLOVER_TYPES
        article, event = item["id"].split(":", 1)
        assert (article, event) not in flagged
        assert item["provenance"]["article_id"] == article and item["provenance"]["stance"]
        location = item["location"]
        if location and location["lat"] is not None:
            assert -90 <= location["lat"] <= 90 and -180 <= location["lon"] <= 180
            assert location["feature"] != "country"
        for party in (item["source_actor"], item["target_actor"]):
            assert party is None or set(party) == {"actor", "text", "country", "sector"}
        outlets.add(item["provenance"]["outlet"])
    assert NEGATION_OUTLET not in outlets and "Sahel Dispatch" in outlets


# -- GeoJSON -------------------------------------------------------------------------------------

def test_geojson_is_valid_and_pins_only_precise_places(exported):
    count, data = exported["geojson"]
    collection = json.loads(data)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == count > 0
    points = 0
    for feature in features:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        props, geometry = feature["properties"], feature["geometry"]
        assert props["geo_precision"] in {1, 2, 3}
        if geometry is None:
            continue
        points += 1
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert props["geo_precision"] == 1 and props["place_name"]
        assert props["feature"] not in {"country", "admin1", "region", "territory", "continent", "sea"}
    assert points >= 1
    unplaced = [f for f in features if f["properties"]["place_name"] is None]
    assert unplaced and all(f["geometry"] is None and f["properties"]["geo_precision"] == 3 for f in unplaced)
    countries = [f for f in features if f["properties"]["feature"] == "country"]
    assert countries and all(f["geometry"] is None and f["properties"]["geo_precision"] == 3 for f in countries)
    shelling = [f for f in features if f["properties"]["place_name"] == "El Fasher" and f["properties"]["reports"] >= 5]
    assert shelling and shelling[0]["geometry"]["coordinates"] == [25.35, 13.63]  # [lon, lat]
    assert {"fatalities_low", "fatalities_best", "fatalities_high", "grade", "reports", "country"} <= set(
        shelling[0]["properties"])


# -- flat CSV and Parquet ------------------------------------------------------------------------

def test_csv_and_parquet_hold_every_event_with_declared_types(db, exported):
    import pyarrow as pa
    import pyarrow.parquet as pq

    stored = query(db, "SELECT count(*) AS n FROM events")[0]["n"]
    header, rows = rows_of(exported["csv"][1])
    assert header == list(FLAT_COLUMNS)
    table = pq.read_table(io.BytesIO(exported["parquet"][1]))
    assert len(rows) == table.num_rows == exported["parquet"][0] == stored
    assert table.schema.equals(parquet_schema())
    assert table.schema.field("date").type == pa.date32() and table.schema.field("published").type == pa.date32()
    assert table.schema.field("latitude").type == pa.float64() and table.schema.field("killed_low").type == pa.int64()
    assert table.schema.field("negated").type == pa.bool_()
    columns = table.to_pydict()
    assert any(columns["negated"]) and any(columns["hypothetical"])  # flagged events are kept, with their flags
    assert all(isinstance(d, date) for d in columns["published"] if d is not None)
    assert sum(r["negated"] == "true" for r in rows) == sum(columns["negated"])
    assert [r["event_id"] for r in rows] == columns["event_id"]


# -- untrusted text ------------------------------------------------------------------------------

def test_spreadsheet_formulas_are_defused(exported):
    assert spreadsheet_safe("=1+1") == "'=1+1" and spreadsheet_safe("-3") == "'-3" and spreadsheet_safe("ok") == "ok"
    assert spreadsheet_safe(-3) == -3  # numbers are not text a spreadsheet would parse as a formula
    acled_rows = acled(exported)
    hits = [r for r in acled_rows if "HYPERLINK" in r["source"]]
    assert hits, "the injection article should give an ACLED row"
    assert all(r["source"].startswith("'=HYPERLINK") for r in hits)
    _, flat = rows_of(exported["csv"][1])
    injected = [r for r in flat if "HYPERLINK" in r["outlet"]]
    assert injected and all(r["outlet"] == "'" + INJECTION_OUTLET for r in injected)
    assert all(r["title"].startswith("'@SUM") for r in injected)
    for row in [*acled_rows, *flat]:
        for column, value in row.items():
            assert not FORMULA.match(value), (column, value)


def test_no_html_in_any_format(exported):
    import pyarrow.parquet as pq

    assert clean_text("<b>Medics</b> said <script>x</script>") == "Medics said x"
    assert clean_text("a < b") == "a ‹ b"
    for fmt in ("acled-csv", "plover-jsonl", "geojson", "csv"):
        body = exported[fmt][1].decode("utf-8")
        assert "Kadugli" in body or fmt == "plover-jsonl"
        assert "<script" not in body and "<b>" not in body, fmt
    table = pq.read_table(io.BytesIO(exported["parquet"][1])).to_pylist()
    assert not any("<" in v for row in table for v in row.values() if isinstance(v, str))
    assert any("Kadugli" in (row["title"] or "") for row in table)


def test_export_writes_a_path(db, tmp_path):
    target = tmp_path / "events.geojson"
    count = export(db, "geojson", target, country="SDN")
    assert count > 0 and json.loads(target.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


# -- the seed articles ---------------------------------------------------------------------------

def test_seeds_export_as_acled_csv(shared: Path, tmp_path: Path):
    database = Database(tmp_path / "seeds.db")
    try:
        report = ingest(database, [str(shared / "seeds" / "seeds.jsonl")], ReadOptions())
        assert report.counts["new"] >= 1
        buffer = io.BytesIO()
        count = export(database, "acled-csv", buffer)
    finally:
        database.close()
    header, rows = rows_of(buffer.getvalue())
    assert header == list(ACLED_COLUMNS)
    assert len(rows) == count >= 1
    assert all(date.fromisoformat(r["event_date"]) and r["country"] for r in rows)


def test_export_command(db, tmp_path):
    """`fogwatch export` to a file and to standard output, and a clear error for a bad date."""
    from typer.testing import CliRunner

    from fogwatch.cli import app

    runner = CliRunner()
    target = tmp_path / "acled.csv"
    result = runner.invoke(app, ["export", "--db", db.url, "--format", "acled-csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    header, rows = rows_of(target.read_bytes())
    assert header == list(ACLED_COLUMNS) and rows
    result = runner.invoke(app, ["export", "--db", db.url, "--format", "geojson"])
    assert result.exit_code == 0
    assert json.loads(result.stdout_bytes)["type"] == "FeatureCollection"
    result = runner.invoke(app, ["export", "--db", db.url, "--format", "csv", "--since", "yesterday"])
    assert result.exit_code == 2
