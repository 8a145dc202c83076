"""sources → language → extract (→ store): the one path every command uses to turn articles into
records.

Extraction is a stream of batches through one of three engines, chosen by `Engine`:

- in this process;
- a pool of forked worker processes (`processes`), created once per stream;
- a Dask cluster (`dask` address, or `workers` for a local cluster started for the run).

Each worker parses *and* extracts its batch and returns only the records: spaCy's own `n_process`
would send every parsed Doc back to the parent and leave all extraction to one process. A bounded
number of batches is in flight per worker, so memory stays flat whatever the corpus size, and
results come back in input order.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any, Generic, TypeVar

from fogwatch.engine import Engine
from fogwatch.extract import prepare_extractors, run_extractors
from fogwatch.language import load, release
from fogwatch.model import Article
from fogwatch.record import build_record

# Articles per batch: large enough for spaCy's batching to pay off, small enough that memory
# stays flat on long articles.
BATCH_SIZE = 32
# Batches in flight per worker: enough to keep every worker busy, few enough to bound memory.
WINDOW_PER_WORKER = 2

T = TypeVar("T")


def records_of(batch: list[Article], model: str | None) -> list[dict[str, Any]]:
    """Parse and extract one batch (in whichever process runs it)."""
    warm_up(model)  # once per process
    nlp = load(model)
    docs = nlp.pipe([a.text for a in batch], batch_size=len(batch) or 1)
    records = []
    for doc, article in zip(docs, batch):
        records.append(build_record(run_extractors(doc, article)))
        release(doc)
    return records


def warm_up(model: str | None) -> None:
    """Load the pipeline and every extractor's reference data (lexicons, gazetteer) once, in the
    parent, before workers fork from it: each would otherwise read and parse them again.

    What is loaded then lives as long as the process, so it is moved out of the cyclic garbage
    collector's sight (`gc.freeze`): every full collection walked those hundreds of thousands of
    objects again, about a seventh of extraction time."""
    if model in _warm:
        return
    _warm.add(model)
    records_of([Article(text="Warm-up: soldiers said 3 people were killed in Khartoum on Monday.")], model)
    prepare_extractors()
    gc.freeze()


_warm: set[str | None] = set()  # models this process has warmed up


_worker_model: str | None = None


def _work(batch: list[Article]) -> list[dict[str, Any]]:
    return records_of(batch, _worker_model)


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


class _Window(Generic[T]):
    """Futures in input order, at most `size` in flight."""

    def __init__(self, size: int, result: Callable[[Any], list[dict[str, Any]]]) -> None:
        self.size = max(size, 1)
        self.result = result  # a future's records (an empty batch has no future: None)
        self.pending: deque[tuple[T, Any]] = deque()

    def push(self, tag: T, future: Any) -> bool:
        self.pending.append((tag, future))
        return len(self.pending) >= self.size

    def pop(self) -> tuple[T, list[dict[str, Any]]]:
        tag, future = self.pending.popleft()
        return tag, self.result(future) if future is not None else []


def extract_stream(items: Iterable[tuple[T, list[Article]]], engine: Engine = Engine()
                   ) -> Iterator[tuple[T, list[dict[str, Any]]]]:
    """For each (tag, articles) the records of those articles, in input order. The tag travels
    with its batch (ingest uses it for the whole batch the articles came from)."""
    if engine.dask or engine.workers:
        yield from _dask_stream(items, engine)
        return
    if engine.processes <= 1:
        for tag, articles in items:
            yield tag, records_of(articles, engine.model) if articles else []
        return
    global _worker_model
    _worker_model = engine.model
    warm_up(engine.model)  # loaded once here; forked workers share it copy-on-write
    context = multiprocessing.get_context("fork")
    window: _Window[T] = _Window(engine.processes * WINDOW_PER_WORKER, lambda f: f.get())
    with context.Pool(engine.processes) as pool:
        for tag, articles in items:
            if window.push(tag, pool.apply_async(_work, (articles,)) if articles else None):
                yield window.pop()
        while window.pending:
            yield window.pop()


@contextmanager
def dask_client(engine: Engine):
    """A client of the given scheduler, or of a local cluster started (and stopped) for the run."""
    from distributed import Client, LocalCluster

    if engine.dask:
        client = Client(engine.dask)
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=max(engine.workers, 1), threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _dask_stream(items: Iterable[tuple[T, list[Article]]], engine: Engine
                 ) -> Iterator[tuple[T, list[dict[str, Any]]]]:
    with dask_client(engine) as client:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        window: _Window[T] = _Window(workers * WINDOW_PER_WORKER, lambda f: f.result())
        for tag, articles in items:
            future = client.submit(records_of, articles, engine.model, pure=False) if articles else None
            if window.push(tag, future):
                yield window.pop()
        while window.pending:
            yield window.pop()


def extract_records(
    articles: Iterable[Article], model: str | None = None, *, batch_size: int = BATCH_SIZE, n_process: int = 1,
    engine: Engine | None = None,
) -> Iterator[dict[str, Any]]:
    """The record of each article, in input order."""
    engine = engine or Engine(model=model, processes=n_process)
    for _, records in extract_stream(((None, b) for b in _batches(articles, batch_size)), engine):
        yield from records
