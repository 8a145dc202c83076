"""Writing articles (once each, with every appearance) and the read queries every view shares."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from fogwatch.model import Article, IngestOutcome, Rejection
from fogwatch.store.database import Database, now
from fogwatch.store.records import write_records

_INSERT_ARTICLE = text("""
INSERT INTO articles (id, title, text, published, outlet, url, language, source_id, chars, ingested_at)
VALUES (:id, :title, :text, :published, :outlet, :url, :language, :source_id, :chars, :at)
ON CONFLICT (id) DO NOTHING
RETURNING seq
""")
_INSERT_APPEARANCE = text("""
INSERT INTO appearances (article_id, outlet, url, title, published, source_id, origin, seen_at)
VALUES (:id, :outlet, :url, :title, :published, :source_id, :origin, :at)
ON CONFLICT (article_id, outlet, url) DO NOTHING
RETURNING seq
""")
_CLEAR_REJECTION = text("DELETE FROM rejections WHERE origin = :origin")
_UPSERT_REJECTION = text("""
INSERT INTO rejections (origin, code, reason, attempts, first_seen, last_seen)
VALUES (:origin, :code, :reason, 1, :at, :at)
ON CONFLICT (origin) DO UPDATE SET
    code = excluded.code, reason = excluded.reason,
    attempts = rejections.attempts + 1, last_seen = excluded.last_seen
""")


def store_articles(db: Database, articles: Sequence[Article], records: Sequence[dict[str, Any]] = (),
                   model: str = "") -> list[IngestOutcome]:
    """Store a batch in one transaction, with the extracted records given for them. An article is
    new once; the same text at another outlet or URL adds an appearance (a wire copy); anything
    else changes nothing. Articles and their facts commit together or not at all."""
    outcomes: list[IngestOutcome] = []
    at = now()
    with db.write() as conn:
        for article in articles:
            published = article.published.isoformat() if article.published else None
            row = {
                "id": article.id, "title": article.title, "text": article.text, "published": published,
                "outlet": article.outlet, "url": article.url, "language": article.language,
                "source_id": article.source_id, "chars": len(article.text), "at": at,
                "origin": article.origin,
            }
            is_new = conn.execute(_INSERT_ARTICLE, row).first() is not None
            appearance = {**row, "outlet": article.outlet or "", "url": article.url or ""}
            added = conn.execute(_INSERT_APPEARANCE, appearance).first() is not None
            if article.origin:
                conn.execute(_CLEAR_REJECTION, {"origin": article.origin})
            outcomes.append("new" if is_new else "appearance" if added else "stored")
        if records:
            write_records(conn, records, model, at)
    return outcomes


def record_rejections(db: Database, rejections: Iterable[Rejection]) -> None:
    """Rejected inputs are stored with their reason, so `fogwatch rejections` can list them later."""
    rows = [{"origin": r.origin, "code": r.code, "reason": r.reason, "at": now()} for r in rejections]
    if rows:
        with db.write() as conn:
            conn.execute(_UPSERT_REJECTION, rows)


# -- reading -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ArticleFilter:
    outlet: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    limit: int = 50
    offset: int = 0


_LIST_COLUMNS = "a.id, a.title, a.published, a.outlet, a.url, a.language, a.source_id, a.chars"


def _where(flt: ArticleFilter) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    if flt.outlet:
        clauses.append("lower(a.outlet) = lower(:outlet)")
        params["outlet"] = flt.outlet
    if flt.since:
        clauses.append("a.published >= :since")
        params["since"] = flt.since
    if flt.until:
        clauses.append("a.published <= :until")
        params["until"] = flt.until
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_articles(db: Database, flt: ArticleFilter = ArticleFilter()) -> tuple[list[dict[str, Any]], int]:
    """Articles newest first, and how many match in all."""
    where, params = _where(flt)
    with db.read() as conn:
        total = conn.execute(text(f"SELECT count(*) FROM articles a{where}"), params).scalar_one()
        rows = conn.execute(
            text(f"SELECT {_LIST_COLUMNS}, (SELECT count(*) FROM appearances p WHERE p.article_id = a.id)"
                 f" AS appearances FROM articles a{where}"
                 " ORDER BY a.published DESC NULLS LAST, a.seq DESC LIMIT :limit OFFSET :offset"),
            {**params, "limit": flt.limit, "offset": flt.offset},
        ).mappings().all()
    return [dict(r) for r in rows], total


_TERM = re.compile(r'(-?)"([^"]*)"|(\S+)')


def fts5_query(query: str) -> str:
    """A user's query in web-search syntax ("a phrase", OR, -excluded, prefix*) as a safe FTS5
    expression: every term is quoted, so FTS5 operators typed by accident cannot cause errors."""
    parts: list[str] = []
    negated: list[str] = []
    for neg_phrase, phrase, word in (m.groups() for m in _TERM.finditer(query)):
        if word == "OR" and parts:
            parts.append("OR")
            continue
        negate = bool(neg_phrase) or (word or "").startswith("-")
        raw = phrase if phrase is not None else (word or "").lstrip("-")
        prefix = raw.endswith("*") and phrase is None
        tokens = re.findall(r"\w+", raw)
        if not tokens:
            continue
        term = '"' + " ".join(tokens) + '"' + ("*" if prefix else "")
        (negated if negate else parts).append(term)
    while parts and parts[-1] == "OR":
        parts.pop()
    expr = " ".join(parts)
    for term in negated:
        expr = f"({expr}) NOT {term}" if expr else ""
    return expr


def search_articles(db: Database, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Full-text search, best match first, with a snippet around the match (terms in [brackets])."""
    with db.read() as conn:
        if db.dialect == "sqlite":
            expr = fts5_query(query)
            if not expr:
                return []
            sql = f"""
SELECT {_LIST_COLUMNS}, snippet(articles_fts, 1, '[', ']', '…', 16) AS snippet
FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
WHERE articles_fts MATCH :q ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT :limit"""
            rows = conn.execute(text(sql), {"q": expr, "limit": limit}).mappings().all()
        else:
            sql = f"""
SELECT {_LIST_COLUMNS},
       ts_headline('english', a.text, q, 'StartSel=[, StopSel=], MaxWords=24, MinWords=10') AS snippet
FROM articles a, websearch_to_tsquery('english', :q) q
WHERE a.search @@ q ORDER BY ts_rank(a.search, q) DESC, a.seq LIMIT :limit"""
            rows = conn.execute(text(sql), {"q": query, "limit": limit}).mappings().all()
    return [dict(r) for r in rows]


