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
    """Insert or replace disputes (inside the caller's transaction)."""
    for dispute in disputes:
        ident = dispute_id(dispute)
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
    return len(disputes)


def delete_disputes_of(conn: Connection, article_ids: list[str]) -> None:
    """Drop the disputes that involve these articles (before they are computed again)."""
    for article_id in article_ids:
        ids = [r[0] for r in conn.execute(
            text("SELECT DISTINCT dispute_id FROM dispute_sides WHERE article_id = :a"), {"a": article_id})]
        for ident in ids:
            conn.execute(text("DELETE FROM dispute_sides WHERE dispute_id = :d"), {"d": ident})
            conn.execute(text("DELETE FROM disputes WHERE id = :d"), {"d": ident})


def list_disputes(db: Database, *, kind: str | None = None, limit: int = 1000, offset: int = 0) -> list[dict[str, Any]]:
    """Disputes in the format of DESIGN.md §3: each with its sides, in their articles' order."""
    where, params = ("WHERE d.kind = :kind", {"kind": kind}) if kind else ("", {})
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
