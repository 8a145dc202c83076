"""How well an incident is sourced, in the manner of Airwars' civilian-harm gradings.

Independent sources are the incident's asserting *voices* (figures.voice_of): the outlet's own
reporting and its anonymous sources count once per outlet, wire copies and near-duplicate articles
collapsed into one outlet; a named source or another medium counts once however many outlets quote
it — two outlets relaying one RSF statement add reach, not evidence. (Anonymous sources cannot be
matched across outlets, so "residents" quoted by two outlets are two voices.)

Grades, the first rule that holds wins (each comes with the rule text that produced it):

1. denied        an actor of the event (the party said to be responsible) denies it, and at most
                 one other voice asserts it;
2. contested     sources disagree: someone denies what is asserted, or two voices give figures
                 that cannot both be true (figures.FigureSummary.disputes);
3. acknowledged  an actor of the event itself asserts it (and nobody denies it);
4. corroborated  two or more independent voices assert it;
5. single source one voice.

Airwars' own scale (confirmed / fair / weak / contested / discounted) needs a judgement of the
belligerent's presence; these grades use only what the records hold.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import NamedTuple

from fogwatch.reconcile.figures import Voice, outlet_identities, summarise_figures, voice_of
from fogwatch.reconcile.incidents import ClaimRef, Incident, Party

GRADES = ("denied", "contested", "acknowledged", "corroborated", "single source")
_ASSERTING = frozenset({"assert", "allege", "hedge"})
# Voices named in a rule text before it says "and N more": enough to read, short enough for a table cell.
_NAMES_IN_RULE = 4


class Grade(NamedTuple):
    grade: str
    rule: str


def independent_sources(incident: Incident, groups: Mapping[str, str] | None = None) -> list[Voice]:
    """The distinct voices asserting the incident: each report's claim (the outlet's own voice when
    it has none) and the claims of its figures, denials excluded. In order of first appearance."""
    outlets = outlet_identities(incident.events, groups)
    found: dict[tuple[str, ...], Voice] = {}
    for event in incident.events:
        claims = [event.claim] + [f.claim for f in event.figures if f.claim]
        if event.claim is None:
            found.setdefault(voice_of(None, event, outlets).key, voice_of(None, event, outlets))
        for claim in claims:
            if claim is not None and claim.stance in _ASSERTING:
                voice = voice_of(claim, event, outlets)
                found.setdefault(voice.key, voice)
    return list(found.values())


def _denials(incident: Incident) -> list[ClaimRef]:
    out: dict[tuple[str, str], ClaimRef] = {}
    for event in incident.events:
        for claim in event.denials:
            out.setdefault((event.article_id, claim.id), claim)
        if event.claim is not None and event.claim.stance == "deny":
            out.setdefault((event.article_id, event.claim.id), event.claim)
    return list(out.values())


def _responsible(incident: Incident) -> list[Party]:
    return [a for e in incident.events for a in e.actors]


def _is_party(source: Party, parties: list[Party]) -> bool:
    return any(source.same_as(p) for p in parties)


def _names(voices: list[Voice] | list[str]) -> str:
    labels = [v.label if isinstance(v, Voice) else v for v in voices]
    head = ", ".join(labels[:_NAMES_IN_RULE])
    return head + (f" and {len(labels) - _NAMES_IN_RULE} more" if len(labels) > _NAMES_IN_RULE else "")


def _source_label(party: Party) -> str:
    return party.name or " ".join(x for x in (party.country, party.sector) if x) or "a source"


def grade_incident(incident: Incident, groups: Mapping[str, str] | None = None,
                   repeated: Collection[tuple[str, str]] = ()) -> Grade:
    """The grade of an incident and the rule that produced it (module docstring)."""
    voices = independent_sources(incident, groups)
    denials = _denials(incident)
    parties = _responsible(incident)
    responsible_denials = [d for d in denials if _is_party(d.source, parties)]
    if responsible_denials:
        denier = responsible_denials[0].source
        others = [v for v in voices if v.claim is None or not v.claim.source.same_as(denier)]
        if len(others) <= 1:
            asserted = f"only {others[0].label} asserts it" if others else "nobody else asserts it"
            return Grade("denied", f"denied: {_source_label(denier)}, an actor of the event, denies it and {asserted}")
    if denials and voices:
        return Grade("contested", f"contested: {_names(voices)} assert it; "
                                  f"{_names([_source_label(d.source) for d in denials])} deny it")
    for summary in summarise_figures(incident, groups, repeated):
        if summary.disputes:
            a, b = summary.disputes[0]
            return Grade("contested", f"contested: {summary.category} ({summary.subject}) figures disagree: "
                                      f"{a} and {b} give intervals that cannot both hold")
    acknowledging = [v for v in voices if v.claim is not None and _is_party(v.claim.source, parties)]
    if acknowledging:
        return Grade("acknowledged", f"acknowledged: {acknowledging[0].label}, an actor of the event, asserts it")
    if len(voices) >= 2:
        return Grade("corroborated", f"corroborated: {len(voices)} independent sources ({_names(voices)})")
    if not voices:
        return Grade("single source", "single source: no source asserts it")
    return Grade("single source", f"single source: only {voices[0].label}")
