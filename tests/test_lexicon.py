"""The actors reference data (data/actors/) and its lookups: countries, demonyms, capitals and seats,
organisations, sector cues, and the entity patterns handed to the language layer."""

from __future__ import annotations

import re
import time
from importlib.resources import files

import pytest

from fogwatch.lexicon import Lexicon, entity_patterns, fold, is_acronym

SECTORS = {"GOV", "MIL", "REB", "CVL", "IGO", "NGO", "MED", "PER", "UNK"}
KINDS = {"igo", "ngo", "media", "armed_group", "military", "government_body", "party", "de_facto_state", "company"}


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon.default()


# -- the data itself ------------------------------------------------------------------------------

def test_every_iso_country_once(lex):
    assert len(lex.countries) >= 249
    assert all(re.fullmatch(r"[A-Z]{3}", iso3) for iso3 in lex.countries)
    iso2 = [c.iso2 for c in lex.countries.values()]
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in iso2)
    assert len(set(iso2)) == len(iso2)
    assert lex.countries["XKX"].name == "Kosovo"
    assert lex.countries["PSE"].iso2 == "PS"
    assert lex.countries["TWN"].iso2 == "TW"
    assert lex.countries["NOR"].iso2 == "NO"  # not YAML's boolean


def test_organisations_are_well_formed(lex):
    assert len(lex.organisations) >= 300
    for org in lex.organisations.values():
        assert org.sector in SECTORS, org
        assert org.kind in KINDS, org
        assert org.country is None or org.country in lex.countries, org


def test_no_surface_form_is_claimed_by_two_countries(lex):
    """An ambiguous form is dropped from lookups and patterns; the data should have none by accident."""
    assert lex.ambiguous == set()


def test_provenance_is_documented():
    text = (files("fogwatch") / "data" / "actors" / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "ISO 3166" in text and "licence" in text.lower()


def test_loaded_once_and_fast():
    Lexicon.default.cache_clear()
    began = time.perf_counter()
    first = Lexicon.default()
    assert time.perf_counter() - began < 2.0
    assert Lexicon.default() is first


# -- country lookups ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, iso3", [
    ("the United States", "USA"), ("U.S.", "USA"), ("US", "USA"), ("America", "USA"),
    ("Russian Federation", "RUS"), ("Syria", "SYR"), ("Syrian Arab Republic", "SYR"),
    ("Türkiye", "TUR"), ("Turkey", "TUR"), ("Côte d'Ivoire", "CIV"), ("Côte d’Ivoire", "CIV"),
    ("Ivory Coast", "CIV"), ("DR Congo", "COD"), ("DRC", "COD"), ("Kosovo", "XKX"),
    ("Palestine", "PSE"), ("Taiwan", "TWN"), ("Britain", "GBR"), ("Burma", "MMR"),
])
def test_country_names(lex, text, iso3):
    assert lex.country_of(text) == iso3
    assert lex.country_form(text) == (iso3, "name")


@pytest.mark.parametrize("text, iso3, kind", [
    ("Azerbaijani", "AZE", "demonym"), ("Azeri", "AZE", "demonym"), ("Azeris", "AZE", "people"),
    ("Armenian", "ARM", "demonym"), ("Armenians", "ARM", "people"), ("Turkish", "TUR", "demonym"),
    ("Turks", "TUR", "people"), ("Syrians", "SYR", "people"), ("Emirati", "ARE", "demonym"),
    ("South Sudanese", "SSD", "demonym"), ("Chinese", "CHN", "demonym"),
])
def test_demonyms(lex, text, iso3, kind):
    assert lex.country_form(text) == (iso3, kind)


@pytest.mark.parametrize("text, iso3, kind", [
    ("the Kremlin", "RUS", "seat"), ("Kremlin", "RUS", "seat"), ("White House", "USA", "seat"),
    ("Whitehall", "GBR", "seat"), ("Downing Street", "GBR", "seat"), ("Elysee", "FRA", "seat"),
    ("Élysée", "FRA", "seat"), ("Washington", "USA", "capital"), ("Moscow", "RUS", "capital"),
    ("Ankara", "TUR", "capital"), ("Baku", "AZE", "capital"), ("Kyiv", "UKR", "capital"),
    ("Kiev", "UKR", "capital"), ("Tehran", "IRN", "capital"),
])
def test_capitals_and_seats(lex, text, iso3, kind):
    assert lex.country_form(text) == (iso3, kind)


