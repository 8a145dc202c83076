"""What every export format reads, loaded once: the stored events with the parts of their
records they need, incidents (and events no incident holds) as `Unit`s, the country table, the
filters, and the hygiene every string taken from an article goes through.

Conventions shared by the formats (see fogwatch.export for what each format does with them):
- A unit's date and ACLED time_precision (`Unit.when`): 1 a day is named; 2 a week or shorter
  range (coded at its middle), or no date in the text at all (the earliest report's publication
  date: the event happened on or just before it); 3 a month or vaguer range (its middle).
- geo_precision (`Location.precision`): 1 a town, city, district, camp, facility or crossing; 2 a
  mountain or valley (near a known place); 3 a province or wider region. Country-level places
  carry no coordinates at all (`Location.coords`): the gazetteer puts a country at its capital,
  and a pin there would be invented.
- Text from articles is untrusted (`clean_text`): HTML tags, angle brackets and control
  characters are removed; `spreadsheet_safe` defuses CSV cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any

from sqlalchemy import text

from fogwatch.reconcile.figures import FigureSummary, summarise_figures
from fogwatch.reconcile.incidents import EventRef, Incident, event_refs
from fogwatch.store.database import Database
from fogwatch.store.reconciled import list_disputes

FILTERS = ("date_from", "date_to", "country", "type")
# Place features by ACLED geo_precision (see the module docstring); anything else is 3.
_POINT_FEATURES = frozenset({"city", "town", "village", "district", "camp", "facility", "crossing"})
_NEAR_FEATURES = frozenset({"mountain", "valley"})
_COUNTRY_LEVEL = frozenset({"country", "continent", "sea"})


# -- untrusted text ------------------------------------------------------------------------------

_TAG = re.compile(r"<[^<>]{0,500}>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028\u2029]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: Any, limit: int | None = None) -> str:
    """Article text made inert: no HTML tags or angle brackets, no control characters, one line."""
    if value is None:
        return ""
    out = _TAG.sub(" ", str(value)).replace("<", "‹").replace(">", "›")
    out = re.sub(r"\s+", " ", _CONTROL.sub(" ", out)).strip()
    if limit and len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet will show rather than run (OWASP's CSV-injection rule)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# -- filters and reference data ------------------------------------------------------------------

def _as_date(value: Any, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date like 2024-05-14") from None


def _date(value: Any) -> date | None:
    try:
        return _as_date(value, "date")
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """What to export: rows dated within [date_from, date_to], in a country, of a type."""

    date_from: date | None = None
    date_to: date | None = None
    country: str | None = None
    type: str | None = None

    @classmethod
    def of(cls, **filters: Any) -> ExportFilter:
        unknown = sorted(set(filters) - set(FILTERS))
        if unknown:
            raise TypeError(f"unknown export filter(s) {unknown}; use {list(FILTERS)}")
        country = (filters.get("country") or "").strip()
        if country and country.upper() not in countries():
            by_name = {c.name.lower(): c.iso3 for c in countries().values()}
            country = by_name.get(country.lower(), country)
        return cls(_as_date(filters.get("date_from"), "date_from"), _as_date(filters.get("date_to"), "date_to"),
                   country.upper() or None, (filters.get("type") or "").strip().lower() or None)

    def keeps(self, day: date | None, country: str | None, types: Iterable[str | None]) -> bool:
        if (self.date_from or self.date_to) and day is None:
            return False
        if self.date_from and day < self.date_from:  # type: ignore[operator]
            return False
        if self.date_to and day > self.date_to:  # type: ignore[operator]
            return False
        if self.country and (country or "").upper() != self.country:
            return False
        return not self.type or self.type in {(t or "").lower() for t in types}


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    numeric: int
    name: str
    region: str


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """ISO3 → numeric code, name and ACLED region (data/countries.tsv)."""
    raw = (files("fogwatch") / "data" / "countries.tsv").read_text(encoding="utf-8")
    out = {}
    for line in raw.splitlines()[2:]:
        iso3, numeric, name, region = line.split("\t")
        out[iso3] = Country(iso3, int(numeric), name, region)
    return out


# -- what is stored ------------------------------------------------------------------------------

@dataclass(slots=True)
class StoredEvent:
    """One event of a stored record, with the parts of its record every format needs."""

    ref: EventRef
    article: dict[str, Any]
    event: dict[str, Any]
    place: dict[str, Any]
    time: dict[str, Any]
    claim: dict[str, Any] | None
    actors: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    outlets: list[str]
    incident: str | None
    extracted_at: str | None
    rebels: list[str] = field(default_factory=list)  # the rebel organisations its article names

    @property
    def factual(self) -> bool:
        return not (self.ref.negated or self.ref.hypothetical)

    @property
    def types(self) -> tuple[str | None, ...]:
        return (self.ref.type, self.ref.acled_event_type, self.ref.acled_sub_event_type)


@dataclass(frozen=True, slots=True)
class Location:
    name: str | None = None
    admin1: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None

    @property
    def coords(self) -> tuple[float, float] | None:
        """(lat, lon) worth printing: a located place that is not a whole country."""
        if self.lat is None or self.lon is None or not self.name or self.feature in _COUNTRY_LEVEL:
            return None
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            return None
        return self.lat, self.lon

    @property
    def precision(self) -> int:
        if self.coords and self.feature in _POINT_FEATURES:
            return 1
        return 2 if self.coords and self.feature in _NEAR_FEATURES else 3

    @property
    def location(self) -> str:
        return "" if self.feature in _COUNTRY_LEVEL else clean_text(self.name)

    @property
    def admin1_name(self) -> str:
        return clean_text(self.admin1 or (self.name if self.feature == "admin1" else None))


def location_of(ref: EventRef) -> Location:
    return Location(ref.place_name, ref.place_admin1, ref.place_country, ref.place_lat, ref.place_lon,
                    ref.place_feature)


@dataclass(slots=True)
class Unit:
    """One ACLED row or GeoJSON feature: an incident, or a factual event no incident holds."""

    id: str
    kind: str  # incident or event
    type: str | None
    acled_event_type: str | None
    acled_sub_event_type: str | None
    reports: list[StoredEvent]
    location: Location
    date_from: date | None
    date_to: date | None
    fatalities: dict[str, int | None]
    figures: list[dict[str, Any]]
    grade: str | None = None
    outlets: int = 1
    independent_sources: int = 1
    updated_at: str | None = None
    disputes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def types(self) -> tuple[str | None, ...]:
        return (self.type, self.acled_event_type, self.acled_sub_event_type)

    def when(self) -> tuple[date | None, int]:
        """The event date and ACLED time_precision (see the module docstring)."""
        days, ranges = [], []
        for report in self.reports:
            lo, hi = _date(report.time.get("from")), _date(report.time.get("to"))
            if lo and hi == lo:
                days.append(lo)
            elif lo and hi and hi > lo:
                ranges.append((lo, hi))
        if days:
            return min(days), 1
        if ranges:
            lo, hi = min(ranges, key=lambda r: (r[1] - r[0], r[0]))
            middle = lo + timedelta(days=(hi - lo).days // 2)
            if (hi - lo).days <= 7:
                return middle, 2
            if (hi - lo).days <= 31:
                return middle, 3
        return self.date_from, 2


@dataclass(slots=True)
class Stored:
    """Everything an export reads, loaded once."""

    events: list[StoredEvent]
    incidents: list[dict[str, Any]]
    disputes: list[dict[str, Any]]
    _units: list[Unit] | None = field(default=None, repr=False)

    def units(self) -> list[Unit]:
        """Incidents, then factual current events no incident holds (built once, on first use)."""
        if self._units is None:
            self._units = _units(self)
        return self._units


def unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def load(db: Database) -> Stored:
    """Records (with their event refs), incidents and disputes. Reads every record: an export is a
    batch job over the whole store, and filters apply to what reconciliation made of it."""
    with db.read() as conn:
        appearances: dict[str, list[str]] = {}
        for article_id, outlet in conn.execute(text("SELECT article_id, outlet FROM appearances ORDER BY seq")):
            appearances.setdefault(article_id, []).append(outlet)
        membership = {(a, e): i for i, a, e in conn.execute(
            text("SELECT incident_id, article_id, event_id FROM incident_reports"))}
        events: list[StoredEvent] = []
        for record, extracted_at in conn.execute(text(
                "SELECT r.record, r.extracted_at FROM records r JOIN articles a ON a.id = r.article_id"
                " ORDER BY a.published, a.seq")):
            events.extend(_stored_events(json.loads(record), appearances, membership, extracted_at))
        incidents = [dict(r) for r in conn.execute(text("SELECT * FROM incidents ORDER BY date_from, id")).mappings()]
    return Stored(events, incidents, list_disputes(db, limit=10_000_000))


def _stored_events(record: dict[str, Any], appearances: dict[str, list[str]],
                   membership: dict[tuple[str, str], str], extracted_at: str | None) -> Iterator[StoredEvent]:
    article = record["article"]
    by_id = {kind: {x["id"]: x for x in record.get(kind, [])} for kind in ("actors", "places", "times", "claims")}
    refs = {ref.event_id: ref for ref in event_refs(record)}
    outlets = unique([article.get("outlet"), *appearances.get(article["id"], [])])
    rebels = unique(clean_text(a.get("name")) for a in record.get("actors", [])
                    if a.get("sector") == "REB" and a.get("kind") == "organisation")
    for event in record.get("events", []):
        yield StoredEvent(
            ref=refs[event["id"]], article=article, event=event,
            place=by_id["places"].get(event.get("place") or "") or {},
            time=by_id["times"].get(event.get("time") or "") or {},
            claim=by_id["claims"].get(event.get("claim") or ""),
            actors=[by_id["actors"][a] for a in event.get("actors") or [] if a in by_id["actors"]],
            targets=[by_id["actors"][a] for a in event.get("targets") or [] if a in by_id["actors"]],
            outlets=outlets, incident=membership.get((article["id"], event["id"])), extracted_at=extracted_at,
            rebels=rebels)


def _figure_dicts(summaries: list[FigureSummary]) -> list[dict[str, Any]]:
    """Summaries in the shape reconciliation stores them (incidents.summary)."""
    return [{"category": s.category, "subject": s.subject, "low": s.low, "best": s.best, "high": s.high,
             "acled": s.acled, "credible": s.credible,
             "sources": [{"source": f.source, "low": f.low, "high": f.high, "best": f.best, "text": f.text,
                          "stance": f.stance, "credible": f.credible} for f in s.sources]} for s in summaries]


def killed_summary(figures: list[dict[str, Any]]) -> dict[str, int | None]:
    """The first credible killed summary, as reconciliation picks it for an incident's row."""
    summary = next((f for f in figures if f["category"] == "killed" and f["credible"]), {})
    return {k: summary.get(k) for k in ("acled", "low", "best", "high")}


