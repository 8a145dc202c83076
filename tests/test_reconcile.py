"""Cross-article reconciliation: duplicates, incidents, figure summaries and grades, on records and
texts written here by hand (our own words, invented incidents)."""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

import pytest

from fogwatch.reconcile.duplicates import (
    ArticleIndex, duplicate_sentences, from_signature, near_duplicate_articles, repeated_figures,
    repeated_figures_in,
    sentence_spans, signature,
)
from fogwatch.reconcile.figures import subject_group, summarise_figures
from fogwatch.reconcile.grades import grade_incident, independent_sources
from fogwatch.reconcile.incidents import (
    EventRef, IncidentGrouper, Party, event_refs, group_incidents, incident_from_dict, incident_id,
    incident_to_dict,
)

# -- record builders -----------------------------------------------------------------------------

TOWN_A = {"name": "Qasr Bahri", "country": "SDN", "admin1": "North Darfur", "lat": 13.60, "lon": 25.30, "feature": "town"}
TOWN_A_DISTRICT = {"name": "Qasr Bahri East", "country": "SDN", "admin1": "North Darfur", "lat": 13.65, "lon": 25.42,
                   "feature": "district"}  # about 14 km from TOWN_A
TOWN_FAR = {"name": "Wadi Sella", "country": "SDN", "admin1": "South Darfur", "lat": 12.05, "lon": 24.88,
            "feature": "town"}  # about 175 km from TOWN_A
REGION = {"name": "North Darfur", "country": "SDN", "admin1": "North Darfur", "lat": 15.7, "lon": 24.9, "feature": "admin1"}
COUNTRY = {"name": "Sudan", "country": "SDN", "admin1": None, "lat": 15.55, "lon": 32.53, "feature": "country"}

ARMY = {"name": "Sudanese Armed Forces", "country": "SDN", "sector": "MIL"}
RSF = {"name": "Rapid Support Forces", "country": "SDN", "sector": "REB"}
CHAD_ARMY = {"name": "Chadian army", "country": "TCD", "sector": "MIL"}
CIVILIANS = {"name": "civilians", "country": None, "sector": "CVL"}


def source(kind: str, name: str | None = None, country: str | None = None, sector: str | None = None) -> dict[str, Any]:
    return {"text": name, "start": None, "end": None, "name": name, "country": country, "sector": sector, "kind": kind}


def record(article_id: str, outlet: str, published: str, *, place: dict | None = None, time: str | None = None,
           actors: list[dict] = (), targets: list[dict] = (), figures: list[dict] = (), claim: dict | None = None,
           stance: str = "assert", denials: list[dict] = (), event_type: str = "ASSAULT",
           acled: tuple[str, str] | None = ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
           flags: dict[str, bool] | None = None, figure_claims: list[tuple[dict, str]] | None = None) -> dict[str, Any]:
    """One article with one event. `claim` is the event claim's source; figures carry the same claim
    unless `figure_claims` gives each its own (source, stance); `denials` are deny claims (sources)
    answering the event's claim."""
    rec: dict[str, Any] = {"article": {"id": article_id, "title": None, "outlet": outlet, "url": None,
                                       "published": published},
                           "actors": [], "places": [], "times": [], "figures": [], "claims": [], "events": []}
    ids = []
    for n, actor in enumerate([*actors, *targets], start=1):
        rec["actors"].append({"id": f"a{n}", "text": actor["name"], "start": 0, "end": 0, **actor})
        ids.append(f"a{n}")
    if place:
        rec["places"].append({"id": "p1", "text": place["name"], "start": 0, "end": 0, **place})
    if time:
        rec["times"].append({"id": "t1", "text": time, "start": 0, "end": 0, "from": time, "to": time,
                             "granularity": "day"})
    rec["claims"].append({"id": "c1", "start": 0, "end": 0, "source": claim or source("outlet", outlet, None, "MED"),
                          "cue": None, "stance": stance, "responds_to": None})
    for n, denier in enumerate(denials, start=2):
        rec["claims"].append({"id": f"c{n}", "start": 0, "end": 0, "source": denier, "cue": None, "stance": "deny",
                              "responds_to": "c1"})
    for n, fig in enumerate(figures, start=1):
        claim_id = "c1"
        if figure_claims:
            claim_id = f"c{10 + n}"
            fsource, fstance = figure_claims[n - 1]
            rec["claims"].append({"id": claim_id, "start": 0, "end": 0, "source": fsource, "cue": None,
                                  "stance": fstance, "responds_to": None})
        rec["figures"].append({"id": f"f{n}", "text": fig.get("text", ""), "start": 0, "end": 0, "category": "killed",
                               "qualifier": "exact", "subject": "people", "claim": claim_id, **fig})
    rec["events"].append({
        "id": "e1", "start": 0, "end": 0, "trigger": "shelling", "type": event_type, "mode": None,
        "acled": {"event_type": acled[0], "sub_event_type": acled[1]} if acled else None,
        "actors": ids[:len(actors)], "targets": ids[len(actors):], "place": "p1" if place else None,
        "time": "t1" if time else None, "figures": [f["id"] for f in rec["figures"]], "claim": "c1",
        "negated": False, "hypothetical": False, "historical": False, **(flags or {}),
    })
    return rec


