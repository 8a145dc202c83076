"""sources → language → extract (→ store, in later layers): the one path every command uses to
turn articles into records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fogwatch.extract import run_extractors
from fogwatch.language import load
from fogwatch.model import Article
from fogwatch.record import build_record

# Articles per nlp.pipe batch: large enough for spaCy's batching to pay off, small enough that
# memory stays flat on long articles.
BATCH_SIZE = 32


def extract_records(
    articles: Iterable[Article], model: str | None = None, *, batch_size: int = BATCH_SIZE, n_process: int = 1
) -> Iterator[dict[str, Any]]:
    """The record of each article, in input order; articles are parsed in batches."""
    nlp = load(model)
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield build_record(run_extractors(doc, article))
