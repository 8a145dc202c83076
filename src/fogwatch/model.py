"""The vocabulary fogwatch speaks: every layer passes these types, never loose dicts.

Later layers (mentions, figures, claims, events, disputes) add their types here so that the whole
record is described in one module.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

# Typographic variants folded before hashing, so that a wire copy re-typeset by another outlet
# ("curly" vs "straight" quotes, en dashes) keeps the same identity.
_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00ad": None, "\u200b": None,
})
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The form of a text that identity is computed on: NFKC, folded punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return _SPACE.sub(" ", text).strip()


def article_id(text: str) -> str:
    """Content identity: the same text from any outlet or URL is the same article."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:20]


@dataclass(slots=True)
class Article:
    """One news report as read from a source, before any language processing.

    `source_id` is the id the input gave it (a JSONL `id`), kept so that gold data and users'
    own keys still find it; `id` is always the content hash.
    """

    text: str
    title: str | None = None
    published: date | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None
    source_id: str | None = None
    origin: str | None = None  # where it was read: path, path:line, URL
    id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id(self.text)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d


@dataclass(slots=True, frozen=True)
class Rejection:
    """An input that could not become an article, with the reason a person can act on."""

    origin: str
    code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


IngestOutcome = Literal["new", "appearance", "stored", "failed"]
"""new: a text not seen before; appearance: a known text at another outlet or URL (wire copy);
stored: nothing new; failed: rejected."""


# -- mentions: who, where, when (the `actors`, `places`, `times` lists of the record) -----------

Sector = Literal["GOV", "MIL", "REB", "CVL", "IGO", "NGO", "MED", "PER", "UNK"]
Granularity = Literal["day", "week", "month", "year", "range", "unknown"]


@dataclass(slots=True)
class Span:
    """A character span of `article.text`; `text` is exactly `article.text[start:end]`."""

    text: str
    start: int
    end: int


@dataclass(slots=True)
class ActorMention(Span):
    """Someone who acts or speaks: a state, an armed force, an organisation, a person."""

    name: str | None = None  # normalised: "Russian military", "Syrian Observatory for Human Rights"
    country: str | None = None  # ISO 3166-1 alpha-3
    sector: Sector | None = None
    kind: str | None = None  # country, capital, organisation, person, group (how it was recognised)


@dataclass(slots=True)
class PlaceMention(Span):
    name: str | None = None
    country: str | None = None  # ISO3
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None  # country, admin1, city, region, mountain, ...
    geonameid: int | None = None


@dataclass(slots=True)
class TimeMention(Span):
    """A temporal expression resolved against the article's published date."""

    start_date: date | None = None  # the record's `from`
    end_date: date | None = None  # the record's `to`; None for an open end ("since Tuesday")
    granularity: Granularity = "unknown"


# -- figures and claims: how many, and who says so --------------------------------------------

FigureCategory = Literal[
    "killed", "wounded", "missing", "captured", "arrested", "displaced", "sheltered", "evacuated",
    "deployed", "equipment_destroyed", "protesters", "other",
]
Qualifier = Literal[
    "exact", "at_least", "more_than", "at_most", "up_to", "approximately", "nearly", "range", "vague",
]


@dataclass(slots=True)
class FigureMention(Span):
    """A count of people or things in the conflict, as an interval: `low`/`high` None = unbounded;
    `best` is the conservative reading a coder would use."""

    category: FigureCategory = "other"
    low: int | None = None
    high: int | None = None
    best: int | None = None
    qualifier: Qualifier = "exact"
    subject: str | None = None  # "civilians", "Syrian fighters"
    amount_text: str | None = None  # the words of the amount alone: "nearly a hundred"
    claim: Any = None  # the ClaimMention that carries it (set by the claims extractor)


Stance = Literal["assert", "allege", "deny", "hedge"]
SourceKind = Literal["outlet", "named", "anonymous", "media"]


@dataclass(slots=True)
class Source:
    """Who a claim is attributed to. Offsets are None for the outlet's own voice."""

    kind: SourceKind
    text: str | None = None
    start: int | None = None
    end: int | None = None
    name: str | None = None
    country: str | None = None
    sector: Sector | None = None


@dataclass(slots=True)
class ClaimMention(Span):
    """Something a source says: `start`/`end` cover what is claimed (its content); the source and
    the cue ("said", "according to", "denied") carry their own spans."""

    source: Source = field(default_factory=lambda: Source("outlet"))
    cue: Span | None = None
    stance: Stance = "assert"
    responds_to: "ClaimMention | None" = None
    sentence_start: int = 0
    sentence_end: int = 0


# -- events: who did what to whom ----------------------------------------------------------------

PloverType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]


@dataclass(slots=True)
class EventMention(Span):
    """One event: `start`/`end` cover the clause that reports it, `trigger_*` the word that names it
    ("shelling", "downed"). Facts it involves are the objects other extractors found."""

    trigger: str = ""
    trigger_start: int = 0
    trigger_end: int = 0
    type: PloverType = "ASSAULT"
    mode: str | None = None  # PLOVER mode: "firearms", "artillery", "aerial", "protest", …
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    actors: list[Any] = field(default_factory=list)  # ActorMention objects
    targets: list[Any] = field(default_factory=list)  # ActorMention objects
    place: Any = None  # PlaceMention
    time: Any = None  # TimeMention
    figures: list[Any] = field(default_factory=list)  # FigureMention objects
    claim: Any = None  # ClaimMention
    negated: bool = False
    hypothetical: bool = False
    historical: bool = False
