"""ACLED-style rows: one per incident, in ACLED's columns and by its codebook's conventions.

One row per *incident*, not one per report: ACLED codes an event once however many outlets report
it, and fogwatch's incidents are exactly those reports grouped, so one row per report would count
the demo's El Fasher market shelling ten times and add up its death toll ten times. The row takes
the incident's ACLED type, its place and its conservative count `fatalities_acled` (the lowest
credible figure, reconcile/figures.py), and names every outlet and source behind it. A factual
event no incident holds (a database not yet reconciled) is its own row, counted by the same rule.

Left out, as ACLED would leave them out: negated and hypothetical events, events with no ACLED
type (statements, appeals, accusations: `acled` null), historical events (background mentions of
earlier events are not reports of them, and would count them again), and rows with no date or no
country.

Conventions (ACLED codebook):
- event_id_cnty: ISO3 + a running number per country in date order; stable within one export only.
- event_date and time_precision, latitude, longitude and geo_precision: see fogwatch.export_base.
  A span of days is one row, not one row per day.
- inter codes from the actor's sector: 1 state forces (MIL, GOV of the event's country), 2 rebels
  (REB), 3 unidentified armed groups, 5 rioters and 6 protesters (civilians in riots and
  protests), 7 civilians (CVL, and NGO, media and private persons), 8 external forces (IGO, foreign
  state forces); interaction = both codes, smaller first, or inter1 × 10 for a sole actor. State
  forces are named by their country ("Military Forces of Sudan"), civilians by where they are
  ("Civilians (Sudan)"); in violent events civilians are actor2, an unknown perpetrator is
  "Unidentified Armed Group (Sudan)", and violence against civilians always has civilians as
  actor2. An event with no actor at all keeps actor1, inter1 and interaction empty.
- fatalities: 0 when no credible figure exists (a toll every source of which is denied is told in
  the notes, not counted); ACLED's estimates for "an unspecified number" (3 or 10) are not applied.
- source: the outlets that carried the reports, then the named sources their claims cite.
- notes: one sentence (date, sub-event type, place, actors, coded fatalities), the outlets and the
  named sources behind it, every source's killed figure, and the disputes about the incident
  ("Disputed: Sudanese Armed Forces says 11 killed; Rapid Support Forces says at least 101 killed.").
- source_scale stays empty (fogwatch does not know an outlet's reach); tags carry the fogwatch id,
  grade and report counts, so each row can be traced back.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from fogwatch.export_base import (
    Country, ExportFilter, Stored, Unit, amount_text, clean_text, countries, unique, unit_sources,
)
from fogwatch.reconcile.incidents import Party

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
# ACLED's disorder type per event type; sub-event types that differ from their event type's.
_DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
             "Violence against civilians": "Political violence", "Protests": "Demonstrations",
             "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
_DISORDER_SUB = {"Excessive force against protesters": "Political violence; Demonstrations",
                 "Mob violence": "Political violence"}
_VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
_TARGETING = frozenset({"Violence against civilians", "Explosions/Remote violence", "Riots"})
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_STANCE_VERB = {"assert": "says", "allege": "alleges", "deny": "denies", "hedge": "suggests"}
NOTES_MAX = 1500  # characters: a paragraph, not the articles


_GROUP_LABEL = {7: "Civilians", 6: "Protesters", 5: "Rioters"}


def _actor(party: Party, country: Country, event_type: str | None, rebels: list[str]) -> tuple[str, int] | None:
    """ACLED's name and inter code for an extracted party, or None for one of unknown sector.

    State forces and governments are named by their country ("Military Forces of Sudan": the
    army, its soldiers and its spokesman are one actor), civilians, protesters and rioters by
    where they are; a generic rebel mention ("the paramilitary") is the one rebel organisation its
    articles name, when they name exactly one (`rebels`)."""
    sector = party.sector
    if sector in ("MIL", "GOV"):
        state = countries().get(party.country or "") or country
        name = f"{'Military Forces' if sector == 'MIL' else 'Government'} of {state.name}"
        return name, 1 if state.iso3 == country.iso3 else 8
    if sector in ("CVL", "NGO", "MED", "PER"):
        inter = {"Protests": 6, "Riots": 5}.get(event_type or "", 7)
        where = countries().get(party.country or "") or country
        return f"{_GROUP_LABEL[inter]} ({where.name})", inter
    name = clean_text(party.name)
    if sector == "REB":
        if party.kind != "organisation" and len(rebels) == 1:
            name = rebels[0]
        return (name, 2) if name else None
    if sector == "IGO":
        return (name, 8) if name else None
    return None  # unknown sector: not an actor ACLED could code (an unknown perpetrator is added below)


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: both inter codes, smaller first; a sole actor's code × 10."""
    if inter1 is None:
        return None
    if not inter2:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


