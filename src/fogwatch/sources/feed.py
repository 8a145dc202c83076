"""RSS and Atom feeds. An entry with full content becomes an article directly; an entry with only
a summary is followed to its link, whose page is extracted like any HTML page."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import feedparser

from fogwatch.errors import SourceError
from fogwatch.model import Article, Rejection
from fogwatch.sources.html import html_to_text
from fogwatch.sources.meta import clean, detect_language, outlet_from_url, parse_date

# Content shorter than this is treated as a teaser: most feeds cut summaries at 200–500 characters.
FULL_CONTENT_MIN_CHARS = 600

FetchArticle = Callable[[str], Article]


def read_feed(
    data: bytes, origin: str, min_chars: int, fetch_article: FetchArticle | None
) -> Iterator[Article | Rejection]:
    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = str(parsed.get("bozo_exception") or "no entries")
        raise SourceError("E008", origin, detail=problem.splitlines()[0][:200])
    outlet = clean(parsed.feed.get("title"))
    for index, entry in enumerate(parsed.entries, start=1):
        link = clean(entry.get("link"))
        where = f"{origin}#{link or index}"
        content = ""
        if entry.get("content"):
            content = html_to_text(" ".join(c.get("value", "") for c in entry.content))
        summary = html_to_text(entry.get("summary", "")) if entry.get("summary") else ""
        published = parse_date(entry.get("published_parsed") or entry.get("updated_parsed"))
        title = clean(entry.get("title"))
        try:
            if len(content) >= FULL_CONTENT_MIN_CHARS or (content and not link):
                text = content
            elif link and fetch_article is not None:
                article = fetch_article(link)
                article.title = article.title or title
                article.published = article.published or published
                article.outlet = outlet or article.outlet
                article.origin = where
                yield article
                continue
            else:
                text = content or summary
            if len(text) < min_chars:
                raise SourceError("E013", where, chars=len(text))
        except SourceError as err:
            yield Rejection(where, err.code, err.reason)
            continue
        yield Article(
            text=text,
            title=title,
            published=published,
            outlet=outlet or outlet_from_url(link),
            url=link,
            language=_language(parsed.feed.get("language")) or detect_language(text),
            origin=where,
        )


def _language(code: object) -> str | None:
    """`en-us` → `en`: feeds give a locale, the record wants the language."""
    value = clean(code)
    return value.split("-")[0].lower() if value else None
