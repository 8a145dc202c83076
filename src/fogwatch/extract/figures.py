"""Figures: every count of people or things in the conflict, as an interval with a category, a
qualifier and a subject ("at least 200 people" killed → [200, None], best 200, at_least).

The words come from data/figures.yaml; this module holds the grammar:

1. find the amounts: digits ("2,261", "1.5 million"), number words ("forty-one", "a hundred",
   "half a million", "two dozen"), vague amounts ("dozens", "several hundred", "tens of
   thousands", "in the thousands"), ranges ("between 20 and 30", "20-30", "two or three") and the
   qualifier before or after them ("at least", "closer to", "or more");
2. drop what is not a count: years and dates, ages, weapon models, durations, percentages, money,
   times, labels ("Resolution 2254", "Route 7");
3. attach the amount to the noun it counts ("200 people", "hundreds of fighters", "two “enemy”
   tanks") by the parse, with the word order as a check;
4. find the category from what governs the phrase: a verb that happens to it ("killing 6
   civilians", "70 people died", "with 400 wounded"), a noun ("the deaths of nearly a hundred"),
   a count noun ("the death toll rose to 70", "put the number of fighters in the thousands"), its
   own words ("22 people killed", "12 dead"), the set it belongs to ("including 1,049 children"),
   or the count it takes up ("the number is closer to 850");
5. turn qualifier and amount into [low, high] and `best` (the conservative reading).

Only counts of people and of conflict equipment are figures; a count of anything else ("two
wars", "three villages") is kept only if nothing says it is not people and a category cue
clearly governs it ("killed 12 Alawites").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc, Token

from fogwatch.extract import Context
from fogwatch.language import Columns, columns, text_of, token_chars, tokens_text
from fogwatch.language import sentences as all_sentences
from fogwatch.model import FigureMention

__all__ = ["extract_figures", "lexicon", "Lexicon"]

_DIGITS = re.compile(r"^(\d{1,3}(,\d{3})+|\d{1,7})(\.\d+)?$")
_DIGIT_RANGE = re.compile(r"^(\d{1,3}(?:,\d{3})*|\d{1,7})[-–—](\d{1,3}(?:,\d{3})*|\d{1,7})$")
_QUOTES = {'"', "'", "“", "”", "‘", "’", "``", "''", "«", "»"}
_HYPHENS = {"-", "–", "—"}
_PATIENT_DEPS = {"dobj", "nsubjpass", "attr", "oprd", "dative"}
_PARTITIVE_PRONOUNS = {"them", "whom", "which", "those", "these", "us", "you"}
_MOVES = {"evacuated", "sheltered", "arrested", "captured"}  # what can happen to the wounded or dead
_CATEGORY_ORDER = ("killed", "wounded", "missing", "captured", "arrested", "displaced", "sheltered",
                   "evacuated", "equipment_destroyed", "protesters", "deployed")


# -- the lexicon ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cue:
    category: str
    applies_to: str  # people, equipment, any
    weak: bool
    particle: str | None = None  # "down" of "shoot down", "prisoner" of "take prisoner"
    alone: bool = False  # intransitive: only without an object or clause of its own
    strict: bool = False  # only for words known to name people or equipment ("lost 50 soldiers")


_TO_DEATH = Cue("killed", "people", False)


@dataclass
class Lexicon:
    number_words: dict[str, int]
    scale_words: dict[str, int]
    fraction_words: dict[str, float]
    qualifiers_before: dict[tuple[str, ...], str]
    qualifiers_after: dict[tuple[str, ...], str]
    range_joiners: set[str]
    change_verbs: set[str]
    spread: dict[str, float]
    vague: dict[tuple[str, ...], tuple[int, int | None]]
    vague_multipliers: dict[tuple[str, ...], tuple[int, int]]
    in_the: dict[tuple[str, ...], tuple[int, int | None]]
    people: set[str]
    equipment: set[str]
    not_counted: set[str]
    deployed_nouns: set[str]
    verbs: dict[str, list[Cue]]  # transitive: the figure undergoes them
    intransitive: dict[str, list[Cue]]  # the figure is their subject
    nouns: dict[str, list[Cue]]  # govern what they are "of": "the deaths of nearly a hundred"
    counted: dict[str, list[Cue]]  # their count is the figure: "40 fatalities"
    events: dict[str, list[Cue]]  # what a light verb makes of its subject: "staged a rally"
    adjectives: dict[str, list[Cue]]
    count_nouns: set[str]
    light_verbs: set[str]
    result_verbs: set[str]
    count_prepositions: set[str]
    subset_prepositions: set[str]
    label_words: set[str]
    not_after: set[str]
    currency: set[str]
    months: set[str]
    max_qualifier: int = 4
    amount_words: set[str] = field(default_factory=set)
    in_the_first: set[str] = field(default_factory=set)
    participles: set[str] = field(default_factory=set)  # "killed", "injured", "executed"
    headline_words: set[str] = field(default_factory=set)
    # first (last) words of the phrase tables: most tokens start no phrase, and a set look-up
    # settles that before any phrase is built
    vague_first: set[str] = field(default_factory=set)
    vague_multipliers_first: set[str] = field(default_factory=set)
    qualifiers_after_first: set[str] = field(default_factory=set)
    qualifiers_before_last: set[str] = field(default_factory=set)
    # words that can open an amount, with "a", "an", "in", "between", "from" (see _find_amounts)
    amount_openers: set[str] = field(default_factory=set)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Lexicon:
        def phrases(mapping: dict[str, Any]) -> dict[tuple[str, ...], Any]:
            return {tuple(k.split()): v for k, v in mapping.items()}

        def interval(v: list[Any]) -> tuple[int, int | None]:
            return int(v[0]), (None if v[1] is None else int(v[1]))

        verbs: dict[str, list[Cue]] = {}
        intransitive: dict[str, list[Cue]] = {}
        nouns: dict[str, list[Cue]] = {}
        counted: dict[str, list[Cue]] = {}
        events: dict[str, list[Cue]] = {}
        adjectives: dict[str, list[Cue]] = {}
        strict = set(d.get("strict_verbs") or [])
        for category, spec in d["categories"].items():
            applies = spec.get("applies_to", "people")
            weak = bool(spec.get("weak", False))
            for key, table in (("verbs", verbs), ("intransitive", intransitive)):
                for entry in spec.get(key) or []:
                    head, _, particle = str(entry).partition(" ")
                    table.setdefault(head, []).append(Cue(category, applies, weak, particle or None,
                                                          alone=key == "intransitive",
                                                          strict=head in strict))
            for key, table in (("nouns", nouns), ("counted", counted), ("events", events),
                               ("adjectives", adjectives)):
                for entry in spec.get(key) or []:
                    table.setdefault(str(entry), []).append(Cue(category, applies, weak))
        lex = cls(
            number_words={str(k): int(v) for k, v in d["number_words"].items()},
            scale_words={str(k): int(v) for k, v in d["scale_words"].items()},
            fraction_words={str(k): float(v) for k, v in d["fraction_words"].items()},
            qualifiers_before=phrases(d["qualifiers_before"]),
            qualifiers_after=phrases(d["qualifiers_after"]),
            range_joiners=set(map(str, d["range_joiners"])),
            change_verbs=set(d["change_verbs"]),
            spread={str(k): float(v) for k, v in d["intervals"].items()},
            vague={k: interval(v) for k, v in phrases(d["vague"]).items()},
            vague_multipliers={k: interval(v) for k, v in phrases(d["vague_multipliers"]).items()},
            in_the={k: interval(v) for k, v in phrases(d["in_the"]).items()},
            people=set(d["people_nouns"]),
            equipment=set(d["equipment_nouns"]),
            not_counted=set(d["not_counted"]),
            deployed_nouns=set(d["deployed_nouns"]),
            verbs=verbs, intransitive=intransitive, nouns=nouns, counted=counted, events=events,
            adjectives=adjectives,
            count_nouns=set(d["count_nouns"]),
            light_verbs=set(d["light_verbs"]),
            result_verbs=set(d["result_verbs"]),
            count_prepositions=set(d["count_prepositions"]),
            subset_prepositions=set(d["subset_prepositions"]),
            label_words=set(map(str, d["label_words"])),
            not_after=set(map(str, d["not_after"])),
            currency=set(d["currency_words"]),
            months=set(map(str, d["months"])),
        )
        lex.max_qualifier = max(len(k) for k in lex.qualifiers_before)
        lex.in_the_first = {k[0] for k in lex.in_the}
        lex.participles = {_participle(v) for v in list(verbs) + list(intransitive)}
        lex.headline_words = lex.participles | set(adjectives)
        lex.amount_words = (set(lex.number_words) | set(lex.scale_words) | set(lex.fraction_words)
                            | {k[0] for k in lex.vague} | {k[0] for k in lex.vague_multipliers})
        lex.vague_first = {k[0] for k in lex.vague}
        lex.vague_multipliers_first = {k[0] for k in lex.vague_multipliers}
        lex.qualifiers_after_first = {k[0] for k in lex.qualifiers_after}
        lex.qualifiers_before_last = {k[-1] for k in lex.qualifiers_before}
        lex.amount_openers = lex.amount_words | {"a", "an", "in", "between", "from"}
        return lex


def _participle(verb: str) -> str:
    """A regular past participle, enough to recognise a headline's verbs: kill → killed,
    injure → injured, die → died, abduct → abducted, flee → fleed (harmless)."""
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    text = resources.files("fogwatch").joinpath("data/figures.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return Lexicon.from_dict(yaml.load(text, Loader=loader))


# -- amounts ----------------------------------------------------------------------------------

@dataclass
class Amount:
    start: int  # first token of the amount (after the qualifier)
    end: int  # one past the last token of the amount (ranges and "or more" included)
    low: float | None
    high: float | None
    value: float | None = None  # the number when exact-able ("200", "a hundred")
    vague: bool = False
    weak: bool = False  # "one", "a": needs a clear category cue
    qualifier: str = "exact"
    qstart: int = -1  # first token of the qualifier (== start when none)


def _at(lowers: list[str], i: int) -> str:
    """The lower-case word at token i, "" outside the Doc."""
    return lowers[i] if 0 <= i < len(lowers) else ""


def _lower(doc: Doc, i: int) -> str:
    return _at(columns(doc).lower, i)


def _digits(text: str) -> float | None:
    if not _DIGITS.match(text) or (text[0] == "0" and len(text) > 1 and text[1] != "."):
        return None
    return float(text.replace(",", ""))


def _read_number(cols: Columns, i: int, lex: Lexicon) -> tuple[float, int] | None:
    """A number starting at token i: (value, end). Digits ("2,261", "1.5 million"), words
    ("forty-one", "two hundred and fifty", "a dozen"), fractions ("half a million").
    Digits are read from the lower-case column: they have no case, so it matches the text."""
    lowers = cols.lower
    n = len(lowers)
    first = lowers[i]
    if first in lex.fraction_words:
        k = i + 2 if _at(lowers, i + 1) in ("a", "an") else i + 1
        scale = lex.scale_words.get(_at(lowers, k), 0)
        if scale >= 1000:
            return lex.fraction_words[first] * scale, k + 1
        return None
    total, current, j, last = 0.0, 0.0, i, ""
    if first in ("a", "an"):
        if _at(lowers, i + 1) not in lex.scale_words:
            return None
        current, j, last = 1.0, i + 1, "a"
    while j < n:
        w = lowers[j]
        digits = _digits(w)
        if digits is not None:
            if last:
                break  # digits never continue another number ("2015 22 dead")
            current, last, j = digits, "digit", j + 1
            continue
        if w in lex.number_words:
            v = lex.number_words[w]
            if last in ("digit", "unit", "a") or (last == "tens" and v >= 10):
                break
            current += v
            last = "tens" if v >= 20 else "unit"
            j += 1
            continue
        if w in _HYPHENS and last == "tens" and cols.tokens[j].whitespace_ == "" \
                and 0 < lex.number_words.get(_at(lowers, j + 1), 99) < 10:
            j += 1
            continue
        if w in lex.scale_words and last:
            scale = lex.scale_words[w]
            if last == "scale" and scale < 1000:
                break
            if scale >= 1000:
                total += (current or 1.0) * scale
                current = 0.0
            else:
                current = (current or 1.0) * scale
            last, j = "scale", j + 1
            continue
        if w == "and" and last == "scale" and _at(lowers, j + 1) in lex.number_words:
            j += 1
            continue
        break
    if not last or last == "a":
        return None
    return total + current, j


def _match_phrase(lowers: list[str], i: int, table: dict[tuple[str, ...], Any], longest: int,
                  firsts: set[str]):
    """The longest phrase of `table` starting at token i: (key, value) or None. `firsts`: the
    first words of the table's phrases (a word that starts none ends the search at once)."""
    n = len(lowers)
    if i >= n or lowers[i] not in firsts:
        return None
    for size in range(longest, 0, -1):
        if i + size > n:
            continue
        key = tuple(lowers[i:i + size])
        if key in table:
            return key, table[key]
    return None