Side = list[tuple[str, int]]


def _sides(unit: Unit, country: Country) -> tuple[Side, Side]:
    """actor1 (+ associated) and actor2 (+ associated). ACLED's two actors have no direction, and
    reports of one incident often disagree on who attacked whom, so the two most-mentioned parties
    are the actors (reports of the incident's own sub-event type counted first), civilians are
    actor2 in violent events, and the others are associated with the side they appeared on."""
    event_type = unit.acled_event_type
    reports = sorted(unit.reports, key=lambda r: r.ref.acled_sub_event_type != unit.acled_sub_event_type)
    rebels = unique(name for r in reports for name in r.rebels)
    mentions: Counter[str] = Counter()
    inter: dict[str, int] = {}
    agent: dict[str, bool] = {}
    for report in reports:
        for parties_, is_agent in ((report.ref.actors, True), (report.ref.targets, False)):
            for party in parties_:
                found = _actor(party, country, event_type, rebels)
                if found:
                    mentions[found[0]] += 1
                    inter.setdefault(found[0], found[1])
                    agent.setdefault(found[0], is_agent)
    ranked = sorted(mentions, key=lambda name: -mentions[name])  # stable: first seen wins a tie
    armed = [n for n in ranked if inter[n] != 7]
    civilians = [n for n in ranked if inter[n] == 7]
    if event_type in _VIOLENT:
        if not armed:
            armed = [f"Unidentified Armed Group ({country.name})"]
            inter[armed[0]], agent[armed[0]] = 3, True
        if not civilians and event_type == "Violence against civilians":
            civilians = [f"Civilians ({country.name})"]
            inter[civilians[0]], agent[civilians[0]] = 7, False
        second = civilians[:1] if event_type == "Violence against civilians" or len(armed) < 2 else armed[1:2]
        ranked = [armed[0], *second, *[n for n in armed + civilians if n != armed[0] and n not in second]]
        rest = ranked[1 + len(second):]
        side1 = [armed[0], *[n for n in rest if inter[n] != 7 and agent[n] == agent[armed[0]]]]
    else:
        if not ranked and event_type in ("Protests", "Riots"):
            ranked = [f"{_GROUP_LABEL[6 if event_type == 'Protests' else 5]} ({country.name})"]
            inter[ranked[0]], agent[ranked[0]] = (6 if event_type == "Protests" else 5), True
        second = ranked[1:2]
        rest = ranked[2:]
        side1 = ranked[:1] + [n for n in rest if agent[n] == agent[ranked[0]]]
    side2 = second + [n for n in rest if n not in side1]
    return [(n, inter[n]) for n in side1], [(n, inter[n]) for n in side2]


def _day_text(day: date, precision: int) -> str:
    if precision == 1:
        return f"On {day.day} {_MONTHS[day.month - 1]} {day.year}"
    if precision == 2:
        return f"Around {day.day} {_MONTHS[day.month - 1]} {day.year}"
    return f"In {_MONTHS[day.month - 1]} {day.year}"


def _who(source: dict[str, Any], side: dict[str, Any]) -> str:
    return clean_text(source.get("name") or source.get("text") or side.get("outlet") or "the outlet")


def _dispute_text(dispute: dict[str, Any]) -> str:
    parts = []
    for side in dispute["sides"]:
        who, verb = _who(side.get("source") or {}, side), _STANCE_VERB.get(side.get("stance") or "", "says")
        figure = side.get("figure")
        if figure:
            what = clean_text((dispute.get("category") or "").replace("_", " "))
            parts.append(f"{who} {verb} {amount_text(figure.get('low'), figure.get('high'))} {what}".rstrip())
        else:
            parts.append(f"{who} {verb} \"{clean_text(side.get('text'), 120)}\"")
    return "Disputed: " + "; ".join(parts) + "."