def refs(*records: dict[str, Any]) -> list[EventRef]:
    return [e for r in records for e in event_refs(r)]


def killed(low: int | None, high: int | None = None, best: int | None = None, **extra: Any) -> dict[str, Any]:
    high = low if high is None and extra.get("qualifier", "exact") == "exact" else high
    return {"low": low, "high": high, "best": best if best is not None else low, **extra}


# -- sentences -----------------------------------------------------------------------------------

def test_sentence_spans_skip_abbreviations_and_keep_quotes() -> None:
    text = 'Brig. Gen. Idris spoke to U.S. envoys on Monday. "We held the bridge." Shelling resumed.\nIt stopped.'
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == ['Brig. Gen. Idris spoke to U.S. envoys on Monday.', '"We held the bridge."',
                     "Shelling resumed.", "It stopped."]


REPEATING = ("Shells hit the cattle market in Qasr Bahri on Sunday. At least 30 people were killed and more than 70 "
             "were wounded in the shelling of the cattle market, volunteers said. Traders had gathered before dawn. "
             "At least 30 people were killed and more than 70 were wounded in the shelling of the cattle market, "
             "in what the governor called a massacre.")


def _repeating_record() -> dict[str, Any]:
    rec = record("art-rep", "Qasr Bahri Courier", "2024-06-03", place=TOWN_A, time="2024-06-02",
                 figures=[killed(30, None, qualifier="at_least"), killed(71, None, qualifier="more_than", category="wounded"),
                          killed(30, None, qualifier="at_least"), killed(71, None, qualifier="more_than", category="wounded")],
                 figure_claims=[(source("anonymous", "volunteers", None, "CVL"), "assert")] * 2
                 + [(source("outlet", "Qasr Bahri Courier"), "assert")] * 2)
    starts = [REPEATING.index("At least 30"), REPEATING.index("more than 70"),
              REPEATING.rindex("At least 30"), REPEATING.rindex("more than 70")]
    for fig, start in zip(rec["figures"], starts):
        fig["start"], fig["end"] = start, start + 12
    return rec


def test_repeated_sentence_is_found_and_its_figures_counted_once() -> None:
    rec = _repeating_record()
    pairs = duplicate_sentences([(rec, REPEATING)])
    assert len(pairs) == 1
    pair = pairs[0]
    assert pair["first"]["article"] == pair["second"]["article"] == "art-rep"
    assert REPEATING[pair["second"]["start"]:pair["second"]["end"]].endswith("called a massacre.")
    assert not pair["exact"]
    assert pair["figures"] == [{"first": "f1", "second": "f3", "category": "killed"},
                               {"first": "f2", "second": "f4", "category": "wounded"}]
    repeated = repeated_figures(pairs)
    assert repeated == {("art-rep", "f3"), ("art-rep", "f4")}

    incident = group_incidents(refs(rec))[0]
    voices_before = [s.source for s in summarise_figures(incident)[0].sources]
    voices_after = [s.source for s in summarise_figures(incident, repeated=repeated)[0].sources]
    assert len(voices_before) == 2 and voices_after == ["volunteers (Qasr Bahri Courier)"]


def test_near_duplicate_sentence_with_a_new_number_repeats_no_figure() -> None:
    first = "Rescue workers said 12 people were killed when a shell hit the flour mill in Qasr Bahri on Sunday."
    second = "Rescue workers said 19 people were killed when a shell hit the flour mill in Qasr Bahri on Sunday."
    a = record("art-1", "Outlet A", "2024-06-03", figures=[killed(12, start=first.index("12"), end=first.index("12") + 9)])
    b = record("art-2", "Outlet B", "2024-06-04", figures=[killed(19, start=second.index("19"), end=second.index("19") + 9)])
    pairs = duplicate_sentences([(a, first), (b, second)])
    assert len(pairs) == 1 and pairs[0]["second"]["article"] == "art-2"
    assert pairs[0]["figures"] == []


