"""The shipped gazetteer: folding of spellings, look-ups, disambiguation by kind of place,
population and context, the curated conflict geography, entity patterns, and that the data
loads quickly and matches the folding it was built with."""

from __future__ import annotations

import gzip
import math
import time
from importlib import resources

import pytest

from fogwatch.gazetteer import FOLD_VERSION, Gazetteer, Place, entity_patterns, fold


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


def km(a: Place, lat: float, lon: float) -> float:
    assert a.lat is not None and a.lon is not None
    p1, p2 = math.radians(a.lat), math.radians(lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - a.lon) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


# -- folding ------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Raqqa", "Raqa"), ("Raqqa", "al-Raqqa"), ("Raqqa", "Ar Raqqah"),
    ("Deir ez-Zor", "Deir al-Zor"), ("Deir ez-Zor", "Deir Ezzor"),
    ("Lattakia", "Latakia"), ("Douma", "Dūmā"), ("Hasakeh", "Al-Hasakah"), ("Dar'a", "Dara"),
    ("Jabal al-Akrad", "Jabal Akrad"), ("the Gaza Strip", "Gaza strip"), ("Nagorno-Karabakh", "Nagorno Karabakh"),
])
def test_spellings_fold_together(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize("a, b", [("Adra", "Adre"), ("Homs", "Hama"), ("Georgia", "Georgian")])
def test_different_names_stay_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


# -- look-ups -----------------------------------------------------------------------------------

def test_country_by_iso3(gazetteer: Gazetteer) -> None:
    armenia = gazetteer.country("ARM")
    assert armenia is not None and armenia.name == "Armenia" and armenia.feature == "country"
    assert gazetteer.country("arm") is armenia
    assert gazetteer.country("XXX") is None


def test_candidates_are_case_and_diacritic_insensitive(gazetteer: Gazetteer) -> None:
    assert gazetteer.candidates("yerevan")[0].country == "ARM"
    assert gazetteer.candidates("YEREVAN")[0].country == "ARM"
    assert gazetteer.candidates("Halab")[0].name == "Aleppo"
    assert gazetteer.candidates("no such place anywhere") == []


def test_unknown_name_resolves_to_none(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Qwertyville") is None


# -- disambiguation -----------------------------------------------------------------------------

def test_georgia_is_the_country_near_the_caucasus(gazetteer: Gazetteer) -> None:
    kinds = {(p.country, p.feature) for p in gazetteer.candidates("Georgia")}
    assert ("GEO", "country") in kinds and ("USA", "admin1") in kinds
    assert gazetteer.resolve("Georgia", {"ARM", "AZE"}).country == "GEO"
    # a country name means the country even when the article also mentions the US…
    assert gazetteer.resolve("Georgia", {"USA"}).country == "GEO"
    # …unless the words beside it say otherwise ("Atlanta, Georgia")
    assert gazetteer.resolve("Georgia", {"USA"}, hint_countries={"USA"}).country == "USA"


def test_tripoli_follows_the_article(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Tripoli").country == "LBY"  # the capital, without context
    assert gazetteer.resolve("Tripoli", {"LBN"}).country == "LBN"
    assert gazetteer.resolve("Tripoli", {"LBN", "USA"}).country == "LBN"


@pytest.mark.parametrize("name, country", [("Paris", "FRA"), ("Geneva", "CHE"), ("Athens", "GRC"),
                                           ("Washington", "USA"), ("Aleppo", "SYR")])
def test_a_us_mention_does_not_pull_famous_cities_to_us_namesakes(gazetteer: Gazetteer, name: str,
                                                                   country: str) -> None:
    place = gazetteer.resolve(name, {"USA"})
    assert place.country == country and place.feature == "city"


def test_seat_city_over_same_named_region(gazetteer: Gazetteer) -> None:
    yerevan = gazetteer.resolve("Yerevan")
    assert yerevan.feature == "city" and yerevan.admin1 == "Yerevan"
    assert gazetteer.resolve("Yerevan", prefer="admin1").feature == "admin1"


def test_province_names_resolve_to_first_level_regions(gazetteer: Gazetteer) -> None:
    idlib = gazetteer.resolve("Idlib province")
    assert (idlib.feature, idlib.country, idlib.key) == ("admin1", "SYR", "SYR.12")
    assert gazetteer.resolve("Damascus Suburbs").name == "Rif Dimashq"
    assert gazetteer.resolve("Rural Damascus").name == "Rif Dimashq"


def test_towns_carry_their_curated_region(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Douma").admin1 == "Rif Dimashq"
    assert gazetteer.resolve("Kobani").admin1 == "Aleppo Governorate"
    assert gazetteer.resolve("Baqubah").admin1 == "Diyala"


# -- curated conflict geography -----------------------------------------------------------------

@pytest.mark.parametrize("name, country, feature, lat, lon, within", [
    ("Nagorno-Karabakh", "AZE", "enclave", 39.9, 46.7, 80),
    ("Artsakh", "AZE", "enclave", 39.9, 46.7, 80),
    ("Jabal al-Turkmen", "SYR", "mountain", 35.85, 36.1, 60),
    ("Jebel Akrad", "SYR", "mountain", 35.7, 36.25, 60),
    ("Eastern Ghouta", "SYR", "region", 33.55, 36.4, 30),
    ("Golan Heights", "SYR", "territory", 33.0, 35.75, 60),
    ("Donbass", "UKR", "region", 48.3, 38.3, 150),
    ("North Darfur", "SDN", "admin1", 15.7, 24.9, 200),
    ("Tigray", "ETH", "admin1", 14.0, 38.8, 150),
    ("Cabo Delgado", "MOZ", "admin1", -12.3, 39.3, 150),
    ("Raqa", "SYR", "city", 35.95, 39.01, 10),
    ("Deir Ezzor", "SYR", "city", 35.34, 40.14, 10),
])
def test_conflict_places(gazetteer: Gazetteer, name: str, country: str, feature: str, lat: float,
                         lon: float, within: float) -> None:
    place = gazetteer.resolve(name)
    assert place is not None, name
    assert (place.country, place.feature) == (country, feature)
    assert km(place, lat, lon) <= within


def test_curated_towns_keep_their_geonames_identity(gazetteer: Gazetteer) -> None:
    raqqa = gazetteer.resolve("Raqqa")
    assert raqqa.curated and raqqa.geonameid and raqqa.population and raqqa.population > 100_000
    assert len([p for p in gazetteer.candidates("Raqqa") if p.country == "SYR"]) == 1


def test_curated_size() -> None:
    import yaml

    text = resources.files("fogwatch").joinpath("data/places/curated.yaml").read_text(encoding="utf-8")
    curated = yaml.safe_load(text)
    assert len(curated["places"]) >= 150
    assert len(curated["admin1"]) >= 200


# -- entity patterns ----------------------------------------------------------------------------

def test_entity_patterns(gazetteer: Gazetteer) -> None:
    patterns = entity_patterns()
    assert 1000 < len(patterns) < 10_000
    by_surface = {p["pattern"]: p for p in patterns}
    assert len(by_surface) == len(patterns), "each surface form once"
    assert {p["label"] for p in patterns} <= {"GPE", "LOC", "FAC"}
    assert all(p["id"].startswith("place:") for p in patterns)
    assert by_surface["Azerbaijan"]["label"] == "GPE"
    assert by_surface["Nagorno-Karabakh"]["id"] == "place:nagorno-karabakh"
    assert by_surface["Jabal al-Turkmen"]["label"] == "LOC"
    assert "Deir Ez-Zor" in by_surface  # the headline-case form of a curated spelling
    assert "Chad" in by_surface  # a country, even if also a given name
    for risky in ("Of", "Mobile", "Reading", "Split", "Nice", "Victoria", "Jackson", "Charlotte", "Sale"):
        assert risky not in by_surface, risky


# -- the data files -----------------------------------------------------------------------------

def test_data_is_small_and_built_with_the_current_folding() -> None:
    folder = resources.files("fogwatch").joinpath("data/places")
    size = sum(f.stat().st_size for f in (folder.joinpath(n) for n in ("geonames.tsv.gz", "curated.yaml")))
    assert size < 15_000_000
    with gzip.open(folder.joinpath("geonames.tsv.gz"), "rt", encoding="utf-8") as fh:
        header = fh.readline()
        assert "CC BY 4.0" in header and f"fold_version={FOLD_VERSION}" in header, \
            "fold() changed: bump FOLD_VERSION and run scripts/build_gazetteer.py"
        fh.readline()
        for n, line in enumerate(fh):
            cells = line.rstrip("\n").split("\t")
            names = [cells[2], *(a for a in cells[10].split("|") if a)]
            keys = cells[11].split("|")
            assert keys == list(dict.fromkeys(k for k in map(fold, names) if k)), cells[2]
            if n > 2000:
                break


def test_loads_quickly() -> None:
    started = time.perf_counter()
    gazetteer = Gazetteer.load()
    elapsed = time.perf_counter() - started
    assert len(gazetteer) > 30_000
    assert elapsed < 3.0  # about 0.5 s on the development machine; slack for busy CI