def _read_vague(lowers: list[str], i: int, lex: Lexicon) -> tuple[int, int | None, int] | None:
    """A vague amount at token i: (low, high, end)."""
    mult = _match_phrase(lowers, i, lex.vague_multipliers, 3, lex.vague_multipliers_first)
    if mult:
        key, (a, b) = mult
        j = i + len(key)
        if _at(lowers, j) == "of" and _at(lowers, j + 1) in ("thousands", "millions", "hundreds"):
            scale = lex.scale_words[_at(lowers, j + 1)[:-1]]
            return a * scale, (b + 1) * scale - 1, j + 2
        if _at(lowers, j) in lex.scale_words and _at(lowers, j) not in ("dozen",) and key[0] != "many":
            scale = lex.scale_words[_at(lowers, j)]
            return a * scale, (b + 1) * scale - 1, j + 1
    found = _match_phrase(lowers, i, lex.vague, 3, lex.vague_first)
    if found:
        key, (a, b) = found
        return a, b, i + len(key)
    return None


def _value_ok(v: float | None) -> bool:
    return v is not None and v == int(v) and v >= 0


def _qualifier_before(lowers: list[str], start: int, lex: Lexicon, floor: int) -> tuple[str, int] | None:
    if start < 1 or lowers[start - 1] not in lex.qualifiers_before_last:
        return None  # no qualifier ends on the word before
    for size in range(lex.max_qualifier, 0, -1):
        s = start - size
        if s < floor:
            continue
        key = tuple(lowers[s:start])
        if key in lex.qualifiers_before:
            return lex.qualifiers_before[key], s
    return None


def _find_amounts(doc: Doc, lex: Lexicon) -> list[Amount]:
    amounts: list[Amount] = []
    cols = columns(doc)
    lowers, numeric = cols.lower, cols.like_num
    n = len(lowers)
    words = lex.amount_words
    scales = lex.scale_words
    in_the = lex.in_the_first
    # the tokens the loop below can stop at: numbers, amount words, "a", "in", "between" …;
    # each distinct word is tested once, then the tokens are picked by set look-up
    openers = lex.amount_openers
    words_here = set(lowers)
    hits = openers.intersection(words_here)
    hits.update(w for w in words_here if w[:1].isdigit() and _DIGIT_RANGE.match(w))
    candidates = [k for k, (w, num) in enumerate(zip(lowers, numeric)) if num or w in hits]
    resume = 0  # where the scan goes on after an amount
    for i in candidates:
        if i < resume:
            continue
        w = lowers[i]
        nxt = lowers[i + 1] if i + 1 < n else ""
        if numeric[i] or w in words or (w[:1].isdigit() and _DIGIT_RANGE.match(w)):
            pass
        elif w in ("a", "an"):
            if nxt not in scales:
                continue
        elif w == "in":
            if nxt != "the" or i + 2 >= n or lowers[i + 2] not in in_the:
                continue
        elif w in ("between", "from"):
            if not (i + 1 < n and (numeric[i + 1] or nxt in words)):
                continue
        else:
            continue
        amount = _read_amount(cols, i, lex)
        if amount is None:
            continue
        floor = amounts[-1].end if amounts else 0
        if amount.qstart == amount.start and not amount.vague:
            found = _qualifier_before(lowers, amount.start, lex, floor)
            if found is not None:
                qualifier, qstart = found
                if amount.qualifier == "exact" or qualifier != "exact":
                    amount.qualifier = qualifier if amount.qualifier != "range" else "range"
                amount.qstart = qstart
        amounts.append(amount)
        resume = max(amount.end, i + 1)
    return amounts