@pytest.mark.parametrize("seed", range(6))
def test_repeated_figures_without_pairs_equal_those_from_all_pairs(seed: int) -> None:
    """Reconciliation asks only which figures repeat; it must get what the full list of pairs gives."""
    rng = random.Random(seed)
    templates = ["Rescue workers said {n} people were killed when a shell hit the flour mill in Qasr Bahri.",
                 "At least {n} people were wounded in the shelling of the cattle market, volunteers said.",
                 "The convoy reached the border crossing at noon after a long delay at the checkpoint.",
                 "Officials said {n} soldiers and {m} civilians were killed in the attack on the garrison town.",
                 "Aid workers unloaded flour and medicine for the displaced families in the camp on Sunday."]
    items = []
    for k in range(12):
        text, figures = "", []
        for template in rng.choices(templates, k=rng.randint(2, 6)):
            n, m = rng.choice([12, 19, 30]), rng.choice([4, 7])
            sentence = template.format(n=n, m=m)
            for value in ([n, m] if "{m}" in template else [n] if "{n}" in template else []):
                at = len(text) + sentence.index(str(value))
                figures.append(killed(value, start=at, end=at + len(str(value))))
            text += sentence + " "
        rec = record(f"art-{k}", f"Outlet {k % 4}", "2024-06-03", figures=figures)
        for number, fig in enumerate(rec["figures"], start=1):
            fig["id"] = f"f{number}"
        items.append((rec, text.strip()))
    expected = repeated_figures(duplicate_sentences(items))
    assert expected  # the pool repeats sentences: some figures must repeat
    assert repeated_figures_in(items) == expected


def test_unrelated_sentences_and_short_ones_are_not_duplicates() -> None:
    text = ("He said. He said. The convoy reached the border crossing at noon after a long delay. "
            "Aid workers unloaded flour and medicine for the displaced families in the camp.")
    rec = record("art-x", "Outlet", "2024-06-03")
    assert duplicate_sentences([(rec, text)]) == []


# -- articles ------------------------------------------------------------------------------------

WIRE = (
    "KHARTOUM, June 4 (Sudan Wire Service) - Fighting between the army and the Rapid Support Forces spread on "
    "Tuesday to the southern outskirts of Qasr Bahri, where residents said artillery fire struck a school used "
    "as a shelter for families who had fled earlier clashes. A teacher who runs the shelter said eleven people "
    "were killed and at least twenty were wounded when two shells landed in the courtyard shortly after midday. "
    "The army said its forces had responded to an attack on their positions near the river and accused the "
    "paramilitary of using residential areas as cover. The Rapid Support Forces said in a statement that army "
    "artillery had targeted civilian neighbourhoods for the third day running. Neither account could be "
    "verified. Telephone lines to the town have been cut for much of the week and aid groups say they have "
    "lost contact with staff in the southern districts. The United Nations said this month that more than "
    "forty thousand people had left the area since the start of the year, most of them on foot. Local "
    "volunteers have set up kitchens in two mosques in the north of the town, where prices of bread and fuel "
    "have tripled since the fighting began."
)
WIRE_EDITED = WIRE.replace(
    "Telephone lines to the town have been cut for much of the week and aid groups say they have lost contact "
    "with staff in the southern districts.",
    "The town sits on the main road between the state capital and the border, and both sides have fought over "
    "it repeatedly.",
)
WIRE_TRIMMED = WIRE[:WIRE.index("Neither account")]
OTHER_STORY = (
    "Qasr Bahri, June 4 - Aid convoys reached the northern districts of Qasr Bahri on Tuesday for the first time "
    "in a month, carrying flour, medicine and water purification tablets, the World Food Programme said. The "
    "agency said the trucks had waited for nine days at a checkpoint outside the town while officials from both "
    "sides argued over inspection rules. Residents said queues formed at the distribution points before dawn. "
    "Prices of bread and fuel have tripled since the fighting began, traders said, and many families now eat "
    "one meal a day. The agency warned that the rainy season would soon cut the roads."
)
ARTICLES = [("wire", WIRE), ("other", OTHER_STORY), ("edited", WIRE_EDITED), ("trimmed", WIRE_TRIMMED)]


def test_wire_copies_edited_and_trimmed_are_grouped() -> None:
    assert near_duplicate_articles(ARTICLES) == [["wire", "edited", "trimmed"]]


def test_article_index_is_incremental_and_rebuilds_from_signatures() -> None:
    index = ArticleIndex()
    assert index.add("wire", WIRE) == []
    assert index.add("other", OTHER_STORY) == []
    assert index.add("edited", WIRE_EDITED) == ["wire"]
    assert index.add("trimmed", WIRE_TRIMMED) == ["wire", "edited"]
    assert index.add("wire", WIRE) == ["edited", "trimmed"]  # adding again changes nothing
    assert index.group_map() == {"wire": "wire", "other": "other", "edited": "wire", "trimmed": "wire"}

    stored = {article_id: signature(text) for article_id, text in ARTICLES}
    rebuilt = ArticleIndex()
    for article_id, _ in ARTICLES:
        rebuilt.add_sketch(article_id, from_signature(stored[article_id]))
    assert rebuilt.group_map() == index.group_map()
    assert from_signature(stored["wire"]).minhash.jaccard(from_signature(signature(WIRE)).minhash) == 1.0


