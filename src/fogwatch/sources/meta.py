"""Normalising the metadata every reader finds: dates, outlet names, language."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

_ISO = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


def parse_date(value: Any) -> date | None:
    """A published date from whatever a source gives: ISO strings, datetimes, struct_time, prose."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "tm_year"):  # time.struct_time from feedparser
        return date(value.tm_year, value.tm_mon, value.tm_mday)
    text = str(value).strip()
    match = _ISO.match(text)
    if match:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            return None
    import dateparser  # slow to import; most inputs are ISO

    parsed = dateparser.parse(
        text, languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False}
    )
    return parsed.date() if parsed else None


def clean(value: Any) -> str | None:
    """A metadata string, stripped; empty and non-string values become None."""
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def outlet_from_url(url: str | None) -> str | None:
    """The host of a URL without `www.`: the best outlet name when a page names none."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the guess is weak.

    py3langid ships its model inside the package, so this runs offline.
    """
    # py3langid's time is linear in the text; 600 characters give the same answer on news text
    # (checked on the evaluation corpora) at a fifth of the cost.
    sample = text[:600]
    if len(sample.strip()) < 20:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= 0.5 else None