def event_figures(ref: EventRef) -> list[dict[str, Any]]:
    """An event's figures summarised alone, by the incident rules (for events outside incidents)."""
    incident = Incident(id=f"{ref.article_id}:{ref.event_id}", reports=[ref.ref], type=ref.type,
                        acled=[(ref.acled_event_type, ref.acled_sub_event_type)], date_from=ref.date_from,
                        date_to=ref.date_to, place=None, events=[ref])
    return _figure_dicts(summarise_figures(incident))


def _units(stored: Stored) -> list[Unit]:
    by_key = {(e.ref.article_id, e.ref.event_id): e for e in stored.events}
    units: list[Unit] = []
    for row in stored.incidents:
        summary = json.loads(row.get("summary") or "{}")
        body = summary.get("incident") or {}
        reports = [by_key[tuple(r)] for r in body.get("reports", []) if tuple(r) in by_key]  # type: ignore[index]
        place = body.get("place") or {}
        location = Location(place.get("name") or row["place_name"], place.get("admin1"),
                            row["country"] or place.get("country"), row["lat"], row["lon"], place.get("feature"))
        units.append(Unit(
            id=row["id"], kind="incident", type=row["type"], acled_event_type=row["acled_event_type"],
            acled_sub_event_type=row["acled_sub_event_type"], reports=reports, location=location,
            date_from=_date(row["date_from"]), date_to=_date(row["date_to"]),
            fatalities={"acled": row["fatalities_acled"], "low": row["fatalities_low"],
                        "best": row["fatalities_best"], "high": row["fatalities_high"]},
            figures=summary.get("figures", []), grade=row["grade"], outlets=row["outlets"] or 0,
            independent_sources=row["independent_sources"] or 0, updated_at=row["updated_at"]))
    for event in stored.events:
        if event.incident is None and event.factual and not event.ref.historical:
            figures = event_figures(event.ref)
            units.append(Unit(
                id=f"{event.ref.article_id}:{event.ref.event_id}", kind="event", type=event.ref.type,
                acled_event_type=event.ref.acled_event_type, acled_sub_event_type=event.ref.acled_sub_event_type,
                reports=[event], location=location_of(event.ref), date_from=event.ref.date_from,
                date_to=event.ref.date_to, fatalities=killed_summary(figures), figures=figures,
                outlets=len(event.outlets), updated_at=event.extracted_at))
    _attach_disputes(units, stored.disputes)
    return units