def test_signature_of_another_version_is_refused() -> None:
    data = bytearray(signature(WIRE))
    data[0] = 99
    with pytest.raises(ValueError, match="rebuild"):
        from_signature(bytes(data))


# -- incidents -----------------------------------------------------------------------------------

def _ids(incidents) -> list[list[tuple[str, str]]]:
    return [sorted(i.reports) for i in incidents]


def test_same_place_date_and_type_make_one_incident() -> None:
    a = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[RSF])
    b = record("b", "Outlet B", "2024-06-04", place=TOWN_A_DISTRICT, time="2024-06-02",
               acled=("Violence against civilians", "Attack"))
    c = record("c", "Outlet C", "2024-06-05", place=TOWN_A, event_type="COERCE",
               acled=("Explosions/Remote violence", "Shelling/artillery/missile attack"))
    incidents = group_incidents(refs(c, b, a))
    assert len(incidents) == 1
    incident = incidents[0]
    assert incident.id == incident_id(("a", "e1"))
    assert incident.type == "ASSAULT" and incident.outlets == ["Outlet A", "Outlet B", "Outlet C"]
    assert (incident.date_from, incident.date_to) == (date(2024, 6, 2), date(2024, 6, 5))
    assert incident.place.name == "Qasr Bahri" and incident.actor_countries == {"SDN"}


def test_one_sided_violence_keeps_its_direction() -> None:
    """Army shelling of an RSF-held town and RSF shelling of the army there, the same day, are two
    incidents, whether the second report names the RSF as actor or as the army's target; a battle
    between them is one incident whichever side each report names first."""
    army_shells = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[ARMY], targets=[CIVILIANS])
    rsf_shells = record("b", "Outlet B", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[RSF], targets=[CIVILIANS])
    assert len(group_incidents(refs(army_shells, rsf_shells))) == 2
    rsf_struck = record("c", "Outlet C", "2024-06-03", place=TOWN_A, time="2024-06-02", targets=[ARMY])
    assert len(group_incidents(refs(army_shells, rsf_struck))) == 2
    clash = ("Battles", "Armed clash")
    one = record("d", "Outlet D", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[ARMY], targets=[RSF], acled=clash)
    other = record("e", "Outlet E", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[RSF], targets=[ARMY], acled=clash)
    assert len(group_incidents(refs(one, other))) == 1


def test_reports_dated_only_by_publication() -> None:
    """Two undated reports of a town two days apart are two incidents (a city shelled daily); an
    undated report two days after a dated one can tell of it, one published before it cannot."""
    monday = record("a", "Outlet A", "2024-06-03", place=TOWN_A)
    wednesday = record("b", "Outlet B", "2024-06-05", place=TOWN_A)
    assert len(group_incidents(refs(monday, wednesday))) == 2
    tuesday = record("c", "Outlet C", "2024-06-04", place=TOWN_A)
    assert len(group_incidents(refs(monday, tuesday))) == 1
    dated = record("d", "Outlet D", "2024-06-03", place=TOWN_A, time="2024-06-03")
    later = record("e", "Outlet E", "2024-06-05", place=TOWN_A)
    assert len(group_incidents(refs(dated, later))) == 1
    before = record("f", "Outlet F", "2024-06-02", place=TOWN_A)
    assert len(group_incidents(refs(before, dated))) == 2


def _with_event(rec: dict[str, Any], event_id: str, *, actors: list[dict] = (), place: dict | None = None,
                acled: tuple[str, str] = ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
                time: str | None = None) -> dict[str, Any]:
    """`rec` with one more event (its own actors, place and time appended to the record's)."""
    n = len(rec["events"]) + 1
    ids = []
    for k, actor in enumerate(actors):
        rec["actors"].append({"id": f"a{n}{k}", "text": actor["name"], "start": 0, "end": 0, **actor})
        ids.append(f"a{n}{k}")
    if place:
        rec["places"].append({"id": f"p{n}", "text": place["name"], "start": 0, "end": 0, **place})
    if time:
        rec["times"].append({"id": f"t{n}", "text": time, "start": 0, "end": 0, "from": time, "to": time,
                             "granularity": "day"})
    rec["events"].append({**rec["events"][0], "id": event_id, "actors": ids, "targets": [], "figures": [],
                          "place": f"p{n}" if place else None, "time": f"t{n}" if time else None,
                          "acled": {"event_type": acled[0], "sub_event_type": acled[1]}})
    return rec


