"""HTML pages: trafilatura finds the main text, title, date and site name."""

from __future__ import annotations

from collections.abc import Iterator

import trafilatura

from fogwatch.errors import SourceError
from fogwatch.model import Article
from fogwatch.sources.meta import clean, detect_language, outlet_from_url, parse_date


def html_to_text(fragment: str) -> str:
    """All text of an HTML fragment (a feed entry's content), paragraphs kept apart."""
    return (trafilatura.html2txt(fragment) or "").strip()


def read_html(html: str, origin: str, min_chars: int, url: str | None = None) -> Iterator[Article]:
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_recall=True,
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(text) < min_chars:
        # trafilatura drops very short pages; fall back to all visible text before giving up.
        text = html_to_text(html)
    if len(text) < min_chars:
        raise SourceError("E005", origin, detail=f" ({len(text)} characters of text)")
    page_url = clean(getattr(doc, "url", None)) or url
    yield Article(
        text=text,
        title=clean(getattr(doc, "title", None)),
        published=parse_date(getattr(doc, "date", None)),
        outlet=clean(getattr(doc, "sitename", None)) or outlet_from_url(page_url),
        url=page_url,
        language=detect_language(text),
        origin=origin,
    )
