"""sources → language → extract (→ store): the one path every command uses to turn articles into
records.

With several processes, each worker parses *and* extracts its batch and returns only the records:
spaCy's own `n_process` would send every parsed Doc back to the parent and leave all extraction
to one process, which made two processes slower per core than one.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from fogwatch.extract import run_extractors
from fogwatch.language import load
from fogwatch.model import Article
from fogwatch.record import build_record

# Articles per batch: large enough for spaCy's batching to pay off, small enough that memory
# stays flat on long articles.
BATCH_SIZE = 32
# Batches in flight per worker: enough to keep every worker busy, few enough to bound memory.
WINDOW_PER_WORKER = 2

_worker_model: str | None = None


def _records_of(batch: list[Article], model: str | None) -> list[dict[str, Any]]:
    nlp = load(model)
    docs = nlp.pipe([a.text for a in batch], batch_size=len(batch) or 1)
    return [build_record(run_extractors(doc, article)) for doc, article in zip(docs, batch)]


def _work(batch: list[Article]) -> list[dict[str, Any]]:
    return _records_of(batch, _worker_model)


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_records(
    articles: Iterable[Article], model: str | None = None, *, batch_size: int = BATCH_SIZE, n_process: int = 1
) -> Iterator[dict[str, Any]]:
    """The record of each article, in input order."""
    if n_process <= 1:
        for batch in _batches(articles, batch_size):
            yield from _records_of(batch, model)
        return
    global _worker_model
    _worker_model = model
    load(model)  # loaded once here; forked workers share it copy-on-write
    context = multiprocessing.get_context("fork")
    with context.Pool(n_process) as pool:
        pending: deque = deque()
        for batch in _batches(articles, batch_size):
            pending.append(pool.apply_async(_work, (batch,)))
            if len(pending) >= n_process * WINDOW_PER_WORKER:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