def _read_amount(cols: Columns, i: int, lex: Lexicon) -> Amount | None:
    """The amount (with a range and a trailing qualifier) starting at token i."""
    lowers = cols.lower
    w = lowers[i]
    # "in the thousands", "in the hundreds of thousands"
    if w == "in":
        if _at(lowers, i + 1) == "the":
            found = _match_phrase(lowers, i + 2, lex.in_the, 3, lex.in_the_first)
            if found:
                key, (a, b) = found
                return Amount(i + 2, i + 2 + len(key), a, b, vague=True, qualifier="vague", qstart=i)
        return None
    # "between 20 and 30", "from 50 to 70"
    if w in ("between", "from"):
        first = _read_simple(cols, i + 1, lex)
        if first is None or first.vague:
            return None
        joiner = _at(lowers, first.end)
        if (w == "between" and joiner != "and") or (w == "from" and joiner not in ("to", "-", "–")):
            return None
        second = _read_simple(cols, first.end + 1, lex)
        if second is None or second.vague or second.value is None or first.value is None:
            return None
        if w == "from":
            # "the toll rose from 50 to 70": the old value is left out
            second.qstart = second.start
            return second
        lo, hi = sorted((first.value, second.value))
        return Amount(first.start, second.end, lo, hi, value=lo, qualifier="range", qstart=i)
    amount = _read_simple(cols, i, lex)
    if amount is None:
        return None
    # ranges: "20 to 30", "20-30", "two or three"
    joiner = _at(lowers, amount.end)
    if not amount.vague and amount.value is not None and joiner in lex.range_joiners and joiner != "and":
        second = _read_simple(cols, amount.end + 1, lex)
        if second is not None and not second.vague and second.value is not None \
                and second.value > amount.value and not second.weak:
            if joiner == "or" and second.value > amount.value * 10:
                second = None
            if second is not None:
                return Amount(amount.start, second.end, amount.value, second.value, value=amount.value,
                              qualifier="range", qstart=amount.start)
    # trailing qualifiers: "200 or more", "a hundred or so", "50-odd", "200-plus"
    k = amount.end
    if _at(lowers, k) in _HYPHENS and _at(lowers, k + 1) in ("odd", "plus"):
        found = ((_at(lowers, k + 1),), lex.qualifiers_after.get((_at(lowers, k + 1),)))
        k += 1
    else:
        found = _match_phrase(lowers, k, lex.qualifiers_after, 2, lex.qualifiers_after_first)
    if found and found[1] and not amount.vague and amount.qualifier == "exact":
        amount.qualifier = found[1]
        amount.end = k + len(found[0])
    return amount


def _read_simple(cols: Columns, i: int, lex: Lexicon) -> Amount | None:
    lowers = cols.lower
    if i >= len(lowers):
        return None
    w = lowers[i]  # digits and dashes have no case: the lower-case form is the text
    m = _DIGIT_RANGE.match(w) if w[:1].isdigit() else None
    if m:  # "20-30" as one token
        a, b = float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))
        if b <= a or m.group(1)[0] == "0" or m.group(2)[0] == "0" or (len(m.group(2)) == 4 and a < 100):
            return None  # "3-1" (a score), "04-2016", "11-2014" (dates)
        return Amount(i, i + 1, a, b, value=a, qualifier="range", qstart=i)
    vague = _read_vague(lowers, i, lex)
    if vague:
        a, b, end = vague
        return Amount(i, end, a, b, vague=True, qualifier="vague", qstart=i)
    number = _read_number(cols, i, lex)
    if number is None:
        return None
    value, end = number
    if not _value_ok(value):
        return None
    return Amount(i, end, value, value, value=value, weak=value == 1, qstart=i)


# -- not counts ---------------------------------------------------------------------------------

def _year_like(doc: Doc, a: Amount) -> bool:
    if a.end - a.start != 1 or a.value is None:
        return False
    text = columns(doc).tokens[a.start].text
    return len(text) == 4 and text.isdigit() and 1900 <= a.value <= 2099


_MODEL_JOINERS = _HYPHENS | {"/", "."}
_DATE_JOINERS = _HYPHENS | {"/"}


def _is_model_or_label(doc: Doc, a: Amount, lex: Lexicon) -> bool:
    """F-16, SU-25 (split by the tokenizer), Resolution 2254, Route 7, page 3, No. 5."""
    tokens = columns(doc).tokens  # the Doc's Tokens, built once
    prev = tokens[a.qstart - 1] if a.qstart > 0 else None
    if prev is None:
        return False
    before = tokens[a.qstart - 2] if a.qstart >= 2 else None
    if prev.text in _MODEL_JOINERS and before is not None and before.whitespace_ == "" \
            and prev.whitespace_ == "" and (before.text.isalpha() or before.text[-1:].isdigit()):
        return True  # "T-72", "SU-25" split by the tokenizer; "15-11-2014", "555-1234"
    nxt = tokens[a.end] if a.end < len(tokens) else None
    if nxt is not None and nxt.text in _DATE_JOINERS and tokens[a.end - 1].whitespace_ == "" \
            and nxt.whitespace_ == "" and a.end + 1 < len(tokens) and tokens[a.end + 1].text[:1].isdigit():
        return True  # "15-11-2014", "555-1234" (a date, a phone number)
    if prev.whitespace_ == "" and (prev.text[-1:].isalpha()) and tokens[a.start].text[:1].isdigit():
        return True  # glued: "F16", "AK47"
    if a.qstart == a.start and prev.lower_.rstrip(".") in lex.label_words | {"no"} \
            and (prev.lower_ != "no" or prev.text.endswith(".") or prev.text == "No"):
        return True
    if a.qstart == a.start and prev.pos_ == "PROPN" and prev.is_title and tokens[a.start].text[:1].isdigit() \
            and prev.ent_type_ in ("LAW", "FAC", "PRODUCT", "ORG", "EVENT", "WORK_OF_ART") \
            and tokens[a.start].ent_type_ == prev.ent_type_:
        return True
    return False


def _is_date_or_time(doc: Doc, a: Amount, lex: Lexicon) -> bool:
    prev = _lower(doc, a.qstart - 1)
    nxt = _lower(doc, a.end)
    if prev in lex.months or prev.rstrip(".") in lex.months:
        return True
    if nxt in lex.months or nxt.rstrip(".") in lex.months:
        return True
    if _year_like(doc, a):
        return True
    return False


_YEAR_OLD = _HYPHENS | {"old"}


def _excluded_after(doc: Doc, a: Amount, lex: Lexicon) -> bool:
    tokens = columns(doc).tokens  # the Doc's Tokens, built once
    nxt = _lower(doc, a.end)
    if a.end < len(tokens) and tokens[a.end - 1].whitespace_ == "" and nxt[:1].isalpha():
        return True  # glued to a unit or a suffix: "120mm", "5km", "1990s"
    if nxt in lex.not_after:
        return True
    if nxt in _HYPHENS and tokens[a.end - 1].whitespace_ == "" and tokens[a.end].whitespace_ == "" \
            and _lower(doc, a.end + 1) not in ("strong", "odd", "plus") and _lower(doc, a.end + 1)[:1].isalpha():
        return True  # a compound adjective: "12-year-old", "two-man race", "48-hour truce", "two-thirds"
    if nxt in ("year", "years") and _lower(doc, a.end + 1) in _YEAR_OLD:
        return True  # "his 25 year-old son"
    if nxt in ("in", "out") and (_lower(doc, a.end + 1)[:1].isdigit() or _lower(doc, a.end + 2)[:1].isdigit()
                                  or _lower(doc, a.end + 1) in lex.number_words):
        return True  # "four in 10 voters", "three out of 5": a proportion
    if nxt in lex.currency or (nxt.endswith("s") and nxt[:-1] in lex.currency):
        return True
    if nxt in (":", "/", ".") and _lower(doc, a.end + 1)[:1].isdigit():
        return True
    return False


def _excluded_before(doc: Doc, a: Amount, lex: Lexicon) -> bool:
    tokens = columns(doc).tokens  # the Doc's Tokens, built once
    prev = tokens[a.qstart - 1] if a.qstart > 0 else None
    if prev is None:
        return False
    if prev.text == "," and a.qstart >= 2 and _lower(doc, a.end) == "," and a.qstart == a.start \
            and (tokens[a.qstart - 2].ent_type_ == "PERSON" or tokens[a.qstart - 2].pos_ == "PROPN"):
        return True  # "Omar Haddad, 52, was detained": an age
    p = prev.lower_
    if p in ("in", "of") and a.qstart >= 2 and a.qstart == a.start and (
            tokens[a.qstart - 2].like_num or (p == "of" and _lower(doc, a.qstart - 2) == "out")):
        return True  # the 10 of "four in 10", "three out of 5"
    if p in ("$", "£", "€", "¥", "us$", "usd", "eur", "gbp", "aged", "age", "ages", "#", "rs", "rs."):
        return True
    if p in (":", "/") and prev.whitespace_ == "":
        return True
    return False


