"""Ingest: sources → store, in batched transactions, with a running tally.

Each batch commits whole, so a run killed at any point leaves only complete articles behind, and a
re-run stores what is missing without duplicating what is there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fogwatch.model import Article, Rejection
from fogwatch.sources.meta import parse_date
from fogwatch.sources import ReadOptions, read_sources
from fogwatch.store import Database
from fogwatch.store.articles import record_rejections, store_articles
from fogwatch.store.records import missing_records

# Big enough to amortise a commit (fsync) and spaCy's batching over many articles, small enough
# that a crash loses little work and memory stays flat on any corpus.
BATCH_SIZE = 64


@dataclass
class IngestReport:
    counts: Counter = field(default_factory=Counter)  # new / appearance / stored / failed
    failures: list[Rejection] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)  # ids of articles whose facts were stored now
    reconciled: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {
            "new": self.counts["new"],
            "wire_copies": self.counts["appearance"],
            "already_stored": self.counts["stored"],
            "failed": self.counts["failed"],
            "failures": [{"origin": f.origin, "code": f.code, "reason": f.reason} for f in self.failures],
        }


Progress = Callable[[Article | Rejection, str], None]


def extract_missing(db: Database, batch: list[Article], model: str | None, processes: int = 1) -> list[dict]:
    """Records for the articles of a batch that have none stored yet (each text once). Parsing
    happens outside any transaction, so a slow batch never holds the database's write lock."""
    from fogwatch.pipeline import extract_records

    with db.read() as conn:
        missing = missing_records(conn, sorted({a.id for a in batch}))
    todo, seen = [], set()
    for article in batch:
        if article.id in missing and article.id not in seen:
            seen.add(article.id)
            todo.append(article)
    chunk = max(1, -(-len(todo) // processes))  # every worker gets a share of the batch
    return list(extract_records(todo, model, batch_size=min(32, chunk), n_process=processes)) if todo else []


def ingest(
    db: Database,
    specs: Iterable[str],
    options: ReadOptions | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    extract: bool = True,
    model: str | None = None,
    processes: int = 1,
) -> IngestReport:
    """Read, extract and store. With `extract`, each new article's record is stored in the same
    transaction as the article, so an article is never stored without its facts."""
    from fogwatch.language import model_name

    report = IngestReport()
    batch: list[Article] = []
    model_label = model_name(model)

    def flush() -> None:
        if not batch:
            return
        records = extract_missing(db, batch, model, processes) if extract else []
        report.extracted.extend(r["article"]["id"] for r in records)
        for article, outcome in zip(batch, store_articles(db, batch, records, model_label)):
            report.counts[outcome] += 1
            if progress:
                progress(article, outcome)
        batch.clear()

    for item in read_sources(specs, options):
        if isinstance(item, Rejection):
            report.counts["failed"] += 1
            report.failures.append(item)
            record_rejections(db, [item])
            if progress:
                progress(item, "failed")
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    flush()
    if report.extracted:
        from fogwatch.reconcile.run import reconcile

        report.reconciled = reconcile(db, report.extracted)
    return report


def reprocess(db: Database, *, everything: bool = False, model: str | None = None,
              batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> int:
    """(Re-)extract stored articles: those without a record, or all of them (after a model or
    rule change). Each batch replaces its records in one transaction."""
    from sqlalchemy import text

    from fogwatch.language import model_name
    from fogwatch.pipeline import extract_records
    from fogwatch.store.database import now
    from fogwatch.store.records import write_records

    where = "" if everything else " WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.article_id = a.id)"
    with db.read() as conn:
        rows = conn.execute(text(f"SELECT id, title, text, published, outlet, url, language, source_id"
                                 f" FROM articles a{where} ORDER BY seq")).mappings().all()
    done = 0
    for start in range(0, len(rows), batch_size):
        articles = [Article(text=r["text"], title=r["title"], outlet=r["outlet"], url=r["url"],
                            published=parse_date(r["published"]), language=r["language"],
                            source_id=r["source_id"], id=r["id"]) for r in rows[start:start + batch_size]]
        records = list(extract_records(articles, model))
        with db.write() as conn:
            done += write_records(conn, records, model_name(model), now())
        if progress:
            for article in articles:
                progress(article, "extracted")
    from fogwatch.reconcile.run import reconcile

    reconcile(db, None if everything else [a["id"] for a in rows])
    return done
