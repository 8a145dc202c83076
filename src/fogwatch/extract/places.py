"""Places: every mention of a place in the article, resolved with the gazetteer to a name,
country, first-level region, coordinates and kind of place.

Mentions come from the entity layer (the statistical NER's GPE / LOC / FAC, and fogwatch's own
place patterns, whose ids start with "place:"). Each is resolved in the light of the whole
article: the countries of its unambiguous places and of its actors make "Tripoli" the Lebanese
city beside Beirut, and "Tripoli, Lebanon" or "Syria's Idlib" settle it locally. The words
around a name are read too: a direction before it ("northwest Syria", "northern Gaza") joins
the span, and "province" / "countryside" after it selects the region rather than the town.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from fogwatch.extract import Context
from fogwatch.language import columns, text_of, token_chars, tokens_text
from fogwatch.gazetteer import Gazetteer, Place, fold
from fogwatch.model import PlaceMention

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Unresolved FACs ("the White House", "Route 66") are not kept: most are buildings, not places.
KEEP_UNRESOLVED = frozenset({"GPE", "LOC"})
RULER_PREFIX = "place:"

# "north", "northern", "north-west", "northwestern", "north-eastern", "central", …
_DIRECTION = re.compile(r"^(?:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?$|^central$", re.I)
# Words after a name that say which kind of place it is; the first group asks for the region.
_REGION_WORDS = frozenset({"province", "governorate", "oblast", "region", "state", "countryside",
                           "suburbs", "district", "prefecture", "department", "county"})
_SETTLEMENT_WORDS = frozenset({"city", "town", "village", "camp"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
# Capitalised words that make a place name the first word of an organisation's or outlet's
# name ("Sahel Dispatch", "Aleppo Media Center", "Idlib Military Council"): not a place mention.
_NAME_HEADS = frozenset({
    "Dispatch", "Times", "Post", "News", "Tribune", "Herald", "Observer", "Media", "Monitor", "Daily",
    "Journal", "Radio", "TV", "Television", "Network", "Agency", "Press", "Wire", "Today", "Center",
    "Centre", "Council", "Committee", "Committees", "Front", "Brigade", "Brigades", "Army", "Forces",
    "Regiment", "Battalion", "Division", "Corps", "Legion", "Shield", "Revolutionaries", "Observatory",
    "Coordination", "Group", "Company", "Airways", "University", "Union", "Party", "Movement",
})
_FUNCTION_WORDS = frozenset({"of", "the", "and", "in", "on", "at", "to", "for", "from", "by", "with",
                             "near", "west", "east", "north", "south", "central"})
# A town outside the countries an article is about, found by its own name (or only by one of
# its alternate names), must be this large to be believed over an unknown local place.
FOREIGN_TOWN_POPULATION = 100_000
FOREIGN_ALIAS_POPULATION = 500_000


@dataclass(frozen=True)
class _Reading:
    """One way to read a mention: the name to look up, the span it covers (character offsets
    into doc.text), and the kind of place the wording asks for (the reading only counts if the
    gazetteer finds one of that kind)."""

    name: str
    start: int
    end: int
    prefer: str | None = None


@dataclass
class _Mention:
    """A place mention before resolution: its entity label, our ruler's key if it has one, and
    its readings, most specific first ("northwest Syria", then "Syria")."""

    label: str
    readings: list[_Reading]
    ruler_key: str | None = None

    @property
    def start(self) -> int:
        return self.readings[-1].start

    @property
    def end(self) -> int:
        return self.readings[-1].end


# A look-up's memo: (name, context, hints, prefer) → place. One article names the same places many
# times and resolves each mention up to four times (with and without context, and for its
# neighbours); `Gazetteer.resolve` depends on nothing else, so one call per distinct look-up does.
_Memo = dict[tuple[str, frozenset[str], frozenset[str], str | None], Place | None]


def extract_places(doc: Doc, ctx: Context) -> list[PlaceMention]:
    gazetteer = Gazetteer.default()
    text = text_of(doc)
    mentions = [m for ent in doc.ents if (m := _mention(doc, ent)) is not None]
    if not mentions:
        return []
    memo: _Memo = {}

    # 1. what the article is about: countries of places that need no context, and of actors
    context: set[str] = {a.country for a in ctx.facts.get("actors", []) or [] if getattr(a, "country", None)}
    for mention in mentions:
        place, reading = _resolve(gazetteer, mention, frozenset(), frozenset(), memo)
        if place is not None and place.country and _unambiguous(gazetteer, reading.name, place):
            context.add(place.country)

    # 2. resolve every mention in that light, with local hints from its neighbours
    frozen = frozenset(context)
    hints = _local_hints(text, mentions, gazetteer, frozen, memo)
    out: list[PlaceMention] = []
    for i, mention in enumerate(mentions):
        place, reading = _resolve(gazetteer, mention, frozen, hints.get(i, frozenset()), memo)
        if place is None and (mention.label not in KEEP_UNRESOLVED or not _lookup_worthy(reading.name)
                              or reading.name.split()[-1].lower() in _FUNCTION_WORDS):
            continue
        mention_out = PlaceMention(text=text[reading.start:reading.end], start=reading.start, end=reading.end)
        if place is not None:
            mention_out.name, mention_out.country, mention_out.admin1 = place.name, place.country, place.admin1
            mention_out.lat, mention_out.lon, mention_out.feature = place.lat, place.lon, place.feature
            mention_out.geonameid = place.geonameid
        out.append(mention_out)
    return out


# -- finding mentions ---------------------------------------------------------------------------

def _mention(doc: Doc, ent: Span) -> _Mention | None:
    """The mention an entity makes, if it is a place. Reads the Doc's shared token list
    (`columns`) and cuts texts from the document text: no Token or Span is built."""
    cols = columns(doc)
    tokens, lowers = cols.tokens, cols.lower
    ent_id = ent.ent_id_
    ruler_key = ent_id[len(RULER_PREFIX):] if ent_id.startswith(RULER_PREFIX) else None
    label = ent.label_
    if label not in PLACE_LABELS and ruler_key is None:
        return None
    n = len(tokens)
    start, end = ent.start, ent.end
    ent_end = end
    if ent_end < n and tokens[ent_end].text in _NAME_HEADS:
        return None  # the first word of an organisation's name
    while end > start and tokens[end - 1].text in _POSSESSIVE:  # "Armenia's" as one entity
        end -= 1
    if end > start and lowers[start] == "the":
        start += 1
    if start >= end:
        return None

    # a direction inside the entity ("Northern Syria") or just before it ("northwest Syria")
    inner = _direction_length(tokens, start, end)
    outer = None if inner else _direction_before(tokens, start)
    first = outer if outer is not None else start
    core = start + inner  # the name without its direction
    # a word after it that says which kind of place it is ("Idlib province", "Raqqa city")
    suffix = lowers[end] if end == ent_end and end < n else ""
    prefer = "admin1" if suffix in _REGION_WORDS else "city" if suffix in _SETTLEMENT_WORDS else None

    readings = []
    if prefer:
        readings.append(_Reading(tokens_text(doc, first, end + 1), *token_chars(doc, first, end + 1)))
        if first != core:
            readings.append(_Reading(tokens_text(doc, core, end + 1), *token_chars(doc, first, end + 1)))
    if first != core:
        readings.append(_Reading(tokens_text(doc, first, end), *token_chars(doc, first, end)))
    if prefer:
        readings.append(_Reading(tokens_text(doc, core, end), *token_chars(doc, first, end + 1), prefer=prefer))
    readings.append(_Reading(tokens_text(doc, core, end), *token_chars(doc, first, end)))
    return _Mention(label=label, readings=readings, ruler_key=ruler_key)


def _direction_length(tokens: list[Token], start: int, end: int) -> int:
    """How many tokens at the start of tokens[start:end] are a direction ("north", "-", "western")."""
    n = 0
    while start + n < end - 1 and (_DIRECTION.match(tokens[start + n].text) or
                                   (tokens[start + n].text == "-" and n > 0)):
        n += 1
    if n and tokens[start + n - 1].text == "-":
        n -= 1
    if not n:
        return 0
    # the words as written, spaces dropped (`Span.text` of the run, without its inner spaces)
    joined = "".join(t.text_with_ws for t in tokens[start:start + n]).replace(" ", "")
    return n if _DIRECTION.match(joined) else 0


def _direction_before(tokens: list[Token], start: int) -> int | None:
    """The first token of a direction right before a name, if there is one."""
    i = start - 1
    if i < 0:
        return None
    before = tokens[i]
    if before.ent_type_:
        return None
    if _DIRECTION.match(before.text):
        # "north-western": north, -, western
        if i >= 2 and tokens[i - 1].text == "-" and _DIRECTION.match(tokens[i - 2].text):
            return i - 2
        return i
    return None


# -- resolving ----------------------------------------------------------------------------------

def _resolve(gazetteer: Gazetteer, mention: _Mention, context: frozenset[str], hints: frozenset[str],
             memo: _Memo | None = None) -> tuple[Place | None, _Reading]:
    """The first reading the gazetteer knows, and the place it means, if that is plausible.
    `memo` keeps the gazetteer's answers for the article (see `_Memo`)."""
    for reading in mention.readings:
        if not _lookup_worthy(reading.name):
            continue
        if memo is None:
            place = gazetteer.resolve(reading.name, context, hint_countries=hints, prefer=reading.prefer)
        else:
            key = (reading.name, context, hints, reading.prefer)
            if key in memo:
                place = memo[key]
            else:
                place = memo[key] = gazetteer.resolve(reading.name, context, hint_countries=hints,
                                                      prefer=reading.prefer)
        if place is None:
            continue
        if reading.prefer and not _kind_matches(place, reading.prefer, context):
            continue
        if mention.label == "FAC" and mention.ruler_key is None and not _by_own_name(reading.name, place):
            continue  # "White House" is a translated alias of Casablanca, not a place here
        if not _plausible(reading.name, place, context | hints):
            continue
        return place, reading
    last = mention.readings[-1]
    name = last.name
    if name.endswith("s") and len(name) > 4 and name[-2].islower() and _lookup_worthy(name):
        # apostrophes stripped from the text ("Syrias capital"): a country or a curated place only
        place = gazetteer.resolve(name[:-1], context, hint_countries=hints)
        if place is not None and (place.feature == "country" or place.curated):
            return place, last
    if mention.ruler_key:
        return gazetteer.get(mention.ruler_key), last
    return None, last