# -- the counted noun -----------------------------------------------------------------------------

@dataclass
class Phrase:
    amount: Amount
    head: Token | None  # the counted noun (or "dead", "wounded" after the number)
    np_start: int  # first token of the subject words (after "of the")
    end: int  # one past the last token of the figure span
    partitive_pronoun: bool = False  # "six of them"
    subject_end: int = -1
    unit: bool = False  # "a 2,000-strong force"


# Per-Doc memos (in `doc.user_data`, dropped by `language.release`): the same few nouns are looked
# up again and again (their kind, their cues), each time by all their forms.
_KEYS_MEMO = "fogwatch_figures_keys"
_KINDS_MEMO = "fogwatch_figures_kinds"


def _keys(tok: Token) -> tuple[str, ...]:
    """The forms a word is looked up by (see `_word_keys`), once per token and Doc."""
    user_data = tok.doc.user_data
    memo = user_data.get(_KEYS_MEMO)
    if memo is None:
        memo = user_data[_KEYS_MEMO] = {}
    i = tok.i
    keys = memo.get(i)
    if keys is None:
        keys = memo[i] = _word_keys(tok)
    return keys


def _word_keys(tok: Token) -> tuple[str, ...]:
    """The forms a word is looked up by: lemma, lower case, a singular guess for capitalised
    plurals the lemmatizer leaves alone ("Terrorists", "Civilians"), and "compound + lemma"
    ("death toll", "aid worker")."""
    lemma, low = tok.lemma_.lower(), tok.lower_
    keys = [lemma, low]
    if low.endswith("ies") and len(low) > 4:
        keys.append(low[:-3] + "y")
    elif low.endswith("es") and low[-3:-2] in ("s", "x", "h"):
        keys.append(low[:-2])
    elif low.endswith("s") and not low.endswith("ss"):
        keys.append(low[:-1])
    if low.endswith("men"):
        keys.append(low[:-3] + "man")
    if tok.i > 0:
        prev = tok.doc[tok.i - 1]
        if prev.dep_ == "compound" and prev.head.i == tok.i:
            keys.append(f"{prev.lower_} {lemma}")
    return tuple(keys)


def _in(tok: Token, words: set[str] | dict[str, Any]) -> bool:
    for k in _keys(tok):
        if k in words:
            return True
    return False


def _counted_noun(doc: Doc, a: Amount, lex: Lexicon) -> Phrase:
    """The noun the amount counts, found in word order and checked against the parse.
    Words are read from the Doc's columns (quotes and hyphens have no case: a word is one
    exactly when its lower-case form is)."""
    cols = columns(doc)
    tokens, lowers, pos = cols.tokens, cols.lower, cols.pos
    n = len(tokens)
    k = a.end
    partitive = False
    strong = False
    if _at(lowers, k) == "of":
        nxt = _at(lowers, k + 1)
        if nxt in _PARTITIVE_PRONOUNS:
            return Phrase(a, None, k + 1, k + 2, partitive_pronoun=True)
        k += 1
        partitive = True
        if nxt in ("the", "these", "those", "their", "its", "his", "her", "our", "whom"):
            k += 1
    elif _at(lowers, k) in _HYPHENS and _at(lowers, k + 1) == "strong":
        # "a 2,000-strong force": the count of a unit's members
        k += 2
        strong = True
    start = k
    limit = min(n, start + 7)
    head: Token | None = None
    j = start
    while j < limit:
        low = lowers[j]
        if low in _QUOTES or low in _HYPHENS:
            j += 1
            continue
        t_pos = pos[j]
        if t_pos in ("NOUN", "PROPN"):
            head = _run_head(doc, j, limit, lex, plural=a.value != 1)
            break
        if low in lex.subset_prepositions:
            break  # "Kills 23 including Militants": the set, not its members
        t = tokens[j]
        if t_pos in ("ADJ", "NUM") or t.tag_ in ("VBN", "VBG") or (t_pos == "ADV" and t.head.i > j):
            if t_pos == "NUM" and cols.like_num[j]:
                break  # another number: "2015 22 dead"
            if (low in lex.adjectives and (j + 1 >= n or pos[j + 1] not in ("NOUN", "PROPN", "ADJ")
                                           or lowers[j + 1] in _QUOTES)) \
                    or (t.is_title and t.tag_ in ("VBN", "VBD", "JJ") and low in lex.headline_words):
                head = t  # "22 dead", "400 wounded", "12 injured in the attack"
                break
            if t.tag_ in ("VBN", "VBG", "VBD") and (j + 1 >= n or pos[j + 1] not in
                                                   ("NOUN", "PROPN", "ADJ", "PUNCT")):
                if t.lemma_ in lex.verbs or t.lemma_ in lex.intransitive:
                    head = t  # "70 killed in raids"
                break
            j += 1
            continue
        break
    if head is None:
        return Phrase(a, None, start, a.end)
    head_pos = pos[head.i]
    number = tokens[a.end - 1]
    if head_pos in ("NOUN", "PROPN") and partitive is False and _kind_of_noun(head, lex) not in (
            "people", "equipment") and number.head.i not in \
            (head.i,) and number.dep_ not in ("nummod", "quantmod", "compound", "amod", "nmod",
                                              "advmod", "npadvmod", "det", "conj", "appos"):
        # the parse attaches the number elsewhere ("in 2015 people fled"); trust word order only
        # when the number has no role of its own
        if number.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "attr") and \
                number.head.i != head.i:
            return Phrase(a, None, start, a.end)
    end = head.i + 1
    subject_end = end
    # "service personnel and civilians": a conjunct without its own number shares the count
    if head_pos in ("NOUN", "PROPN"):
        for child in head.rights:
            if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN") and child.i <= end + 2 \
                    and not any(c.dep_ == "nummod" or c.like_num or c.lower_ in ("a", "an")
                                for c in child.lefts):
                end = subject_end = child.i + 1
                break
    return Phrase(a, head, start, end, subject_end=subject_end, unit=strong)


def _run_head(doc: Doc, j: int, limit: int, lex: Lexicon, plural: bool = True) -> Token:
    """The head of the noun phrase whose first noun is token j.

    The phrase runs over nouns and over modifiers glued to them by hyphens ("Turkish-backed
    Syrian mercenaries"); its head is the last word of its first stretch of words for people or
    equipment ("Jeish Al Fatah Terrorists"; "5 civilians AFP Thursday" in text without
    punctuation), else the word the parse makes the head of the compound."""
    cols = columns(doc)
    tokens, lowers, pos, like_num = cols.tokens, cols.lower, cols.pos, cols.like_num
    run = [tokens[j]]
    modifier = False  # inside a hyphenated modifier: "-backed", "-held"
    k = j + 1
    while k < limit:
        t = tokens[k]
        low, t_pos = lowers[k], pos[k]
        if like_num[k] or (low in lex.headline_words and t.is_title):
            break  # "One Killed Others Injured": a headline's verb, whatever its tag
        if low in _HYPHENS:  # (hyphens and quotes have no case: the lower-case form is the text)
            if t.whitespace_ or tokens[k - 1].whitespace_:
                break
            modifier = True
        elif t_pos in ("NOUN", "PROPN"):
            modifier = False
        elif low in _QUOTES:
            pass
        elif t_pos in ("ADJ", "VERB") and (modifier or (lowers[k - 1] in _HYPHENS)):
            modifier = True
        elif t.dep_ in ("compound", "amod", "nmod") and k < t.head.i < limit:
            pass  # a modifier of a noun further on: "al-Nusra Front terrorists" ("Front" as ADJ)
        else:
            break
        run.append(t)
        k += 1
    while run and run[-1].pos_ not in ("NOUN", "PROPN"):
        run.pop()
    nouns = [t for t in run if t.pos_ in ("NOUN", "PROPN")]
    kinds = [_kind_of_noun(t, lex) for t in nouns]
    if len(nouns) > 1 and kinds[-1] == "thing" and nouns[-2].dep_ == "compound" \
            and nouns[-2].head.i == nouns[-1].i:
        return nouns[-1]  # "21 car bombs", "hundreds of mortar shells": the last noun is the head
    # "two years anti-regime fighters": the years are what is counted; but in "Islamic State
    # fighters" the word "State" only names the fighters
    last_i = run[-1].i
    for t, kind in zip(nouns, kinds):
        if kind == "thing" and not (t.i + 1 < len(doc) and doc[t.i + 1].text in _HYPHENS) \
                and not (t.dep_ == "compound" and t.i < t.head.i <= last_i):
            return t
        if kind in ("people", "equipment"):
            break
    counted = [t for t, kind in zip(nouns, kinds) if kind in ("people", "equipment")]
    if counted:
        last = counted[0]
        for t in run[run.index(counted[0]) + 1:]:
            if t in counted:
                if plural and t.tag_ in ("NN", "NNP") and last.tag_ in ("NNS", "NNPS"):
                    break  # "took 5 soldiers prisoner": the count agrees with "soldiers"
                last = t
            elif t.dep_ in ("compound", "amod", "nmod") and t.i < t.head.i <= run[-1].i:
                continue  # a modifier of a later word: "Islamic State fighters"
            elif _kind_of_noun(t, lex) == "thing" or t.pos_ == "PROPN":
                break  # "civilians AFP Thursday": a name after the counted word starts anew
        return last
    t = run[0]
    while t.dep_ in ("compound", "amod", "nmod", "npadvmod") and t.head.i > t.i and t.head.i <= run[-1].i:
        t = t.head
    return t if t.pos_ in ("NOUN", "PROPN") else nouns[0]


