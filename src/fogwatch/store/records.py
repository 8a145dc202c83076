"""Writing extracted records: the whole JSON record (what `fogwatch extract` prints) plus one row
per fact in readable tables, so that SQL, Datasette and the API can filter on any field."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

FACT_TABLES = ("actors", "places", "times", "claims", "figures", "events")


def _rows(article_id: str, record: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    def base(item: dict[str, Any]) -> dict[str, Any]:
        return {"article_id": article_id, "id": item["id"], "text": item.get("text"),
                "start_char": item.get("start"), "end_char": item.get("end")}

    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in FACT_TABLES}
    for a in record.get("actors", []):
        rows["actors"].append({**base(a), "name": a.get("name"), "country": a.get("country"),
                               "sector": a.get("sector"), "kind": a.get("kind")})
    for p in record.get("places", []):
        rows["places"].append({**base(p), "name": p.get("name"), "country": p.get("country"),
                               "admin1": p.get("admin1"), "lat": p.get("lat"), "lon": p.get("lon"),
                               "feature": p.get("feature"), "geonameid": p.get("geonameid")})
    for t in record.get("times", []):
        rows["times"].append({**base(t), "date_from": t.get("from"), "date_to": t.get("to"),
                              "granularity": t.get("granularity")})
    for c in record.get("claims", []):
        src, cue = c.get("source") or {}, c.get("cue") or {}
        rows["claims"].append({**base(c), "source_text": src.get("text"), "source_start": src.get("start"),
                               "source_end": src.get("end"), "source_name": src.get("name"),
                               "source_country": src.get("country"), "source_sector": src.get("sector"),
                               "source_kind": src.get("kind"), "cue_text": cue.get("text"),
                               "cue_start": cue.get("start"), "cue_end": cue.get("end"),
                               "stance": c.get("stance"), "responds_to": c.get("responds_to")})
    for f in record.get("figures", []):
        rows["figures"].append({**base(f), "category": f.get("category"), "low": f.get("low"),
                                "high": f.get("high"), "best": f.get("best"), "qualifier": f.get("qualifier"),
                                "subject": f.get("subject"), "claim_id": f.get("claim")})
    for e in record.get("events", []):
        acled = e.get("acled") or {}
        rows["events"].append({**base(e), "trigger": e.get("trigger"), "type": e.get("type"),
                               "mode": e.get("mode"), "acled_event_type": acled.get("event_type"),
                               "acled_sub_event_type": acled.get("sub_event_type"),
                               "actors": json.dumps(e.get("actors", [])), "targets": json.dumps(e.get("targets", [])),
                               "place_id": e.get("place"), "time_id": e.get("time"),
                               "figures": json.dumps(e.get("figures", [])), "claim_id": e.get("claim"),
                               "negated": int(bool(e.get("negated"))),
                               "hypothetical": int(bool(e.get("hypothetical"))),
                               "historical": int(bool(e.get("historical")))})
    return rows


def _insert(table: str, row: dict[str, Any]):
    columns = ", ".join(row)
    values = ", ".join(f":{c}" for c in row)
    return text(f"INSERT INTO {table} ({columns}) VALUES ({values})")


def write_records(conn: Connection, records: Iterable[dict[str, Any]], model: str, at: str) -> int:
    """Replace the stored record of each article (inside the caller's transaction)."""
    written = 0
    for record in records:
        article_id = record["article"]["id"]
        delete_records(conn, [article_id])
        conn.execute(text("INSERT INTO records (article_id, model, extracted_at, record) VALUES (:a, :m, :t, :r)"),
                     {"a": article_id, "m": model, "t": at, "r": json.dumps(record, ensure_ascii=False)})
        for table, rows in _rows(article_id, record).items():
            if rows:
                conn.execute(_insert(table, rows[0]), rows)
        written += 1
    return written


def delete_records(conn: Connection, article_ids: list[str]) -> None:
    for table in (*FACT_TABLES, "records"):
        conn.execute(text(f"DELETE FROM {table} WHERE article_id = :a"), [{"a": a} for a in article_ids])


def missing_records(conn: Connection, article_ids: list[str]) -> set[str]:
    """Which of these articles are stored without a record (or not stored at all)."""
    if not article_ids:
        return set()
    have = set()
    for chunk in range(0, len(article_ids), 500):
        part = article_ids[chunk:chunk + 500]
        marks = ", ".join(f":k{i}" for i in range(len(part)))
        have |= {r[0] for r in conn.execute(
            text(f"SELECT article_id FROM records WHERE article_id IN ({marks})"),
            {f"k{i}": k for i, k in enumerate(part)})}
    return set(article_ids) - have