def test_an_event_naming_no_actor_takes_its_articles_side() -> None:
    """A roundup whose shellings are all the RSF's reports "civilians killed by shells in Qasr Bahri"
    without an actor: not the army's shelling of the town that day. A roundup naming both sides gives
    no direction, and neither does one whose attribution is denied in it."""
    army = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[ARMY], targets=[CIVILIANS])

    def roundup(article_id: str, *sides: dict) -> dict[str, Any]:
        rec = record(article_id, f"Outlet {article_id}", "2024-06-03", place=TOWN_A, time="2024-06-02",
                     targets=[CIVILIANS], acled=("Battles", "Armed clash"))  # "killed", no actor, no means
        for k, side in enumerate(sides):
            _with_event(rec, f"e{k + 2}", actors=[side], place=TOWN_FAR, time="2024-06-02")
        return rec

    one_sided = roundup("b", RSF, RSF)
    assert {e.article_side for e in refs(one_sided)} == {"nonstate"}
    assert len(group_incidents(refs(army, one_sided))) == 3  # army's, the roundup's report, its RSF shellings
    both = roundup("c", RSF, ARMY)
    assert {e.article_side for e in refs(both)} == {None}
    assert ("c", "e1") in group_incidents(refs(army, both))[0].reports
    disputed = roundup("d", RSF)
    disputed["claims"].append({"id": "c2", "start": 0, "end": 0, "source": source("named", "RSF", "SDN", "REB"),
                               "cue": None, "stance": "deny", "responds_to": "c1"})
    assert {e.article_side for e in refs(disputed)} == {None}
    assert ("d", "e1") in group_incidents(refs(army, disputed))[0].reports


def test_reports_naming_different_days_are_two_incidents() -> None:
    """Shelling of the town "on Sunday" and "on Monday": two incidents, however close the reports; a
    report naming the two days joins either; one dated by its publication may still tell of Sunday's."""
    sunday = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02")
    monday = record("b", "Outlet B", "2024-06-03", place=TOWN_A, time="2024-06-03")
    assert len(group_incidents(refs(sunday, monday))) == 2
    both_days = record("c", "Outlet C", "2024-06-04", place=TOWN_A, time="2024-06-02")
    both_days["times"][0]["to"] = "2024-06-03"
    assert len(group_incidents(refs(sunday, both_days))) == 1
    undated = record("d", "Outlet D", "2024-06-03", place=TOWN_A)
    assert len(group_incidents(refs(sunday, undated))) == 1


def test_two_towns_farther_apart_than_a_town_and_its_villages_are_two_places() -> None:
    """Within MAX_KM a town joins its districts and the villages beside it, not another town 35 km off."""
    town = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02")
    other_town = {**TOWN_A, "name": "Umm Kaddada", "lon": 25.624}  # about 35 km east
    village = {**TOWN_A, "name": "Abu Zeriga", "lon": 25.44, "feature": "village"}  # about 15 km east
    assert len(group_incidents(refs(town, record("b", "Outlet B", "2024-06-03", place=other_town,
                                                   time="2024-06-02")))) == 2
    assert len(group_incidents(refs(town, record("c", "Outlet C", "2024-06-03", place=village,
                                                   time="2024-06-02")))) == 1
    assert len(group_incidents(refs(town, record("d", "Outlet D", "2024-06-03", place=TOWN_A_DISTRICT,
                                                   time="2024-06-02")))) == 1


def test_far_apart_or_a_week_apart_or_another_type_make_separate_incidents() -> None:
    base = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02")
    far = record("b", "Outlet B", "2024-06-03", place=TOWN_FAR, time="2024-06-02")
    later = record("c", "Outlet C", "2024-06-10", place=TOWN_A, time="2024-06-09")
    protest = record("d", "Outlet D", "2024-06-03", place=TOWN_A, time="2024-06-02", event_type="PROTEST",
                     acled=("Protests", "Peaceful protest"))
    arrests = record("e", "Outlet E", "2024-06-03", place=TOWN_A, time="2024-06-02", event_type="COERCE",
                     acled=("Strategic developments", "Arrests"))
    assert len(group_incidents(refs(base, far, later, protest, arrests))) == 5


