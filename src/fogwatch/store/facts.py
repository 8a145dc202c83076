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
