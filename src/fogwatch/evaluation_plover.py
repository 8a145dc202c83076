"""`fogwatch eval --plover FILE`: event coding against PLOVER gold-standard records (the Open Event
Data Alliance's JSON format: one sentence per record with its `event`, `eventText` and `source` /
`target` actors, each with a country `code`).

Each record's sentence goes through the fogwatch pipeline as an article of its own. Its *main*
event is the predicted event whose trigger matches the gold `eventText` earliest (a factual event
before a hypothetical or negated one); with no match, the first factual event; with none, the
first event. Reported:

- type accuracy, and per-type precision and recall of the main event's type;
- source-actor country accuracy: one of the gold source codes among the countries of the main
  event's actors (no event: wrong); target accuracy likewise with its targets;
- counts, and `source_in_record`: the share of records whose gold source country is among the
  countries of any actor the actors extractor found (a ceiling for source accuracy);
- `errors`: the records whose type or source is wrong, to read.

Gold written with an older PLOVER draft is mapped to current names (DEMAND→REQUEST,
DISAPPROVE→ACCUSE, INVESTIGATE→ACCUSE, FIGHT→ASSAULT); DOCUMENT records are skipped. Codes that
name a kind of organisation rather than a country (IGO, NGO, IMG) match an actor of that sector
(the gold uses IGO for international NGOs such as Amnesty International, so IGO and NGO match
either); old country codes are mapped to ISO (JAP→JPN, ITL→ITA, VTN→VNM).
A record whose gold side is only an unidentified actor (UAF) is not scored for that side.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from fogwatch.model import Article

OLD_NAMES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
SKIPPED_EVENTS = frozenset({"DOCUMENT"})
CODE_ALIASES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM", "UK": "GBR", "PAL": "PSE", "ROM": "ROU", "ZAR": "COD"}
# Gold codes that are a kind of actor, not a country: matched on the actor's sector.
# The gold codes international non-governmental organisations (Amnesty International, the Red Cross)
# as IGO too, so IGO and NGO both match either sector.
SECTOR_CODES = {"IGO": frozenset({"IGO", "NGO"}), "NGO": frozenset({"NGO", "IGO"}), "IMG": frozenset({"REB"})}
UNIDENTIFIED = frozenset({"UAF", ""})

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def load_plover(path: Path) -> list[dict[str, Any]]:
    """The scorable records of a PLOVER gold file: with text, not DOCUMENT, types mapped."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("data") or data.get("records") or list(data.values())
    records = []
    for record in data:
        event = OLD_NAMES.get(record.get("event", ""), record.get("event", ""))
        if event in SKIPPED_EVENTS or not record.get("text"):
            continue
        records.append({**record, "event": event})
    return records


def _codes(actors: Any) -> set[str]:
    if not isinstance(actors, list):
        return set()
    codes = set()
    for actor in actors:
        if isinstance(actor, dict) and actor.get("code"):
            code = str(actor["code"]).strip().upper()
            codes.add(CODE_ALIASES.get(code, code))
    return codes


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    n = min(len(a), len(b))
    return n >= 4 and a[:max(4, n - 2)] == b[:max(4, n - 2)]


