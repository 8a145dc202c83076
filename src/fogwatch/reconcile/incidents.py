"""Incidents: one real-world event as reported by several articles.

A record's events are flattened into `EventRef`s (what matching, figure summaries and grades need,
without the rest of the record), then grouped greedily: each event, oldest first, joins the best
compatible incident or opens a new one. Candidates come from a bucket index — grid cell × days for
located incidents, place name × days, country × days for incidents known only by their country — so
a new event is compared with the handful of incidents near it in space and time, never with all.

An incident is anchored on its first report: its date window and its place (the first located
place) do not drift as reports join, so a chain of reports a day apart cannot grow one incident
over a week or along a road.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from fogwatch.gazetteer import km

# -- thresholds ----------------------------------------------------------------------------------
# 50 km: a city with its districts and nearby villages (ACLED codes a strike's location to the nearest
# town; reports of one strike name the town, a district or a village beside it). The demo's El Fasher
# and Tawila, 60 km apart, are two places. Not tuned further: on FA-KES the merge errors come from
# publication dates and from several strikes on one city within days, not from distance — except two
# towns inside it (SETTLEMENT_KM).
MAX_KM = 50.0
# Two differently named settlements (cities, towns, villages) farther apart than this are two places,
# though within MAX_KM: MAX_KM is for a town and its districts and the villages beside it, which reports
# of one strike name in turn; two towns 30-50 km apart are two targets (FA-KES: al-Bab or al-Fu'ah and
# Aleppo city, ~40-50 km, were merged on the same day while reporting different attacks).
SETTLEMENT_KM = 25.0
SETTLEMENTS = frozenset({"city", "town", "village"})
# 3 days: the demo's market shelling (Sunday) is reported on Monday, Tuesday and Wednesday as the toll
# rises; a week apart is another event.
WINDOW_DAYS = 3
# Two reports that neither date the incident (dated by publication): a day apart at most — a city
# shelled daily has a new incident each day. Two reports that both date it from their text ("on
# Sunday") must name the same day (DATED_SLACK): a dated report names the day itself, however late it
# is published, and "on Saturday" beside "on Sunday" in a city shelled daily is two strikes (FA-KES:
# every join of two dated reports a day apart was a different strike — rebel rockets on Saturday and
# regime raids on Sunday, a missile on Tuesday and a barrel bomb on Wednesday). An event spanning two
# days carries both. A report dated by its publication beside a dated one may tell of it up to
# WINDOW_DAYS later, never before it.
SAME_DAY_SLACK = 1
DATED_SLACK = 0
# A time wider than this ("earlier this month", "since Saturday") says little about when the reported
# incident happened: the event is dated by its article's publication instead, and, a tally more often
# than one incident, it joins no other article's incident.
MAX_EVENT_SPAN_DAYS = 2
# Features whose coordinates are a centroid, not a location: they match by name, by containment
# (a town's admin1) or by country plus strong evidence, never by distance.
AREA_FEATURES = frozenset({"country", "admin1", "admin", "region", "territory", "continent", "sea", "river",
                           "border", "valley"})
# A report placed only by its country (or a region) joins an incident only with this much other
# evidence (see `_evidence`): two of the same means (ACLED sub-event), the same actor and target,
# the same figure, its article's main place near the incident — or the same article. One is not
# enough: "an air strike in Syria" matches every air strike in Syria that week, and one party is an
# actor of nearly every event of its war (the demo's Nyala arrests joined the Kordofan base seizure,
# three days and 700 km apart, on the RSF alone).
COUNTRY_EVIDENCE = 2
# How a place relation ranks candidates (lower is better); distance adds its share of MAX_KM.
_RELATION_COST = {"near": 0.0, "within": 0.5, "country": 1.0}
_EVIDENCE_BONUS = 0.3  # per piece of shared evidence (ACLED sub-event, actor, figure, article's place)
# An article's own incident beats any other for its events (more than all other bonuses together).
_SAME_ARTICLE_BONUS = 1.5

_VIOLENT = frozenset({"ASSAULT", "COERCE"})
# ACLED event types that reports of one incident mix: a shelled market is "Explosions/Remote
# violence" to one coder and "Violence against civilians" to another.
_ACLED_FAMILY = {
    "Battles": "violence", "Explosions/Remote violence": "violence", "Violence against civilians": "violence",
    "Protests": "unrest", "Riots": "unrest", "Strategic developments": "strategic",
}
# ACLED sub-event types that say *how* it was done, by means: reports of one incident confuse means
# within a row (barrel bombs are "shelling" to one outlet and an air raid to another; a car bomb is
# or is not a suicide bomb) but not across rows — a car bomb in Homs is not an air raid in Homs the
# same day. Sub-events not listed ("Armed clash", "Attack": what the extractor says of "killed" and
# "fighting" without a means) are generic: compatible with any, and no evidence of identity.
_MEANS = {
    "Air/drone strike": "remote", "Shelling/artillery/missile attack": "remote", "Chemical weapon": "remote",
    "Grenade": "remote",
    "Suicide bomb": "bomb", "Remote explosive/landmine/IED": "bomb",
    "Government regains territory": "territory", "Non-state actor overtakes territory": "territory",
    "Sexual violence": "sexual", "Abduction/forced disappearance": "abduction",
    "Arrests": "arrests", "Looting/property destruction": "looting",
}


# -- what an event carries -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Party:
    """An actor or a claim's source, as far as matching needs it."""

    name: str | None = None
    country: str | None = None
    sector: str | None = None
    kind: str | None = None  # a source's kind (outlet, named, anonymous, media); an actor's kind

    def same_as(self, other: Party) -> bool:
        """Same party: same name, or same country and sector ("the Sudanese army" and "SAF")."""
        if self.name and other.name and self.name.lower() == other.name.lower():
            return True
        return bool(self.country and self.sector and (self.country, self.sector) == (other.country, other.sector))