def test_contradicting_actors_split_and_flagged_events_form_no_incident() -> None:
    a = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[RSF])
    chad = record("b", "Outlet B", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[CHAD_ARMY])
    old = record("c", "Outlet C", "2024-06-03", place=TOWN_A, time="2024-06-02", flags={"historical": True})
    threat = record("d", "Outlet D", "2024-06-03", place=TOWN_A, time="2024-06-02", flags={"hypothetical": True})
    denied = record("e", "Outlet E", "2024-06-03", place=TOWN_A, time="2024-06-02", flags={"negated": True})
    incidents = group_incidents(refs(a, chad, old, threat, denied))
    assert _ids(incidents) == [[("a", "e1")], [("b", "e1")]]


def test_a_report_known_only_by_country_joins_with_strong_evidence() -> None:
    located = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[RSF],
                     figures=[killed(11)])
    vague_same = record("b", "Outlet B", "2024-06-03", place=COUNTRY, time="2024-06-02", actors=[RSF],
                        figures=[killed(11)])
    vague_other = record("c", "Outlet C", "2024-06-03", place=COUNTRY, time="2024-06-02",
                         acled=("Explosions/Remote violence", "Air/drone strike"), figures=[killed(40)])
    in_region = record("d", "Outlet D", "2024-06-03", place=REGION, time="2024-06-02")
    incidents = group_incidents(refs(located, vague_same, vague_other, in_region))
    assert _ids(incidents) == [[("a", "e1"), ("b", "e1"), ("d", "e1")], [("c", "e1")]]


def test_another_first_level_region_or_country_never_joins() -> None:
    a = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[RSF], figures=[killed(11)])
    other_region = {**REGION, "name": "South Darfur", "admin1": "South Darfur"}
    b = record("b", "Outlet B", "2024-06-03", place=other_region, time="2024-06-02", actors=[RSF], figures=[killed(11)])
    chad = {"name": "Chad", "country": "TCD", "admin1": None, "lat": 15.0, "lon": 19.0, "feature": "country"}
    c = record("c", "Outlet C", "2024-06-03", place=chad, time="2024-06-02", actors=[RSF], figures=[killed(11)])
    assert len(group_incidents(refs(a, b, c))) == 3


def test_an_unplaced_event_follows_its_article_and_its_wire_copies() -> None:
    def unplaced(article_id: str, outlet: str) -> dict[str, Any]:
        """An event the extractor placed nowhere, in an article that names the town elsewhere."""
        rec = record(article_id, outlet, "2024-06-03", place=TOWN_A, acled=("Battles", "Armed clash"))
        rec["events"][0]["place"] = None
        return rec

    original = record("w1", "Agency", "2024-06-03", place=TOWN_A, time="2024-06-02")
    original["events"].append({**unplaced("w1", "Agency")["events"][0], "id": "e2"})
    copy = event_refs(unplaced("w2", "Reprinter"))
    assert copy[0].place_name is None and copy[0].place_country == "SDN"
    alone = group_incidents([*refs(original), *copy])
    assert _ids(alone) == [[("w1", "e1"), ("w1", "e2")], [("w2", "e1")]]
    grouped = group_incidents([*refs(original), *copy], groups={"w1": "w1", "w2": "w1"})
    assert _ids(grouped) == [[("w1", "e1"), ("w1", "e2"), ("w2", "e1")]]


def _stream(seed: int, n: int = 60) -> list[EventRef]:
    """Random reports around three towns over two weeks."""
    rnd = random.Random(seed)
    towns = [TOWN_A, TOWN_A_DISTRICT, TOWN_FAR, REGION, COUNTRY]
    out = []
    for k in range(n):
        day = date(2024, 6, 1 + rnd.randrange(14)).isoformat()
        out += event_refs(record(f"art{k:03d}", f"Outlet {rnd.randrange(5)}", day, place=rnd.choice(towns), time=day,
                                 actors=[rnd.choice([RSF, ARMY, CHAD_ARMY])], figures=[killed(rnd.choice([5, 9, 30]))],
                                 acled=rnd.choice([("Battles", "Armed clash"),
                                                   ("Explosions/Remote violence", "Air/drone strike")])))
    return out


def test_incremental_batches_by_publication_equal_one_batch_run() -> None:
    events = _stream(7)
    batch = group_incidents(events)
    ordered = sorted(events, key=lambda e: e.published)
    cut = next(i for i, e in enumerate(ordered) if e.published >= date(2024, 6, 8))
    first = group_incidents(ordered[:cut])
    stored = [incident_from_dict(json.loads(json.dumps(incident_to_dict(i)))) for i in first]
    incremental = group_incidents(ordered[cut:], existing=stored)
    assert [(i.id, i.reports) for i in incremental] == [(i.id, i.reports) for i in batch]
    assert len(batch) < len(events)
    assert [i.reports for i in stored] == [i.reports for i in first]  # existing incidents are not changed


