"""The actors extractor on sentences written for these tests: organisations, demonym + sector noun,
countries and capitals in agent roles (and not as places), persons with roles, separatists,
civilians; spans, countries and sectors. The last test scores the seed gold when ../shared exists."""

from __future__ import annotations

import json

import pytest
import yaml

from fogwatch.extract import Context
from fogwatch.extract.actors import extract_actors
from fogwatch.language import load
from fogwatch.model import ActorMention, Article


@pytest.fixture(scope="module")
def nlp():
    return load()


def actors(nlp, text: str) -> list[ActorMention]:
    doc = nlp(text)
    found = extract_actors(doc, Context(Article(text=text)))
    for mention in found:
        assert doc.text[mention.start:mention.end] == mention.text
    spans = [(m.start, m.end) for m in found]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "overlapping mentions"
    return found


def one(found: list[ActorMention], text: str) -> ActorMention:
    matches = [m for m in found if m.text == text]
    assert len(matches) == 1, f"{text!r} not among {[m.text for m in found]}"
    return matches[0]


def summary(mention: ActorMention) -> tuple[str | None, str | None]:
    return mention.country, mention.sector


# -- organisations --------------------------------------------------------------------------------

def test_organisation_by_full_name(nlp):
    found = actors(nlp, "The Syrian Observatory for Human Rights said 12 people were killed.")
    sohr = one(found, "The Syrian Observatory for Human Rights")
    assert (sohr.name, sohr.country, sohr.sector, sohr.kind) == (
        "Syrian Observatory for Human Rights", None, "NGO", "organisation")
    assert len(found) == 1  # not also "Syrian"


def test_organisation_alias_names_its_phrase(nlp):
    sources = one(actors(nlp, "SOHR sources said the toll had risen."), "SOHR sources")
    assert (sources.name, sources.sector) == ("Syrian Observatory for Human Rights", "NGO")
    reports = one(actors(nlp, "According to Reuters reports, the talks failed."), "Reuters reports")
    assert (reports.name, reports.country, reports.sector) == ("Reuters", "GBR", "MED")


def test_article_alias(nlp):
    assert one(actors(nlp, "The Observatory said the toll had risen."), "The Observatory").sector == "NGO"
    assert actors(nlp, "An observatory on the hill recorded the tremor.") == []


def test_armed_groups_and_militaries(nlp):
    found = actors(nlp, "The Rapid Support Forces and the Sudanese Armed Forces agreed to a truce.")
    assert summary(one(found, "The Rapid Support Forces")) == ("SDN", "REB")
    assert summary(one(found, "the Sudanese Armed Forces")) == ("SDN", "MIL")
    daesh = one(actors(nlp, "Daesh claimed the attack."), "Daesh")
    assert (daesh.name, daesh.sector) == ("Islamic State", "REB")


def test_role_phrase_takes_the_organisation(nlp):
    spokesman = one(actors(nlp, "A spokesman for the UN said aid had not arrived."), "A spokesman for the UN")
    assert (spokesman.name, spokesman.sector) == ("United Nations", "IGO")


# -- demonym + sector noun ------------------------------------------------------------------------

def test_demonym_and_ministry(nlp):
    ministry = one(actors(nlp, "The Armenian defense ministry said a drone was shot down."),
                   "The Armenian defense ministry")
    assert (ministry.name, ministry.country, ministry.sector) == ("Armenian defense ministry", "ARM", "MIL")


def test_demonym_and_military(nlp):
    found = actors(nlp, "Shelling by the Russian military continued overnight, according to the Ukrainian army.")
    military = one(found, "the Russian military")
    assert (military.name, military.country, military.sector) == ("Russian military", "RUS", "MIL")
    assert summary(one(found, "the Ukrainian army")) == ("UKR", "MIL")
    assert summary(one(actors(nlp, "Azerbaijani forces shelled the town on Monday."), "Azerbaijani forces")) == (
        "AZE", "MIL")


