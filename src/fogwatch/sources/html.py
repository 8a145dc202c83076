"""HTML pages: trafilatura finds the main text, title, date and site name."""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
import trafilatura
from lxml import etree

from fogwatch.errors import SourceError
from fogwatch.model import Article
from fogwatch.sources.meta import clean, detect_language, outlet_from_url, parse_date


_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}


def html_to_text(fragment: str) -> str:
    """All visible text of an HTML fragment (a feed entry's content), one line per block."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fromstring(fragment)
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


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