@dataclass(frozen=True, slots=True)
class ClaimRef:
    id: str
    source: Party
    stance: str | None


@dataclass(frozen=True, slots=True)
class FigureRef:
    id: str
    category: str
    low: int | None
    high: int | None
    best: int | None
    qualifier: str | None = None
    text: str | None = None
    subject: str | None = None
    claim: ClaimRef | None = None
    denied: bool = False  # its claim is answered by a denial in the same article


@dataclass(slots=True)
class EventRef:
    """One record event with what reconciliation needs from the rest of its record."""

    article_id: str
    event_id: str
    published: date | None = None
    outlet: str | None = None
    type: str | None = None
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    date_from: date | None = None  # the event's time, else the article's publication date
    date_to: date | None = None
    place_name: str | None = None
    place_country: str | None = None  # the place's country, else the country the article's places name most
    place_lat: float | None = None
    place_lon: float | None = None
    place_feature: str | None = None
    place_admin1: str | None = None
    # the article's main located place (`_main_place`): a hint, never the event's place, that counts
    # as evidence for an event that has no place of its own
    context_lat: float | None = None
    context_lon: float | None = None
    actors: tuple[Party, ...] = ()
    targets: tuple[Party, ...] = ()
    figures: tuple[FigureRef, ...] = ()
    claim: ClaimRef | None = None
    denials: tuple[ClaimRef, ...] = ()  # deny claims answering the event's claim or its figures' claims
    negated: bool = False
    hypothetical: bool = False
    historical: bool = False
    undated: bool = False  # dated by its article's publication, for want of a time of its own
    spread: bool = False  # its time spans weeks ("since Saturday", "over the past ten days"): a tally
    # the one armed side ("state"/"nonstate") acting in all of the article's strikes, shellings and
    # bombings that name an actor, else None (`_article_side`): the direction of an event naming no actor
    article_side: str | None = None

    @property
    def ref(self) -> tuple[str, str]:
        return (self.article_id, self.event_id)

    @property
    def actor_countries(self) -> frozenset[str]:
        return frozenset(a.country for a in self.actors if a.country)

    @property
    def actor_sectors(self) -> frozenset[str]:
        return frozenset(a.sector for a in self.actors if a.sector)

    @property
    def target_countries(self) -> frozenset[str]:
        return frozenset(t.country for t in self.targets if t.country)

    def figures_by_category(self) -> dict[str, list[tuple[int | None, int | None]]]:
        out: dict[str, list[tuple[int | None, int | None]]] = defaultdict(list)
        for f in self.figures:
            out[f.category].append((f.low, f.high))
        return dict(out)

    @property
    def located(self) -> bool:
        return self.place_lat is not None and self.place_lon is not None and self.place_feature not in AREA_FEATURES

    @property
    def current(self) -> bool:
        """A factual, current event: the only kind that forms incidents."""
        return not (self.negated or self.hypothetical or self.historical)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _party(item: dict[str, Any] | None) -> Party:
    item = item or {}
    return Party(item.get("name"), item.get("country"), item.get("sector"), item.get("kind"))


