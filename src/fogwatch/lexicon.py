"""Reference data about actors — countries, organisations and sector cue words — loaded once from
the data files in `data/actors/` and indexed for the lookups the extractors make per token.

The data stays in YAML so that people who know the field can correct it without reading code; this
module only indexes it. Lookups are exact first (surface forms are written as news writes them), then
on a folded form (case, accents, typographic quotes, a leading "the"), except for all-caps acronyms:
"US" is the United States, "us" is not.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import yaml


# How a surface form names a country: its name, an adjective ("Armenian"), a noun for its people
# ("Armenians"), a capital ("Baku") or a seat of government ("the Kremlin").
FormKind = Literal["name", "demonym", "people", "capital", "seat"]
_FORM_FIELDS: tuple[tuple[str, FormKind], ...] = (
    ("name", "name"), ("names", "name"), ("adj", "demonym"), ("people", "people"),
    ("capitals", "capital"), ("seats", "seat"),
)
# When one string is both a demonym and a people noun ("Chinese"), the adjective reading is kept.
_FORM_RANK: dict[FormKind, int] = {"name": 0, "seat": 1, "capital": 2, "demonym": 3, "people": 4}

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2013": "-", "\u2014": "-"})

# libyaml's loader when PyYAML was built with it: it reads the data files several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Longest cue phrase, in words; bounds the n-gram lookups the extractor makes per noun phrase.
MAX_CUE_WORDS = 4
# Bound of the per-lexicon memo of name lookups (surface form → result): entity texts recur within
# and across articles, and folding one is the costly part of a miss.
_MAX_MEMO = 50_000


def _remember(memo: dict[str, Any], key: str, compute: Callable[[str], Any]) -> Any:
    """`compute(key)` through `memo`, emptied when it reaches _MAX_MEMO entries (a long run meets
    ever new names)."""
    try:
        return memo[key]
    except KeyError:
        if len(memo) >= _MAX_MEMO:
            memo.clear()
        found = memo[key] = compute(key)
        return found


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    iso2: str
    name: str
    names: tuple[str, ...] = ()
    adj: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Organisation:
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    sector: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class HeadCue:
    """What a head noun says about its phrase. `generic` heads ("spokesman", "officials") yield their
    sector to an organisation or a modifier in the same phrase; `weak` heads ("force", "reports") make
    an actor only together with a country, demonym, organisation or sector modifier."""

    sector: str | None
    generic: bool = False
    weak: bool = False


@dataclass(frozen=True, slots=True)
class AgentRoles:
    """Syntactic cues that a bare country is acting rather than being a place (see sector_cues.yaml)."""

    preps: frozenset[str]
    prep_governors: dict[str, frozenset[str]]
    object_verbs: frozenset[str]
    locative: frozenset[str]
    location: frozenset[str]


def fold(text: str) -> str:
    """The lookup key of a surface form: NFKC, typographic quotes and dashes folded, accents removed,
    case folded, single spaces, without a leading article."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = " ".join(text.casefold().split())
    return text[4:] if text.startswith("the ") else text


def is_acronym(form: str) -> bool:
    """All-caps forms ("US", "U.N.", "WHO") only match exactly: folding them would match words."""
    if form.startswith(("the ", "The ")):
        form = form[4:]
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def words_of(text: str) -> tuple[str, ...]:
    """A cue phrase as the word tuple the extractor builds from tokens (lowercase; hyphenated
    words kept whole)."""
    return tuple(text.lower().split())


def _load_yaml(name: str) -> dict[str, Any]:
    path = files("fogwatch") / "data" / "actors" / name
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}


