"""Extractors: one module per kind of fact, each a function of (parsed article, context) → facts
with character spans. They run in the order of `EXTRACTORS`, and each sees what earlier ones
found in `ctx.facts` (places use the actors' countries to pick "Georgia" the country over the US
state; claims will use actors as sources)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from spacy.tokens import Doc

from fogwatch.language import known_text
from fogwatch.model import Article


@dataclass
class Context:
    article: Article
    facts: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def published(self) -> date | None:
        return self.article.published


Extractor = Callable[[Doc, Context], list[Any]]

# kind of fact → "module:function"; registered by name so that importing one does not load all.
EXTRACTORS: dict[str, str] = {
    "actors": "fogwatch.extract.actors:extract_actors",
    "places": "fogwatch.extract.places:extract_places",
    "times": "fogwatch.extract.times:extract_times",
    "figures": "fogwatch.extract.figures:extract_figures",
    "claims": "fogwatch.extract.claims:extract_claims",
    "events": "fogwatch.extract.events:extract_events",
}


def get_extractor(kind: str) -> Extractor:
    module, _, name = EXTRACTORS[kind].partition(":")
    return getattr(import_module(module), name)


def prepare_extractors() -> None:
    """Load now what an extractor module would load at its first use mid-run (its optional
    `prepare()`): before workers fork, and outside any timed batch."""
    for target in EXTRACTORS.values():
        prepare = getattr(import_module(target.partition(":")[0]), "prepare", None)
        if prepare is not None:
            prepare()


def run_extractors(doc: Doc, article: Article, kinds: list[str] | None = None) -> Context:
    """Every extractor (or those of `kinds`) on the Doc parsed from `article.text`."""
    known_text(doc, article.text)
    ctx = Context(article)
    for kind in kinds or list(EXTRACTORS):
        ctx.facts[kind] = get_extractor(kind)(doc, ctx)
    return ctx