def test_one_mention_per_phrase(nlp):
    found = actors(nlp, "The Russian Ministry of Defense said the convoy had arrived.")
    assert [(m.text, m.country, m.sector) for m in found] == [("The Russian Ministry of Defense", "RUS", "MIL")]


def test_backer_is_not_the_country(nlp):
    militias = one(actors(nlp, "Iranian-backed Iraqi militias attacked the base."), "Iranian-backed Iraqi militias")
    assert (militias.name, militias.country, militias.sector) == ("Iraqi militias", "IRQ", "REB")
    separatists = one(actors(nlp, "The pro-Russian separatists said they would not withdraw."),
                      "The pro-Russian separatists")
    assert (separatists.name, separatists.country, separatists.sector) == ("separatists", None, "REB")


def test_leader_is_the_country(nlp):
    coalition = one(actors(nlp, "The Saudi-led coalition said it intercepted a missile."), "The Saudi-led coalition")
    assert summary(coalition) == ("SAU", "MIL")


def test_forces_of_a_people_are_rebels(nlp):
    assert summary(one(actors(nlp, "Ethnic Serb forces blocked the road to the border."), "Ethnic Serb forces")) == (
        "SRB", "REB")
    assert summary(one(actors(nlp, "Kurdish forces took the village."), "Kurdish forces")) == (None, "REB")


def test_coordinated_demonyms_give_one_mention_each(nlp):
    found = actors(nlp, "Clashes between Serbian and Croatian forces resumed.")
    assert [(m.text, m.name, m.country, m.sector) for m in found] == [
        ("Serbian", "Serbian forces", "SRB", "MIL"), ("Croatian forces", "Croatian forces", "HRV", "MIL")]


def test_aircraft_designation(nlp):
    assert summary(one(actors(nlp, "A Turkish F-16 shot down the drone."), "A Turkish F-16")) == ("TUR", "MIL")


def test_country_of_an_attack(nlp):
    russian = one(actors(nlp, "Russian airstrikes killed 12 people in the town."), "Russian")
    assert (russian.name, russian.country, russian.sector) == ("Russia", "RUS", "MIL")


# -- countries and capitals: actors in agent roles, places otherwise ------------------------------

def test_bare_country_subject_is_its_government(nlp):
    turkey = one(actors(nlp, "Turkey rejected the claim."), "Turkey")
    assert (turkey.name, turkey.country, turkey.sector, turkey.kind) == ("Turkey", "TUR", "GOV", "country")


def test_possessive_country(nlp):
    found = actors(nlp, "Georgia's government rejected the offer, and Ukraine's military said it would respond.")
    government = one(found, "Georgia's government")
    assert (government.name, government.country, government.sector) == ("Georgia government", "GEO", "GOV")
    assert summary(one(found, "Ukraine's military")) == ("UKR", "MIL")
    assert summary(one(actors(nlp, "Azerbaijan's offensive began on Tuesday."), "Azerbaijan")) == ("AZE", "MIL")


@pytest.mark.parametrize("text, countries", [
    ("Iran and Iraq have called for calm.", ["IRN", "IRQ"]),
    ("Talks between Serbia and Kosovo resumed in Brussels.", ["SRB", "XKX"]),
    ("The plan followed a joint appeal from Norway and Sweden.", ["NOR", "SWE"]),
    ("The proposal was rejected by Azerbaijan.", ["AZE"]),
    ("The border will stay closed, according to Turkey.", ["TUR"]),
    ("Washington urged Israel to halt the operation.", ["USA", "ISR"]),
])
def test_countries_in_agent_roles(nlp, text, countries):
    assert [m.country for m in actors(nlp, text)] == countries


@pytest.mark.parametrize("text", [
    "Thousands of refugees arrived in Armenia last week.",
    "Protests erupted in Armenia's capital.",
    "The convoy drove to Azerbaijan on Monday.",
])
def test_country_as_place_is_no_actor(nlp, text):
    assert not [m for m in actors(nlp, text) if m.kind in ("country", "capital")]


def test_turkey_the_food(nlp):
    assert actors(nlp, "We ate turkey for dinner.") == []


