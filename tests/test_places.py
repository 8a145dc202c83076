"""The places extractor on sentences written for these tests: countries and capitals, contested
regions and mountains, transliterations, directions, "province" and possessives, disambiguation
by the article's other places and its actors, unknown places, and spans. The last test scores
the seed gold when ../shared exists."""

from __future__ import annotations

import json
import math

import pytest
import yaml

from fogwatch.extract import Context
from fogwatch.extract.places import extract_places
from fogwatch.language import load
from fogwatch.model import ActorMention, Article, PlaceMention


@pytest.fixture(scope="module")
def nlp():
    return load()


def places(nlp, text: str, actors: list[ActorMention] | None = None) -> list[PlaceMention]:
    doc = nlp(text)
    ctx = Context(Article(text=text))
    if actors is not None:
        ctx.facts["actors"] = actors
    found = extract_places(doc, ctx)
    for mention in found:
        assert doc.text[mention.start:mention.end] == mention.text
    spans = [(m.start, m.end) for m in found]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "overlapping mentions"
    return found


def one(found: list[PlaceMention], text: str) -> PlaceMention:
    matches = [m for m in found if m.text == text]
    assert len(matches) == 1, f"{text!r} not among {[m.text for m in found]}"
    return matches[0]


def km(m: PlaceMention, lat: float, lon: float) -> float:
    assert m.lat is not None and m.lon is not None
    p1, p2 = math.radians(m.lat), math.radians(lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - m.lon) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_countries_and_capitals(nlp) -> None:
    found = places(nlp, "Talks between Armenia and Azerbaijan resumed in Brussels, and Baku sent a delegation.")
    assert (one(found, "Armenia").country, one(found, "Armenia").feature) == ("ARM", "country")
    assert one(found, "Azerbaijan").country == "AZE"
    baku = one(found, "Baku")
    assert (baku.country, baku.feature) == ("AZE", "city") and km(baku, 40.41, 49.87) < 30
    assert one(found, "Brussels").country == "BEL"


def test_georgia_beside_the_caucasus_is_the_country(nlp) -> None:
    text = ("Officials in Armenia and Azerbaijan traded accusations, while neighbouring Georgia and the "
            "United States urged calm.")
    georgia = one(places(nlp, text), "Georgia")
    assert (georgia.country, georgia.feature) == ("GEO", "country")


def test_atlanta_georgia_is_the_us_state(nlp) -> None:
    found = places(nlp, "The convoy left Atlanta, Georgia, on Monday.")
    assert one(found, "Georgia").country == "USA"
    assert one(found, "Atlanta").country == "USA"


def test_tripoli_near_lebanon(nlp) -> None:
    found = places(nlp, "Clashes broke out in Tripoli, the second city of Lebanon, after a night of shelling near Beirut.")
    assert one(found, "Tripoli").country == "LBN"


def test_contested_regions_and_mountains(nlp) -> None:
    text = ("Shelling was reported across Nagorno-Karabakh, which Armenians call Artsakh. In Syria, fighters "
            "moved from Jabal al-Akrad towards Jabal al-Turkmen.")
    found = places(nlp, text)
    nk = one(found, "Nagorno-Karabakh")
    assert (nk.country, nk.feature) == ("AZE", "enclave") and km(nk, 39.9, 46.7) < 80
    assert one(found, "Artsakh").name == "Nagorno-Karabakh"
    akrad = one(found, "Jabal al-Akrad")
    assert (akrad.country, akrad.feature) == ("SYR", "mountain") and km(akrad, 35.7, 36.25) < 60
    assert km(one(found, "Jabal al-Turkmen"), 35.85, 36.1) < 60


def test_transliteration_variants(nlp) -> None:
    text = "Air strikes hit Raqa and Deir Ezzor on Sunday, and rockets fell on Douma and Lattakia."
    found = places(nlp, text)
    assert one(found, "Raqa").name == "Raqqa"
    deir = one(found, "Deir Ezzor")
    assert (deir.name, deir.country) == ("Deir ez-Zor", "SYR") and km(deir, 35.34, 40.14) < 15
    assert one(found, "Douma").admin1 == "Rif Dimashq"
    assert one(found, "Lattakia").name == "Latakia"


def test_direction_joins_the_span(nlp) -> None:
    text = "Turkish drones struck targets in northwest Syria while aid trucks waited in northern Gaza."
    found = places(nlp, text)
    syria = one(found, "northwest Syria")
    assert syria.country == "SYR"
    gaza = one(found, "northern Gaza")
    assert gaza.country == "PSE"


def test_province_selects_the_region(nlp) -> None:
    found = places(nlp, "Barrel bombs fell on villages in Idlib province, far from Idlib city itself.")
    province = [m for m in found if m.text.startswith("Idlib province")][0]
    assert (province.feature, province.country) == ("admin1", "SYR")


def test_possessive_and_apposition(nlp) -> None:
    found = places(nlp, "Yerevan, Armenia's capital, saw large protests. Armenia's government did not comment.")
    yerevan = one(found, "Yerevan")
    assert yerevan.country == "ARM" and km(yerevan, 40.18, 44.51) < 30
    assert [m.country for m in found if m.text == "Armenia"] == ["ARM", "ARM"]


def test_actors_give_context(nlp) -> None:
    actor = ActorMention(text="the Lebanese army", start=0, end=17, country="LBN", sector="MIL")
    found = places(nlp, "The Lebanese army said gunmen attacked a checkpoint outside Tripoli overnight.", [actor])
    assert one(found, "Tripoli").country == "LBN"


def test_unknown_places_are_kept_without_coordinates(nlp) -> None:
    text = "Residents fled the village of Zorbitaqa after shelling near Aleppo."
    found = places(nlp, text)
    aleppo = one(found, "Aleppo")
    assert aleppo.country == "SYR"
    unknown = [m for m in found if "Zorbitaqa" in m.text]
    for m in unknown:  # whether the NER finds it varies; if it does, it stays unresolved
        assert m.name is None and m.lat is None and m.country is None


def test_organisation_names_are_not_places(nlp) -> None:
    found = places(nlp, "The Syrian Observatory for Human Rights said 12 people died in Homs.")
    assert [m.text for m in found] == ["Homs"]


def test_no_places(nlp) -> None:
    assert places(nlp, "The minister said the talks would continue next week.") == []


def test_seed_gold_places(nlp, shared) -> None:
    """Every gold place of the seed articles is found, in its country and near its coordinates."""
    gold = yaml.safe_load((shared / "gold" / "seeds.yaml").read_text(encoding="utf-8"))
    texts = {}
    for line in (shared / "seeds" / "seeds.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            texts[item["id"]] = item["text"]
    missed = []
    for article in gold["articles"]:
        text = texts[article["id"]]
        found = places(nlp, text)
        for item in article.get("places", []):
            start = text.find(item["anchor"])
            end = start + len(item["anchor"])
            ok = [m for m in found if m.start < end and start < m.end and m.country == item["country"]
                  and (item.get("within_km") is None or km(m, item["lat"], item["lon"]) <= item["within_km"])]
            if not ok:
                missed.append(item["anchor"])
    assert not missed