def _event_dates(time: dict[str, Any] | None, published: date | None) -> tuple[date | None, date | None]:
    start = _date((time or {}).get("from"))
    if start is None:
        return published, published
    end = _date(time.get("to")) or max(start, published or start)
    if (end - start).days > MAX_EVENT_SPAN_DAYS and published is not None:
        return published, published
    return start, end


def _main_country(record: dict[str, Any]) -> str | None:
    """The country the article's places name most (first named wins a tie)."""
    counts = Counter(p["country"] for p in record.get("places", []) if p.get("country"))
    return counts.most_common(1)[0][0] if counts else None


def _main_place(record: dict[str, Any]) -> dict[str, Any]:
    """The located place the article names most — at least twice and more often than any other —
    else nothing: a dateline or a passing mention must not become the scene of every event."""
    located = [p for p in record.get("places", []) if p.get("lat") is not None and p.get("feature") not in AREA_FEATURES]
    counts = Counter(_name(p.get("name")) for p in located).most_common(2)
    if not counts or counts[0][1] < 2 or (len(counts) > 1 and counts[1][1] == counts[0][1]):
        return {}
    return next(p for p in located if _name(p.get("name")) == counts[0][0])


def _article_side(events: list[EventRef]) -> str | None:
    """The armed side acting in the article's strikes, shellings and bombings (sub-events with a means,
    `_MEANS` "remote" or "bomb"), when every such event that names an armed actor names the same side:
    a state-media roundup of "terrorist rocket shells" on government-held districts, or an opposition
    statement on regime air raids. An article reporting both directions has none, and so has one
    whose attribution is denied in it (the accused's denial makes the side a claim, not a fact)."""
    sides = set()
    for e in events:
        if e.current and e.type in _VIOLENT and _MEANS.get(e.acled_sub_event_type or "") in {"remote", "bomb"}:
            if e.denials and e.actor_sectors & _ARMED:
                return None
            sides |= {_side(s) for s in e.actor_sectors if s in _ARMED}
    return next(iter(sides)) if len(sides) == 1 else None


def event_refs(record: dict[str, Any]) -> list[EventRef]:
    """The EventRefs of a record (DESIGN.md §3), every event including flagged ones."""
    header = record["article"]
    published = _date(header.get("published"))
    by_id = {kind: {item["id"]: item for item in record.get(kind, [])}
             for kind in ("actors", "places", "times", "figures", "claims")}
    claims = {cid: ClaimRef(cid, _party(c.get("source")), c.get("stance")) for cid, c in by_id["claims"].items()}
    answered: dict[str, list[ClaimRef]] = defaultdict(list)
    for c in record.get("claims", []):
        if c.get("stance") == "deny" and c.get("responds_to"):
            answered[c["responds_to"]].append(claims[c["id"]])
    fallback_country = _main_country(record)
    context = _main_place(record)
    out = []
    for event in record.get("events", []):
        figures = []
        for fid in event.get("figures") or []:
            f = by_id["figures"].get(fid)
            if f is None:
                continue
            claim = claims.get(f.get("claim") or "")
            figures.append(FigureRef(fid, f.get("category") or "other", f.get("low"), f.get("high"), f.get("best"),
                                     f.get("qualifier"), f.get("text"), f.get("subject"), claim,
                                     denied=bool(claim and answered.get(claim.id))))
        claim = claims.get(event.get("claim") or "")
        answering = [claim.id] if claim else []
        answering += [f.claim.id for f in figures if f.claim]
        denials = tuple(dict.fromkeys(d for cid in answering for d in answered.get(cid, [])))
        place = by_id["places"].get(event.get("place") or "") or {}
        time = by_id["times"].get(event.get("time") or "")
        start, end = _event_dates(time, published)
        undated = published is not None and (start, end) == (published, published) \
            and _date((time or {}).get("from")) != published
        spread = undated and _date((time or {}).get("from")) is not None
        acled = event.get("acled") or {}
        out.append(EventRef(
            article_id=header["id"], event_id=event["id"], published=published, outlet=header.get("outlet"),
            type=event.get("type"), acled_event_type=acled.get("event_type"),
            acled_sub_event_type=acled.get("sub_event_type"), date_from=start, date_to=end, undated=undated,
            spread=spread,
            place_name=place.get("name"), place_country=place.get("country") or fallback_country,
            place_lat=place.get("lat"), place_lon=place.get("lon"), place_feature=place.get("feature"),
            place_admin1=place.get("admin1"), context_lat=context.get("lat"), context_lon=context.get("lon"),
            actors=tuple(_party(by_id["actors"].get(a)) for a in event.get("actors") or [] if a in by_id["actors"]),
            targets=tuple(_party(by_id["actors"].get(a)) for a in event.get("targets") or [] if a in by_id["actors"]),
            figures=tuple(figures), claim=claim, denials=denials,
            negated=bool(event.get("negated")), hypothetical=bool(event.get("hypothetical")),
            historical=bool(event.get("historical")),
        ))
    side = _article_side(out)
    for e in out:
        e.article_side = side
    return out