def test_capitals_and_seats_stand_for_governments(nlp):
    found = actors(nlp, "Moscow denied the report, while Baku said the strikes would continue.")
    assert [(m.text, m.country, m.sector, m.kind) for m in found] == [
        ("Moscow", "RUS", "GOV", "capital"), ("Baku", "AZE", "GOV", "capital")]
    kremlin = one(actors(nlp, "The Kremlin said the talks would continue."), "The Kremlin")
    assert (kremlin.country, kremlin.sector, kremlin.kind) == ("RUS", "GOV", "seat")
    assert not [m for m in actors(nlp, "The envoys met at the White House on Friday.") if m.country == "USA"]


# -- persons --------------------------------------------------------------------------------------

def test_person_with_title(nlp):
    macron = one(actors(nlp, "French President Emmanuel Macron spoke to reporters in Paris."),
                 "French President Emmanuel Macron")
    assert (macron.name, macron.country, macron.sector, macron.kind) == ("Emmanuel Macron", "FRA", "GOV", "person")
    general = one(actors(nlp, "General Mark Milley said the troops would stay."), "General Mark Milley")
    assert (general.name, general.sector) == ("Mark Milley", "MIL")


def test_person_of_an_organisation_is_a_person(nlp):
    smith = one(actors(nlp, "Jane Smith of the Carnegie Endowment said the risk was rising."),
                "Jane Smith of the Carnegie Endowment")
    assert (smith.name, smith.country, smith.sector, smith.kind) == ("Jane Smith", None, "PER", "person")


def test_unknown_entities_are_kept(nlp):
    doe = one(actors(nlp, "John Doe said the road was closed."), "John Doe")
    assert (doe.country, doe.sector, doe.kind) == (None, "PER", "person")
    acme = one(actors(nlp, "Acme Logistics said its convoy was hit near the river."), "Acme Logistics")
    assert (acme.country, acme.sector, acme.kind) == (None, None, "organisation")


# -- separatists and civilians --------------------------------------------------------------------

def test_self_styled_ministry_is_rebel(nlp):
    found = actors(nlp, "The separatists' self-styled defence ministry said two soldiers died.")
    assert one(found, "The separatists' self-styled defence ministry").sector == "REB"
    assert one(found, "two soldiers").sector == "MIL"


def test_officials_of_a_self_declared_body(nlp):
    officials = one(actors(nlp, "Officials of the self-declared republic said the vote would go ahead."),
                    "Officials of the self-declared republic")
    assert officials.sector == "REB"


def test_separatist_leaders_and_residents(nlp):
    found = actors(nlp, "Separatist leaders urged residents to stay indoors.")
    assert [(m.text, m.sector) for m in found] == [("Separatist leaders", "REB"), ("residents", "CVL")]


def test_civilians_and_protesters(nlp):
    assert one(actors(nlp, "Protesters gathered outside the parliament in Tbilisi."), "Protesters").sector == "CVL"
    assert one(actors(nlp, "Thousands of refugees arrived in Armenia last week."), "refugees").sector == "CVL"


def test_group_takes_the_country_it_is_in(nlp):
    assert summary(one(actors(nlp, "Rebels in Mali seized the town."), "Rebels")) == ("MLI", "REB")


# -- demonym + occupation, titled persons, peoples where they live ---------------------------------

def test_demonym_and_occupation_is_a_group(nlp):
    found = actors(nlp, "Norwegian nurses opened a field clinic near the border.")
    nurses = one(found, "Norwegian nurses")
    assert (nurses.country, nurses.sector, nurses.kind) == ("NOR", "CVL", "group")
    assert summary(one(actors(nlp, "Moroccan farmers and Tunisian landowners blocked the road."),
                       "Tunisian landowners")) == ("TUN", "CVL")
    assert summary(one(actors(nlp, "Peruvian officials said the talks had stalled."), "Peruvian officials")) == (
        "PER", "GOV")
    # an occupation alone is no actor
    assert actors(nlp, "Nurses at the clinic worked through the night.") == []


