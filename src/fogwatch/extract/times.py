"""Time expressions: find them in an article and resolve them against its published date.

`resolve(expression, published)` reads one expression ("since Tuesday", "earlier this year",
"Sun 05 Jul 2015", "the past 24 hours") into `(from, to, granularity)`; `extract_times(doc, ctx)`
finds the expressions in a parsed article and resolves each.

Finding: a small grammar of regular expressions built from the word lists in
`data/time_words.yaml` scans the text (fast, and it sees datelines that the statistical NER cuts
in pieces); spaCy's DATE and TIME entities that the grammar did not cover are added when they
resolve (`dateparser` reads the explicit dates among them that the grammar does not know). A
preposition that changes the meaning ("since", "until", "as of", "before") and the plain ones
("on", "in") are part of the span.

Resolving, with P the published date:

- a bare weekday is the most recent such day on or before P ("Tuesday" published on a Tuesday
  is that day); "last Tuesday" is strictly before P, "next Tuesday" strictly after it, and
  "this Tuesday" is the one in P's week (Monday to Sunday);
- "today", "tonight", "this morning" are P; "yesterday", "last night" P - 1; "overnight" P - 1 .. P;
- "this week / month / year" run from the start of the unit to P; "last" and "next" are the whole
  previous / following unit; "earlier this year" is Jan 1 .. P, "later this year" P .. Dec 31;
- early / mid / late (also "the beginning / middle / end of") is the first / middle / last third
  of a month (days 1-10, 11-20, 21-end) or a year (Jan-Apr, May-Aug, Sep-Dec);
- a month or a day of a month without a year is the most recent one on or before P (or starting
  within `future_window_days` after it); "last September" is the most recent September before
  P's month;
- "three days ago" is that day; "two weeks ago" / "a month ago" / "a year ago" the week (month,
  year) containing P minus that much; "the past 30 years" / "the past 24 hours" / "in recent
  weeks" run from P minus that much to P ("the past few days": `recent_count` units), "the next
  24 hours" from P forward;
- explicit dates need no P; numeric dates whose day and month could be swapped (05/06/2015) are
  resolved only when one reading is close to P and the other is not;
- "since X": (from X, None); "until / by / through X": (None, end of X); "before X": (None, the
  day before X); "after X": (the day after X, None); "between X and Y", "from X to Y": X .. Y.

Granularity is the unit the expression names: "day", "week", "month" or "year" (also for a part of
one: "earlier this year" and "late 2014" are "year", "this week" is "week"); "range" for spans that
are not one calendar unit (the past 30 years, overnight, the weekend, seasons, decades, between X
and Y); "unknown" for periods with no dates ("the late Soviet era"). Relative expressions in an
article with no published date resolve to (None, None, granularity): they are still mentions.

Durations ("for 30 years", "two weeks of fighting", "a 24-hour truce"), ages ("12-year-old") and
times relative to another event ("a day later", "the next day") are not mentions.
"""

from __future__ import annotations

import math
import re
from calendar import monthrange
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc

from fogwatch.extract import Context
from fogwatch.language import text_of
from fogwatch.model import Granularity, TimeMention

Resolution = tuple[date | None, date | None, Granularity]
Handler = Callable[[re.Match[str], date | None], Resolution | None]

__all__ = ["resolve", "extract_times", "Resolution"]


# -- the word lists ----------------------------------------------------------------------------

@cache
def _words() -> dict[str, Any]:
    text = resources.files("fogwatch").joinpath("data", "time_words.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _alternation(words: Any) -> str:
    """A regex alternation of phrases, longest first, with any whitespace between words."""
    phrases = sorted({str(w).lower() for w in words}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)


def _key(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split()).rstrip(".")


# -- calendar arithmetic -----------------------------------------------------------------------

_DAY = timedelta(days=1)


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, monthrange(year, month)[1]))


def _unit_span(d: date, unit: str) -> tuple[date, date]:
    """The calendar unit (week Monday-Sunday, month, year) that contains d."""
    if unit == "week":
        start = d - timedelta(days=d.weekday())
        return start, start + timedelta(days=6)
    if unit == "weekend":
        sat = d - timedelta(days=d.weekday()) + timedelta(days=5)
        return sat, sat + _DAY
    if unit == "month":
        return d.replace(day=1), _month_end(d.year, d.month)
    if unit == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    return d, d


def _shift(d: date, unit: str, n: int) -> date:
    if unit in ("week", "weekend"):
        return d + timedelta(days=7 * n)
    if unit == "month":
        return _add_months(d, n)
    if unit == "year":
        return _add_months(d, 12 * n)
    if unit == "hour":
        return d + timedelta(days=-math.ceil(-n / 24) if n < 0 else math.ceil(n / 24))
    return d + timedelta(days=n)