# -- incidents -----------------------------------------------------------------------------------

@dataclass(slots=True)
class IncidentPlace:
    name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None
    admin1: str | None = None

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None and self.feature not in AREA_FEATURES


def _place_of(event: EventRef) -> IncidentPlace | None:
    if not (event.place_name or event.place_country):
        return None
    return IncidentPlace(event.place_name, event.place_country, event.place_lat, event.place_lon,
                         event.place_feature, event.place_admin1)


@dataclass(slots=True)
class Incident:
    """Reports of one event. Its window and place are its first report's (`events[0]`; the place is
    the first located one); `date_from`/`date_to` span all reports, for display."""

    id: str
    reports: list[tuple[str, str]]  # (article id, event id)
    type: str | None
    acled: list[tuple[str | None, str | None]]  # distinct (event_type, sub_event_type), in report order
    date_from: date | None
    date_to: date | None
    place: IncidentPlace | None
    actor_countries: set[str] = field(default_factory=set)
    actor_sectors: set[str] = field(default_factory=set)
    target_countries: set[str] = field(default_factory=set)
    outlets: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    events: list[EventRef] = field(default_factory=list)

    @property
    def anchor(self) -> EventRef:
        return self.events[0]

    def copy(self) -> Incident:
        return replace(self, reports=list(self.reports), acled=list(self.acled),
                       place=replace(self.place) if self.place else None,
                       actor_countries=set(self.actor_countries), actor_sectors=set(self.actor_sectors),
                       target_countries=set(self.target_countries), outlets=list(self.outlets),
                       article_ids=list(self.article_ids), events=list(self.events))

    def add(self, event: EventRef) -> None:
        self.reports.append(event.ref)
        self.events.append(event)
        if event.type == "ASSAULT":
            self.type = "ASSAULT"  # a report that calls it an attack makes it one (COERCE + ASSAULT)
        acled = (event.acled_event_type, event.acled_sub_event_type)
        if acled != (None, None) and acled not in self.acled:
            self.acled.append(acled)
        for day in (event.date_from, event.date_to):
            if day is not None:
                self.date_from = min(self.date_from or day, day)
                self.date_to = max(self.date_to or day, day)
        if event.located and not (self.place and self.place.located):
            self.place = _place_of(event)
        elif self.place is None:
            self.place = _place_of(event)
        self.actor_countries |= event.actor_countries
        self.actor_sectors |= event.actor_sectors
        self.target_countries |= event.target_countries
        if event.outlet and event.outlet not in self.outlets:
            self.outlets.append(event.outlet)
        if event.article_id not in self.article_ids:
            self.article_ids.append(event.article_id)


