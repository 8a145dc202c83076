"""Ingest: sources → store, in batched transactions, with a running tally.

Each batch commits whole, so a run killed at any point leaves only complete articles behind, and a
re-run stores what is missing without duplicating what is there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from fogwatch.model import Article, Rejection
from fogwatch.engine import Engine
from fogwatch.pipeline import extract_stream
from fogwatch.sources.meta import parse_date
from fogwatch.sources import ReadOptions, read_sources
from fogwatch.store import Database
from fogwatch.store.articles import record_rejections, store_articles
from fogwatch.store.records import missing_records

# Big enough to amortise a commit (fsync) and spaCy's batching over many articles, small enough
# that a crash loses little work and memory stays flat on any corpus.
BATCH_SIZE = 64
# With several workers, batches are tasks: 32 articles keep two workers busy on small corpora too.
PARALLEL_BATCH_SIZE = 32
# A long run reconciles as it goes, every this many extracted articles: what one reconciliation
# reads and holds stays bounded by this, whatever the size of the corpus.
RECONCILE_EVERY = 2000


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


def _missing(db: Database, batch: list[Article], in_flight: set[str]) -> list[Article]:
    """The articles of a batch that have no record stored yet and are not being extracted already
    (each text once)."""
    with db.read() as conn:
        missing = missing_records(conn, sorted({a.id for a in batch}))
    todo = []
    for article in batch:
        if article.id in missing and article.id not in in_flight:
            in_flight.add(article.id)
            todo.append(article)
    return todo


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
    engine: Engine | None = None,
    reconcile_every: int = RECONCILE_EVERY,
) -> IngestReport:
    """Read, extract and store, as a stream: batches are read and sent to extraction (in this
    process, a process pool or a Dask cluster, see `pipeline.Engine`) while earlier ones are stored.
    With `extract`, each new article's record is stored in the same transaction as the article, so
    an article is never stored without its facts; a re-run extracts only what is missing."""
    return ingest_items(db, read_sources(specs, options), batch_size=batch_size, progress=progress,
                        extract=extract, engine=engine or Engine(model=model, processes=processes),
                        reconcile_every=reconcile_every)


def ingest_items(
    db: Database,
    items: Iterable[Article | Rejection],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    extract: bool = True,
    engine: Engine | None = None,
    reconcile_every: int = RECONCILE_EVERY,
) -> IngestReport:
    """`ingest` for articles already read (or made: the memory benchmark's synthetic corpus)."""
    from fogwatch.language import model_name

    engine = engine or Engine()
    if engine.parallelism > 1:
        batch_size = min(batch_size, PARALLEL_BATCH_SIZE)  # smaller tasks keep every worker busy
    report = IngestReport()
    model_label = model_name(engine.model)
    in_flight: set[str] = set()

    def batches() -> Iterator[tuple[list[Article], list[Article]]]:
        batch: list[Article] = []
        for item in items:
            if isinstance(item, Rejection):
                report.counts["failed"] += 1
                report.failures.append(item)
                record_rejections(db, [item])
                if progress:
                    progress(item, "failed")
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                yield batch, (_missing(db, batch, in_flight) if extract else [])
                batch = []
        if batch:
            yield batch, (_missing(db, batch, in_flight) if extract else [])

    from fogwatch.reconcile.run import reconcile_pending

    def reconcile() -> None:
        # what this run stored, and what a killed run stored but never reconciled
        for key, value in reconcile_pending(db).items():
            report.reconciled[key] = report.reconciled.get(key, 0) + value

    unreconciled = 0
    for batch, records in extract_stream(batches(), engine):
        report.extracted.extend(r["article"]["id"] for r in records)
        for article, outcome in zip(batch, store_articles(db, batch, records, model_label)):
            report.counts[outcome] += 1
            if progress:
                progress(article, outcome)
        in_flight.difference_update(r["article"]["id"] for r in records)
        unreconciled += len(records)
        if unreconciled >= reconcile_every:
            reconcile()  # while the workers go on extracting the next batches
            unreconciled = 0
    reconcile()
    return report


def reprocess(db: Database, *, everything: bool = False, model: str | None = None,
              batch_size: int = BATCH_SIZE, progress: Progress | None = None, engine: Engine | None = None) -> int:
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
        records = list(extract_records(articles, model, engine=engine))
        with db.write() as conn:
            done += write_records(conn, records, model_name(model), now())
        if progress:
            for article in articles:
                progress(article, "extracted")
    from fogwatch.reconcile.run import reconcile

    reconcile(db, None if everything else [a["id"] for a in rows])
    return done
