"""Plain-text articles, with optional YAML front matter for title / published / outlet / url."""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from fogwatch.errors import SourceError
from fogwatch.model import Article
from fogwatch.sources.meta import clean, detect_language, outlet_from_url, parse_date

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
# A first line this short, without final punctuation, and followed by a blank line reads as a headline.
HEADLINE_MAX_CHARS = 160


def split_front_matter(text: str, origin: str) -> tuple[dict, str]:
    match = _FRONT.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise SourceError("E011", origin, detail=str(exc).splitlines()[0]) from None
    if not isinstance(meta, dict):
        raise SourceError("E011", origin, detail="expected key: value lines")
    return {str(k).lower(): v for k, v in meta.items()}, text[match.end():]


def _headline(body: str) -> str | None:
    first, sep, _ = body.partition("\n\n")
    first = first.strip()
    if sep and first and "\n" not in first and len(first) <= HEADLINE_MAX_CHARS and first[-1] not in ".!?\"”":
        return first
    return None


def article_from_text(text: str, origin: str, min_chars: int) -> Article:
    meta, body = split_front_matter(text, origin)
    body = body.strip()
    if len(body) < min_chars:
        raise SourceError("E013", origin, chars=len(body))
    url = clean(meta.get("url") or meta.get("link"))
    return Article(
        text=body,
        title=clean(meta.get("title")) or _headline(body),
        published=parse_date(meta.get("published") or meta.get("date")),
        outlet=clean(meta.get("outlet") or meta.get("source") or meta.get("site")) or outlet_from_url(url),
        url=url,
        language=clean(meta.get("language")) or detect_language(body),
        source_id=clean(meta.get("id")),
        origin=origin,
    )


def read_text(text: str, origin: str, min_chars: int) -> Iterator[Article]:
    yield article_from_text(text, origin, min_chars)