def incident_id(first: tuple[str, str]) -> str:
    """Deterministic: a hash of the first report, so rebuilding gives the same ids."""
    return "i" + hashlib.sha1(f"{first[0]}|{first[1]}".encode()).hexdigest()[:12]


def _new_incident(event: EventRef) -> Incident:
    incident = Incident(incident_id(event.ref), [], event.type, [], None, None, None)
    incident.add(event)
    return incident


# -- compatibility -------------------------------------------------------------------------------

def _types_compatible(a: EventRef, b: EventRef) -> bool:
    if a.type == b.type:
        return True
    if a.type in _VIOLENT and b.type in _VIOLENT:
        fa, fb = _ACLED_FAMILY.get(a.acled_event_type or ""), _ACLED_FAMILY.get(b.acled_event_type or "")
        return fa is not None and fa == fb
    return False


def _means(incident: Incident) -> set[str]:
    return {_MEANS[sub] for _, sub in incident.acled if sub in _MEANS}


def _means_compatible(event: EventRef, incident: Incident) -> bool:
    """The event's means (if it names one) is among the incident's (if it has any)."""
    mine = _MEANS.get(event.acled_sub_event_type or "")
    theirs = _means(incident)
    return mine is None or not theirs or mine in theirs


_STATE = frozenset({"MIL", "GOV"})
_ARMED = _STATE | {"REB"}


def _sides_compatible(event: EventRef, incident: Incident) -> bool:
    """One-sided violence (a strike, a shelling, an attack on civilians) has a direction: rebel
    rockets on a government-held district are not regime air strikes on a rebel town, though both
    hit one city on one day. When both name the armed side that acted, it must be the same side.
    A battle (armed clash) has two sides, and reports name either: no constraint.

    An event that names no acting armed side takes its article's (`EventRef.article_side`): state
    media's "3 civilians killed in terrorist rocket attacks on Deir Ezzor" names no actor in that
    sentence, but the roundup's other attacks are all the "terrorists'", and it is no report of the
    regime's air raid there the same day (FA-KES: 6 of the 8 reports merged against the direction of
    fire). This holds for the generic "killed" the extractor calls an armed clash too: a battle report
    names its sides."""
    if not incident.acled or all(sub == "Armed clash" for _, sub in incident.acled):
        return True
    mine = {_side(s) for s in event.actor_sectors if s in _ARMED}
    theirs = {_side(s) for s in incident.actor_sectors if s in _ARMED}
    if not mine and event.article_side and theirs and event.article_side not in theirs:
        return False  # no acting side of its own, and its article's is not the incident's
    if event.acled_sub_event_type == "Armed clash":
        return True
    if mine and theirs and not mine & theirs:
        return False
    # the side one report has acting is the side the other has struck ("70 terrorists killed" vs
    # "terrorist rockets kill 9"), and no acting side is shared
    my_targets = {_side(t.sector) for t in event.targets if t.sector in _ARMED}
    their_targets = {_side(t.sector) for e in incident.events for t in e.targets if t.sector in _ARMED}
    reversed_ = bool(my_targets & theirs) or bool(their_targets & mine)
    return not (reversed_ and not mine & theirs)


def _side(sector: str) -> str:
    return "state" if sector in _STATE else "nonstate"


def _reported_before(undated: EventRef, dated: EventRef) -> bool:
    """A report dated only by its publication tells of something that happened on or before that
    day: it cannot be an event dated after it."""
    return undated.undated and not dated.undated and undated.published is not None \
        and dated.date_from is not None and dated.date_from > undated.published


def _gap_days(a: EventRef, b: EventRef) -> int | None:
    if a.date_from is None or b.date_from is None:
        return None
    a_to, b_to = a.date_to or a.date_from, b.date_to or b.date_from
    if a_to < b.date_from:
        return (b.date_from - a_to).days
    if b_to < a.date_from:
        return (a.date_from - b_to).days
    return 0


def _name(value: str | None) -> str:
    return " ".join((value or "").lower().replace("-", " ").split())