# -- categories ---------------------------------------------------------------------------------

def _kind_of_noun(tok: Token | None, lex: Lexicon) -> str | None:
    """people, equipment, thing (not counted), unknown; None when there is no noun. Asked many
    times of the same nouns: once per token and Doc (and lexicon)."""
    if tok is None:
        return None
    user_data = tok.doc.user_data
    memo = user_data.get(_KINDS_MEMO)
    if memo is None or memo[0] is not lex:
        memo = user_data[_KINDS_MEMO] = (lex, {})
    kinds = memo[1]
    kind = kinds.get(tok.i)
    if kind is None:
        kind = kinds[tok.i] = _noun_kind(tok, lex)
    return kind


def _noun_kind(tok: Token, lex: Lexicon) -> str:
    """`_kind_of_noun` of a token."""
    if tok.pos_ not in ("NOUN", "PROPN"):
        return "people" if _in(tok, lex.adjectives) else "unknown"
    if _in(tok, lex.equipment):
        return "equipment"
    if _in(tok, lex.people) or _in(tok, lex.deployed_nouns):
        return "people"
    if _in(tok, lex.not_counted):
        return "thing"
    if any(ch.isdigit() for ch in tok.text) and any(ch.isalpha() for ch in tok.text):
        return "equipment"  # a model name as the counted noun: "two SU-25s"
    if tok.ent_type_ in ("NORP",) or _in(tok, lex.counted):
        return "people"
    return "unknown"


def _applies(cue: Cue, kind: str | None) -> bool:
    if cue.applies_to == "any":
        return True
    if cue.applies_to == "equipment":
        return kind == "equipment"
    return kind != "equipment"


_PARTICLE_DEPS = {"prt", "advmod", "oprd", "acomp", "xcomp", "ccomp", "dobj", "npadvmod", "attr", "dep",
                  "amod", "conj", "advcl", "compound"}


def _has_particle(verb: Token, particle: str) -> bool:
    """"shot down", "took 20 soldiers prisoner", "shot dead": the particle is a bare word the verb
    governs (not a prepositional phrase: "taken in other ways" is not "taken in")."""
    def bare(c: Token) -> bool:
        if c.dep_ == "prep" and c.lower_ in ("from", "out", "off", "away"):
            return True  # "forced 8 million from their homes"
        return c.dep_ in _PARTICLE_DEPS and all(g.dep_ in ("det", "punct", "cc", "nummod", "compound", "amod")
                                                for g in c.children)
    words = particle.split()
    return all(any((c.lower_ == w or c.lemma_ == w) and bare(c) for c in verb.children) for w in words)


def _verb_cue(verb: Token, table: dict[str, list[Cue]], kind: str | None) -> Cue | None:
    cues = table.get(verb.lemma_.lower()) or table.get(verb.lower_)
    if not cues:
        if kind != "equipment" and any(c.dep_ == "prep" and c.lower_ == "to" and any(
                g.lemma_ == "death" for g in c.children) for c in verb.children):
            return _TO_DEATH  # "stoned to death", "beaten to death", "starved to death"
        return None
    plain = None
    for cue in cues:
        if not _applies(cue, kind) or (cue.strict and kind not in ("people", "equipment")):
            continue
        if cue.alone and any(c.dep_ in ("dobj", "ccomp") for c in verb.children):
            continue  # "they demonstrated that ...", "protested his innocence"
        if cue.particle:
            if _has_particle(verb, cue.particle):
                return cue
        elif plain is None:
            plain = cue
    return plain


def _verb_group(verb: Token) -> list[Token]:
    """A verb and the verbs coordinated with it that share its arguments: "were rounded up and
    executed", "killed and injured many terrorists"."""
    group = [verb]
    for c in verb.children:
        if c.dep_ == "conj" and c.pos_ in ("VERB", "ADJ") and not any(
                g.dep_ in ("nsubj", "nsubjpass", "dobj") for g in c.children):
            group.append(c)
    if verb.dep_ == "conj" and verb.head.pos_ == "VERB" and not any(
            g.dep_ in ("nsubj", "nsubjpass", "dobj") for g in verb.children) and any(
            g.dep_ in ("nsubj", "nsubjpass", "dobj") for g in verb.head.children):
        group.append(verb.head)
    return group


def _severest(cues: list[Cue | None]) -> Cue | None:
    real = [c for c in cues if c is not None]
    if not real:
        return None
    strong = [c for c in real if not c.weak] or real
    return min(strong, key=lambda c: _CATEGORY_ORDER.index(c.category)
               if c.category in _CATEGORY_ORDER else 99)


def _group_cue(verb: Token, table: dict[str, list[Cue]], kind: str | None) -> Cue | None:
    return _severest([_verb_cue(v, table, kind) for v in _verb_group(verb)])


def _word_cue(tok: Token, table: dict[str, list[Cue]], kind: str | None) -> Cue | None:
    for key in _keys(tok):
        for cue in table.get(key, ()):
            if _applies(cue, kind):
                return cue
    return None


def _is_passive_like(verb: Token) -> bool:
    """A participle that tells what happened to its subject: "with 400 wounded", "70 killed"."""
    if any(c.dep_ in ("auxpass",) for c in verb.children):
        return True
    if any(c.dep_ == "dobj" for c in verb.children):
        return False
    if any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children):
        return False
    return verb.tag_ in ("VBN", "VBD")


def _complement_cue(verb: Token, lex: Lexicon, kind: str | None) -> Cue | None:
    """"reported killed", "found dead", "left homeless", "believed to have been killed"."""
    for child in verb.children:
        if child.dep_ in ("xcomp", "oprd", "acomp", "ccomp", "advcl", "dep", "conj", "attr") and child.i > verb.i:
            if child.dep_ == "conj" and child.pos_ == "VERB":
                continue
            if child.pos_ in ("ADJ", "NOUN") or child.tag_ in ("JJ", "VBN", "VBG"):
                cue = _word_cue(child, lex.adjectives, kind)
                if cue:
                    return cue
            if child.pos_ in ("VERB", "AUX") and child.dep_ in ("xcomp", "ccomp", "oprd"):
                if any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children):
                    continue
                cue = _verb_cue(child, lex.verbs, kind) or _verb_cue(child, lex.intransitive, kind)
                if cue:
                    return cue
                inner = _complement_cue(child, lex, kind) if child.dep_ == "xcomp" else None
                if inner:
                    return inner
    return None