def _notes(unit: Unit, day: date, precision: int, actor1: str, actor2: str, fatalities: int) -> str:
    country = countries().get(unit.location.country or "")
    where = ", ".join(unique([unit.location.location, unit.location.admin1_name, country.name if country else None]))
    what = unit.acled_sub_event_type or unit.acled_event_type or "event"
    what = what[0].lower() + what[1:]
    sentence = f"{_day_text(day, precision)}, {what}" + (f" in {where}" if where else "")
    sentence += (f" involving {actor1}" if actor1 else "") + (f" and {actor2}" if actor2 else "")
    sentence += f"; fatalities coded: {fatalities} (lowest credible count)." if fatalities else "."
    out = [sentence]
    outlets = unique(o for r in unit.reports for o in r.outlets)
    if outlets:
        reports = f"{len(unit.reports)} report" + ("s" if len(unit.reports) != 1 else "")
        out.append(f"Reported by {', '.join(clean_text(o) for o in outlets)} ({reports}).")
    claims = [r.ref.claim for r in unit.reports]
    named = unique(f"{clean_text(c.source.name)} ({_STANCE_VERB.get(c.stance or '', 'says')})" for c in claims
                   if c and c.source.kind in ("named", "media") and c.source.name)
    if named:
        out.append(f"According to {', '.join(named)}.")
    for summary in unit.figures:
        if summary["category"] != "killed":
            continue
        said = [f"{clean_text(s['source'])} {_STANCE_VERB.get(s.get('stance') or '', 'says')} "
                f"{amount_text(s.get('low'), s.get('high'))}" + ("" if s.get("credible") else " (denied)")
                for s in summary["sources"]]
        out.append(f"Killed ({clean_text(summary['subject']) or 'people'}): " + "; ".join(said) + ".")
    out += [_dispute_text(d) for d in unit.disputes]
    return clean_text(" ".join(out), NOTES_MAX)


def _timestamp(value: str | None) -> int | str:
    try:
        return int(datetime.fromisoformat(value).timestamp()) if value else ""
    except ValueError:
        return ""


def acled_rows(stored: Stored, filt: ExportFilter = ExportFilter()) -> list[dict[str, Any]]:
    """The ACLED-style rows (see the module docstring), oldest first."""
    chosen = []
    for unit in stored.units():
        country = countries().get(unit.location.country or "")
        if not unit.acled_event_type or country is None:
            continue
        day, precision = unit.when()
        if day is None or not filt.keeps(day, country.iso3, unit.types):
            continue
        chosen.append((day, unit.id, precision, unit, country))
    chosen.sort(key=lambda c: (c[0], c[1]))
    numbers: Counter[str] = Counter()
    rows = []
    for day, _, precision, unit, country in chosen:
        numbers[country.iso3] += 1
        first, second = _sides(unit, country)
        (actor1, inter1), (actor2, inter2) = (first[0] if first else ("", None)), (second[0] if second else ("", 0))
        fatalities = max(0, int(unit.fatalities.get("acled") or 0))
        coords = unit.location.coords
        event_type = unit.acled_event_type or ""
        rows.append({
            "event_id_cnty": f"{country.iso3}{numbers[country.iso3]}", "event_date": day.isoformat(),
            "year": day.year, "time_precision": precision,
            "disorder_type": _DISORDER_SUB.get(unit.acled_sub_event_type or "", _DISORDER.get(event_type, "")),
            "event_type": event_type, "sub_event_type": unit.acled_sub_event_type or "",
            "actor1": actor1, "assoc_actor_1": "; ".join(n for n, _ in first[1:]),
            "inter1": "" if inter1 is None else inter1, "actor2": actor2,
            "assoc_actor_2": "; ".join(n for n, _ in second[1:]), "inter2": inter2 if inter1 is not None else "",
            "interaction": "" if inter1 is None else interaction(inter1, inter2),
            "civilian_targeting": "Civilian targeting" if inter2 == 7 and event_type in _TARGETING else "",
            "iso": country.numeric, "region": country.region, "country": country.name,
            "admin1": unit.location.admin1_name, "admin2": "", "admin3": "", "location": unit.location.location,
            "latitude": coords[0] if coords else "", "longitude": coords[1] if coords else "",
            "geo_precision": unit.location.precision, "source": "; ".join(unit_sources(unit)), "source_scale": "",
            "notes": _notes(unit, day, precision, actor1, actor2, fatalities), "fatalities": fatalities,
            "tags": f"fogwatch_id={unit.id}; grade={unit.grade or 'none'}; reports={len(unit.reports)}; "
                    f"independent_sources={unit.independent_sources}",
            "timestamp": _timestamp(unit.updated_at),
        })
    return rows