def _place_relation(event: EventRef, place: IncidentPlace | None, max_km: float) -> tuple[str, float] | None:
    """How the event's place stands to the incident's: near (within max_km, or the same name),
    within (a town inside the named first-level region), country (only the country is shared or
    known: needs strong evidence), or None (incompatible)."""
    placeless = not (event.place_name or event.place_country)
    if place is None or placeless:
        # nothing to compare: only a placeless event may join a placeless incident (strong evidence)
        return ("country", 0.0) if place is None and placeless else None
    if event.located and place.located:
        distance = km(event.place_lat, event.place_lon, place.lat, place.lon)
        if distance > SETTLEMENT_KM and event.place_feature in SETTLEMENTS and place.feature in SETTLEMENTS \
                and _name(event.place_name) != _name(place.name):
            return None  # two towns, not a town and its districts or villages
        return ("near", distance / max_km) if distance <= max_km else None
    if event.place_name and _name(event.place_name) == _name(place.name):
        return ("near", 0.0)
    if event.place_country and place.country and event.place_country != place.country:
        return None
    admin1 = _name(event.place_admin1 or (event.place_name if event.place_feature == "admin1" else None))
    other_admin1 = _name(place.admin1 or (place.name if place.feature == "admin1" else None))
    if admin1 and other_admin1 and admin1 != other_admin1:
        return None  # two first-level regions: West Darfur is not Nyala's South Darfur
    if event.located and place.feature in {"admin1", "admin"} and _name(event.place_admin1) == _name(place.name):
        return ("within", 0.0)
    if place.located and event.place_feature in {"admin1", "admin"} and _name(place.admin1) == _name(event.place_name):
        return ("within", 0.0)
    return ("country", 0.0)


@dataclass(frozen=True, slots=True)
class _Evidence:
    same_article: bool  # the event's article (or a wire copy of it) already reports the incident
    pieces: int  # of: the same ACLED sub-event, a shared actor, an agreeing figure, the article's place nearby

    def strong(self) -> bool:
        return self.same_article or self.pieces >= COUNTRY_EVIDENCE


def _evidence(event: EventRef, incident: Incident, max_km: float, groups: Mapping[str, str]) -> _Evidence:
    """Evidence beyond place and time that the event is this incident. An event an article reports
    without a place is most often the article's main incident, already placed by another of its
    events: the same article (or a wire copy of it, `groups`) outweighs everything else."""
    article = groups.get(event.article_id, event.article_id)
    same_article = any(groups.get(e.article_id, e.article_id) == article for e in incident.events)
    count = 0
    if _MEANS.get(event.acled_sub_event_type or "") in _means(incident):
        count += 1
    if any(_same_dyad(event, e) for e in incident.events):
        count += 1
    theirs = {(f.category, f.best) for e in incident.events for f in e.figures if f.best}
    if any((f.category, f.best) in theirs for f in event.figures if f.best):
        count += 1
    if _context_near(event, incident, max_km):
        count += 1
    return _Evidence(same_article, count)


def _same_dyad(a: EventRef, b: EventRef) -> bool:
    """A shared actor and a shared target: one party alone is in nearly every event of its war."""
    return (any(x.same_as(y) for x in a.actors for y in b.actors)
            and any(x.same_as(y) for x in a.targets for y in b.targets))


def _point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    return (lat, lon) if lat is not None and lon is not None else None


def _context_near(event: EventRef, incident: Incident, max_km: float) -> bool:
    """Where one side has no location of its own, its article's main place lies within max_km of
    the other's location (or main place)."""
    mine = _point(event.place_lat, event.place_lon) if event.located else None
    place = incident.place
    theirs = _point(place.lat, place.lon) if place and place.located else None
    if mine and theirs:
        return False  # both located: distance already decided
    mine = mine or _point(event.context_lat, event.context_lon)
    theirs = theirs or _point(incident.anchor.context_lat, incident.anchor.context_lon)
    return bool(mine and theirs and km(*mine, *theirs) <= max_km)


