"""Writing extracted records: the whole JSON record (what `fogwatch extract` prints) plus one row
per fact in readable tables, so that SQL, Datasette and the API can filter on any field.

What the API filters and sorts events by is also kept on each event row (its days, place,
article and extraction time) and in two link tables (`event_actors`: the actors and targets of
each event; `event_countries`: every country an event involves, by its place or its actors), so
that lists of many events are read through indexes. `index_events` derives them with SQL from the
rows just written, with exactly the meaning the query layer gives them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from fogwatch.store.database import select_in

FACT_TABLES = ("actors", "places", "times", "claims", "figures", "events")
EVENT_INDEX_TABLES = ("event_actors", "event_countries")


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
    written_ids: list[str] = []
    for record in records:
        article_id = record["article"]["id"]
        delete_records(conn, [article_id])
        conn.execute(text("INSERT INTO records (article_id, model, extracted_at, record) VALUES (:a, :m, :t, :r)"),
                     {"a": article_id, "m": model, "t": at, "r": json.dumps(record, ensure_ascii=False)})
        for table, rows in _rows(article_id, record).items():
            if rows:
                conn.execute(_insert(table, rows[0]), rows)
        written_ids.append(article_id)
    index_events(conn, list(dict.fromkeys(written_ids)))
    return len(written_ids)


def delete_records(conn: Connection, article_ids: list[str]) -> None:
    if not article_ids:
        return
    for table in (*EVENT_INDEX_TABLES, *FACT_TABLES, "records"):
        conn.execute(text(f"DELETE FROM {table} WHERE article_id = :a"), [{"a": a} for a in article_ids])


# -- what the API filters events by --------------------------------------------------------------

_ARTICLE = "(SELECT a.{} FROM articles a WHERE a.id = events.article_id)"
_TIME = "(SELECT {} FROM times t WHERE t.article_id = events.article_id AND t.id = events.time_id)"
_PLACE = "(SELECT p.{} FROM places p WHERE p.article_id = events.article_id AND p.id = events.place_id)"

# An event's days: its resolved time, else its article's publication day.
_UPDATE_EVENTS = f"""UPDATE events SET
    article_seq = {_ARTICLE.format("seq")}, published = {_ARTICLE.format("published")},
    outlet = {_ARTICLE.format("outlet")},
    date_start = substr(coalesce({_TIME.format("t.date_from")}, {_ARTICLE.format("published")}), 1, 10),
    date_end = substr(coalesce({_TIME.format("coalesce(t.date_to, t.date_from)")}, {_ARTICLE.format("published")}),
                      1, 10),
    place_country = {_PLACE.format("country")}, place_name = {_PLACE.format("name")},
    lat = {_PLACE.format("lat")}, lon = {_PLACE.format("lon")},
    updated_at = (SELECT r.extracted_at FROM records r WHERE r.article_id = events.article_id)"""


def _index_statements(dialect: str) -> list[str]:
    """Statements deriving the search columns and link tables of the events matching `{events}`
    (a condition on `e`), in order."""
    # The elements of a JSON list of ids (anything else in the column counts as no list).
    if dialect == "sqlite":
        elements = "json_each(CASE WHEN json_type({list}) = 'array' THEN {list} ELSE '[]' END) j"
        same_name = "n.name = coalesce(ac.name, '') AND n.text = coalesce(ac.text, '')"
        conflict = "ON CONFLICT (name, text) DO NOTHING"
    else:
        elements = ("jsonb_array_elements_text(CASE WHEN jsonb_typeof(({list})::jsonb) = 'array'"
                    " THEN ({list})::jsonb ELSE '[]'::jsonb END) AS j(value)")
        same_name = ("md5(n.name) = md5(coalesce(ac.name, '')) AND md5(n.text) = md5(coalesce(ac.text, ''))"
                     " AND n.name = coalesce(ac.name, '') AND n.text = coalesce(ac.text, '')")
        conflict = "ON CONFLICT (md5(name), md5(text)) DO NOTHING"
    links = " UNION ".join(
        f"SELECT e.seq AS seq, e.article_id AS article_id, e.id AS id, j.value AS actor_id, '{role}' AS role"
        f" FROM events e, {elements.format(list=f'e.{column}')}"
        f" WHERE {{events}}" for role, column in (("actor", "actors"), ("target", "targets")))
    return [
        _UPDATE_EVENTS + " WHERE {updated}",
        "INSERT INTO actor_names (name, text) SELECT DISTINCT coalesce(ac.name, ''), coalesce(ac.text, '')"
        f" FROM actors ac WHERE {{actors}} {conflict}",
        # An actor belongs to an event when its id is in the event's list of actors or targets.
        "INSERT INTO event_actors (event_seq, article_id, event_id, actor_id, role, name_id)"
        " SELECT l.seq, l.article_id, l.id, l.actor_id, l.role, n.id"
        f" FROM ({links}) l"
        " JOIN actors ac ON ac.article_id = l.article_id AND ac.id = l.actor_id"
        f" JOIN actor_names n ON {same_name}",
        # The countries of an event: its place's, and those of its actors and targets.
        "INSERT INTO event_countries (country, event_seq, article_id)"
        " SELECT e.place_country, e.seq, e.article_id FROM events e WHERE {events} AND e.place_country IS NOT NULL"
        " UNION SELECT ac.country, ea.event_seq, ea.article_id FROM event_actors ea"
        " JOIN actors ac ON ac.article_id = ea.article_id AND ac.id = ea.actor_id"
        " WHERE {links} AND ac.country IS NOT NULL",
    ]


def index_events(conn: Connection, article_ids: list[str] | None) -> None:
    """Derive what the API filters events by, for these articles (all stored ones when None; the
    link tables of the given articles must be empty, as `delete_records` leaves them)."""
    if article_ids is not None and not article_ids:
        return
    each = article_ids is not None
    where = {"updated": "events.article_id = :a" if each else "1 = 1",
             "events": "e.article_id = :a" if each else "1 = 1",
             "actors": "ac.article_id = :a" if each else "1 = 1",
             "links": "ea.article_id = :a" if each else "1 = 1"}
    for statement in _index_statements(conn.dialect.name):
        sql = text(statement.format(**where))
        if each:
            conn.execute(sql, [{"a": a} for a in article_ids])
        else:
            conn.execute(sql)


def missing_records(conn: Connection, article_ids: list[str]) -> set[str]:
    """Which of these articles are stored without a record (or not stored at all)."""
    if not article_ids:
        return set()
    have = {r[0] for r in select_in(conn, "SELECT article_id FROM records WHERE article_id IN ({values})",
                                    article_ids)}
    return set(article_ids) - have