@lru_cache(maxsize=4096)
def _lookup_worthy(name: str) -> bool:
    """A name worth looking up: capitalised somewhere ("Southwest of" leaves "of"), not ending
    in a hyphen ("al-"), and not a function word."""
    return any(c.isupper() for c in name) and not name.endswith("-") and name.lower() not in _FUNCTION_WORDS


def _kind_matches(place: Place, prefer: str, context: frozenset[str]) -> bool:
    """Whether a reading that asked for a kind of place ("… province", "… camp") found one the
    article could mean: of that kind, and curated or in the article's countries ("Jordan camp"
    is not a district of Hong Kong)."""
    if place.feature != prefer and not (prefer == "city" and place.feature == "town"):
        return False
    return place.curated or not context or place.country in context


def _plausible(name: str, place: Place, context: frozenset[str]) -> bool:
    """Whether a resolution is more likely than "a place the gazetteer does not know".

    An article about Syria that names a village the gazetteer lacks should not be put in Egypt
    because an Egyptian town shares the name. So a town outside the article's countries counts
    only if it is large, or curated; and a name of two letters only means a country ("US")."""
    if len(fold(name).replace(" ", "")) < 3:
        return place.feature == "country" or place.curated
    if place.feature not in ("city", "town") or place.curated or not context or place.country in context:
        return True
    floor = FOREIGN_TOWN_POPULATION if _by_own_name(name, place) else FOREIGN_ALIAS_POPULATION
    return (place.population or 0) >= floor