def test_titled_person_takes_the_one_country_of_the_sentence(nlp):
    found = actors(nlp, "President Anna Kowalczyk promised new elections in Poland.")
    assert summary(one(found, "President Anna Kowalczyk")) == ("POL", "GOV")
    judge = one(actors(nlp, "Judge Pablo Herrera charged nine Bolivian police officers with fraud."),
                "Judge Pablo Herrera")
    assert summary(judge) == ("BOL", "GOV")
    assert summary(one(actors(nlp, "Prime Minister Lars Berg arrived in Oslo on Monday."),
                       "Prime Minister Lars Berg")) == ("NOR", "GOV")


def test_titled_person_without_a_sure_country(nlp):
    two = one(actors(nlp, "President Anna Kowalczyk discussed trade with Germany and France."),
              "President Anna Kowalczyk")
    assert two.country is None and two.sector == "GOV"
    none = one(actors(nlp, "President Anna Kowalczyk promised new elections."), "President Anna Kowalczyk")
    assert none.country is None
    # the one country named is another leader's
    found = actors(nlp, "President Anna Kowalczyk welcomed Chilean leader Pablo Herrera on Friday.")
    assert one(found, "President Anna Kowalczyk").country is None
    assert summary(one(found, "Chilean leader Pablo Herrera")) == ("CHL", "GOV")
    # a person without a government title takes no country from the sentence
    assert one(actors(nlp, "Anna Kowalczyk promised new elections in Poland."), "Anna Kowalczyk").country is None


def test_people_and_ethnic_groups_where_they_live(nlp):
    assert one(actors(nlp, "The Hungarians of northern Romania demanded autonomy."), "The Hungarians").country == "ROU"
    assert one(actors(nlp, "Ethnic Greeks in Albania are demanding more schools."), "Ethnic Greeks").country == "ALB"
    assert one(actors(nlp, "Some 300 ethnic Russians rallied on Sunday in Latvia."),
               "Some 300 ethnic Russians").country == "LVA"
    # two countries: no guess, the people's own country stays
    assert one(actors(nlp, "Ethnic Russians rallied in Latvia and in Estonia."), "Ethnic Russians").country == "RUS"
    assert one(actors(nlp, "Ethnic Russians rallied on Sunday."), "Ethnic Russians").country == "RUS"


def test_government_body_of_an_international_organisation(nlp):
    court = one(actors(nlp, "The general was indicted by the U.N. war crimes court on Monday."),
                "the U.N. war crimes court")
    assert summary(court) == (None, "IGO")
    # a state's court stays the state's
    assert summary(one(actors(nlp, "The Chilean supreme court rejected the appeal."),
                       "The Chilean supreme court")) == ("CHL", "GOV")


# -- the seed gold ----------------------------------------------------------------------------------

def test_seed_gold_recall(nlp, shared):
    """Floors for the actor part of the seed gold (fogwatch.evaluation.score_actors): every claim
    source and event actor that an actor extractor alone can find. The misses left are a pronoun
    ("They agreed"), a source outside its claim's anchor, and an abbreviation ("U.S.") that ends the
    evaluator's naive sentence."""
    from fogwatch.evaluation import GoldArticle, Score, score_actors
    from fogwatch.record import build_record

    gold = {a["id"]: a for a in yaml.safe_load((shared / "gold" / "seeds.yaml").read_text())["articles"]}
    claims, events = Score(), Score()
    for line in (shared / "seeds" / "seeds.jsonl").read_text().splitlines():
        item = json.loads(line)
        article = Article(text=item["text"], source_id=item["id"])
        ctx = Context(article, {"actors": extract_actors(nlp(article.text), Context(article))})
        record = build_record(ctx)
        score_actors(claims, GoldArticle({"claims": gold[item["id"]].get("claims")}, article.text, record))
        score_actors(events, GoldArticle({"events": gold[item["id"]].get("events")}, article.text, record))
    assert claims.matched >= 14, claims.misses
    assert events.matched >= 24, events.misses
