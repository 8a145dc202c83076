"""The output record (DESIGN.md §3, a contract read by outside tools): one JSON object per
article. Fields are only ever added, never renamed or removed."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from operator import attrgetter
from typing import Any

from fogwatch.extract import Context
from fogwatch.model import (
    ActorMention, Article, ClaimMention, EventMention, FigureMention, PlaceMention, TimeMention,
)

RECORD_LISTS = ("actors", "places", "times", "figures", "claims", "events")
_PREFIX = {"actors": "a", "places": "p", "times": "t", "figures": "f", "claims": "c", "events": "e"}


def article_header(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source_id": article.source_id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        # Relative times ("on Tuesday") cannot be resolved without it; say so rather than guess.
        "published_known": article.published is not None,
    }


def _actor(m: ActorMention) -> dict[str, Any]:
    return {"text": m.text, "start": m.start, "end": m.end, "name": m.name, "country": m.country,
            "sector": m.sector, "kind": m.kind}


def _place(m: PlaceMention) -> dict[str, Any]:
    return {"text": m.text, "start": m.start, "end": m.end, "name": m.name, "country": m.country,
            "admin1": m.admin1, "lat": m.lat, "lon": m.lon, "feature": m.feature, "geonameid": m.geonameid}


def _time(m: TimeMention) -> dict[str, Any]:
    return {"text": m.text, "start": m.start, "end": m.end,
            "from": m.start_date.isoformat() if m.start_date else None,
            "to": m.end_date.isoformat() if m.end_date else None,
            "granularity": m.granularity, "resolved": m.start_date is not None or m.end_date is not None}


def _figure(m: FigureMention) -> dict[str, Any]:
    return {"text": m.text, "start": m.start, "end": m.end, "category": m.category, "low": m.low,
            "high": m.high, "best": m.best, "qualifier": m.qualifier, "subject": m.subject,
            "claim": None}


def _claim(m: ClaimMention) -> dict[str, Any]:
    return {**_claims_as_dict()(m), "responds_to": None}


@lru_cache(maxsize=1)
def _claims_as_dict() -> Callable[[ClaimMention], dict[str, Any]]:
    """`claims.as_dict`, imported on first use (the claims module imports this package's
    neighbours) and then kept, rather than re-imported for every claim."""
    from fogwatch.extract.claims import as_dict

    return as_dict


def _event(m: EventMention) -> dict[str, Any]:
    acled = None
    if m.acled_event_type:
        acled = {"event_type": m.acled_event_type, "sub_event_type": m.acled_sub_event_type}
    return {"text": m.text, "start": m.start, "end": m.end, "trigger": m.trigger,
            "trigger_start": m.trigger_start, "trigger_end": m.trigger_end, "type": m.type, "mode": m.mode,
            "acled": acled, "actors": [], "targets": [], "place": None, "time": None, "figures": [],
            "claim": None, "negated": m.negated, "hypothetical": m.hypothetical, "historical": m.historical}


_SERIALISERS = {"actors": _actor, "places": _place, "times": _time, "figures": _figure, "claims": _claim,
                "events": _event}


_REFERENCES = ("claim", "responds_to", "place", "time")  # one fact each
_REFERENCE_LISTS = ("actors", "targets", "figures")  # lists of facts
_BY_SPAN = attrgetter("start", "end")


@lru_cache(maxsize=64)
def _links_of(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The reference fields a fact class has. `getattr(fact, name, None)` on a field the class
    lacks raises and catches an AttributeError each time, the largest cost of the record. Objects
    with a __dict__ may carry fields their class does not declare: for them, every name."""
    if cls.__dictoffset__:
        return _REFERENCES, _REFERENCE_LISTS
    return (tuple(name for name in _REFERENCES if hasattr(cls, name)),
            tuple(name for name in _REFERENCE_LISTS if hasattr(cls, name)))


def build_record(ctx: Context) -> dict[str, Any]:
    """The record of one article from what the extractors found; ids are unique per record.
    Facts refer to each other as objects (a figure's claim); here those become ids."""
    record: dict[str, Any] = {"article": article_header(ctx.article)}
    ids: dict[int, str] = {}
    ordered: dict[str, list[Any]] = {}
    for kind in RECORD_LISTS:
        facts = sorted(ctx.facts.get(kind, []), key=_BY_SPAN)
        ordered[kind] = facts
        prefix = _PREFIX[kind]
        for number, fact in enumerate(facts, start=1):
            ids[id(fact)] = f"{prefix}{number}"
    for kind, facts in ordered.items():
        serialise = _SERIALISERS[kind]
        items = []
        for fact in facts:
            item = {"id": ids[id(fact)], **serialise(fact)}
            references, lists = _links_of(type(fact))
            for field_name in references:
                target = getattr(fact, field_name, None)
                if target is not None:
                    item[field_name] = ids.get(id(target))
            for field_name in lists:
                targets = getattr(fact, field_name, None)
                if isinstance(targets, list):
                    item[field_name] = [ids[id(t)] for t in targets if id(t) in ids]
            items.append(item)
        record[kind] = items
    return record