def test_folded_lookup_but_acronyms_exact(lex):
    assert lex.country_of("ivory coast") == "CIV"
    assert lex.country_of("elysee palace") == "FRA"
    assert lex.country_of("us") is None  # the pronoun is not the United States
    assert lex.country_of("the u.s.") is None
    assert lex.organisation("un") is None
    assert is_acronym("U.N.") and is_acronym("the US") and not is_acronym("Turkey")
    assert fold("The Côte d’Ivoire") == "cote d'ivoire"


def test_unknown_is_none(lex):
    assert lex.country_of("Atlantis") is None
    assert lex.organisation("Nonexistent Front") is None


# -- organisations --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, key, country, sector", [
    ("SOHR", "sohr", None, "NGO"),
    ("the Syrian Observatory for Human Rights", "sohr", None, "NGO"),
    ("the Observatory", "sohr", None, "NGO"),
    ("Doctors Without Borders", "msf", None, "NGO"),
    ("HRW", "hrw", None, "NGO"),
    ("ICRC", "icrc", None, "NGO"),
    ("Security Council", "unsc", None, "IGO"),
    ("UNHCR", "unhcr", None, "IGO"),
    ("Minsk Group", "minsk_group", None, "IGO"),
    ("BBC", "bbc", "GBR", "MED"),
    ("Associated Press", "ap", "USA", "MED"),
    ("ISIS", "islamic_state", None, "REB"),
    ("Daesh", "islamic_state", None, "REB"),
    ("Hezbollah", "hezbollah", "LBN", "REB"),
    ("RSF", "rsf", "SDN", "REB"),
    ("Sudanese Armed Forces", "saf", "SDN", "MIL"),
    ("Wagner Group", "wagner", "RUS", "MIL"),
    ("Carnegie Endowment", "carnegie", "USA", "NGO"),
])
def test_organisations(lex, text, key, country, sector):
    org = lex.organisation(text)
    assert org is not None and (org.key, org.country, org.sector) == (key, country, sector)


def test_article_aliases_need_their_article(lex):
    """"the Observatory" is SOHR; a bare "Observatory" is any observatory."""
    assert lex.organisation("Observatory") is None
    assert lex.organisation("The Observatory").key == "sohr"


# -- sector cues ----------------------------------------------------------------------------------

@pytest.mark.parametrize("words, sector", [
    ("defense ministry", "MIL"), ("ministry of defence", "MIL"), ("forces", "MIL"), ("troops", "MIL"),
    ("foreign ministry", "GOV"), ("government", "GOV"), ("officials", "GOV"), ("spokesman", "GOV"),
    ("self-declared government", "REB"), ("separatist leaders", "REB"), ("militants", "REB"),
    ("civilians", "CVL"), ("displaced people", "CVL"), ("rights group", "NGO"), ("media", "MED"),
    ("analyst", "PER"), ("researchers", "PER"), ("military sources", "MIL"), ("aid agencies", "NGO"),
    (["the", "Armenian", "defense", "ministry"], "MIL"), ("weather", None),
])
def test_sector_of(lex, words, sector):
    assert lex.sector_of(words) == sector


def test_generic_and_weak_heads(lex):
    spokesman, _ = lex.head_cue(["spokesman"])
    assert spokesman.generic and spokesman.sector == "GOV"
    force, _ = lex.head_cue(["the", "force"])
    assert force.weak and force.sector == "MIL"
    assert lex.head_cue(["the", "armenian", "defense", "ministry"])[1] == 2


# -- entity patterns ------------------------------------------------------------------------------

def test_entity_patterns(lex):
    patterns = entity_patterns()
    assert patterns == lex.entity_patterns()
    labels = {p["label"] for p in patterns}
    assert labels == {"NORP", "ORG"}  # places (GPE, LOC) are the gazetteer's
    assert all(re.fullmatch(r"(actor|org|seat):[A-Za-z0-9_]+", p["id"]) for p in patterns)
    pairs = [(p["label"], p["pattern"]) for p in patterns]
    assert len(pairs) == len(set(pairs))
    assert {"label": "NORP", "pattern": "Azerbaijani", "id": "actor:AZE"} in patterns
    assert {"label": "NORP", "pattern": "Azeris", "id": "actor:AZE"} in patterns
    assert {"label": "ORG", "pattern": "Kremlin", "id": "seat:RUS"} in patterns
    assert {"label": "ORG", "pattern": "SOHR", "id": "org:sohr"} in patterns
    assert {"label": "ORG", "pattern": "The Observatory", "id": "org:sohr"} in patterns
    surfaces = {p["pattern"] for p in patterns}
    assert not {"Azerbaijan", "Syria", "Moscow", "Baku", "Observatory"} & surfaces