def match_cost(event: EventRef, incident: Incident, *, max_km: float = MAX_KM, window_days: int = WINDOW_DAYS,
               groups: Mapping[str, str] | None = None) -> float | None:
    """How well an event fits an incident (lower is better), or None when it cannot belong to it."""
    anchor = incident.anchor
    if not event.current or not _types_compatible(event, anchor) or not _means_compatible(event, incident):
        return None
    gap = _gap_days(event, anchor)
    if event.undated != anchor.undated:
        slack = window_days
    else:
        slack = min(window_days, SAME_DAY_SLACK if event.undated else DATED_SLACK)
    if gap is None or gap > slack:
        return None
    if _reported_before(event, anchor) or _reported_before(anchor, event):
        return None
    if event.actor_countries and incident.actor_countries and not event.actor_countries & incident.actor_countries:
        return None
    if not _sides_compatible(event, incident):
        return None
    relation = _place_relation(event, incident.place, max_km)
    if relation is None:
        return None
    kind, distance = relation
    evidence = _evidence(event, incident, max_km, groups or {})
    if (event.spread or anchor.spread) and not evidence.same_article:
        return None  # a tally over days or weeks is no report of one incident of another article
    if kind == "country" and not (event.type == anchor.type and evidence.strong()):
        return None
    return (gap / max(window_days, 1) + _RELATION_COST[kind] + distance - _EVIDENCE_BONUS * evidence.pieces
            - _SAME_ARTICLE_BONUS * evidence.same_article)


# -- the bucket index ----------------------------------------------------------------------------

class IncidentGrouper:
    """Incremental grouping. `add(event)` compares the event only with incidents in its buckets and
    returns the incident it joined or opened (None for a negated, hypothetical or historical event,
    which forms no incident). Results depend on the order of events: add them oldest first."""

    def __init__(self, existing: Iterable[Incident] = (), *, max_km: float = MAX_KM,
                 window_days: int = WINDOW_DAYS, groups: Mapping[str, str] | None = None) -> None:
        self.max_km = max_km
        self.groups = groups or {}
        self.window_days = max(int(window_days), 1)
        self._cell_deg = max_km / 111.0
        self.incidents: list[Incident] = []
        self._seen: set[tuple[str, str]] = set()
        self._grid: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        self._names: dict[tuple[str, int], list[int]] = defaultdict(list)
        self._country: dict[tuple[str, int], list[int]] = defaultdict(list)
        self._unlocated: dict[tuple[str, int], list[int]] = defaultdict(list)
        for incident in existing:
            self._register(len(self.incidents), incident)
            self.incidents.append(incident)
            self._seen.update(incident.reports)

    def _days(self, first: date, last: date, pad: int) -> range:
        w = self.window_days
        return range((first.toordinal() - pad) // w, (last.toordinal() + pad) // w + 1)

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self._cell_deg), math.floor(lon / self._cell_deg)

    def _register(self, index: int, incident: Incident) -> None:
        anchor = incident.anchor
        if anchor.date_from is None:
            return  # an undated report neither joins nor is joined
        days = self._days(anchor.date_from, anchor.date_to or anchor.date_from, 0)
        place = incident.place
        for day in days:
            if place and place.located:
                self._grid[(*self._cell(place.lat, place.lon), day)].append(index)
            if place and place.name:
                self._names[(_name(place.name), day)].append(index)
            if place and place.country:
                self._country[(place.country, day)].append(index)
                if not place.located:
                    self._unlocated[(place.country, day)].append(index)
            elif place is None:
                self._unlocated[("", day)].append(index)

    def _candidates(self, event: EventRef) -> set[int]:
        if event.date_from is None:
            return set()
        cells: list[tuple[int, int]] = []
        if event.located:
            row, col = self._cell(event.place_lat, event.place_lon)  # type: ignore[arg-type]
            # a degree of longitude shrinks towards the poles: look further east and west
            lat = min(abs(event.place_lat) + self._cell_deg, 89.0)  # type: ignore[arg-type]
            reach = math.ceil(1 / math.cos(math.radians(lat)))
            cells = [(row + dr, col + dc) for dr in (-1, 0, 1) for dc in range(-reach, reach + 1)]
        country = event.place_country or ""
        found: set[int] = set()
        for day in self._days(event.date_from, event.date_to or event.date_from, self.window_days):
            if cells:
                for cell in cells:
                    found.update(self._grid.get((*cell, day), ()))
                found.update(self._unlocated.get((country, day), ()))
            elif country:
                found.update(self._country.get((country, day), ()))
            else:
                found.update(self._unlocated.get(("", day), ()))
            if event.place_name:
                found.update(self._names.get((_name(event.place_name), day), ()))
        return found

    def add(self, event: EventRef) -> Incident | None:
        if not event.current:
            return None
        if event.ref in self._seen:
            return next(i for i in self.incidents if event.ref in i.reports)
        self._seen.add(event.ref)
        best: tuple[float, int] | None = None
        for index in self._candidates(event):
            cost = match_cost(event, self.incidents[index], max_km=self.max_km, window_days=self.window_days,
                              groups=self.groups)
            if cost is not None and (best is None or (cost, index) < best):
                best = (cost, index)
        if best is None:
            incident = _new_incident(event)
            self._register(len(self.incidents), incident)
            self.incidents.append(incident)
            return incident
        incident = self.incidents[best[1]]
        was_located = bool(incident.place and incident.place.located)
        incident.add(event)
        if not was_located and incident.place and incident.place.located:
            self._register(best[1], incident)  # it now has a location: index it on the grid too
        return incident