def _self_cue(head: Token, lex: Lexicon, kind: str | None) -> Cue | None:
    """What the counted words say of themselves: "22 people killed", "civilians who died",
    "12 dead", "displaced people", "40 fatalities", "hostages"."""
    if head.pos_ not in ("NOUN", "PROPN", "PRON"):
        cue = _word_cue(head, lex.adjectives, kind)
        if cue:
            return cue
        if head.pos_ == "VERB" or head.tag_ in ("VBN", "VBD"):
            return _verb_cue(head, lex.verbs, kind) or _verb_cue(head, lex.intransitive, kind)
        return None
    for child in head.children:
        if child.dep_ in ("acl",) and child.tag_ in ("VBN",):
            cue = _verb_cue(child, lex.verbs, kind) or _word_cue(child, lex.adjectives, kind)
            if cue:
                return cue
        elif child.dep_ == "acl" and child.tag_ == "VBG":
            cue = _verb_cue(child, lex.intransitive, kind)
            if cue:
                return cue
        elif child.dep_ == "relcl":
            subj = [c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")]
            rel = subj[0] if subj else None
            if rel is not None and rel.lower_ in ("who", "that", "which") or rel is None:
                if rel is not None and rel.dep_ == "nsubjpass" or _is_passive_like(child) and rel is None:
                    cue = _verb_cue(child, lex.verbs, kind)
                else:
                    cue = _verb_cue(child, lex.intransitive, kind)
                cue = cue or _complement_cue(child, lex, kind)
                if cue:
                    return cue
        elif child.dep_ in ("amod",) and (child.i < head.i or child.i == head.i + 1):
            cue = _word_cue(child, lex.adjectives, kind)
            if cue and not cue.weak:
                return cue
    nxt = head.doc[head.i + 1] if head.i + 1 < len(head.doc) else None
    if nxt is not None and nxt.tag_ == "VBN" and nxt.head.i == head.i:
        cue = _verb_cue(nxt, lex.verbs, kind)
        if cue:
            return cue
    cue = _word_cue(head, lex.counted, kind)
    if cue and not cue.weak and not _in(head, lex.count_nouns):
        return cue
    return None


def _of_object(noun: Token) -> Token | None:
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _count_noun_cue(noun: Token, lex: Lexicon, depth: int = 0) -> tuple[Cue | None, Token | None, bool]:
    """The category of a count noun: "the death toll" → killed, "the number of fighters" →
    deployed; (cue, what it counts, anaphoric) — anaphoric when it counts nothing it names."""
    for child in noun.children:
        if child.dep_ in ("compound", "amod") and child.i < noun.i:
            cue = _word_cue(child, lex.nouns, None) or _word_cue(child, lex.counted, None) \
                or _word_cue(child, lex.adjectives, None)
            if cue:
                return cue, None, False
    obj = _of_object(noun)
    if obj is not None:
        kind = _kind_of_noun(obj, lex)
        cue = _self_cue(obj, lex, kind) or _word_cue(obj, lex.counted, kind) \
            or _word_cue(obj, lex.adjectives, kind)
        if cue is None and _in(obj, lex.deployed_nouns):
            cue = Cue("deployed", "people", True)
        if cue is None and _in(obj, lex.count_nouns) and depth < 2:
            return _count_noun_cue(obj, lex, depth + 1)
        return cue, obj, False
    if noun.lemma_.lower() == "toll":
        return Cue("killed", "any", False), None, False
    for child in noun.children:
        if child.dep_ == "acl":
            cue = _self_cue(noun, lex, None)
            if cue:
                return cue, None, False
    return None, None, True


def _subject_of(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    return None


@dataclass
class Found:
    cue: Cue | None = None
    parent: Token | None = None  # a subset: the noun of the set it belongs to
    anaphoric: bool = False  # "the number is closer to 850"
    subject: Token | None = None  # what a count noun counts
    strength: int = 0


def _phrase_top(doc: Doc, p: Phrase) -> Token:
    """The token of the figure phrase that the rest of the sentence governs."""
    lo, hi = p.amount.qstart, max(p.end, p.amount.end)
    if p.head is not None and p.head.pos_ in ("NOUN", "PROPN") and not (lo <= p.head.head.i < hi):
        if p.head.dep_ != "conj":
            return p.head
    best, best_depth = None, 10 ** 6
    for t in doc[lo:hi]:
        if lo <= t.head.i < hi and t.head.i != t.i:
            continue
        depth, x = 0, t
        while x.head.i != x.i and depth < 50:
            x, depth = x.head, depth + 1
        if depth < best_depth:
            best, best_depth = t, depth
    return best if best is not None else doc[p.amount.start]


def _govern(top: Token, kind: str | None, lex: Lexicon, depth: int = 0) -> Found:
    """What the sentence says happened to the figure whose phrase is headed by `top`."""
    if depth > 3:
        return Found()
    dep, head = top.dep_, top.head
    if head.i == top.i:
        return Found()
    if dep in ("conj", "appos") and head.pos_ in ("NOUN", "PROPN", "NUM"):
        return _govern(head, kind, lex, depth + 1)
    if dep in ("npadvmod", "dep") and head.pos_ in ("NOUN", "PROPN", "NUM") and top.i > head.i:
        return _govern(head, kind, lex, depth + 1)
    if dep == "prep" and top.lower_ in lex.count_prepositions:
        # the phrase is itself a prepositional phrase: "(put the number) in the thousands"
        dep, head, top = "pobj", top, top
    if dep == "pobj":
        prep = head
        word = prep.lower_
        above = prep.head
        if word in lex.subset_prepositions:
            return Found(parent=above, strength=2)
        if word == "alongside" or (word == "with" and (above.lower_ in ("along", "together") or any(
                c.lower_ in ("along", "together") for c in above.children))):
            # "X was killed along with several other members": they share the verb
            verb = above if above.pos_ == "VERB" else above.head
            if verb.pos_ == "VERB":
                cue = _group_cue(verb, lex.intransitive, kind)
                if cue is None and _is_passive_like(verb):
                    cue = _group_cue(verb, lex.verbs, kind)
                if cue:
                    return Found(cue=cue, strength=3 if not cue.weak else 1)
            return Found()
        if word == "of" and above.pos_ in ("NOUN", "PROPN"):
            if _in(above, lex.count_nouns):
                return _noun_found(above, lex, kind)
            cue = _word_cue(above, lex.nouns, kind)
            if cue and not cue.weak:
                return Found(cue=cue, strength=2)
            # "a contingent of up to 2,000 peacekeepers": what happens to the contingent
            found = _govern(above, kind, lex, depth + 1)
            if found.cue or cue is None:
                return found if found.cue else Found(cue=cue, strength=1) if cue else found
            return Found(cue=cue, strength=1)
        if word in lex.count_prepositions and above.lower_ != "addition":
            # "rose to 70", "stood at 70", "put the number in the thousands", "is closer to 850"
            # "the toll was likely to rise to 80", "put the number of displaced at 20,000"
            x = above
            for _ in range(4):
                if x.pos_ in ("NOUN", "PROPN") and _in(x, lex.count_nouns):
                    return _noun_found(x, lex, kind)
                if x.pos_ in ("VERB", "AUX"):
                    found = _change_found(x, top, lex, kind)
                    if found.cue or found.anaphoric:
                        return found
                if x.head.i == x.i or x.dep_ in ("ROOT", "ccomp", "advcl", "relcl", "conj", "parataxis"):
                    break
                x = x.head
        if word in ("by",) and above.tag_ == "VBN":
            return Found()
        return Found()


    if head.pos_ in ("VERB", "AUX") or head.tag_.startswith("VB"):
        verb = head
        if dep == "acomp":
            dep = "attr"  # "the number is closer to 850"
        if dep in _PATIENT_DEPS:
            if verb.lemma_ == "include" and dep == "dobj":
                subj = _subject_of(verb)
                return Found(parent=subj if subj is not None else verb, strength=1)
            cue = _group_cue(verb, lex.verbs, kind) if dep != "attr" else None
            if cue and not cue.weak:
                return Found(cue=cue, strength=3)
            comp = _complement_cue(verb, lex, kind)
            if comp and not comp.weak:
                return Found(cue=comp, strength=3)
            if dep == "dobj" and verb.lemma_ in lex.result_verbs and top.i + 1 < len(top.doc):
                # "leaving eight people injured", "found 5 bodies dumped" (however it is parsed)
                after = top.doc[top.i + 1]
                cue = _word_cue(after, lex.adjectives, kind) or (
                    _verb_cue(after, lex.verbs, kind) if after.tag_ in ("VBN", "VBD") else None)
                if cue and not cue.weak:
                    return Found(cue=cue, strength=3)
            if dep == "attr" or (verb.lemma_ in lex.change_verbs and dep == "dobj"):
                other = _subject_of(verb)
                if other is not None and other.i != top.i:
                    found = _noun_found(other, lex, kind)
                    if found.cue or found.anaphoric:
                        return found
            if cue:
                return Found(cue=cue, strength=1)
            if comp:
                return Found(cue=comp, strength=1)
            if dep == "nsubjpass":
                return _among(verb, lex)
            return Found()
        if dep in ("nsubj", "expl", "csubj"):
            cue = _group_cue(verb, lex.intransitive, kind)
            if cue is None and _is_passive_like(verb):
                cue = _group_cue(verb, lex.verbs, kind)
            if cue and not cue.weak:
                return Found(cue=cue, strength=3)
            comp = _complement_cue(verb, lex, kind)
            if comp:
                return Found(cue=comp, strength=3 if not comp.weak else 1)
            for child in verb.children:
                if child.dep_ == "prep" and child.lower_ == "as":
                    # "25 people fell as martyrs", "3 soldiers were listed as missing"
                    for g in child.children:
                        role = _word_cue(g, lex.counted, kind) or _word_cue(g, lex.adjectives, kind)
                        if g.dep_ in ("pobj", "amod", "acomp") and role and not role.weak:
                            return Found(cue=role, strength=3)
                if child.dep_ == "attr" and child.pos_ in ("NOUN", "PROPN", "ADJ"):
                    found = _noun_found(child, lex, kind)
                    if found.cue:
                        return found
                # "staged a demonstration", "lost their lives", "sustained injuries"
                if child.dep_ == "dobj" and verb.lemma_ in lex.light_verbs:
                    light = _word_cue(child, lex.events, kind) or _word_cue(child, lex.counted, kind)
                    if light and not light.weak:
                        return Found(cue=light, strength=3)
                    if light and light.category == "protesters":
                        return Found(cue=light, strength=2)
            if cue:
                return Found(cue=cue, strength=1)
            return _among(verb, lex)
        if dep in ("advmod", "npadvmod", "dep") and verb.lemma_ in lex.change_verbs:
            return _change_found(verb, top, lex, kind)
        return Found()
    return Found()


def _among(verb: Token, lex: Lexicon) -> Found:
    """"six civilians were among 22 people killed", "31 civilians were identified among those
    killed": a subset of the set after "among"."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in lex.subset_prepositions:
            for g in child.children:
                if g.dep_ == "pobj":
                    return Found(parent=g, strength=2)
    return Found()


def _adjacent_cue(doc: Doc, p: Phrase, kind: str | None, lex: Lexicon) -> Found | None:
    """Word order when the parse gives nothing (run-on headlines, text without commas): a verb
    right before the figure takes it as object ("... after killing at least 30 members"), a
    participle right after tells what happened to it ("28 Terrorists Killed")."""
    before = doc[p.amount.qstart - 1] if p.amount.qstart > 0 else None
    if before is not None and before.tag_ in ("VBG", "VBD", "VBN", "VBZ", "VBP"):
        cue = _verb_cue(before, lex.verbs, kind)
        if cue and not cue.weak:
            return Found(cue=cue, strength=2)
    end = max(p.end, p.amount.end)
    k = end
    while k < len(doc) and doc[k].lemma_ in ("be", "have") and k - end < 2:
        k += 1
    after = doc[k] if k < len(doc) else None
    if after is not None and after.tag_ in ("VBN", "VBD") and (k > end or after.tag_ == "VBN" or after.is_title):
        cue = _verb_cue(after, lex.verbs, kind) or _verb_cue(after, lex.intransitive, kind)
        if cue and not cue.weak:
            return Found(cue=cue, strength=2)
    if after is not None and k == end and after.tag_ in ("JJ", "VBN") and p.head is not None \
            and p.head.pos_ in ("NOUN", "PROPN") and not (p.head.head.i == after.i and p.head.dep_ == "nsubj"):
        cue = _word_cue(after, lex.adjectives, kind)  # "leaving at least 27 people dead"
        if cue and not cue.weak:
            return Found(cue=cue, strength=2)
    return None


def _headline_cue(doc: Doc, p: Phrase, kind: str | None, lex: Lexicon) -> Found | None:
    """In a title-cased headline the parse is unreliable and word order decides: "Eight
    Civilians Killed 14 Injured in ..." (killed, whatever "Injured" governs); "Coalition Kills
    20 Daesh Terrorists" (the object of "Kills")."""
    if p.head is not None and not p.head.is_title:
        return None
    end = max(p.end, p.amount.end)
    if p.head is not None and end < len(doc) and doc[end].is_title and doc[end].tag_ in ("VBN", "VBD", "JJ", "NNP"):
        after = doc[end]
        cue = _word_cue(after, lex.adjectives, kind) or _verb_cue(after, lex.verbs, kind) \
            or _verb_cue(after, lex.intransitive, kind)
        if cue and not cue.weak:
            return Found(cue=cue, strength=3)
    before = doc[p.amount.qstart - 1] if p.amount.qstart > 0 else None
    if before is not None and before.is_title:
        for key in _keys(before):  # "Kills", tagged anything
            cue = next((c for c in lex.verbs.get(key, ()) if _applies(c, kind) and not c.particle), None)
            if cue and not cue.weak:
                return Found(cue=cue, strength=3)
    return None


def _change_found(verb: Token, top: Token, lex: Lexicon, kind: str | None) -> Found:
    """The count noun a verb of change or measure joins the figure to: "the toll rose to 70",
    "bringing the toll to 70", "estimates put the number of fighters in the thousands"."""
    args = [c for c in verb.children if c.dep_ == "dobj" and c.i != top.i]
    args += [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i != top.i]
    anaphoric = None
    for c in args:
        if c.pos_ not in ("NOUN", "PROPN", "PRON"):
            continue
        if c.pos_ == "PRON" or c.lower_ in ("this", "that", "it", "which"):
            # "This was later updated to 82": the count it takes up
            if verb.lemma_ in lex.change_verbs and anaphoric is None:
                anaphoric = Found(anaphoric=True, strength=1)
            continue
        found = _noun_found(c, lex, kind)
        if found.cue:
            return found
        if found.anaphoric and anaphoric is None:
            anaphoric = found
    return anaphoric or Found()


def _noun_found(noun: Token, lex: Lexicon, kind: str | None) -> Found:
    """A noun that stands for the count: "the death toll", "the number of fighters", "the dead"."""
    if _in(noun, lex.count_nouns):
        cue, obj, anaphoric = _count_noun_cue(noun, lex)
        if cue:
            return Found(cue=cue, subject=obj, strength=2)
        return Found(anaphoric=anaphoric, subject=obj, strength=1)
    nkind = _kind_of_noun(noun, lex)
    cue = _self_cue(noun, lex, nkind)
    if cue:
        return Found(cue=cue, strength=2)
    return Found()


# -- intervals ------------------------------------------------------------------------------------

def _interval(a: Amount, lex: Lexicon) -> tuple[int | None, int | None, int | None]:
    if a.vague:
        low = int(a.low) if a.low is not None else None
        high = int(a.high) if a.high is not None else None
        return low, high, low
    if a.qualifier == "range":
        return int(a.low), int(a.high), int(a.low)
    x = int(a.value)
    q = a.qualifier
    if q == "exact":
        return x, x, x
    if q == "at_least":
        return x, None, x
    if q == "more_than":
        return x + 1, None, x + 1
    if q in ("up_to", "at_most"):
        return None, x, x
    if q == "below":
        return None, max(x - 1, 0), max(x - 1, 0)
    if q == "approximately":
        delta = max(1, round(x * lex.spread["approximately"]))
        return max(x - delta, 0), x + delta, x
    if q == "nearly":
        delta = max(1, round(x * lex.spread["nearly"]))
        return max(x - delta, 0), x, x
    return x, x, x


# -- the extractor --------------------------------------------------------------------------------

@dataclass
class _Draft:
    phrase: Phrase
    found: Found
    kind: str | None
    sent_start: int
    category: str | None = None
    strength: int = 0  # 3 a verb or the figure's own words; 2 a noun or the word order; 1 weak
    subject: str | None = None

    @property
    def pending(self) -> bool:
        """Its category comes from another figure: a set it belongs to, a count it takes up."""
        return self.found.parent is not None or self.found.anaphoric or self.phrase.partitive_pronoun


def _category(found: Found, head: Token | None, kind: str | None, lex: Lexicon) -> tuple[str | None, int]:
    """The category and how sure it is, from the governing words and the figure's own words."""
    own = _self_cue(head, lex, kind) if head is not None else None
    own_word = own is not None and head is not None and head.pos_ not in ("NOUN", "PROPN")
    if found.cue and found.cue.category == "displaced" and head is not None and _in(head, lex.deployed_nouns):
        return "deployed", 3  # troops who arrive or move are deployed, not displaced
    if own_word and not (found.cue and found.strength >= 3 and found.cue.category in _MOVES):
        return own.category, 3  # "25 killed, 80 injured": its own word decides
    if found.cue and found.strength >= 3:
        return found.cue.category, 3
    if own is not None and not own.weak:
        return own.category, 3
    if found.cue:
        return found.cue.category, min(found.strength, 2) or 1
    if head is not None and head.pos_ in ("NOUN", "PROPN"):
        if _in(head, lex.deployed_nouns):
            return "deployed", 1  # "2,000 peacekeepers"
        cue = _word_cue(head, lex.counted, kind)
        if cue:
            return cue.category, 1
    return None, 0


def extract_figures(doc: Doc, ctx: Context) -> list[FigureMention]:
    """Every count of people or conflict equipment in `doc`, in text order."""
    lex = lexicon()
    drafts: list[_Draft] = []
    sentences = doc.has_annotation("SENT_START") or doc.has_annotation("DEP")
    sent_starts: list[int] = []
    if sentences:
        all_sentences(doc)  # fills the starts below, once per Doc
        sent_starts = doc.user_data["fogwatch_sent_starts"]
    tokens = columns(doc).tokens
    for a in _find_amounts(doc, lex):
        if _excluded_after(doc, a, lex) or _excluded_before(doc, a, lex) or _is_model_or_label(doc, a, lex):
            continue
        phrase = _counted_noun(doc, a, lex)
        head = phrase.head
        kind = "people" if phrase.partitive_pronoun or phrase.unit else _kind_of_noun(head, lex)
        if kind == "thing":
            continue  # "two wars", "30 years", "three villages"
        counted = kind in ("people", "equipment")
        if _is_date_or_time(doc, a, lex) and not (counted and not _year_like(doc, a)):
            continue
        ent = tokens[a.start].ent_type_
        if ent == "ORDINAL":
            continue
        found = _govern(_phrase_top(doc, phrase), kind, lex)
        if found.cue is None and found.parent is None and not found.anaphoric:
            found = _adjacent_cue(doc, phrase, kind, lex) or found
        if found.cue is None and found.parent is None and _subset_prefix(doc, a, lex):
            found = Found(parent=doc[a.qstart - 1], strength=2)  # "..., among them 10 children"
        headline = _headline_cue(doc, phrase, kind, lex)
        if headline is not None:
            found = headline
        category, strength = _category(found, head, kind, lex)
        # the start of the amount's sentence (`sentence_of(...).start`, without building the Token)
        sent_start = sent_starts[bisect_right(sent_starts, a.start) - 1] if sentences else 0
        draft = _Draft(phrase, found, kind, sent_start, category, strength)
        if not draft.pending:
            # what makes a count a figure: people or equipment, or a clear cue for anything else
            if category is None and not (counted and not a.weak):
                continue
            if not counted and strength < 2:
                continue  # a bare or unlisted count needs a clear cue; so does one the NER calls
                # a DATE, TIME or MONEY ("in the past 24 hours"), which only such a cue overrules
            if a.weak and (strength < 2 or _pronoun_one(doc, a)):
                continue
        if found.subject is not None:
            draft.subject = _subject_text(found.subject)
        drafts.append(draft)
    _resolve(doc, drafts, lex)
    return [_mention(doc, d, lex) for d in drafts if d.category is not None]


def _resolve(doc: Doc, drafts: list[_Draft], lex: Lexicon) -> None:
    """Figures whose category comes from another: subsets take the category of their set, "the
    number is closer to 850" that of the count before, lists share one verb ("1733 children,
    969 women and 3110 men")."""
    for idx, d in enumerate(drafts):
        if d.strength >= 2:
            continue
        f = d.found
        source: _Draft | None = None
        category: str | None = None
        if f.parent is not None:
            source = _draft_at(drafts, f.parent, exclude=d)
            if source is None and f.parent.pos_ in ("NOUN", "PROPN", "ADJ", "PRON"):
                found = _noun_found(f.parent, lex, d.kind)
                if not found.cue:
                    found = _govern(f.parent, _kind_of_noun(f.parent, lex), lex, 1)
                category = found.cue.category if found.cue else None
            if source is None and category is None:
                source = _previous(drafts, idx, d.sent_start, same_sentence=True)
        elif d.phrase.partitive_pronoun:
            source = _previous(drafts, idx, d.sent_start, same_sentence=True)
        elif f.anaphoric:
            source = _previous(drafts, idx, d.sent_start, same_sentence=False)
        if source is None and category is None and idx > 0 and _enumerated(doc, drafts[idx - 1], d):
            source = drafts[idx - 1]
        if source is not None and source.category not in (None, "other"):
            category = source.category
            if f.anaphoric or d.phrase.partitive_pronoun:
                d.subject = d.subject or source.subject
        if category is not None:
            d.category, d.strength = category, 2
        elif d.category is None and d.kind in ("people", "equipment") and not d.phrase.amount.weak:
            d.category = "other"


def _enumerated(doc: Doc, before: _Draft, d: _Draft) -> bool:
    """Two figures in one list: nothing but commas, "and", "or" between them."""
    end = max(before.phrase.end, before.phrase.amount.end)
    gap = doc[end:d.phrase.amount.qstart]
    return len(gap) <= 2 and all(t.lower_ in (",", "and", "or", ";") for t in gap) and before.strength >= 2


def _draft_at(drafts: list[_Draft], tok: Token, exclude: _Draft) -> _Draft | None:
    for d in drafts:
        if d is exclude:
            continue
        p = d.phrase
        if (p.head is not None and p.head.i == tok.i) or p.amount.qstart <= tok.i < max(p.end, p.amount.end):
            return d
    return None


def _previous(drafts: list[_Draft], idx: int, sent_start: int, same_sentence: bool) -> _Draft | None:
    """The nearest figure before drafts[idx] with a real category: in the same sentence, or
    within the last few sentences for a count noun that takes a count up."""
    here = drafts[idx].phrase.amount.start
    for d in reversed(drafts[:idx]):
        if d.category in (None, "other"):
            continue
        if same_sentence and d.sent_start != sent_start:
            return None
        if not same_sentence and here - d.phrase.amount.start > 80:
            return None
        return d
    return None


def _mention(doc: Doc, d: _Draft, lex: Lexicon) -> FigureMention:
    p = d.phrase
    a = p.amount
    end_tok = max(a.end, p.end) if p.head is not None or p.partitive_pronoun else a.end
    start_char, end_char = token_chars(doc, a.qstart, end_tok)  # the amount is never empty
    low, high, best = _interval(a, lex)
    qualifier = "at_most" if a.qualifier == "below" else a.qualifier
    subject = d.subject
    if subject is None and p.head is not None and p.head.pos_ in ("NOUN", "PROPN"):
        s = p.np_start
        lowers = columns(doc).lower
        while s < p.head.i and lowers[s] in ("the", "these", "those"):
            s += 1
        subject = tokens_text(doc, s, p.subject_end if p.subject_end > 0 else p.head.i + 1)
    text = text_of(doc)
    return FigureMention(
        text=text[start_char:end_char], start=start_char, end=end_char, category=d.category or "other",
        low=low, high=high, best=best, qualifier=qualifier, subject=subject,
        amount_text=tokens_text(doc, a.qstart, a.end),
    )


def _subset_prefix(doc: Doc, a: Amount, lex: Lexicon) -> bool:
    """"including", "among them", "among whom", "of whom" right before the amount."""
    p1, p2 = _lower(doc, a.qstart - 1), _lower(doc, a.qstart - 2)
    return p1 in lex.subset_prepositions or (p1 in ("them", "whom", "those") and p2 in ("among", "of"))


def _pronoun_one(doc: Doc, a: Amount) -> bool:
    """"a loved one", "the one", "no one", "this one", "one of the oldest": "one" as a pronoun,
    not a count."""
    if doc[a.start].lower_ != "one" or a.qstart != a.start:
        return False
    if _lower(doc, a.end) == "of" and any(t.tag_ in ("JJS", "RBS") for t in doc[a.end + 1:a.end + 4]):
        return True
    if a.start == 0:
        return False
    prev = doc[a.start - 1]
    return (prev.pos_ in ("DET", "ADJ", "PRON", "VERB") and prev.tag_ != "VBG") \
        or prev.lower_ in ("no", "every", "any")


def _subject_text(tok: Token) -> str:
    words = [t for t in tok.lefts if t.dep_ in ("compound", "amod", "nmod") and t.i >= tok.left_edge.i]
    start = words[0].i if words else tok.i
    return tokens_text(tok.doc, start, tok.i + 1)