def get_article(db: Database, key: str) -> dict[str, Any] | None:
    """One article by id, by the id its source gave it, or by an unambiguous id prefix (>= 6
    characters); with its appearances. None when nothing, or more than one, matches."""
    with db.read() as conn:
        row = conn.execute(
            text("SELECT * FROM articles WHERE id = :k OR source_id = :k ORDER BY seq LIMIT 1"), {"k": key}
        ).mappings().first()
        if row is None and len(key) >= 6 and re.fullmatch(r"[0-9a-f]+", key):
            rows = conn.execute(
                text("SELECT * FROM articles WHERE id LIKE :p ORDER BY seq LIMIT 2"), {"p": key + "%"}
            ).mappings().all()
            row = rows[0] if len(rows) == 1 else None
        if row is None:
            return None
        article = {k: v for k, v in row.items() if k != "search"}
        article["appearances"] = [dict(r) for r in conn.execute(
            text("SELECT outlet, url, title, published, source_id, origin, seen_at FROM appearances"
                 " WHERE article_id = :id ORDER BY seq"), {"id": article["id"]}
        ).mappings()]
    return article


def list_rejections(db: Database, limit: int = 100) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [dict(r) for r in conn.execute(
            text("SELECT origin, code, reason, attempts, last_seen FROM rejections"
                 " ORDER BY last_seen DESC, origin LIMIT :limit"), {"limit": limit}
        ).mappings()]


# Tables later layers add; counted as 0 until their migrations exist.
STAT_TABLES = ("articles", "appearances", "records", "events", "claims", "figures", "incidents", "disputes",
               "rejections")


def stats(db: Database) -> dict[str, int]:
    out: dict[str, int] = {}
    with db.read() as conn:
        for table in STAT_TABLES:
            out[table] = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() \
                if db.has_table(conn, table) else 0
    return out