def test_bucket_index_finds_every_incident_a_full_scan_finds() -> None:
    class FullScan(IncidentGrouper):
        def _candidates(self, event: EventRef) -> set[int]:
            return set(range(len(self.incidents)))

    for seed in range(5):
        events = _stream(seed)
        indexed, full = IncidentGrouper(), FullScan()
        for event in sorted(events, key=lambda e: (e.date_from, e.article_id)):
            indexed.add(event)
            full.add(event)
        assert [i.reports for i in indexed.incidents] == [i.reports for i in full.incidents]


# -- figures -------------------------------------------------------------------------------------

def _toll_incident(groups_copy: bool = False):
    residents = source("anonymous", "residents", None, "CVL")
    medics = source("named", "Qasr Bahri Medics Network", None, "NGO")
    army = source("named", "Sudanese Armed Forces", "SDN", "MIL")
    rsf = source("named", "Rapid Support Forces", "SDN", "REB")
    records = [
        record("a1", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02",
               figures=[killed(27, None, qualifier="at_least", text="at least 27 people")],
               figure_claims=[(residents, "assert")]),
        record("b1", "Outlet B", "2024-06-04", place=TOWN_A, time="2024-06-02",
               figures=[killed(41, text="41"), killed(12, text="12 people")],
               figure_claims=[(medics, "assert"), (army, "assert")], denials=[]),
        record("c1", "Outlet C", "2024-06-04", place=TOWN_A, time="2024-06-02",
               figures=[killed(24, 99, 24, qualifier="vague", text="dozens of people"), killed(41, text="41 people")],
               figure_claims=[(source("outlet", "Outlet C"), "assert"), (medics, "assert")]),
        # the army's 12 is answered by a denial: it stays listed but sets nothing
        record("d1", "Outlet D", "2024-06-04", place=TOWN_A, time="2024-06-02",
               figures=[killed(12, text="12")], claim=army, denials=[rsf]),
    ]
    if groups_copy:  # Outlet E carries Outlet A's article: same residents, same 27
        copy = json.loads(json.dumps(records[0]))
        copy["article"].update(id="a1-copy", outlet="Outlet E")
        records.append(copy)
    incident = group_incidents(refs(*records))
    assert len(incident) == 1
    return incident[0]


def test_figure_summary_ucdp_low_best_high_and_acled_conservative() -> None:
    summary = summarise_figures(_toll_incident())[0]
    assert (summary.category, summary.subject) == ("killed", "people")
    by_source = {s.source: s for s in summary.sources}
    assert set(by_source) == {"residents (Outlet A)", "Qasr Bahri Medics Network", "Sudanese Armed Forces",
                              "Outlet C"}
    medics = by_source["Qasr Bahri Medics Network"]
    assert medics.outlets == ["Outlet B", "Outlet C"] and medics.figures == [("b1", "f1"), ("c1", "f2")]
    assert not by_source["Sudanese Armed Forces"].credible  # denied in d1
    vague = by_source["Outlet C"]
    assert (vague.low, vague.high, vague.text) == (24, 99, "dozens of people")
    # credible: at least 27, 41, dozens (24-99). low: lowest low 24; high: 99 ("at least 27" adds only 27);
    # best: lower median of the precise bests 27 and 41; ACLED: lowest best 24 (the vague one's conservative best)
    assert (summary.low, summary.best, summary.high, summary.acled) == (24, 27, 99, 24)
    assert summary.backing == {"low": ["Outlet C"], "best": ["residents (Outlet A)"], "high": ["Outlet C"],
                               "acled": ["Outlet C"]}
    assert ("Sudanese Armed Forces", "Qasr Bahri Medics Network") in summary.disputes or \
           ("Qasr Bahri Medics Network", "Sudanese Armed Forces") in summary.disputes


def test_wire_copy_collapses_to_one_voice_before_counting() -> None:
    incident = _toll_incident(groups_copy=True)
    loose = {s.source for s in summarise_figures(incident)[0].sources}
    assert "residents (Outlet E)" in loose  # without the duplicate groups, the copy counts again
    collapsed = summarise_figures(incident, groups={"a1": "a1", "a1-copy": "a1"})[0]
    residents = [s for s in collapsed.sources if s.source.startswith("residents")]
    assert len(residents) == 1 and residents[0].outlets == ["Outlet A", "Outlet E"]


def test_only_vague_figures_keep_a_range_and_no_best() -> None:
    rec = record("v", "Outlet", "2024-06-03", place=TOWN_A,
                 figures=[killed(100, 999, 100, qualifier="vague", text="hundreds of fighters", subject="fighters")])
    summary = summarise_figures(group_incidents(refs(rec))[0])[0]
    assert (summary.subject, summary.low, summary.best, summary.high, summary.acled) == ("fighters", 100, None, 999, 100)
    assert summary.sources[0].text == "hundreds of fighters"


