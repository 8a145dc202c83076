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
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any

from fogwatch.evaluation import km
from fogwatch.reconcile.disputes import disjoint

# -- thresholds ----------------------------------------------------------------------------------
# 50 km: a city with its districts and nearby villages (ACLED codes a strike's location to the nearest
# town; places in reports of one strike vary between the town and its district). The demo's El Fasher
# and Tawila, 60 km apart, are two places. On FA-KES, reports of one Aleppo or Douma strike name the
# city or a neighbourhood within 15 km; 50 km still separates Damascus from Douma only by the date.
MAX_KM = 50.0
# 3 days: relative dates ("on Sunday", "yesterday") resolve to the day, and follow-up reports of a
# toll are published up to two days after the event; a week apart is another event.
WINDOW_DAYS = 3
# A time wider than this ("earlier this month", "since April") says little about when the reported
# incident happened: the event is dated by its article's publication instead.
MAX_EVENT_SPAN_DAYS = 14
# Features whose coordinates are a centroid, not a location: they match by name, by containment
# (a town's admin1) or by country plus strong evidence, never by distance.
AREA_FEATURES = frozenset({"country", "admin1", "admin", "region", "territory", "continent", "sea", "river",
                           "border", "valley"})
# How a place relation ranks candidates (lower is better); distance adds its share of MAX_KM.
_RELATION_COST = {"near": 0.0, "within": 0.5, "country": 1.0}
_EVIDENCE_BONUS = 0.3  # per piece of shared evidence (ACLED sub-event, actor, figure)

_VIOLENT = frozenset({"ASSAULT", "COERCE"})
# ACLED event types that reports of one incident mix: a shelled market is "Explosions/Remote
# violence" to one coder and "Violence against civilians" to another.
_ACLED_FAMILY = {
    "Battles": "violence", "Explosions/Remote violence": "violence", "Violence against civilians": "violence",
    "Protests": "unrest", "Riots": "unrest", "Strategic developments": "strategic",
}


# -- what an event carries -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Party:
    """An actor or a claim's source, as far as matching needs it."""

    name: str | None = None
    country: str | None = None
    sector: str | None = None
    kind: str | None = None  # a source's kind (outlet, named, anonymous, media); an actor's kind

    @property
    def key(self) -> tuple[str, str | None, str | None] | None:
        """Identity across articles: the normalised name, else country and sector when both are known."""
        if self.name:
            return (self.name.lower(), None, None)
        if self.country and self.sector:
            return ("", self.country, self.sector)
        return None

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

    def interval(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high}


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
    actors: tuple[Party, ...] = ()
    targets: tuple[Party, ...] = ()
    figures: tuple[FigureRef, ...] = ()
    claim: ClaimRef | None = None
    denials: tuple[ClaimRef, ...] = ()  # deny claims answering the event's claim or its figures' claims
    negated: bool = False
    hypothetical: bool = False
    historical: bool = False

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
        start, end = _event_dates(by_id["times"].get(event.get("time") or ""), published)
        acled = event.get("acled") or {}
        out.append(EventRef(
            article_id=header["id"], event_id=event["id"], published=published, outlet=header.get("outlet"),
            type=event.get("type"), acled_event_type=acled.get("event_type"),
            acled_sub_event_type=acled.get("sub_event_type"), date_from=start, date_to=end,
            place_name=place.get("name"), place_country=place.get("country") or fallback_country,
            place_lat=place.get("lat"), place_lon=place.get("lon"), place_feature=place.get("feature"),
            place_admin1=place.get("admin1"),
            actors=tuple(_party(by_id["actors"].get(a)) for a in event.get("actors") or [] if a in by_id["actors"]),
            targets=tuple(_party(by_id["actors"].get(a)) for a in event.get("targets") or [] if a in by_id["actors"]),
            figures=tuple(figures), claim=claim, denials=denials,
            negated=bool(event.get("negated")), hypothetical=bool(event.get("hypothetical")),
            historical=bool(event.get("historical")),
        ))
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
        return ("near", distance / max_km) if distance <= max_km else None
    if event.place_name and _name(event.place_name) == _name(place.name):
        return ("near", 0.0)
    if event.place_country and place.country and event.place_country != place.country:
        return None
    if event.located and place.feature in {"admin1", "admin"} and _name(event.place_admin1) == _name(place.name):
        return ("within", 0.0)
    if place.located and event.place_feature in {"admin1", "admin"} and _name(place.admin1) == _name(event.place_name):
        return ("within", 0.0)
    return ("country", 0.0)


def _evidence(event: EventRef, incident: Incident) -> int:
    """Pieces of evidence beyond place and time that the event is this incident: the same ACLED
    sub-event, a shared actor, a figure of the same category that agrees with one already there."""
    count = 0
    subs = {sub for _, sub in incident.acled if sub}
    if event.acled_sub_event_type and event.acled_sub_event_type in subs:
        count += 1
    if any(a.same_as(b) for a in event.actors for e in incident.events for b in e.actors):
        count += 1
    theirs = [f for e in incident.events for f in e.figures]
    if any(f.category == g.category and not disjoint(f.interval(), g.interval()) for f in event.figures for g in theirs):
        count += 1
    return count


def match_cost(event: EventRef, incident: Incident, *, max_km: float = MAX_KM,
               window_days: int = WINDOW_DAYS) -> float | None:
    """How well an event fits an incident (lower is better), or None when it cannot belong to it."""
    anchor = incident.anchor
    if not event.current or not _types_compatible(event, anchor):
        return None
    gap = _gap_days(event, anchor)
    if gap is None or gap > window_days:
        return None
    if event.actor_countries and incident.actor_countries and not event.actor_countries & incident.actor_countries:
        return None
    relation = _place_relation(event, incident.place, max_km)
    if relation is None:
        return None
    kind, distance = relation
    evidence = _evidence(event, incident)
    if kind == "country" and not (event.type == anchor.type and evidence):
        return None
    return gap / max(window_days, 1) + _RELATION_COST[kind] + distance - _EVIDENCE_BONUS * evidence


# -- the bucket index ----------------------------------------------------------------------------

class IncidentGrouper:
    """Incremental grouping. `add(event)` compares the event only with incidents in its buckets and
    returns the incident it joined or opened (None for a negated, hypothetical or historical event,
    which forms no incident). Results depend on the order of events: add them oldest first."""

    def __init__(self, existing: Iterable[Incident] = (), *, max_km: float = MAX_KM,
                 window_days: int = WINDOW_DAYS) -> None:
        self.max_km = max_km
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
            cost = match_cost(event, self.incidents[index], max_km=self.max_km, window_days=self.window_days)
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
    """The order grouping reads events in: by date, publication, article and event id."""
    def key(e: EventRef) -> tuple:
        return (e.date_from or date.max, e.published or date.max, e.article_id, _event_number(e.event_id))
    return sorted(events, key=key)


def _event_number(event_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in event_id if ch.isdigit())
    return (int(digits) if digits else 0, event_id)


def group_incidents(events: list[EventRef], existing: list[Incident] | None = None, *,
                    max_km: float = MAX_KM, window_days: int = WINDOW_DAYS) -> list[Incident]:
    """Incidents from events: existing incidents (copied, not changed) first, then new ones, in
    order of creation. Events are read in `chronological` order; negated, hypothetical and historical
    events form no incident. Adding events in chronological batches gives the same incidents as one
    batch run; a batch that reaches back before earlier ones may group differently (greedy)."""
    grouper = IncidentGrouper([i.copy() for i in existing or []], max_km=max_km, window_days=window_days)
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