def _tuple(values: Iterable[Any] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


class Lexicon:
    """The actor reference data with its indexes. Build it with `Lexicon.default()`, which loads the
    files once per process; the lookups are dictionary hits."""

    def __init__(self, countries: list[dict[str, Any]], organisations: list[dict[str, Any]],
                 cues: dict[str, Any]) -> None:
        self.countries: dict[str, Country] = {}
        for entry in countries:
            country = Country(
                iso3=entry["iso3"], iso2=str(entry["iso2"]), name=entry["name"],
                names=_tuple(entry.get("names")), adj=_tuple(entry.get("adj")),
                people=_tuple(entry.get("people")), capitals=_tuple(entry.get("capitals")),
                seats=_tuple(entry.get("seats")),
            )
            self.countries[country.iso3] = country
        self.organisations: dict[str, Organisation] = {}
        for entry in organisations:
            org = Organisation(key=entry["key"], name=entry["name"], aliases=_tuple(entry.get("aliases")),
                               country=entry.get("country"), sector=entry.get("sector"),
                               kind=entry.get("kind"))
            self.organisations[org.key] = org
        self.ambiguous: set[str] = set()
        self._form_memo: dict[str, tuple[str, FormKind] | None] = {}
        self._org_memo: dict[str, Organisation | None] = {}
        self._country_forms, self._country_folded = self._index_countries()
        self._org_forms, self._org_folded = self._index_organisations()
        self._index_cues(cues)

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> Lexicon:
        """The lexicon of the data files shipped with fogwatch, loaded once."""
        return cls(_load_yaml("countries.yaml")["countries"],
                   _load_yaml("organisations.yaml")["organisations"],
                   _load_yaml("sector_cues.yaml"))

    def _index_countries(self) -> tuple[dict[str, tuple[str, FormKind]], dict[str, tuple[str, FormKind]]]:
        """Surface form → (ISO3, kind). A form claimed by two countries is ambiguous and left out of
        both indexes (and of the entity patterns): guessing would be wrong half the time."""
        exact: dict[str, tuple[str, FormKind]] = {}
        owners: dict[str, set[str]] = {}
        for country in self.countries.values():
            for field, kind in _FORM_FIELDS:
                value = getattr(country, field)
                for form in (value,) if isinstance(value, str) else value:
                    owners.setdefault(form, set()).add(country.iso3)
                    known = exact.get(form)
                    if known is None or _FORM_RANK[kind] < _FORM_RANK[known[1]]:
                        exact[form] = (country.iso3, kind)
        for form, isos in owners.items():
            if len(isos) > 1:
                self.ambiguous.add(form)
                exact.pop(form, None)
        folded: dict[str, tuple[str, FormKind]] = {}
        clashes: set[str] = set()
        for form, value in exact.items():
            if is_acronym(form):
                continue
            key = fold(form)
            if key in folded and folded[key][0] != value[0]:
                clashes.add(key)
            elif key not in folded or _FORM_RANK[value[1]] < _FORM_RANK[folded[key][1]]:
                folded[key] = value
        for key in clashes:
            folded.pop(key, None)
        return exact, folded

    def _index_organisations(self) -> tuple[dict[str, str], dict[str, str]]:
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        for org in self.organisations.values():
            for form in (org.name, *org.aliases):
                if form in exact and exact[form] != org.key:
                    self.ambiguous.add(form)
                if form.startswith(("the ", "The ")):
                    # "the Observatory", "The Economist": only with the article, never folded to the
                    # bare common noun.
                    exact.setdefault("the " + form[4:], org.key)
                    exact.setdefault("The " + form[4:], org.key)
                    continue
                exact.setdefault(form, org.key)
                if not is_acronym(form):
                    folded.setdefault(fold(form), org.key)
        return exact, folded

    def _index_cues(self, cues: dict[str, Any]) -> None:
        self.heads: dict[tuple[str, ...], HeadCue] = {}
        for group in cues.get("heads", []):
            cue = HeadCue(group.get("sector"), bool(group.get("generic")), bool(group.get("weak")))
            for phrase in group["words"]:
                self.heads[words_of(phrase)] = cue
        # The last word of every cue phrase: most noun phrases end in none, and need no n-gram lookups.
        self._head_ends: frozenset[str] = frozenset(words[-1] for words in self.heads if words)
        self.modifiers: dict[tuple[str, ...], str] = {
            words_of(phrase): sector for sector, phrases in cues.get("modifiers", {}).items() for phrase in phrases
        }
        # The last word of every modifier phrase, likewise.
        self.modifier_ends: frozenset[str] = frozenset(words[-1] for words in self.modifiers if words)
        self.rebel_markers: frozenset[tuple[str, ...]] = frozenset(words_of(p) for p in cues.get("rebel_markers", []))
        self._rebel_starts: frozenset[str] = frozenset(words[0] for words in self.rebel_markers if words)
        self.ethnic_markers: frozenset[str] = frozenset(w.lower() for w in cues.get("ethnic_markers", []))
        self.affixes: dict[str, str] = {
            word.lower(): relation for relation, words in cues.get("affixes", {}).items() for word in words
        }
        self.prefixes: dict[str, str] = {
            word.lower(): relation for relation, words in cues.get("prefixes", {}).items() for word in words
        }
        self.toponym_heads: frozenset[str] = frozenset(cues.get("toponym_heads", []))
        self.person_place_preps: frozenset[str] = frozenset(p.lower() for p in cues.get("person_place_preps", []))
        self.place_nouns: frozenset[str] = frozenset(w.lower() for w in cues.get("place_nouns", []))
        self.event_nouns: dict[tuple[str, ...], str] = {
            words_of(phrase): sector for sector, phrases in cues.get("event_nouns", {}).items() for phrase in phrases
        }
        roles = cues.get("agent_roles", {})
        self.agent_roles = AgentRoles(
            preps=frozenset(p.lower() for p in roles.get("preps", [])),
            prep_governors={prep.lower(): frozenset(w.lower() for w in words)
                            for prep, words in roles.get("prep_governors", {}).items()},
            object_verbs=frozenset(v.lower() for v in roles.get("object_verbs", [])),
            locative=frozenset(p.lower() for p in roles.get("locative_preps", [])),
            location=frozenset(p.lower() for p in roles.get("location_preps", [])),
        )

    # -- lookups --------------------------------------------------------------------------------

    def country_form(self, text: str) -> tuple[str, FormKind] | None:
        """(ISO3, how the text names it) for a country name, demonym, capital or seat, else None."""
        return _remember(self._form_memo, text, self._country_form)

    def _country_form(self, text: str) -> tuple[str, FormKind] | None:
        text = " ".join(text.split())
        found = self._country_forms.get(text)
        if found is None and text.startswith(("the ", "The ")):
            found = self._country_forms.get(text[4:])
        if found is None and not is_acronym(text):
            found = self._country_folded.get(fold(text))
        return found

    def country_of(self, text: str) -> str | None:
        """ISO 3166-1 alpha-3 of a country name, demonym, capital or seat of government
        ("Azeris" → AZE, "the Kremlin" → RUS), or None."""
        found = self.country_form(text)
        return found[0] if found else None

    def country(self, iso3: str | None) -> Country | None:
        return self.countries.get(iso3) if iso3 else None

    def organisation(self, text: str) -> Organisation | None:
        """The organisation a name or alias stands for ("SOHR", "the Syrian Observatory for Human
        Rights", "Doctors Without Borders"), or None."""
        return _remember(self._org_memo, text, self._organisation)

    def _organisation(self, text: str) -> Organisation | None:
        text = " ".join(text.split())
        key = self._org_forms.get(text)
        if key is None and text.startswith(("the ", "The ")):
            key = self._org_forms.get(text[4:])
        if key is None and not is_acronym(text):
            key = self._org_folded.get(fold(text))
        return self.organisations.get(key) if key else None

    def head_cue(self, words: Sequence[str]) -> tuple[HeadCue, int] | None:
        """The cue of the longest phrase that ends `words` (lowercase words of a noun phrase up to its
        head), with its length in words: ("the", "armenian", "defense", "ministry") → MIL, 2."""
        if not words or words[-1] not in self._head_ends:
            return None
        for n in range(min(MAX_CUE_WORDS, len(words)), 0, -1):
            cue = self.heads.get(tuple(words[-n:]))
            if cue is not None:
                return cue, n
        return None

    def modifier_sector(self, words: Sequence[str]) -> str | None:
        """The sector of a modifier phrase ("military", "human rights"), or None."""
        return self.modifiers.get(tuple(words))

    def has_rebel_marker(self, words: Sequence[str]) -> bool:
        """Whether any word or short phrase marks the actor as rebel or separatist."""
        if self._rebel_starts.isdisjoint(words):
            return False  # no marker starts at any word: most phrases
        n_words = len(words)
        for i in range(n_words):
            if words[i] not in self._rebel_starts:
                continue  # no marker starts here
            for n in (1, 2, 3):
                if i + n <= n_words and tuple(words[i:i + n]) in self.rebel_markers:
                    return True
        return False

    def event_sector(self, words: Sequence[str]) -> str | None:
        """The sector of whoever carries out the event a phrase ends with ("air strikes" → MIL,
        "protests" → CVL), or None when it names no such event."""
        for n in (2, 1):
            if len(words) >= n and (sector := self.event_nouns.get(tuple(words[-n:]))):
                return sector
        return None

    def sector_of(self, words: str | Sequence[str]) -> str | None:
        """The sector that cue words give an actor: rebel markers first ("self-declared government" →
        REB), then the head ("defense ministry" → MIL, "civilians" → CVL), then a modifier
        ("military sources" → MIL)."""
        seq = words_of(words) if isinstance(words, str) else tuple(w.lower() for w in words)
        if not seq:
            return None
        if self.has_rebel_marker(seq):
            return "REB"
        found = self.head_cue(seq)
        if found and found[0].sector and not found[0].generic:
            return found[0].sector
        rest = seq[:-found[1]] if found else seq
        for i in range(len(rest) - 1, -1, -1):
            for n in (2, 1):
                if i - n + 1 >= 0 and (sector := self.modifier_sector(rest[i - n + 1:i + 1])):
                    return sector
        return found[0].sector if found else None

    # -- entity patterns ------------------------------------------------------------------------

    def entity_patterns(self) -> list[dict[str, Any]]:
        """spaCy EntityRuler patterns for actors: demonyms (NORP, id "actor:<ISO3>"), organisations
        and their aliases (ORG, "org:<key>"), seats of government (ORG, "seat:<ISO3>").

        Country names and cities are places: the gazetteer writes their patterns. Forms are exact
        case; one that starts with an article is emitted with "the" and "The"."""
        patterns: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()

        def add(label: str, form: str, ident: str) -> None:
            if form in self.ambiguous or (label, form) in seen:
                return
            seen.add((label, form))
            patterns.append({"label": label, "pattern": form, "id": ident})

        for country in self.countries.values():
            for form in (*country.adj, *country.people):
                add("NORP", form, f"actor:{country.iso3}")
            for form in country.seats:
                add("ORG", form, f"seat:{country.iso3}")
        for org in self.organisations.values():
            for form in (org.name, *org.aliases):
                if form.startswith(("the ", "The ")):
                    add("ORG", "the " + form[4:], f"org:{org.key}")
                    add("ORG", "The " + form[4:], f"org:{org.key}")
                else:
                    add("ORG", form, f"org:{org.key}")
        return patterns


def entity_patterns() -> list[dict[str, Any]]:
    """The actor entity patterns of the default lexicon (what `fogwatch.language` adds to the ruler)."""
    return Lexicon.default().entity_patterns()
