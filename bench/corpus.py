"""What the benchmarks read: the FA-KES dev corpus beside the checkout when it is there, else the
bundled demo corpus; read through fogwatch's own readers (rejections dropped)."""

from __future__ import annotations

from pathlib import Path

from fogwatch.model import Article
from fogwatch.sources import ReadOptions, read_sources

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fakes-dev.jsonl"
DEMO = Path(__file__).resolve().parents[1] / "src" / "fogwatch" / "data" / "demo"


def default_corpus() -> list[str]:
    return [str(DEFAULT_CORPUS if DEFAULT_CORPUS.exists() else DEMO)]


def read(corpus: list[str]) -> list[Article]:
    return [a for a in read_sources(corpus, ReadOptions()) if isinstance(a, Article)]
