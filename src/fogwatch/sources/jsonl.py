"""JSON Lines (one article per line) and JSON arrays of articles.

A bad line is reported with its line number and the rest of the file is still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fogwatch.errors import SourceError
from fogwatch.model import Article, Rejection
from fogwatch.sources.meta import clean, detect_language, outlet_from_url, parse_date


def article_from_record(record: Any, origin: str, line: int, min_chars: int) -> Article:
    if not isinstance(record, dict):
        raise SourceError("E007", origin, line=line, detail=f"expected an object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise SourceError("E007", origin, line=line, detail="no 'text' field")
    text = text.strip()
    if len(text) < min_chars:
        raise SourceError("E007", origin, line=line, detail=f"text is too short ({len(text)} characters)")
    url = clean(record.get("url"))
    return Article(
        text=text,
        title=clean(record.get("title")),
        published=parse_date(record.get("published") or record.get("date")),
        outlet=clean(record.get("outlet") or record.get("source")) or outlet_from_url(url),
        url=url,
        language=clean(record.get("language")) or detect_language(text),
        source_id=clean(record.get("id")),
        origin=f"{origin}:{line}",
    )


def read_jsonl(text: str, origin: str, min_chars: int) -> Iterator[Article | Rejection]:
    if text.lstrip().startswith("["):
        yield from _read_array(text, origin, min_chars)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            err = SourceError("E006", origin, line=number, detail=exc.msg)
            yield Rejection(f"{origin}:{number}", err.code, err.reason)
            continue
        try:
            yield article_from_record(record, origin, number, min_chars)
        except SourceError as err:
            yield Rejection(f"{origin}:{number}", err.code, err.reason)


def _read_array(text: str, origin: str, min_chars: int) -> Iterator[Article | Rejection]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError("E006", origin, line=exc.lineno, detail=exc.msg) from None
    for index, record in enumerate(records, start=1):
        try:
            yield article_from_record(record, origin, index, min_chars)
        except SourceError as err:
            yield Rejection(f"{origin}[{index}]", err.code, err.reason)