def chronological(events: Iterable[EventRef]) -> list[EventRef]:
    """The order grouping reads events in: article by article as they were published (the order
    new articles arrive in), and inside an article its placed events before its unplaced ones, so
    that an unplaced event finds its own article's incident already there."""
    def key(e: EventRef) -> tuple:
        return (e.published or date.max, e.article_id, not e.place_name, e.date_from or date.max,
                _event_number(e.event_id))
    return sorted(events, key=key)


def _event_number(event_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in event_id if ch.isdigit())
    return (int(digits) if digits else 0, event_id)


def group_incidents(events: list[EventRef], existing: list[Incident] | None = None, *,
                    max_km: float = MAX_KM, window_days: int = WINDOW_DAYS,
                    groups: Mapping[str, str] | None = None) -> list[Incident]:
    """Incidents from events: existing incidents (copied, not changed) first, then new ones, in
    order of creation. Events are read in `chronological` order; negated, hypothetical and historical
    events form no incident. `groups` (article id → duplicate-group id, from duplicates.ArticleIndex)
    lets a wire copy's events follow the original's. Adding articles in batches by publication date
    gives the same incidents as one batch run; a batch that reaches back before earlier ones may
    group differently (the grouping is greedy)."""
    grouper = IncidentGrouper([i.copy() for i in existing or []], max_km=max_km, window_days=window_days,
                              groups=groups)
    for event in chronological(events):
        grouper.add(event)
    return grouper.incidents


# -- serialising (the caller stores incidents) -----------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    """JSON-ready form of an incident, with its EventRefs: store it and `incident_from_dict` it back
    to continue grouping incrementally."""
    return _plain(incident)


def _claim_from(d: dict[str, Any] | None) -> ClaimRef | None:
    return ClaimRef(d["id"], Party(**d["source"]), d.get("stance")) if d else None


def event_from_dict(d: dict[str, Any]) -> EventRef:
    values = dict(d)
    for name in ("published", "date_from", "date_to"):
        values[name] = _date(values.get(name))
    values["actors"] = tuple(Party(**a) for a in d.get("actors", []))
    values["targets"] = tuple(Party(**a) for a in d.get("targets", []))
    values["figures"] = tuple(FigureRef(**{**f, "claim": _claim_from(f.get("claim"))}) for f in d.get("figures", []))
    values["claim"] = _claim_from(d.get("claim"))
    values["denials"] = tuple(_claim_from(c) for c in d.get("denials", []))
    return EventRef(**values)


def incident_from_dict(d: dict[str, Any]) -> Incident:
    return Incident(
        id=d["id"], reports=[tuple(r) for r in d["reports"]], type=d.get("type"),
        acled=[tuple(a) for a in d.get("acled", [])], date_from=_date(d.get("date_from")),
        date_to=_date(d.get("date_to")), place=IncidentPlace(**d["place"]) if d.get("place") else None,
        actor_countries=set(d.get("actor_countries", [])), actor_sectors=set(d.get("actor_sectors", [])),
        target_countries=set(d.get("target_countries", [])), outlets=list(d.get("outlets", [])),
        article_ids=list(d.get("article_ids", [])), events=[event_from_dict(e) for e in d.get("events", [])],
    )
