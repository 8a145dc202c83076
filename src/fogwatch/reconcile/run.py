"""Running reconciliation over the database: read the records of the articles that changed,
compute what they dispute, and write it back in one transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from fogwatch.reconcile.disputes import disputes_in_record
from fogwatch.store.database import Database, now
from fogwatch.store.reconciled import delete_disputes_of, write_disputes


def _records(db: Database, article_ids: list[str] | None) -> list[dict[str, Any]]:
    with db.read() as conn:
        if article_ids is None:
            rows = conn.execute(text("SELECT record FROM records ORDER BY article_id")).all()
        else:
            rows = []
            for article_id in article_ids:
                rows += conn.execute(text("SELECT record FROM records WHERE article_id = :a"), {"a": article_id}).all()
    return [json.loads(r[0]) for r in rows]


def reconcile(db: Database, article_ids: list[str] | None = None) -> dict[str, int]:
    """Disputes for the given articles (all when None). Incremental: only their disputes are
    recomputed; the rest of the database is left alone."""
    records = _records(db, article_ids)
    disputes = [d for record in records for d in disputes_in_record(record)]
    with db.write() as conn:
        delete_disputes_of(conn, [r["article"]["id"] for r in records])
        written = write_disputes(conn, disputes, now())
    return {"articles": len(records), "disputes": written}