def _attach_disputes(units: list[Unit], disputes: list[dict[str, Any]]) -> None:
    """A dispute belongs to the units whose reports carry one of its sides' claims (the event's
    own claim, its figures' claims, or a denial answering them)."""
    owners: dict[tuple[str, str], set[str]] = {}
    for unit in units:
        for report in unit.reports:
            ref = report.ref
            claims = {c.id for c in (ref.claim, *(f.claim for f in ref.figures), *ref.denials) if c}
            for claim in claims:
                owners.setdefault((ref.article_id, claim), set()).add(unit.id)
    by_id = {u.id: u for u in units}
    for dispute in disputes:
        hit = {dispute["incident"]} if dispute.get("incident") in by_id else set()
        for side in dispute["sides"]:
            hit |= owners.get((side["article"], side["claim"]), set())
        for unit_id in sorted(hit):
            by_id[unit_id].disputes.append(dispute)


def amount_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low:,}" if low == high else f"{low:,}-{high:,}"
    if low is not None:
        return f"at least {low:,}"
    return f"up to {high:,}" if high is not None else "an unknown number"


def unit_sources(unit: Unit) -> list[str]:
    """The outlets that reported the unit, then the named sources (and media) their claims cite."""
    names: list[str | None] = [o for r in unit.reports for o in r.outlets]
    for report in unit.reports:
        for claim in (report.ref.claim, *(f.claim for f in report.ref.figures)):
            if claim and claim.source.kind in ("named", "media"):
                names.append(claim.source.name)
    return unique(clean_text(n) for n in names)