def _by_own_name(name: str, place: Place) -> bool:
    """Whether a name is the place's own (its name, or a curated alias) rather than one of the
    many GeoNames alternate names, which include translations that are common English phrases."""
    return place.curated or place.feature == "country" or fold(name) == fold(place.name)


def _unambiguous(gazetteer: Gazetteer, name: str, place: Place) -> bool:
    """Whether a mention can set the article's context on its own: a country, a region, curated
    conflict geography, or a sizeable town whose name no other country shares (a small town
    abroad whose name, or one of its alternate names, is also a local village's must not pull
    the article there)."""
    if place.feature in ("country", "admin1") or place.curated:
        return True
    if (place.population or 0) < FOREIGN_TOWN_POPULATION or not _by_own_name(name, place):
        return False
    return len({p.country for p in gazetteer.candidates(name)}) == 1


def _local_hints(text: str, mentions: list[_Mention], gazetteer: Gazetteer,
                 context: frozenset[str], memo: _Memo | None = None) -> dict[int, frozenset[str]]:
    """Countries the neighbouring words pin a mention to. "Tripoli, Lebanon": a country or region
    right after a comma places the town before it; "Atlanta, Georgia": a town whose name only one
    country has places the region after it; "Syria's Idlib": a possessive country before it."""
    hints: dict[int, set[str]] = defaultdict(set)
    for i in range(len(mentions) - 1):
        left, right = mentions[i], mentions[i + 1]
        between = text[left.end:right.start]
        if between.strip() == ",":
            outer, _ = _resolve(gazetteer, right, context, frozenset(), memo)
            if outer is not None and outer.country and outer.feature in ("country", "admin1"):
                hints[i].add(outer.country)
            inner, reading = _resolve(gazetteer, left, context, frozenset(), memo)
            if inner is not None and inner.country and inner.feature in ("city", "town") \
                    and _unambiguous(gazetteer, reading.name, inner):
                hints[i + 1].add(inner.country)
        elif between.strip() in ("'s", "’s", "s") and between.startswith(("'", "’", "s")):
            outer, _ = _resolve(gazetteer, left, context, frozenset(), memo)
            if outer is not None and outer.country and outer.feature in ("country", "admin1"):
                hints[i + 1].add(outer.country)
    return {i: frozenset(countries) for i, countries in hints.items()}
