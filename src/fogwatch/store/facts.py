"""Read queries over extracted facts, shared by the CLI, the demo and (later) the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from fogwatch.store.database import Database


def figures_with_sources(db: Database, article_id: str | None = None, limit: int = 10_000) -> list[dict[str, Any]]:
    """Every figure with the claim that carries it: who says it, with which cue and stance."""
    where = "WHERE f.article_id = :a" if article_id else ""
    sql = f"""
SELECT f.article_id, f.id, f.text, f.category, f.low, f.high, f.best, f.qualifier, f.subject,
       c.id AS claim_id, c.stance, c.cue_text, c.source_kind, c.source_name, c.source_text,
       c.source_country, c.source_sector, c.responds_to,
       a.title, a.outlet, a.published
FROM figures f
JOIN articles a ON a.id = f.article_id
LEFT JOIN claims c ON c.article_id = f.article_id AND c.id = f.claim_id
{where}
ORDER BY a.published, a.seq, f.start_char
LIMIT :limit"""
    with db.read() as conn:
        rows = conn.execute(text(sql), {"a": article_id, "limit": limit}).mappings().all()
    return [dict(r) for r in rows]


def interval_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low:,}" if low == high else f"{low:,}–{high:,}"
    if low is not None:
        return f"≥{low:,}"
    if high is not None:
        return f"≤{high:,}"
    return "?"


def source_label(row: dict[str, Any]) -> str:
    kind = row.get("source_kind")
    if kind == "outlet" or kind is None:
        return f"{row.get('outlet') or 'the outlet'} (own voice)"
    name = row.get("source_name") or row.get("source_text") or "someone"
    extra = "/".join(x for x in (row.get("source_country"), row.get("source_sector")) if x)
    return f"{name}" + (f" [{extra}]" if extra else "") + ("" if kind == "named" else f" ({kind})")


def list_events(db: Database, *, type_: str | None = None, country: str | None = None, since: str | None = None,
                until: str | None = None, place: str | None = None, factual_only: bool = True,
                limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Stored events with where, when, and who reports them. `country` matches the event's place;
    dates match the event's resolved time, else the article's publication date."""
    clauses, params = [], {}
    if factual_only:
        clauses.append("e.negated = 0 AND e.hypothetical = 0")
    if type_:
        clauses.append("e.type = :type")
        params["type"] = type_.upper()
    if country:
        clauses.append("p.country = :country")
        params["country"] = country.upper()
    if place:
        clauses.append("lower(p.name) LIKE :place")
        params["place"] = f"%{place.lower()}%"
    day = "coalesce(t.date_from, a.published)"
    if since:
        clauses.append(f"{day} >= :since")
        params["since"] = since
    if until:
        clauses.append(f"{day} <= :until")
        params["until"] = until
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    joins = """
FROM events e
JOIN articles a ON a.id = e.article_id
LEFT JOIN places p ON p.article_id = e.article_id AND p.id = e.place_id
LEFT JOIN times t ON t.article_id = e.article_id AND t.id = e.time_id
LEFT JOIN claims c ON c.article_id = e.article_id AND c.id = e.claim_id"""
    with db.read() as conn:
        total = conn.execute(text(f"SELECT count(*) {joins}{where}"), params).scalar_one()
        rows = conn.execute(text(
            f"SELECT e.article_id, e.id, e.trigger, e.text, e.type, e.mode, e.acled_event_type, e.acled_sub_event_type,"
            f" e.negated, e.hypothetical, e.historical, p.name AS place, p.country, p.lat, p.lon,"
            f" {day} AS date, c.source_name, c.source_kind, c.stance, a.outlet, a.title"
            f" {joins}{where} ORDER BY {day} DESC, a.seq, e.start_char LIMIT :limit OFFSET :offset"),
            {**params, "limit": limit, "offset": offset}).mappings().all()
    return [dict(r) for r in rows], total
