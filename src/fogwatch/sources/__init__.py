"""Readers that turn what users have — files, folders, standard input, URLs, feeds — into Articles.

`read_sources` is the single ingestion boundary: it yields an `Article` for every good input and a
`Rejection` (never an exception) for every bad one, so that one broken file in a thousand is named
and the rest still flow on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from fogwatch.errors import SourceError
from fogwatch.model import Article, Rejection
from fogwatch.sources.decode import decode_bytes
from fogwatch.sources.feed import read_feed
from fogwatch.sources.html import read_html
from fogwatch.sources.jsonl import read_jsonl
from fogwatch.sources.options import ReadOptions
from fogwatch.sources.text import read_text
from fogwatch.sources.web import fetch, is_url

Kind = Literal["jsonl", "html", "feed", "text"]

_BY_SUFFIX: dict[str, Kind] = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rss": "feed", ".atom": "feed",
    ".txt": "text", ".text": "text", ".md": "text",
}
_BY_CONTENT_TYPE: dict[str, Kind] = {
    "application/rss+xml": "feed", "application/atom+xml": "feed", "application/rdf+xml": "feed",
    "text/html": "html", "application/xhtml+xml": "html",
    "application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "application/json": "jsonl",
    "text/plain": "text",
}

__all__ = ["ReadOptions", "read_sources", "read_one", "Kind"]


def sniff(data: bytes, name: str = "", content_type: str = "") -> Kind:
    """What kind of input this is: by content type, then by suffix, then by its first bytes."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if content_type in _BY_CONTENT_TYPE and content_type != "text/plain":
        return _BY_CONTENT_TYPE[content_type]
    suffix = Path(name).suffix.lower()
    if suffix in _BY_SUFFIX and suffix != ".txt":
        return _BY_SUFFIX[suffix]
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"):
        if b"<rss" in head or b"<feed" in head or b"<rdf" in head:
            return "feed"
        return "html"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if head.startswith(b"{") and suffix not in {".txt", ".md"}:
        return "jsonl"
    return "text"


def read_one(
    data: bytes,
    origin: str,
    options: ReadOptions,
    *,
    name: str = "",
    content_type: str = "",
    charset: str | None = None,
    url: str | None = None,
) -> Iterator[Article | Rejection]:
    """Articles from one input's bytes; raises SourceError when the whole input is unusable."""
    if len(data) > options.max_bytes:
        raise SourceError("E004", origin, size=len(data), limit=options.max_bytes)
    kind = sniff(data, name or origin, content_type)
    if kind == "feed":
        yield from read_feed(data, origin, options.min_chars, lambda link: _fetch_article(link, options))
        return
    text = decode_bytes(data, origin, charset)
    if kind == "html":
        yield from read_html(text, origin, options.min_chars, url=url)
    elif kind == "jsonl":
        yield from read_jsonl(text, origin, options.min_chars)
    else:
        article_iter = read_text(text, origin, options.min_chars)
        for article in article_iter:
            article.url = article.url or url
            yield article


def _fetch_article(url: str, options: ReadOptions) -> Article:
    """A linked page as one article (used for feed entries that carry only a summary)."""
    fetched = fetch(url, options)
    for item in read_one(fetched.body, url, options, content_type=fetched.content_type,
                         charset=fetched.charset, url=fetched.url):
        if isinstance(item, Article):
            return item
        raise SourceError(item.code, item.origin, detail=item.reason)
    raise SourceError("E005", url)


def _read_url(url: str, options: ReadOptions) -> Iterator[Article | Rejection]:
    fetched = fetch(url, options)
    if fetched.content_type and fetched.content_type not in _BY_CONTENT_TYPE and not (
        fetched.content_type.endswith("xml") or fetched.content_type.startswith("text/")
    ):
        raise SourceError("E014", url, detail=fetched.content_type)
    yield from read_one(fetched.body, url, options, name=url, content_type=fetched.content_type,
                        charset=fetched.charset, url=fetched.url)


def _read_path(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            raise SourceError("E004", origin, size=size, limit=options.max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError("E001", origin, detail=exc.strerror or str(exc)) from None
    yield from read_one(data, origin, options, name=path.name)


def _walk(folder: Path) -> Iterator[Path]:
    """Files below a folder in a stable order, hidden files and folders left out."""
    for root, dirs, files in os.walk(folder, onerror=None):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _expand(spec: str) -> Iterator[tuple[str, Path | None]]:
    if spec == "-" or is_url(spec):
        yield spec, None
        return
    path = Path(spec)
    if path.is_dir():
        for file in _walk(path):
            yield str(file), file
    else:
        yield spec, path


# Longer than any news article (and than spaCy's default max_length, past which it refuses a text):
# a book, a dump or a concatenation, refused by name rather than failing the batch it is in.
MAX_ARTICLE_CHARS = 1_000_000


def read_sources(specs: Iterable[str], options: ReadOptions | None = None) -> Iterator[Article | Rejection]:
    """Every article from every input named: paths, folders (recursively), URLs, and `-` for stdin."""
    for item in _read_sources(specs, options or ReadOptions()):
        if isinstance(item, Article) and len(item.text) > MAX_ARTICLE_CHARS:
            err = SourceError("E016", item.origin or item.source_id or "article", chars=len(item.text),
                              limit=MAX_ARTICLE_CHARS)
            yield Rejection(err.origin, err.code, err.reason)
        else:
            yield item


def _read_sources(specs: Iterable[str], options: ReadOptions) -> Iterator[Article | Rejection]:
    for spec in specs:
        for origin, path in _expand(spec):
            try:
                if origin == "-":
                    data = sys.stdin.buffer.read()
                    yield from read_one(data, "<stdin>", options)
                elif path is None:
                    yield from _read_url(origin, options)
                elif not path.exists():
                    raise SourceError("E012", origin)
                else:
                    yield from _read_path(path, options)
            except SourceError as err:
                yield Rejection(err.origin, err.code, err.reason)
            except Exception as exc:  # a reader bug must not lose the other inputs
                yield Rejection(origin, "E999", f"unexpected error: {type(exc).__name__}: {exc}")