def main_event(record: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The predicted event that codes the record: the one whose trigger matches the gold eventText
    earliest (factual first), else the first factual event, else the first event."""
    gold_words = _words(record.get("eventText") or "")
    best: tuple[int, int, int] | None = None
    chosen = None
    for order, event in enumerate(events):
        trigger_words = _words(event.get("trigger") or "")
        positions = [i for i, g in enumerate(gold_words) if any(_same_word(t, g) for t in trigger_words)]
        if not positions:
            continue
        factual = not (event.get("negated") or event.get("hypothetical"))
        key = (min(positions), 0 if factual else 1, order)
        if best is None or key < best:
            best, chosen = key, event
    if chosen is not None:
        return chosen
    factual = [e for e in events if not (e.get("negated") or e.get("hypothetical"))]
    return (factual or events or [None])[0]


def _countries(record: dict[str, Any], event: dict[str, Any] | None, side: str) -> tuple[set[str], set[str]]:
    """(countries, sectors of country-less actors) of an event's actors or targets."""
    if event is None:
        return set(), set()
    actors = {a["id"]: a for a in record.get("actors", [])}
    countries, sectors = set(), set()
    for ref in event.get(side, []):
        actor = actors.get(ref)
        if actor is None:
            continue
        if actor.get("country"):
            countries.add(actor["country"])
        if actor.get("sector"):
            sectors.add(actor["sector"])
    return countries, sectors


def side_correct(gold_codes: set[str], countries: set[str], sectors: set[str]) -> bool:
    for code in gold_codes:
        if code in countries:
            return True
        if code in SECTOR_CODES and SECTOR_CODES[code] & sectors:
            return True
    return False


def evaluate_plover(path: Path, model: str | None = None) -> dict[str, Any]:
    """Score event coding on PLOVER gold records at `path` (see the module's docstring)."""
    records = load_plover(Path(path))
    predicted = _records([Article(text=r["text"]) for r in records], model)
    type_total = type_correct = 0
    gold_counts: Counter[str] = Counter()
    pred_counts: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    sides: dict[str, dict[str, list[int]]] = {"source": defaultdict(lambda: [0, 0]),
                                             "target": defaultdict(lambda: [0, 0])}
    no_event = 0
    reachable = 0  # records whose gold source is among the countries of any actor of the record
    errors: list[dict[str, Any]] = []
    for record, out in zip(records, predicted):
        gold = record["event"]
        event = main_event(record, out.get("events", []))
        kind = event.get("type") if event else None
        type_total += 1
        gold_counts[gold] += 1
        if event is None:
            no_event += 1
        else:
            pred_counts[kind] += 1
        correct = kind == gold
        type_correct += correct
        hits[gold] += correct
        side_ok = {}
        for side, key, field in (("source", "source", "actors"), ("target", "target", "targets")):
            codes = _codes(record.get(key))
            if not codes or codes <= UNIDENTIFIED:
                continue
            countries, sectors = _countries(out, event, field)
            ok = side_correct(codes - UNIDENTIFIED, countries, sectors)
            side_ok[side] = ok
            if side == "source":
                everyone = {a["country"] for a in out.get("actors", []) if a.get("country")}
                sectors_all = {a["sector"] for a in out.get("actors", []) if a.get("sector") and not a.get("country")}
                reachable += side_correct(codes - UNIDENTIFIED, everyone, sectors_all)
            for bucket in (gold, "all"):
                sides[side][bucket][0] += ok
                sides[side][bucket][1] += 1
        if not correct or not side_ok.get("source", True):
            errors.append({"id": record.get("id"), "gold": gold, "predicted": kind,
                           "eventText": record.get("eventText"),
                           "trigger": event.get("trigger") if event else None,
                           "source": sorted(_codes(record.get("source"))),
                           "actors": sorted(_countries(out, event, "actors")[0]) if event else [],
                           "text": record["text"]})
    per_type = {}
    for kind in sorted(set(gold_counts) | set(pred_counts)):
        g, p, h = gold_counts[kind], pred_counts[kind], hits[kind]
        per_type[kind] = {
            "gold": g, "predicted": p, "correct": h,
            "precision": round(h / p, 3) if p else 0.0, "recall": round(h / g, 3) if g else 0.0,
            "source_accuracy": _ratio(sides["source"].get(kind)),
            "target_accuracy": _ratio(sides["target"].get(kind)),
        }
    return {
        "gold": str(path),
        "records": type_total,
        "no_event": no_event,
        "type_accuracy": round(type_correct / type_total, 3) if type_total else 0.0,
        "source_accuracy": _ratio(sides["source"].get("all")),
        "target_accuracy": _ratio(sides["target"].get("all")),
        "source_scored": sides["source"]["all"][1],
        # how far the actors extractor lets source accuracy go: the gold source's country is among
        # the countries of some actor of the record
        "source_in_record": round(reachable / sides["source"]["all"][1], 3) if sides["source"]["all"][1] else None,
        "target_scored": sides["target"]["all"][1],
        "per_type": per_type,
        "errors": errors,
    }


def _ratio(pair: list[int] | None) -> float | None:
    if not pair or not pair[1]:
        return None
    return round(pair[0] / pair[1], 3)


def _records(articles: list[Article], model: str | None) -> list[dict[str, Any]]:
    """Records of the articles through the pipeline; with the events extractor not yet registered,
    the registered extractors run and then it."""
    from fogwatch.extract import EXTRACTORS, run_extractors
    from fogwatch.language import load
    from fogwatch.record import build_record

    if "events" in EXTRACTORS:
        from fogwatch.pipeline import extract_records

        return list(extract_records(articles, model))
    from fogwatch.extract.events import extract_events

    nlp = load(model)
    out = []
    for doc, article in nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=64):
        ctx = run_extractors(doc, article)
        ctx.facts["events"] = extract_events(doc, ctx)
        out.append(build_record(ctx))
    return out