def _third(start: date, end: date, which: int) -> tuple[date, date]:
    """First (0), middle (1) or last (2) third of a span: of a year by months, of a month by
    days 1-10 / 11-20 / 21-end, of anything else by days."""
    if start.day == 1 and start.month == 1 and end == date(start.year, 12, 31):
        first = 1 + 4 * which
        return date(start.year, first, 1), _month_end(start.year, first + 3)
    if start.day == 1 and end == _month_end(start.year, start.month):
        lo = 1 + 10 * which
        return start.replace(day=lo), (start.replace(day=lo + 9) if which < 2 else end)
    days = (end - start).days + 1
    lo = start + timedelta(days=days * which // 3)
    hi = start + timedelta(days=days * (which + 1) // 3 - 1)
    return lo, max(lo, hi)


def _recent(pub: date, month: int, day: int | None = None) -> date:
    """The most recent `month` (its first day) or `month`/`day` on or before pub, or one that
    begins at most `future_window_days` after it."""
    limit = pub + timedelta(days=int(_words()["future_window_days"]))
    for year in range(pub.year + 1, pub.year - 9, -1):
        try:
            d = date(year, month, day or 1)
        except ValueError:  # 29 February in a common year
            continue
        if d <= limit:
            return d
    raise ValueError("no such date")


# -- the grammar -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Rule:
    name: str
    anchor: str  # the kind of word every match contains (a group of `_anchors()`)
    core: str
    handler: Handler
    ignore_case: bool = True


def _g(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _number(text: str | None, default: int) -> int:
    if not text:
        return default
    key = _key(text)
    if key.isdigit():
        return int(key)
    return int(_words()["numbers"][key])


def _ordinal(text: str) -> int:
    """12, 12th, 1st."""
    return int(text.rstrip("stndrhSTNDRH"))


def _unit(text: str) -> tuple[str, int]:
    unit, count = _words()["units"][_key(text)]
    return str(unit), int(count)


def _month(text: str) -> int:
    return int(_words()["months"][_key(text)])


def _part(text: str | None) -> int | None:
    if not text:
        return None
    key = _key(text)
    key = key[4:] if key.startswith("the ") else key
    return int(_words()["parts"][key])


def _gran(unit: str) -> Granularity:
    return {"day": "day", "hour": "day", "week": "week", "month": "month", "year": "year"}.get(
        unit, "range")  # type: ignore[return-value]


def _day(d: date) -> Resolution:
    return d, d, "day"


def _h_ymd(m: re.Match[str], pub: date | None) -> Resolution | None:
    return _day(date(int(m["iy"]), int(m["im"]), int(m["id"])))


def _h_numeric(m: re.Match[str], pub: date | None) -> Resolution | None:
    a, b, year = int(m["na"]), int(m["nb"]), int(m["ny"])
    readings = set()
    for day, month in ((a, b), (b, a)):  # day-month-year, then month-day-year
        try:
            readings.add(date(year, month, day))
        except ValueError:
            pass
    if len(readings) == 1:
        return _day(readings.pop())
    if not readings:
        return None
    if pub is not None:
        window = int(_words()["numeric_window_days"])
        close = [d for d in readings if abs((d - pub).days) <= window]
        if len(close) == 1:
            return _day(close[0])
    return None, None, "day"


def _h_full_date(m: re.Match[str], pub: date | None) -> Resolution | None:
    return _day(date(int(m["fy"]), _month(m["fm"]), _ordinal(m["fd"])))


def _h_day_month(m: re.Match[str], pub: date | None) -> Resolution | None:
    month, day = _month(m["dm"]), _ordinal(m["dd"])
    date(2000, month, day)  # a day that exists in some year (2000 is a leap year)
    if pub is None:
        return None, None, "day"
    return _day(_recent(pub, month, day))


def _h_month_year(m: re.Match[str], pub: date | None) -> Resolution | None:
    year, month = int(m["my"]), _month(m["mm"])
    start, end = date(year, month, 1), _month_end(year, month)
    part = _part(_g(m, "mp"))
    if part is not None:
        start, end = _third(start, end, part)
    return start, end, "month"


def _h_month_rel(m: re.Match[str], pub: date | None) -> Resolution | None:
    """"August last year", "March this year", "last September", "next May"."""
    month = _month(m["rm"] or m["rm2"])
    rel = _key(m["rr"] or m["rr2"])
    if pub is None:
        return None, None, "month"
    if m["rm"]:  # "<month> this / last / next year"
        year = pub.year + int(_words()["relatives"][rel])
    elif rel == "this":
        year = pub.year
    elif rel == "last":  # the most recent such month before the current one
        year = pub.year if month < pub.month else pub.year - 1
    else:
        year = pub.year if month > pub.month else pub.year + 1
    start, end = date(year, month, 1), _month_end(year, month)
    part = _part(_g(m, "rp"))
    if part is not None:
        start, end = _third(start, end, part)
    return start, end, "month"


def _h_month(m: re.Match[str], pub: date | None) -> Resolution | None:
    month = _month(m["bm"])
    if pub is None:
        return None, None, "month"
    start = _recent(pub, month)
    end = _month_end(start.year, month)
    part = _part(_g(m, "bp"))
    if part is not None:
        start, end = _third(start, end, part)
    return start, end, "month"


def _season(name: str, year: int) -> tuple[date, date]:
    first, last = _words()["seasons"][_key(name)]
    end_year = year + 1 if last < first else year
    return date(year, first, 1), _month_end(end_year, last)


def _h_year(m: re.Match[str], pub: date | None) -> Resolution | None:
    year = int(m["yy"])
    if _g(m, "ys"):
        start, end = _season(m["ys"], year)
        return start, end, "range"
    start, end = date(year, 1, 1), date(year, 12, 31)
    part = _part(_g(m, "yp"))
    if part is not None:
        start, end = _third(start, end, part)
    return start, end, "year"


def _h_season_rel(m: re.Match[str], pub: date | None) -> Resolution | None:
    if pub is None:
        return None, None, "range"
    rel = _key(m["sr"])
    spans = [_season(m["ss"], y) for y in range(pub.year - 2, pub.year + 2)]
    if rel == "this":
        containing = [s for s in spans if s[0] <= pub <= s[1]]
        start, end = containing[0] if containing else _season(m["ss"], pub.year)
    elif rel == "next":
        start, end = min(s for s in spans if s[0] > pub)
    else:  # last, past
        start, end = max(s for s in spans if s[1] < pub)
    return start, end, "range"


def _h_decade(m: re.Match[str], pub: date | None) -> Resolution | None:
    year = int(m["dy"])
    part = _part(_g(m, "dp"))
    first, last = ((0, 9), (0, 3), (4, 6), (7, 9))[0 if part is None else part + 1]
    return date(year + first, 1, 1), date(year + last, 12, 31), "range"


def _h_day_word(m: re.Match[str], pub: date | None) -> Resolution | None:
    key = _key(m["w"])
    words = _words()
    if key in words["span_words"]:
        if pub is None:
            return None, None, "range"
        lo, hi = words["span_words"][key]
        return pub + timedelta(days=lo), pub + timedelta(days=hi), "range"
    if pub is None:
        return None, None, "day"
    return _day(pub + timedelta(days=int(words["day_words"][key])))


def _h_weekday(m: re.Match[str], pub: date | None) -> Resolution | None:
    wd = int(_words()["weekdays"][_key(m["wd"])])
    if pub is None:
        return None, None, "day"
    rel = _key(m["wr"]) if m["wr"] else ""
    if rel in ("last", "past"):
        back = (pub.weekday() - wd) % 7 or 7
        return _day(pub - timedelta(days=back))
    if rel in ("next", "coming"):
        return _day(pub + timedelta(days=(wd - pub.weekday()) % 7 or 7))
    if rel == "this":
        return _day(pub + timedelta(days=wd - pub.weekday()))
    return _day(pub - timedelta(days=(pub.weekday() - wd) % 7))


def _h_unit_rel(m: re.Match[str], pub: date | None) -> Resolution | None:
    """"this week", "last month", "earlier this year", "the end of last year", "the weekend"."""
    unit = _key(m["uu"])
    gran: Granularity = "range" if unit == "weekend" else _gran(unit)
    if pub is None:
        return None, None, gran
    rel = _key(m["ur"]) if m["ur"] else ""
    mod = _key(m["um"]) if m["um"] else ""
    if not rel and unit != "weekend" and not mod.startswith("the "):
        return None  # "the year" alone; but "the weekend", "the start of the year"
    n = int(_words()["relatives"][rel or "this"])
    if unit == "weekend":
        start = _weekend(pub, rel, n)
        return start, min(start + _DAY, pub) if start <= pub else start + _DAY, gran
    start, end = _unit_span(_shift(pub, unit, n), unit)
    if mod == "earlier":
        end = min(end, pub)
    elif mod == "later":
        start = max(start, pub)
    elif mod:
        start, end = _third(start, end, _part(mod))  # type: ignore[arg-type]
    elif n == 0 and start <= pub:
        end = min(end, pub)
    if start > end:
        return None
    return start, end, gran


def _weekend(pub: date, rel: str, n: int) -> date:
    """The Saturday of "the weekend" (the most recent one that has begun), "this weekend" (the
    one of the published date's week), "last weekend" (the last one before the published date's
    own) and "next weekend" (the first one after it)."""
    this_sat = pub - timedelta(days=pub.weekday()) + timedelta(days=5)
    recent = this_sat if pub >= this_sat else this_sat - timedelta(days=7)
    if rel == "":
        return recent
    if rel == "this":
        return this_sat
    if n < 0:
        return this_sat - timedelta(days=7) if pub >= this_sat else recent
    return this_sat + timedelta(days=7) if pub >= this_sat else this_sat


def _h_ago(m: re.Match[str], pub: date | None) -> Resolution | None:
    unit, count = _unit(m["au"])
    n = _number(m["an"], 1) * count
    gran = _gran(unit)
    if pub is None:
        return None, None, gran
    if unit == "hour":
        return _day(pub - timedelta(days=n // 24))
    d = _shift(pub, unit, -n)
    if unit == "day":
        return _day(d)
    start, end = _unit_span(d, unit)
    return start, end, gran


def _h_past(m: re.Match[str], pub: date | None) -> Resolution | None:
    """"the past 24 hours", "the last few days", "past 30 years", "recent weeks", "the next 24 hours"."""
    rel = _key(m["pr"])
    the = bool(m["pt"])
    plural = _key(m["pu"]).endswith("s")
    unit, count = _unit(m["pu"])
    forward = rel in ("next", "coming")
    if rel == "recent":
        if m["pn"] or not plural:
            return None
        n = int(_words()["recent_count"])
    elif m["pn"]:
        n = _number(m["pn"], 1)
    elif plural:  # "the past months" reads as a few; "the last days of ..." is not a time
        if rel not in ("past", "next", "coming"):
            return None
        n = int(_words()["recent_count"])
    elif rel in ("last", "next") and not the:
        return None  # "last year", "next week": the calendar unit (the unit rule)
    elif rel == "previous" or unit in ("day", "hour") and rel != "past":
        return None  # "the previous day", "the next day", "the last day of the talks": relative to another time
    else:
        n = 1
    if pub is None:
        return None, None, "range"
    if forward:
        return pub, _shift(pub, unit, n * count), "range"
    return _shift(pub, unit, -n * count), pub, "range"


def _h_week_of(m: re.Match[str], pub: date | None) -> Resolution | None:
    month = _month(m["wm"])
    if m["wy"]:
        year = int(m["wy"])
    elif pub is None:
        return None, None, "week"
    else:
        year = _recent(pub, month).year
    which = _key(m["wo"])
    last = _month_end(year, month)
    if which == "last":
        return last - timedelta(days=6), last, "week"
    first = 1 + 7 * ["first", "second", "third", "fourth"].index(which)
    return date(year, month, first), date(year, month, first + 6), "week"


def _h_era(m: re.Match[str], pub: date | None) -> Resolution | None:
    return None, None, "unknown"


@cache
def _rules() -> tuple[_Rule, ...]:
    w = _words()
    mon = rf"(?:{_alternation(w['months'])})\.?(?![\w])"
    mon_full = rf"(?:{_alternation(k for k in w['months'] if len(k) > 4 or k in ('may', 'june', 'july'))})\b"
    wd_full = rf"(?:{_alternation(w['weekdays'])})\b"
    wd_any = rf"(?:{_alternation(list(w['weekdays']) + list(w['weekday_abbreviations']))})\.?(?![\w])"
    day = r"(?<![\d.,:/])(?<!\d-)(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b"
    year = r"(?<![\d.,:/])(?<!\d-)[12]\d{3}(?![\d]|[.,:/-]\d)"
    part = r"(?:early|mid|middle|late|the\s+(?:beginning|start|middle|end)\s+of)"
    part_sep = r"(?:\s*-\s*|\s+)"
    season = rf"(?:{_alternation(w['seasons'])})"
    pod = rf"(?:\s+(?:{_alternation(w['parts_of_day'])})\b)?"
    num = rf"(?:\d{{1,4}}|(?:{_alternation(w['numbers'])})\b)"
    unit = rf"(?:{_alternation(w['units'])})\b"
    approx = r"(?:(?:about|around|some|nearly|almost|roughly|over|more\s+than|less\s+than|just|only|barely)\s+)?"
    rel = rf"(?:{_alternation(w['relatives'])})"
    day_words = _alternation(list(w["day_words"]) + list(w["span_words"]))
    wdp = rf"(?:{wd_any},?\s+)?"
    return (
        _Rule("ymd", "numdate", r"(?<![\d.,:/-])(?P<iy>[12]\d{3})(?P<is>[-/.])(?P<im>0?[1-9]|1[0-2])(?P=is)"
                     r"(?P<id>0?[1-9]|[12]\d|3[01])(?!\d)", _h_ymd),
        _Rule("numeric", "numdate", r"(?<![\d.,:/-])(?P<na>\d{1,2})(?P<ns>[-/.])(?P<nb>\d{1,2})(?P=ns)"
                         r"(?P<ny>[12]\d{3})(?!\d)", _h_numeric),
        _Rule("dmy", "month", rf"{wdp}(?:the\s+)?(?P<fd>{day})(?:\s+of)?\s+(?P<fm>{mon}),?\s+(?P<fy>{year})", _h_full_date),
        _Rule("mdy", "month", rf"{wdp}(?P<fm>{mon})\s+(?:the\s+)?(?P<fd>{day}),?\s+(?P<fy>{year})", _h_full_date),
        _Rule("dm", "month", rf"{wdp}(?:the\s+)?(?P<dd>{day})(?:\s+of)?\s+(?P<dm>{mon})", _h_day_month),
        _Rule("md", "month", rf"{wdp}(?P<dm>{mon})\s+(?:the\s+)?(?P<dd>{day})(?!,?\s*\d)", _h_day_month),
        _Rule("week_of", "month", rf"(?:the\s+)?(?P<wo>first|second|third|fourth|last)\s+week\s+of\s+"
                         rf"(?P<wm>{mon})(?:,?\s+(?P<wy>{year}))?", _h_week_of),
        _Rule("month_year", "month", rf"(?:(?P<mp>{part}){part_sep})?(?P<mm>{mon}),?\s+(?:of\s+)?(?P<my>{year})",
              _h_month_year),
        _Rule("month_rel", "month", rf"(?:(?P<rp>{part}){part_sep})?(?:(?P<rm>{mon_full})\s+(?P<rr>this|last|next)\s+year\b"
                           rf"|(?P<rr2>last|next|this)\s+(?P<rm2>{mon_full}))", _h_month_rel),
        _Rule("month", "month", rf"(?:(?P<bp>{part}){part_sep})?(?P<bm>{mon_full})", _h_month),
        _Rule("year", "year", rf"(?:(?P<yp>{part}){part_sep}|(?:the\s+)?(?P<ys>{season})\s+(?:of\s+)?|the\s+year\s+)?"
                      rf"(?P<yy>{year})", _h_year),
        _Rule("season_rel", "season", rf"(?P<sr>this|last|next|the\s+past)\s+(?P<ss>{season})\b", _h_season_rel),
        _Rule("decade", "decade", rf"(?:the\s+)?(?:(?P<dp>early|mid|late){part_sep})?(?P<dy>[12]\d{{2}}0)['’]?s\b", _h_decade),
        _Rule("day_word", "dayword", rf"(?P<w>{day_words})\b{pod}", _h_day_word),
        _Rule("weekday", "weekday", rf"(?:(?P<wr>last|next|this|past|coming)\s+|(?:early|late|overnight)\s+)?"
                         rf"(?P<wd>{wd_full}){pod}", _h_weekday),
        _Rule("unit_rel", "unit", rf"(?:(?P<um>earlier|later|early|late|the\s+(?:beginning|start|middle|end)\s+of)\s+)?"
                          rf"(?:(?P<ur>{rel})\s+|the\s+)(?P<uu>week|month|year|weekend)\b", _h_unit_rel),
        _Rule("ago", "unit", rf"{approx}(?P<an>{num})\s+(?P<au>{unit})\s+ago\b", _h_ago),
        _Rule("past", "unit", rf"(?P<pt>the\s+)?(?P<pr>past|last|previous|recent|next|coming)\s+(?:(?P<pn>{num})\s+)?(?P<pu>{unit})",
              _h_past),
        _Rule("era", "era", r"(?:(?i:the)\s+)?(?:(?i:early|late|mid|post|pre)[\s-]+)?(?:[A-Z][\w-]*\s+){1,3}(?i:era)\b",
              _h_era, ignore_case=False),
    )


@cache
def _compiled() -> tuple[re.Pattern[str], ...]:
    """Each rule's pattern: `fullmatch` in `resolve`, `match` at word starts in `extract_times`."""
    return tuple(re.compile(r.core, re.IGNORECASE if r.ignore_case else 0) for r in _rules())


def _anchor_source() -> str:
    w = _words()
    groups = {
        "numdate": r"(?<![\d.,:/])\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?!\d)",
        "decade": r"(?<![\d.,:/])[12]\d{2}0['’]?s\b",
        "year": r"(?<![\d.,:/])[12]\d{3}(?!\d)",
        "month": rf"\b(?:{_alternation(w['months'])})(?![\w])",
        "weekday": rf"\b(?:{_alternation(w['weekdays'])})\b",
        "dayword": rf"\b(?:{_alternation(list(w['day_words']) + list(w['span_words']))})\b",
        "unit": rf"\b(?:{_alternation(list(w['units']) + ['weekend'])})\b",
        "season": rf"\b(?:{_alternation(w['seasons'])})\b",
        "era": r"\bera\b",
    }
    return "|".join(f"(?P<{k}>{v})" for k, v in groups.items())


@cache
def _anchors() -> re.Pattern[str]:
    """The words that every time expression contains one of; the rules are tried only near them.
    Matched case-sensitively on the lowercased text, where a lookahead skips every position that
    is neither a digit nor the start of a word: a case-insensitive alternation tried every branch
    at every position (three times the time)."""
    return re.compile(rf"(?=\d|\b[a-z])(?:{_anchor_source()})")


@cache
def _anchors_any_case() -> re.Pattern[str]:
    return re.compile(_anchor_source(), re.IGNORECASE)


def _anchor_matches(text: str) -> Iterator[re.Match[str]]:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters grow when lowercased ("İ"): positions would shift
        return _anchors_any_case().finditer(text)
    return _anchors().finditer(lowered)


@cache
def _rules_by_anchor() -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {}
    for i, rule in enumerate(_rules()):
        out.setdefault(rule.anchor, []).append(i)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _marker_re() -> re.Pattern[str]:
    return re.compile(rf"(?P<mk>{_alternation(_words()['markers'])})\s+(?P<rest>.+)", re.IGNORECASE | re.DOTALL)


_RANGE_HEAD = re.compile(r"(?:between|from)\s+", re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s+(?:and|to|until|till|through)\s+|\s*[-–—]\s*", re.IGNORECASE)
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "\u2011": "-",
                       "\u2010": "-", "\u00a0": " ", "\u202f": " "})
_TRIM_HEAD = re.compile(r"^[\s\"'(\[]+")
_TRIM_TAIL = re.compile(r"(?:'s\b)?[\s\"'.,;:!?)\]]*$")


# -- resolve -----------------------------------------------------------------------------------

def resolve(expression: str, published: date | None) -> Resolution | None:
    """`(from, to, granularity)` of a time expression, relative ones read against `published`;
    None when the text is not a time expression this module can read."""
    try:
        if not isinstance(expression, str) or published is not None and not isinstance(published, date):
            return None
        if isinstance(published, datetime):
            published = published.date()
        text = _TRIM_TAIL.sub("", _TRIM_HEAD.sub("", expression.translate(_FOLD)))
        text = " ".join(text.split())
        if not text or len(text) > 80:
            return None
        return _resolve(text, published)
    except (ValueError, OverflowError, KeyError, IndexError, TypeError):
        return None


@lru_cache(maxsize=8192)
def _resolve(text: str, pub: date | None) -> Resolution | None:
    """The grammar first, on the whole text, as a range, or after a marker; then dateparser."""
    for fallback in (False, True):
        found = _resolve_core(text, pub, fallback)
        if found is not None:
            return found
        m = _RANGE_HEAD.match(text)
        if m:
            found = _resolve_range(text[m.end():], pub, fallback)
            if found is not None:
                return found
        m = _marker_re().fullmatch(text)
        if m:
            found = _resolve_core(m["rest"], pub, fallback)
            if found is not None:
                return _apply_marker(str(_words()["markers"][_key(m["mk"])]), found)
    return None


def _miscased(m: re.Match[str]) -> bool:
    """Month and weekday words that are also plain English count only when capitalised ("in
    May", "Sun 05 Jul"; not "they may", "in the sun")."""
    capitalised = _capitalised()
    return any(v and k in _NAME_GROUPS and _key(v) in capitalised and not v[:1].isupper()
               for k, v in m.groupdict().items())


@cache
def _capitalised() -> frozenset[str]:
    return frozenset(_words()["capitalised_only"])


def _resolve_range(text: str, pub: date | None, fallback: bool) -> Resolution | None:
    """"<a> and <b>" / "<a> to <b>" after "between" / "from": from the start of a to the end of b."""
    for sep in _RANGE_SEP.finditer(text):
        a = _resolve_core(text[:sep.start()], pub, fallback)
        if a is None:
            continue
        b = _resolve_core(text[sep.end():], pub, fallback)
        if b is None or "unknown" in (a[2], b[2]):
            continue
        if a[0] and b[1] and a[0] > b[1]:
            return None
        return a[0], b[1], "range"
    return None


def _apply_marker(mode: str, r: Resolution) -> Resolution:
    start, end, gran = r
    if gran == "unknown":
        return r
    if mode == "since":
        return start, None, gran
    if mode == "until":
        return None, end, gran
    if mode == "before":
        return None, (start - _DAY if start else None), gran
    if mode == "after":
        return (end + _DAY if end else None), None, gran
    return r


def _resolve_core(text: str, pub: date | None, fallback: bool = False) -> Resolution | None:
    if fallback:
        return _fallback(text, pub)
    for rule, pattern in zip(_rules(), _compiled()):
        m = pattern.fullmatch(text)
        if m is None or _miscased(m):
            continue
        try:
            found = rule.handler(m, pub)
        except (ValueError, OverflowError, KeyError):
            found = None
        if found is not None:
            return found
    return None


@cache
def _date_gate() -> re.Pattern[str]:
    w = _words()
    months = _alternation(k for k in w["months"])
    return re.compile(rf"\b(?:{months})\b|\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{1,4}}", re.IGNORECASE)


@lru_cache(maxsize=256)  # one per publication date seen: bounded on long runs
def _date_parser(relative_base: date | None) -> Any:
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first"}
    if relative_base is not None:
        settings["RELATIVE_BASE"] = datetime(relative_base.year, relative_base.month, relative_base.day)
    return DateDataParser(languages=["en"], settings=settings)


def prepare() -> None:
    """dateparser reads its language data at its first date (a quarter of a second)."""
    _fallback("July 5th 2015 at noon", None)


def _fallback(text: str, pub: date | None) -> Resolution | None:
    """dateparser, for explicit dates the grammar does not know ("July 5th 2015 at noon")."""
    if len(text) > 40 or re.search(r"\b(?:ago|old)\b", text, re.I):
        return None
    capitalised = _capitalised()
    if not any(g[0].isdigit() or _key(g) not in capitalised or g[0].isupper()
               for g in _date_gate().findall(text)):
        return None  # no month name ("they may") and no numeric date
    has_year = re.search(r"(?<!\d)[12]\d{3}(?!\d)", text) is not None
    if pub is None and not has_year:
        return None
    try:
        data = _date_parser(pub).get_date_data(text)
    except Exception:  # a third-party parser on arbitrary text: any failure means "not a date"
        return None
    d = data.date_obj
    if d is None or not 1000 <= d.year <= 2999:
        return None
    d = d.date()
    period = data.period or "day"
    if period == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31), "year"
    if period == "month":
        return d.replace(day=1), _month_end(d.year, d.month), "month"
    if period == "week":
        start, end = _unit_span(d, "week")
        return start, end, "week"
    return _day(d)


# -- extract_times -----------------------------------------------------------------------------

_NUMERIC_ENTS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"}
_POSSESSIVE = re.compile(r"['’]s\b")
_JOIN = re.compile(r"\s*(?:and|to|-|–|—)?\s*", re.IGNORECASE)
_BARE_YEAR = re.compile(r"[12]\d{3}")
_RANGE_BEFORE = re.compile(r"(?:between|from)\s+$", re.IGNORECASE)
_NAME_GROUPS = {"fm", "dm", "mm", "rm", "rm2", "bm", "wm", "wd"}  # month and weekday words


def extract_times(doc: Doc, ctx: Context) -> list[TimeMention]:
    """Every time expression in the article, resolved against its published date."""
    text = text_of(doc)
    pub = ctx.published
    mentions: list[TimeMention] = []
    for start, end in _join_ranges(text, _select(_scan(doc, text, pub)), pub):
        r = resolve(text[start:end], pub)
        if r is not None:
            mentions.append(_mention(text, start, end, r))
    mentions.extend(_from_entities(doc, text, pub, [(m.start, m.end) for m in mentions]))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _mention(text: str, start: int, end: int, r: Resolution) -> TimeMention:
    return TimeMention(text=text[start:end], start=start, end=end, start_date=r[0], end_date=r[1],
                       granularity=r[2])


_WORD_START = re.compile(r"(?<![\w'’])\w")
_LOOK_BACK = 48  # characters before an anchor word where an expression may begin ("the end of last")


@cache
def _marker_before() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'’])(?:{_alternation(_words()['markers'])})\s+$", re.IGNORECASE)


def _scan(doc: Doc, text: str, pub: date | None) -> list[tuple[int, int, int]]:
    """(start, end, rule rank) of every match of the grammar that fits its context. The rules
    are tried at the word starts just before each anchor word (a month, a weekday, a year, ...)
    and kept when they reach over it."""
    year_markers = {_key(x) for x in _words()["year_markers"]}
    rules, patterns, by_anchor = _rules(), _compiled(), _rules_by_anchor()
    marker_before = _marker_before()
    out: list[tuple[int, int, int]] = []
    seen: set[tuple[int, int]] = set()
    for a in _anchor_matches(text):
        kind = a.lastgroup or ""
        starts = [m.start() for m in _WORD_START.finditer(text, max(0, a.start() - _LOOK_BACK), a.start())]
        starts = starts[-6:] + [a.start()]
        for rank in by_anchor.get(kind, ()):
            for s in starts:
                if (s, rank) in seen:
                    continue
                seen.add((s, rank))
                m = patterns[rank].match(text, s)
                if m is None or m.end() < a.end():
                    continue
                cand = _candidate(doc, text, pub, m, rules[rank].name, marker_before, year_markers)
                # only expressions that resolve compete for the text ("the last days of" does not)
                if cand is not None and resolve(text[cand[0]:cand[1]], pub) is not None:
                    out.append((*cand, rank))
    return out


def _candidate(doc: Doc, text: str, pub: date | None, m: re.Match[str], name: str,
               marker_before: re.Pattern[str], year_markers: set[str]) -> tuple[int, int] | None:
    start, end = m.start(), m.end()
    if _miscased(m):
        return None
    mk = marker_before.search(text, max(0, start - 16), start)
    marker = ""
    # "by Tuesday's attack": the preposition governs the attack, not the day
    if mk and not _POSSESSIVE.match(text, end):
        start, marker = mk.start(), _key(mk.group())
    if name == "month" and not (marker or m["bp"]):
        return None  # a bare month name needs "in", "since", "early" ...
    if name == "year" and not (m["yp"] or m["ys"] or m.group()[:4].lower() == "the "):
        # a bare number is a year only after "in", "since", ... and when it looks like one
        if marker not in year_markers or not _plausible_year(doc, text, m.start("yy"), m.end("yy"), pub):
            return None
    return start, end


def _plausible_year(doc: Doc, text: str, start: int, end: int, pub: date | None) -> bool:
    year = int(text[start:end])
    top = (pub.year if pub else date.today().year) + 5
    if not 1900 <= year <= top:
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None:
        if span[0].ent_type_ in _NUMERIC_ENTS:
            return False
        if span.start > 0 and doc[span.start - 1].lower_ in _not_year_before():
            return False
    return True


@cache
def _not_year_before() -> frozenset[str]:
    return frozenset(_words()["not_year_before"])


def _select(cands: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping candidates, longest first (then by rule order)."""
    cands.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[tuple[int, int]] = []
    for start, end, _ in cands:
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
    taken.sort()
    return taken


def _join_ranges(text: str, spans: list[tuple[int, int]], pub: date | None) -> list[tuple[int, int]]:
    """"between May 3 and May 5", "from 2011 to 2013", "from Monday until Wednesday": one range."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        if i + 1 < len(spans):
            head = _RANGE_BEFORE.search(text, max(0, start - 9), start)
            nxt_start, nxt_end = spans[i + 1]
            if head and _JOIN.fullmatch(text, end, nxt_start):
                joined = (head.start(), nxt_end)
                if resolve(text[joined[0]:joined[1]], pub) is not None:
                    out.append(joined)
                    i += 2
                    continue
        out.append((start, end))
        i += 1
    return out


def _from_entities(doc: Doc, text: str, pub: date | None,
                   taken: list[tuple[int, int]]) -> list[TimeMention]:
    """spaCy DATE / TIME entities the grammar did not cover, when they resolve."""
    words = _words()
    markers = {_key(k) for k in words["markers"]}
    year_markers = {_key(x) for x in words["year_markers"]}
    determiners = set(words["year_determiners"])
    out: list[TimeMention] = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if any(ent.start_char < e and s < ent.end_char for s, e in taken):
            continue
        start, marker, r = ent.start_char, "", None
        possessive = ent.end < len(doc) and doc[ent.end].lower_ in ("'s", "’s")
        for n in (2, 1):
            if not possessive and ent.start >= n:
                before = doc[ent.start - n:ent.start]
                if _key(before.text) in markers and not any(before.start_char < e and s < ent.start_char
                                                             for s, e in taken):
                    r = resolve(text[before.start_char:ent.end_char], pub)
                    if r is not None:
                        start, marker = before.start_char, _key(before.text)
                    break
        if r is None:
            r = resolve(ent.text, pub)
        if r is None:
            continue
        if _BARE_YEAR.fullmatch(ent.text):
            if marker and marker not in year_markers or not _plausible_year(doc, text, ent.start_char,
                                                                            ent.end_char, pub):
                continue
            if not marker and (ent.start == 0 or doc[ent.start - 1].lower_ not in determiners):
                continue  # "groups 2000 refugees", "Copyright 2018"
        out.append(_mention(text, start, ent.end_char, r))
        taken.append((start, ent.end_char))
    return out