def test_subject_groups() -> None:
    assert subject_group("civilians") == subject_group(None) == subject_group("wounded people") == "people"
    assert subject_group("RSF fighters") == "fighters" and subject_group("soldiers") == "soldiers"
    assert subject_group("combat vehicles") == "vehicle"


# -- grades --------------------------------------------------------------------------------------

def _grade(*records: dict[str, Any], groups: dict[str, str] | None = None):
    incidents = group_incidents(refs(*records))
    assert len(incidents) == 1
    return grade_incident(incidents[0], groups)


def test_grade_single_source() -> None:
    grade = _grade(record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02"))
    assert grade == ("single source", "single source: only Outlet A")


def test_grade_corroborated_by_two_outlets_but_not_by_a_wire_copy_or_a_relayed_statement() -> None:
    a = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02")
    b = record("b", "Outlet B", "2024-06-03", place=TOWN_A, time="2024-06-02",
               claim=source("anonymous", "witnesses", None, "CVL"))
    grade, rule = _grade(a, b)
    assert grade == "corroborated" and rule == "corroborated: 2 independent sources (Outlet A, witnesses (Outlet B))"

    copy = record("a2", "Outlet C", "2024-06-03", place=TOWN_A, time="2024-06-02")
    assert _grade(a, copy, groups={"a": "a", "a2": "a"}).grade == "single source"

    monitor = source("named", "Darfur Monitoring Group", None, "NGO")
    x = record("x", "Outlet X", "2024-06-03", place=TOWN_A, time="2024-06-02", claim=monitor)
    y = record("y", "Outlet Y", "2024-06-04", place=TOWN_A, time="2024-06-02", claim=monitor)
    assert _grade(x, y) == ("single source", "single source: only Darfur Monitoring Group")
    incident = group_incidents(refs(x, y))[0]
    assert [v.label for v in independent_sources(incident)] == ["Darfur Monitoring Group"]


def test_grade_acknowledged_when_the_actor_asserts_it() -> None:
    claim = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[RSF],
                   claim=source("named", "Rapid Support Forces", "SDN", "REB"), stance="allege")
    other = record("b", "Outlet B", "2024-06-03", place=TOWN_A, time="2024-06-02")
    assert _grade(claim, other) == ("acknowledged", "acknowledged: Rapid Support Forces, an actor of the event, asserts it")


def test_grade_denied_when_the_actor_denies_and_only_the_accuser_asserts() -> None:
    accusation = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[ARMY],
                        targets=[CIVILIANS], claim=source("named", "Rapid Support Forces", "SDN", "REB"),
                        stance="allege", denials=[source("named", "Sudanese Armed Forces", "SDN", "MIL")])
    grade, rule = _grade(accusation)
    assert grade == "denied"
    assert rule == "denied: Sudanese Armed Forces, an actor of the event, denies it and only Rapid Support Forces asserts it"


def test_grade_contested_when_denied_but_corroborated_or_figures_disagree() -> None:
    accusation = record("a", "Outlet A", "2024-06-03", place=TOWN_A, time="2024-06-02", actors=[ARMY],
                        claim=source("named", "Rapid Support Forces", "SDN", "REB"), stance="allege",
                        denials=[source("named", "Sudanese Armed Forces", "SDN", "MIL")])
    hospital = record("b", "Outlet B", "2024-06-04", place=TOWN_A, time="2024-06-02",
                      claim=source("anonymous", "hospital staff", None, "CVL"))
    grade, rule = _grade(accusation, hospital)
    assert grade == "contested" and "Sudanese Armed Forces deny it" in rule

    nine = record("c", "Outlet C", "2024-06-04", place=TOWN_A, time="2024-06-02", figures=[killed(9)],
                  claim=source("anonymous", "a hospital source", None, "CVL"))
    fourteen = record("d", "Outlet D", "2024-06-03", place=TOWN_A, time="2024-06-02", figures=[killed(14)],
                      claim=source("named", "Rapid Support Forces", "SDN", "REB"))
    grade, rule = _grade(nine, fourteen)
    assert grade == "contested" and rule.startswith("contested: killed (people) figures disagree")


def test_party_identity_by_name_or_country_and_sector() -> None:
    assert Party("Sudanese Armed Forces", "SDN", "MIL").same_as(Party("army", "SDN", "MIL"))
    assert not Party("Rapid Support Forces", "SDN", "REB").same_as(Party("army", "SDN", "MIL"))
    assert not Party("army", None, "MIL").same_as(Party("army spokesman", None, "MIL"))
