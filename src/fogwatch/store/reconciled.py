"""Reading and writing what reconciliation finds: disputes (with their sides) and incidents.

Ids are derived from content (the sides of a dispute), so re-running reconciliation replaces
rows instead of adding duplicates."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, text

from fogwatch.store.database import Database


def dispute_id(dispute: dict[str, Any]) -> str:
    key = json.dumps([(s["article"], s["claim"], (s.get("figure") or {}).get("id")) for s in dispute["sides"]],
                     sort_keys=True)
    return "d" + hashlib.sha1(f"{dispute['kind']}|{key}".encode()).hexdigest()[:12]


def write_disputes(conn: Connection, disputes: list[dict[str, Any]], at: str) -> int:
    """Insert or replace disputes (inside the caller's transaction); returns how many distinct
    disputes were written. The same dispute can be found twice in one round (its id is derived from
    what it pairs); the last one found stands, as it would replace the earlier row."""
    by_id = {dispute_id(d): d for d in disputes}
    for ident, dispute in by_id.items():
        conn.execute(text("DELETE FROM dispute_sides WHERE dispute_id = :d"), {"d": ident})
        conn.execute(text("DELETE FROM disputes WHERE id = :d"), {"d": ident})
        conn.execute(text("INSERT INTO disputes (id, kind, about, category, incident_id, created_at)"
                          " VALUES (:id, :kind, :about, :category, :incident, :at)"),
                     {"id": ident, "kind": dispute["kind"], "about": dispute.get("about"),
                      "category": dispute.get("category"), "incident": dispute.get("incident"), "at": at})
        rows = []
        for position, side in enumerate(dispute["sides"]):
            source, figure = side.get("source") or {}, side.get("figure") or {}
            rows.append({"d": ident, "p": position, "a": side["article"], "c": side.get("claim"),
                         "f": figure.get("id"), "s": side.get("start"), "e": side.get("end"),
                         "t": side.get("text"), "sn": source.get("name"), "st": source.get("text"),
                         "sc": source.get("country"), "ss": source.get("sector"), "sk": source.get("kind"),
                         "stance": side.get("stance"), "lo": figure.get("low"), "hi": figure.get("high"),
                         "best": figure.get("best")})
        conn.execute(text(
            "INSERT INTO dispute_sides (dispute_id, position, article_id, claim_id, figure_id, start_char,"
            " end_char, text, source_name, source_text, source_country, source_sector, source_kind, stance,"
            " low, high, best) VALUES (:d, :p, :a, :c, :f, :s, :e, :t, :sn, :st, :sc, :ss, :sk, :stance,"
            " :lo, :hi, :best)"), rows)
    return len(by_id)


def delete_disputes_of(conn: Connection, article_ids: list[str]) -> None:
    """Drop the disputes that involve these articles (before they are computed again)."""
    for article_id in article_ids:
        ids = [r[0] for r in conn.execute(
            text("SELECT DISTINCT dispute_id FROM dispute_sides WHERE article_id = :a"), {"a": article_id})]
        for ident in ids:
            conn.execute(text("DELETE FROM dispute_sides WHERE dispute_id = :d"), {"d": ident})
            conn.execute(text("DELETE FROM disputes WHERE id = :d"), {"d": ident})


def list_disputes(db: Database, *, kind: str | None = None, incident: str | None = None, limit: int = 1000,
                  offset: int = 0) -> list[dict[str, Any]]:
    """Disputes in the format of DESIGN.md §3: each with its sides, in their articles' order."""
    clauses, params = [], {}
    if kind:
        clauses.append("d.kind = :kind")
        params["kind"] = kind
    if incident:
        clauses.append("d.incident_id = :incident")
        params["incident"] = incident
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with db.read() as conn:
        disputes = conn.execute(text(
            f"SELECT d.id, d.kind, d.about, d.category, d.incident_id FROM disputes d {where}"
            " ORDER BY d.created_at, d.id LIMIT :limit OFFSET :offset"),
            {**params, "limit": limit, "offset": offset}).mappings().all()
        out = []
        for d in disputes:
            sides = conn.execute(text(
                "SELECT s.*, a.outlet, a.published, a.title FROM dispute_sides s JOIN articles a ON a.id = s.article_id"
                " WHERE s.dispute_id = :d ORDER BY s.position"), {"d": d["id"]}).mappings().all()
            out.append({
                "id": d["id"], "kind": d["kind"], "about": d["about"], "category": d["category"],
                "incident": d["incident_id"],
                "sides": [{
                    "article": s["article_id"], "claim": s["claim_id"], "start": s["start_char"],
                    "end": s["end_char"], "text": s["text"],
                    "source": {"name": s["source_name"], "text": s["source_text"], "country": s["source_country"],
                               "sector": s["source_sector"], "kind": s["source_kind"]},
                    "stance": s["stance"],
                    "figure": ({"low": s["low"], "high": s["high"], "best": s["best"]}
                               if s["figure_id"] else None),
                    "outlet": s["outlet"], "published": s["published"], "title": s["title"],
                } for s in sides],
            })
    return out


def list_incidents(db: Database, *, min_reports: int = 1, type_: str | None = None, country: str | None = None,
                   limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Incidents, most reported first, and how many match in all."""
    clauses, params = ["reports >= :min"], {"min": min_reports}
    if type_:
        clauses.append("type = :type")
        params["type"] = type_.upper()
    if country:
        clauses.append("country = :country")
        params["country"] = country.upper()
    where = " WHERE " + " AND ".join(clauses)
    with db.read() as conn:
        total = conn.execute(text(f"SELECT count(*) FROM incidents{where}"), params).scalar_one()
        rows = conn.execute(text(
            "SELECT id, type, acled_event_type, acled_sub_event_type, date_from, date_to, place_name, country, lat, lon,"
            f" reports, outlets, independent_sources, grade, grade_rule, fatalities_acled, fatalities_low,"
            f" fatalities_best, fatalities_high FROM incidents{where}"
            " ORDER BY independent_sources DESC, reports DESC, date_from, id LIMIT :limit OFFSET :offset"),
            {**params, "limit": limit, "offset": offset}).mappings().all()
    return [dict(r) for r in rows], total


def get_incident(db: Database, incident_id: str) -> dict[str, Any] | None:
    """One incident with its reports (article, outlet, event trigger and sentence), figure
    summaries and disputes."""
    with db.read() as conn:
        row = conn.execute(text("SELECT * FROM incidents WHERE id = :i"), {"i": incident_id}).mappings().first()
        if row is None:
            return None
        incident = {k: v for k, v in row.items() if k != "summary"}
        summary = json.loads(row["summary"] or "{}")
        incident["figures"] = summary.get("figures", [])
        incident["reports_detail"] = [
            dict(r) for r in conn.execute(text(
                "SELECT r.article_id, r.event_id, a.outlet, a.published, a.title, e.trigger, e.text, e.type"
                " FROM incident_reports r JOIN articles a ON a.id = r.article_id"
                " LEFT JOIN events e ON e.article_id = r.article_id AND e.id = r.event_id"
                " WHERE r.incident_id = :i ORDER BY a.published, a.seq, r.event_id"), {"i": incident_id}).mappings()]
    incident["disputes"] = list_disputes(db, incident=incident_id)
    return incident
