"""Ingest: sources → store, in batched transactions, with a running tally.

Each batch commits whole, so a run killed at any point leaves only complete articles behind, and a
re-run stores what is missing without duplicating what is there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fogwatch.model import Article, Rejection
from fogwatch.sources import ReadOptions, read_sources
from fogwatch.store import Database
from fogwatch.store.articles import record_rejections, store_articles

# Big enough to amortise a commit (fsync) over many articles, small enough that a crash loses
# little work and memory stays flat on any corpus.
BATCH_SIZE = 200


@dataclass
class IngestReport:
    counts: Counter = field(default_factory=Counter)  # new / appearance / stored / failed
    failures: list[Rejection] = field(default_factory=list)

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


def ingest(
    db: Database,
    specs: Iterable[str],
    options: ReadOptions | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> IngestReport:
    report = IngestReport()
    batch: list[Article] = []

    def flush() -> None:
        if not batch:
            return
        for article, outcome in zip(batch, store_articles(db, batch)):
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
    return report
