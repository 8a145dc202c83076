"""The read layer behind the API (and the exports): every resource listed with the same filters,
paginated and sorted, on SQLite and PostgreSQL alike.

Why one module: the dashboard, the JSON API and the export formats must agree on what "events in
Sudan since May" means. So the meaning of each filter is decided here once:

- `date_from` / `date_to` (YYYY-MM-DD, inclusive) select records whose dates *overlap* the range.
  Events: the event's resolved time (`times.date_from`..`date_to`), else the article's
  publication day. Incidents: their `date_from`..`date_to`. Articles, claims and figures: the
  article's publication day. Disputes: the publication day of any side's article.
- `country` (ISO 3166-1 alpha-3). Events: the event's place, or any of its actors or targets.
  Incidents: `incidents.country`. Claims: the source's country. Figures: the country of the source
  that states the figure, or any place the article names (figures carry no place of their own,
  and an article's places are where its figures are about). Articles: any place they name.
  Disputes: any side's source country, or the country of the dispute's incident.
- `actor`: case-insensitive substring of an actor's normalised name or its mention text. Events:
  their actors and targets. Incidents: the actors and targets of their reported events. Articles:
  any actor they mention. Claims, figures, disputes: who says it (the source's name or text).
- `type`: the event's PLOVER type, the incident's type, the figure's category, the claim's
  stance, the dispute's kind; articles: the article reports an event of that PLOVER type.
- `outlet`: case-insensitive exact outlet name of the article, or of any appearance of it (a wire
  copy published elsewhere). Incidents and disputes: of any of their articles.
- `bbox` (min_lon, min_lat, max_lon, max_lat): events by their place's coordinates, incidents by
  theirs; min_lon > max_lon means the box crosses the antimeridian.
- `updated_since` (a timestamp, inclusive): when the facts were extracted (`records.extracted_at`)
  for events, claims, figures; `articles.ingested_at`; `incidents.updated_at`;
  `disputes.created_at`.

User values only ever reach SQL as bound parameters; sort fields come from per-resource
whitelists. Reads run in read-only transactions, so a query cannot write even by mistake.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, bindparam, text

from fogwatch.store import articles as stored_articles
from fogwatch.store import reconciled as stored_reconciled
from fogwatch.store.database import Database

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
MAX_TEXT_FILTER = 200  # longer actor/outlet/type strings are mistakes, not queries


class QueryError(ValueError):
    """A parameter that cannot be used as given; `param` names it (the API answers 422)."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True, slots=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True, slots=True)
class Filters:
    """Filters as the list functions take them. `make_filters` builds them from user input and
    checks every value (limit at most MAX_LIMIT); exports may build one directly for larger pages."""

    date_from: str | None = None
    date_to: str | None = None
    country: str | None = None
    actor: str | None = None
    type: str | None = None
    outlet: str | None = None
    bbox: BBox | None = None
    updated_since: str | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    sort: str | None = None


# -- parsing and validation ----------------------------------------------------------------------

def parse_date(value: str | date | None, param: str) -> str | None:
    """An ISO day (YYYY-MM-DD)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raw = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            pass
    raise QueryError(param, f"expected a date as YYYY-MM-DD, got {raw[:40]!r}")


def parse_timestamp(value: str | datetime | None, param: str = "updated_since") -> str | None:
    """An ISO timestamp (or day) as UTC text in the form the store writes (`now()`), so that text
    comparison is time comparison. Naive timestamps are taken as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        raw = str(value).strip()
        try:
            moment = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
        except ValueError:
            raise QueryError(param, f"expected an ISO timestamp such as 2024-05-13T08:00:00Z, "
                                    f"got {raw[:40]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def parse_country(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise QueryError("country", f"expected an ISO 3166-1 alpha-3 code such as SDN, got {value[:40]!r}")
    return code


def parse_bbox(value: str | Sequence[float] | BBox | None) -> BBox | None:
    """`min_lon,min_lat,max_lon,max_lat` in degrees."""
    if value is None or value == "":
        return None
    if isinstance(value, BBox):
        return value
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        numbers = [float(p) for p in parts]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise QueryError("bbox", "expected four numbers: min_lon,min_lat,max_lon,max_lat")
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise QueryError("bbox", "longitudes must lie between -180 and 180")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise QueryError("bbox", "latitudes must lie between -90 and 90")
    if min_lat > max_lat:
        raise QueryError("bbox", "min_lat must not be greater than max_lat")
    return BBox(min_lon, min_lat, max_lon, max_lat)


def _text_filter(value: str | None, param: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT_FILTER:
        raise QueryError(param, f"at most {MAX_TEXT_FILTER} characters")
    if "\x00" in value:
        raise QueryError(param, "must not contain NUL characters")
    return value


def make_filters(*, date_from: str | date | None = None, date_to: str | date | None = None,
                 country: str | None = None, actor: str | None = None, type: str | None = None,  # noqa: A002
                 outlet: str | None = None, bbox: str | Sequence[float] | BBox | None = None,
                 updated_since: str | datetime | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0,
                 sort: str | None = None) -> Filters:
    """Check every value once, so the list functions can trust a `Filters`."""
    df, dt = parse_date(date_from, "date_from"), parse_date(date_to, "date_to")
    if df and dt and df > dt:
        raise QueryError("date_to", "must not be before date_from")
    if not 0 <= limit <= MAX_LIMIT:
        raise QueryError("limit", f"must be between 0 and {MAX_LIMIT}")
    if offset < 0:
        raise QueryError("offset", "must not be negative")
    return Filters(date_from=df, date_to=dt, country=parse_country(country), actor=_text_filter(actor, "actor"),
                   type=_text_filter(type, "type"), outlet=_text_filter(outlet, "outlet"), bbox=parse_bbox(bbox),
                   updated_since=parse_timestamp(updated_since), limit=limit, offset=offset,
                   sort=_text_filter(sort, "sort"))


# -- resources: what each one can be filtered and sorted by ------------------------------------

@dataclass(frozen=True, slots=True)
class Resource:
    filters: frozenset[str]
    sorts: Mapping[str, tuple[str, bool]]  # field -> (SQL expression, is text)
    default_sort: str
    tiebreak: str  # makes the order total, so pages never overlap


_PUBLISHED_DAY = "substr(a.published, 1, 10)"
# Events carry what they are filtered and sorted by (records.index_events): `date_start` is
# substr(coalesce(time.date_from, article.published), 1, 10), `date_end` likewise from the time's
# date_to, then date_from; `place_country`, `place_name`, `lat`, `lon` are the place's;
# `published`, `outlet`, `article_seq` the article's; `updated_at` is records.extracted_at.

RESOURCES: dict[str, Resource] = {
    "articles": Resource(
        frozenset({"date_from", "date_to", "country", "actor", "type", "outlet", "updated_since"}),
        {"published": ("a.published", True), "ingested_at": ("a.ingested_at", True), "outlet": ("a.outlet", True),
         "title": ("a.title", True), "chars": ("a.chars", False)},
        "published:desc", "a.seq"),
    "events": Resource(
        frozenset({"date_from", "date_to", "country", "actor", "type", "outlet", "bbox", "updated_since"}),
        {"date": ("e.date_start", True), "published": ("e.published", True), "type": ("e.type", True),
         "outlet": ("e.outlet", True), "country": ("e.place_country", True), "place": ("e.place_name", True),
         "trigger": ("e.trigger", True)},
        "date:desc", "e.article_seq, e.start_char, e.id"),
    "figures": Resource(
        frozenset({"date_from", "date_to", "country", "actor", "type", "outlet", "updated_since"}),
        {"published": ("a.published", True), "category": ("f.category", True), "low": ("f.low", False),
         "best": ("f.best", False), "high": ("f.high", False), "outlet": ("a.outlet", True)},
        "published:desc", "a.seq, f.start_char, f.id"),
    "claims": Resource(
        frozenset({"date_from", "date_to", "country", "actor", "type", "outlet", "updated_since"}),
        {"published": ("a.published", True), "stance": ("c.stance", True), "source": ("c.source_name", True),
         "outlet": ("a.outlet", True)},
        "published:desc", "a.seq, c.start_char, c.id"),
    "incidents": Resource(
        frozenset({"date_from", "date_to", "country", "actor", "type", "outlet", "bbox", "updated_since"}),
        {"date_from": ("i.date_from", True), "date_to": ("i.date_to", True), "reports": ("i.reports", False),
         "outlets": ("i.outlets", False), "independent_sources": ("i.independent_sources", False),
         "fatalities_best": ("i.fatalities_best", False), "fatalities_acled": ("i.fatalities_acled", False),
         "updated_at": ("i.updated_at", True), "type": ("i.type", True), "country": ("i.country", True)},
        "date_from:desc", "i.id"),
    "disputes": Resource(
        frozenset({"date_from", "date_to", "country", "actor", "type", "outlet", "updated_since"}),
        {"created_at": ("d.created_at", True), "kind": ("d.kind", True), "category": ("d.category", True),
         "id": ("d.id", True)},
        "created_at:desc", "d.id"),
}


def sort_fields(resource: str) -> list[str]:
    return sorted(RESOURCES[resource].sorts)


def parse_sort(value: str | None, resource: str) -> tuple[str, bool]:
    """`field` or `field:asc|desc` from the resource's whitelist → (field, descending)."""
    spec = RESOURCES[resource]
    field, _, direction = (value or spec.default_sort).strip().partition(":")
    field, direction = field.strip(), (direction.strip().lower() or "asc")
    if field not in spec.sorts:
        raise QueryError("sort", f"unknown sort field {field[:40]!r} for {resource}; "
                                 f"use one of {', '.join(sort_fields(resource))} (optionally :asc or :desc)")
    if direction not in ("asc", "desc"):
        raise QueryError("sort", "direction must be asc or desc")
    return field, direction == "desc"


def _order_by(resource: str, sort: str | None, dialect: str) -> str:
    spec = RESOURCES[resource]
    field, descending = parse_sort(sort, resource)
    expr, is_text = spec.sorts[field]
    if is_text and dialect == "postgresql":
        expr += ' COLLATE "C"'  # byte order, as SQLite sorts: the same order on both backends
    return f" ORDER BY {expr} {'DESC' if descending else 'ASC'} NULLS LAST, {spec.tiebreak}"


def _check_supported(resource: str, flt: Filters) -> None:
    allowed = RESOURCES[resource].filters
    for name in ("date_from", "date_to", "country", "actor", "type", "outlet", "bbox", "updated_since"):
        if getattr(flt, name) is not None and name not in allowed:
            raise QueryError(name, f"{resource} cannot be filtered by {name}")
    parse_sort(flt.sort, resource)


# -- building WHERE clauses ----------------------------------------------------------------------

class _Where:
    """Clauses written by this module, values always bound (`bind` returns a placeholder).

    A clause may come in two more forms with the same meaning: `probe`, to test one row at a time
    (when a page walks an index), and `alone`, a whole count statement to use when it is the only
    clause (counting a link table's entries instead of looking each one up)."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: dict[str, Any] = {}
        self.probes: dict[int, str] = {}
        self.alone: dict[int, str] = {}

    def bind(self, value: Any) -> str:
        name = f"w{len(self.params)}"
        self.params[name] = value
        return ":" + name

    def add(self, clause: str, *, probe: str | None = None, alone: str | None = None) -> None:
        if probe:
            self.probes[len(self.clauses)] = probe
        if alone:
            self.alone[len(self.clauses)] = alone
        self.clauses.append(clause)

    def sql(self, *, probe: bool = False) -> str:
        clauses = [self.probes.get(i, c) if probe else c for i, c in enumerate(self.clauses)]
        return (" WHERE " + " AND ".join(clauses)) if clauses else ""

    def count(self, base: str) -> str:
        if len(self.clauses) == 1 and 0 in self.alone:
            return self.alone[0]
        return f"SELECT count(*) {base}{self.sql()}"


def _like(value: str) -> str:
    """A LIKE pattern matching `value` anywhere, its own % and _ taken literally. The escape
    character is `!`, not a backslash, whose meaning in SQL literals depends on server settings."""
    escaped = value.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


def _contains(w: _Where, columns: Sequence[str], value: str) -> str:
    pattern = w.bind(_like(value))
    return "(" + " OR ".join(f"lower({c}) LIKE lower({pattern}) ESCAPE '!'" for c in columns) + ")"


def _outlet(w: _Where, article_id: str, outlet: str) -> str:
    """The article was published by the outlet, or appeared there (both looked up by index)."""
    name = w.bind(outlet)
    return (f"{article_id} IN (SELECT oa.id FROM articles oa WHERE lower(oa.outlet) = lower({name})"
            f" UNION SELECT ap.article_id FROM appearances ap WHERE lower(ap.outlet) = lower({name}))")


def _actor_names(w: _Where, actor: str) -> str:
    """Ids of the distinct (name, mention text) pairs of actors matching `actor` (`actor_names`
    holds each pair once, NULL as '', which no non-empty pattern matches)."""
    return f"SELECT n.id FROM actor_names n WHERE {_contains(w, ['n.name', 'n.text'], actor)}"


def _day_overlap(w: _Where, flt: Filters, start: str, end: str) -> list[str]:
    """Clauses keeping records whose days [start, end] overlap [date_from, date_to]."""
    clauses = []
    if flt.date_from:
        clauses.append(f"{end} >= {w.bind(flt.date_from)}")
    if flt.date_to:
        clauses.append(f"{start} <= {w.bind(flt.date_to)}")
    return clauses


def _in_bbox(w: _Where, box: BBox, lat: str, lon: str) -> None:
    w.add(f"{lat} BETWEEN {w.bind(box.min_lat)} AND {w.bind(box.max_lat)}")
    if box.min_lon <= box.max_lon:
        w.add(f"{lon} BETWEEN {w.bind(box.min_lon)} AND {w.bind(box.max_lon)}")
    else:  # across the antimeridian
        w.add(f"({lon} >= {w.bind(box.min_lon)} OR {lon} <= {w.bind(box.max_lon)})")


@contextmanager
def _read(db: Database) -> Iterator[Connection]:
    """A read transaction that the database itself keeps read-only (defence in depth)."""
    with db.read() as conn:
        if db.dialect == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn
        else:
            conn.exec_driver_sql("PRAGMA query_only = ON")
            try:
                yield conn
            finally:
                conn.exec_driver_sql("PRAGMA query_only = OFF")


def _page(conn: Connection, db: Database, resource: str, flt: Filters, select: str, joins: str,
          w: _Where, *, base: str | None = None, key: str | None = None,
          walk: Callable[[Connection, int], str | None] | None = None) -> tuple[list[dict[str, Any]], int]:
    """Count the matches and read one page of them. With `base` (the FROM clause of one table
    that the filters and the sort refer to alone) and `key` (its unique column), the count and the
    page's keys are read from that table only, through its indexes, and `joins` are made for the
    page's rows alone. `walk(conn, total)` may name another FROM clause for reading the keys (one
    that walks the sort's index, when the matches are many)."""
    where = w.sql()
    order = _order_by(resource, flt.sort, db.dialect)
    total = conn.execute(text(w.count(base or joins)), w.params).scalar_one()
    if flt.limit == 0 or flt.offset >= total:
        return [], total
    params = {**w.params, "_limit": flt.limit, "_offset": flt.offset}
    if base and key:
        walking = walk(conn, total) if walk else None
        keys = f"{walking}{w.sql(probe=True)}" if walking else f"{base}{where}"
        sql = (f"SELECT {select} {joins} WHERE {key} IN"
               f" (SELECT {key} {keys}{order} LIMIT :_limit OFFSET :_offset){order}")
    else:
        sql = f"SELECT {select} {joins}{where}{order} LIMIT :_limit OFFSET :_offset"
    rows = conn.execute(text(sql), params).mappings().all()
    return [dict(r) for r in rows], total


# Reading a page by walking the index of its sort (testing the filters on each row) visits about
# (offset + limit) * rows / matches index entries; reading and sorting the matches costs about
# `matches`. SQLite's planner cannot know how many events a country or an actor has (it takes
# such filters for selective ones), so it is told which index to walk when the matches are many.
WALK_MAX_VISITS = 20_000


def _walk(flt: Filters, resource: str, dialect: str, table: str, alias: str,
          indexes: Mapping[str, str]) -> Callable[[Connection, int], str | None]:
    """For `_page`: the FROM clause that walks the index of the sort field (`indexes`), when that
    visits few entries per match. `table` must have an integer `seq` column (its rows' order)."""
    def walk(conn: Connection, total: int) -> str | None:
        index = indexes.get(parse_sort(flt.sort, resource)[0])
        if dialect != "sqlite" or index is None:
            return None
        span = conn.execute(text(f"SELECT (SELECT max(seq) FROM {table}) - (SELECT min(seq) FROM {table}) + 1")
                            ).scalar_one() or 0
        if (flt.offset + flt.limit) * span > WALK_MAX_VISITS * total:
            return None
        return f" FROM {table} {alias} INDEXED BY {index}"
    return walk


def _expanding(sql: str, **names: Sequence[Any]):
    return text(sql).bindparams(*(bindparam(n, value=list(v), expanding=True) for n, v in names.items()))


def _article(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": row["article_id"], "title": row["title"], "outlet": row["outlet"],
            "published": row["published"], "url": row["url"]}


def _source(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": row["source_name"], "text": row["source_text"], "kind": row["source_kind"],
            "country": row["source_country"], "sector": row["source_sector"]}


def _ids(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _actors_by_article(conn: Connection, article_ids: set[str]) -> dict[tuple[str, str], dict[str, Any]]:
    if not article_ids:
        return {}
    rows = conn.execute(_expanding(
        "SELECT article_id, id, name, text, country, sector, kind FROM actors WHERE article_id IN :ids",
        ids=sorted(article_ids))).mappings()
    return {(r["article_id"], r["id"]): {"id": r["id"], "name": r["name"], "text": r["text"], "country": r["country"],
                                         "sector": r["sector"], "kind": r["kind"]} for r in rows}


def _figures_by_article(conn: Connection, article_ids: set[str]) -> dict[tuple[str, str], dict[str, Any]]:
    if not article_ids:
        return {}
    rows = conn.execute(_expanding(
        "SELECT article_id, id, text, category, low, best, high, qualifier, subject FROM figures"
        " WHERE article_id IN :ids", ids=sorted(article_ids))).mappings()
    return {(r["article_id"], r["id"]): {"id": r["id"], "text": r["text"], "category": r["category"],
                                         "low": r["low"], "best": r["best"], "high": r["high"],
                                         "qualifier": r["qualifier"], "subject": r["subject"]} for r in rows}


# -- articles ------------------------------------------------------------------------------------

def list_articles(db: Database, flt: Filters = Filters()) -> tuple[list[dict[str, Any]], int]:
    """Articles with the outlets they appeared at and how many facts were extracted from them."""
    _check_supported("articles", flt)
    w = _Where()
    w.clauses += _day_overlap(w, flt, _PUBLISHED_DAY, _PUBLISHED_DAY)
    if flt.country:
        country = w.bind(flt.country)
        w.add(f"a.id IN (SELECT pl.article_id FROM places pl WHERE pl.country = {country})",
              probe=f"EXISTS (SELECT 1 FROM places pl WHERE pl.country = {country} AND pl.article_id = a.id)")
    if flt.actor:
        w.add(f"EXISTS (SELECT 1 FROM actors ac WHERE ac.article_id = a.id AND "
              f"{_contains(w, ['ac.name', 'ac.text'], flt.actor)})")
    if flt.type:
        w.add(f"EXISTS (SELECT 1 FROM events ev WHERE ev.article_id = a.id AND ev.type = {w.bind(flt.type.upper())})")
    if flt.outlet:
        w.add(_outlet(w, "a.id", flt.outlet))
    if flt.updated_since:
        w.add(f"a.ingested_at >= {w.bind(flt.updated_since)}")
    select = ("a.id, a.title, a.published, a.outlet, a.url, a.language, a.source_id, a.chars, a.ingested_at,"
              " r.extracted_at,"
              " (SELECT count(*) FROM appearances x WHERE x.article_id = a.id) AS n_appearances,"
              " (SELECT count(*) FROM events x WHERE x.article_id = a.id) AS n_events,"
              " (SELECT count(*) FROM claims x WHERE x.article_id = a.id) AS n_claims,"
              " (SELECT count(*) FROM figures x WHERE x.article_id = a.id) AS n_figures")
    joins = " FROM articles a LEFT JOIN records r ON r.article_id = a.id"
    with _read(db) as conn:
        walk = _walk(flt, "articles", db.dialect, "articles", "a", {"published": "articles_published"})
        rows, total = _page(conn, db, "articles", flt, select, joins, w, base=" FROM articles a", key="a.seq",
                            walk=walk)
        outlets: dict[str, list[str]] = {}
        if rows:
            for r in conn.execute(_expanding(
                    "SELECT article_id, outlet FROM appearances WHERE article_id IN :ids ORDER BY seq",
                    ids=[row["id"] for row in rows])):
                if r[1] and r[1] not in outlets.setdefault(r[0], []):
                    outlets[r[0]].append(r[1])
    items = []
    for r in rows:
        item = {k: r[k] for k in ("id", "title", "published", "outlet", "url", "language", "source_id", "chars",
                                  "ingested_at", "extracted_at")}
        seen = outlets.get(r["id"], [])
        item["outlets"] = ([r["outlet"]] if r["outlet"] else []) + [o for o in seen if o != r["outlet"]]
        item["appearances"] = r["n_appearances"]
        item["counts"] = {"events": r["n_events"], "claims": r["n_claims"], "figures": r["n_figures"]}
        items.append(item)
    return items, total


def get_article(db: Database, key: str) -> dict[str, Any] | None:
    """One article (by id, source id or unambiguous id prefix) with its text, appearances, the full
    extracted record (DESIGN.md §3) and the incidents and disputes it takes part in."""
    article = stored_articles.get_article(db, key)
    if article is None:
        return None
    with _read(db) as conn:
        row = conn.execute(text("SELECT model, extracted_at, record FROM records WHERE article_id = :a"),
                           {"a": article["id"]}).mappings().first()
        incidents = [r[0] for r in conn.execute(text(
            "SELECT DISTINCT incident_id FROM incident_reports WHERE article_id = :a ORDER BY incident_id"),
            {"a": article["id"]})]
        disputes = [r[0] for r in conn.execute(text(
            "SELECT DISTINCT dispute_id FROM dispute_sides WHERE article_id = :a ORDER BY dispute_id"),
            {"a": article["id"]})]
    article.pop("seq", None)
    article["record"] = json.loads(row["record"]) if row else None
    article["model"] = row["model"] if row else None
    article["extracted_at"] = row["extracted_at"] if row else None
    article["incidents"] = incidents
    article["disputes"] = disputes
    return article


# -- events --------------------------------------------------------------------------------------

_EVENT_JOINS = """ FROM events e
JOIN articles a ON a.id = e.article_id
LEFT JOIN places p ON p.article_id = e.article_id AND p.id = e.place_id
LEFT JOIN times t ON t.article_id = e.article_id AND t.id = e.time_id
LEFT JOIN claims c ON c.article_id = e.article_id AND c.id = e.claim_id"""

_EVENT_SELECT = """e.article_id, e.id, e.text, e.start_char, e.end_char, e.trigger, e.type, e.mode,
e.acled_event_type, e.acled_sub_event_type, e.actors, e.targets, e.figures, e.negated, e.hypothetical, e.historical,
a.title, a.outlet, a.published, a.url,
p.id AS place_id, p.name AS place_name, p.country AS place_country, p.admin1 AS place_admin1,
p.lat AS place_lat, p.lon AS place_lon, p.feature AS place_feature,
t.id AS time_id, t.text AS time_text, t.date_from AS time_from, t.date_to AS time_to, t.granularity,
c.id AS claim_id, c.stance, c.cue_text, c.source_name, c.source_text, c.source_kind, c.source_country,
c.source_sector, e.date_start, e.date_end"""


def list_events(db: Database, flt: Filters = Filters(), *, factual: bool | None = None
                ) -> tuple[list[dict[str, Any]], int]:
    """Events joined with what a map or a table needs: article, place, time, actors, the claim's
    source, figures and the incident they were grouped into. `factual=True` leaves out negated and
    hypothetical events; `factual=False` keeps only those."""
    _check_supported("events", flt)
    w = _Where()  # every clause on `e` alone (the event's own copies of its place, days, article)
    w.clauses += _day_overlap(w, flt, "e.date_start", "e.date_end")
    if flt.country:  # the event's place, or one of its actors or targets
        country = f"FROM event_countries ec WHERE ec.country = {w.bind(flt.country)}"
        w.add(f"e.seq IN (SELECT ec.event_seq {country})",
              probe=f"EXISTS (SELECT 1 {country} AND ec.event_seq = e.seq)",
              alone=f"SELECT count(*) {country}")  # one entry per event and country
    if flt.actor:  # one of its actors or targets
        actors = f"FROM event_actors ea WHERE ea.name_id IN ({_actor_names(w, flt.actor)})"
        w.add(f"e.seq IN (SELECT ea.event_seq {actors})",
              probe=f"EXISTS (SELECT 1 {actors} AND ea.event_seq = e.seq)",
              alone=f"SELECT count(DISTINCT ea.event_seq) {actors}")
    if flt.type:
        w.add(f"e.type = {w.bind(flt.type.upper())}")
    if flt.outlet:
        w.add(_outlet(w, "e.article_id", flt.outlet))
    if flt.bbox:
        _in_bbox(w, flt.bbox, "e.lat", "e.lon")
    if flt.updated_since:
        w.add(f"e.updated_at >= {w.bind(flt.updated_since)}")
    if factual is True:
        w.add("e.negated = 0 AND e.hypothetical = 0")
    elif factual is False:
        w.add("(e.negated <> 0 OR e.hypothetical <> 0)")
    with _read(db) as conn:
        walk = _walk(flt, "events", db.dialect, "events", "e",
                     {"date": "events_type_date" if flt.type else "events_date"})
        rows, total = _page(conn, db, "events", flt, _EVENT_SELECT, _EVENT_JOINS, w, base=" FROM events e",
                            key="e.seq", walk=walk)
        article_ids = {r["article_id"] for r in rows}
        actors = _actors_by_article(conn, article_ids)
        figures = _figures_by_article(conn, article_ids)
        incidents: dict[tuple[str, str], str] = {}
        if article_ids:
            for r in conn.execute(_expanding(
                    "SELECT article_id, event_id, incident_id FROM incident_reports WHERE article_id IN :ids"
                    " ORDER BY incident_id", ids=sorted(article_ids))):
                incidents.setdefault((r[0], r[1]), r[2])
    return [_event_item(r, actors, figures, incidents) for r in rows], total


def _event_item(r: Mapping[str, Any], actors: Mapping[tuple[str, str], dict[str, Any]],
                figures: Mapping[tuple[str, str], dict[str, Any]],
                incidents: Mapping[tuple[str, str], str]) -> dict[str, Any]:
    aid = r["article_id"]
    return {
        "id": r["id"], "article_id": aid,
        "article": _article(r),
        "text": r["text"], "start": r["start_char"], "end": r["end_char"],
        "trigger": r["trigger"], "type": r["type"], "mode": r["mode"],
        "acled": {"event_type": r["acled_event_type"], "sub_event_type": r["acled_sub_event_type"]},
        "date": r["date_start"], "date_to": r["date_end"],
        "time": None if r["time_id"] is None else {
            "id": r["time_id"], "text": r["time_text"], "from": r["time_from"], "to": r["time_to"],
            "granularity": r["granularity"]},
        "place": None if r["place_id"] is None else {
            "id": r["place_id"], "name": r["place_name"], "country": r["place_country"],
            "admin1": r["place_admin1"], "lat": r["place_lat"], "lon": r["place_lon"], "feature": r["place_feature"]},
        "actors": [actors[(aid, x)] for x in _ids(r["actors"]) if (aid, x) in actors],
        "targets": [actors[(aid, x)] for x in _ids(r["targets"]) if (aid, x) in actors],
        "claim": None if r["claim_id"] is None else {
            "id": r["claim_id"], "stance": r["stance"], "cue": r["cue_text"], "source": _source(r)},
        "figures": [figures[(aid, x)] for x in _ids(r["figures"]) if (aid, x) in figures],
        "negated": bool(r["negated"]), "hypothetical": bool(r["hypothetical"]), "historical": bool(r["historical"]),
        "incident": incidents.get((aid, r["id"])),
    }


# -- figures and claims --------------------------------------------------------------------------

_SOURCE_COLUMNS = "c.source_name, c.source_text, c.source_kind, c.source_country, c.source_sector"


def _fact_filters(w: _Where, flt: Filters, alias: str) -> None:
    """Filters figures and claims share: publication day, outlet, extraction time, speaker."""
    w.clauses += _day_overlap(w, flt, _PUBLISHED_DAY, _PUBLISHED_DAY)
    if flt.actor:
        w.add(_contains(w, ["c.source_name", "c.source_text"], flt.actor))
    if flt.outlet:
        w.add(_outlet(w, f"{alias}.article_id", flt.outlet))
    if flt.updated_since:
        w.add(f"r.extracted_at >= {w.bind(flt.updated_since)}")


def list_figures(db: Database, flt: Filters = Filters()) -> tuple[list[dict[str, Any]], int]:
    """Figures (low/best/high) with who states them and the events that count them."""
    _check_supported("figures", flt)
    w = _Where()
    _fact_filters(w, flt, "f")
    if flt.country:
        country = w.bind(flt.country)
        w.add(f"(c.source_country = {country} OR f.article_id IN (SELECT pl.article_id FROM places pl"
              f" WHERE pl.country = {country}))")
    if flt.type:
        w.add(f"f.category = {w.bind(flt.type.lower())}")
    select = ("f.article_id, f.id, f.text, f.start_char, f.end_char, f.category, f.low, f.best, f.high, f.qualifier,"
              f" f.subject, a.title, a.outlet, a.published, a.url, c.id AS claim_id, c.stance, c.cue_text,"
              f" {_SOURCE_COLUMNS}")
    joins = (" FROM figures f JOIN articles a ON a.id = f.article_id"
             " LEFT JOIN claims c ON c.article_id = f.article_id AND c.id = f.claim_id"
             " LEFT JOIN records r ON r.article_id = f.article_id")
    with _read(db) as conn:
        rows, total = _page(conn, db, "figures", flt, select, joins, w)
        counted: dict[tuple[str, str], list[str]] = {}
        if rows:
            for r in conn.execute(_expanding("SELECT article_id, id, figures FROM events WHERE article_id IN :ids"
                                             " ORDER BY article_id, start_char, id",
                                             ids=sorted({row["article_id"] for row in rows}))):
                for figure_id in _ids(r[2]):
                    counted.setdefault((r[0], figure_id), []).append(r[1])
    return [{
        "id": r["id"], "article_id": r["article_id"], "article": _article(r), "text": r["text"], "start": r["start_char"], "end": r["end_char"],
        "category": r["category"], "low": r["low"], "best": r["best"], "high": r["high"],
        "qualifier": r["qualifier"], "subject": r["subject"],
        "claim": None if r["claim_id"] is None else {
            "id": r["claim_id"], "stance": r["stance"], "cue": r["cue_text"], "source": _source(r)},
        "events": counted.get((r["article_id"], r["id"]), []),
    } for r in rows], total


def list_claims(db: Database, flt: Filters = Filters()) -> tuple[list[dict[str, Any]], int]:
    """Claims as in the record (source, cue, stance, what it answers) with their article."""
    _check_supported("claims", flt)
    w = _Where()
    _fact_filters(w, flt, "c")
    if flt.country:
        w.add(f"c.source_country = {w.bind(flt.country)}")
    if flt.type:
        w.add(f"c.stance = {w.bind(flt.type.lower())}")
    select = ("c.article_id, c.id, c.text, c.start_char, c.end_char, c.source_start, c.source_end, c.cue_text,"
              f" c.cue_start, c.cue_end, c.stance, c.responds_to, {_SOURCE_COLUMNS},"
              " a.title, a.outlet, a.published, a.url")
    joins = (" FROM claims c JOIN articles a ON a.id = c.article_id"
             " LEFT JOIN records r ON r.article_id = c.article_id")
    with _read(db) as conn:
        rows, total = _page(conn, db, "claims", flt, select, joins, w)
    return [{
        "id": r["id"], "article_id": r["article_id"], "article": _article(r), "text": r["text"], "start": r["start_char"], "end": r["end_char"],
        "source": {**_source(r), "start": r["source_start"], "end": r["source_end"]},
        "cue": {"text": r["cue_text"], "start": r["cue_start"], "end": r["cue_end"]},
        "stance": r["stance"], "responds_to": r["responds_to"],
    } for r in rows], total


# -- incidents -----------------------------------------------------------------------------------

_INCIDENT_COLUMNS = ("id", "type", "acled_event_type", "acled_sub_event_type", "date_from", "date_to", "place_name",
                     "country", "lat", "lon", "reports", "outlets", "independent_sources", "grade", "grade_rule",
                     "fatalities_acled", "fatalities_low", "fatalities_best", "fatalities_high", "updated_at")

# Disputes belong to an incident when reconciliation said so, or when one of their sides is the
# claim that reports one of the incident's events (an assertion one source makes and another denies).
_INCIDENT_DISPUTES = """
SELECT d.incident_id AS incident_id, d.id AS dispute_id FROM disputes d WHERE d.incident_id IN :ids
UNION
SELECT ir.incident_id, s.dispute_id FROM incident_reports ir
JOIN events e ON e.article_id = ir.article_id AND e.id = ir.event_id
JOIN dispute_sides s ON s.article_id = e.article_id AND s.claim_id = e.claim_id
WHERE ir.incident_id IN :ids"""


def _incident_disputes(conn: Connection, incident_ids: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if incident_ids:
        for incident_id, dispute_id in conn.execute(_expanding(_INCIDENT_DISPUTES, ids=list(incident_ids))):
            out.setdefault(incident_id, []).append(dispute_id)
    return {k: sorted(set(v)) for k, v in out.items()}


def _incident_actors(conn: Connection, incident_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if not incident_ids:
        return out
    rows = conn.execute(_expanding(
        "SELECT DISTINCT ir.incident_id, ac.name, ac.text, ac.country, ac.sector FROM incident_reports ir"
        " JOIN event_actors ea ON ea.article_id = ir.article_id AND ea.event_id = ir.event_id"
        " JOIN actors ac ON ac.article_id = ea.article_id AND ac.id = ea.actor_id"
        " WHERE ir.incident_id IN :ids", ids=list(incident_ids))).mappings()
    for r in rows:
        out.setdefault(r["incident_id"], []).append(
            {"name": r["name"], "text": r["text"], "country": r["country"], "sector": r["sector"]})
    for actors in out.values():
        actors.sort(key=lambda a: (a["name"] or "", a["text"] or ""))
    return out


def list_incidents(db: Database, flt: Filters = Filters(), *, min_reports: int = 1,
                   disputed: bool | None = None) -> tuple[list[dict[str, Any]], int]:
    """Reconciled incidents with their actors, outlets and the ids of their disputes."""
    _check_supported("incidents", flt)
    w = _Where()
    w.clauses += _day_overlap(w, flt, "i.date_from", "coalesce(i.date_to, i.date_from)")
    if min_reports > 1:
        w.add(f"i.reports >= {w.bind(min_reports)}")
    if flt.country:
        w.add(f"i.country = {w.bind(flt.country)}")
    if flt.actor:  # an actor or target of one of the reported events
        w.add("i.id IN (SELECT ir.incident_id FROM event_actors ea JOIN incident_reports ir"
              " ON ir.article_id = ea.article_id AND ir.event_id = ea.event_id"
              f" WHERE ea.name_id IN ({_actor_names(w, flt.actor)}))")
    if flt.type:
        w.add(f"i.type = {w.bind(flt.type.upper())}")
    if flt.outlet:
        w.add("i.id IN (SELECT io.incident_id FROM incident_reports io"
              f" WHERE {_outlet(w, 'io.article_id', flt.outlet)})")
    if flt.bbox:
        _in_bbox(w, flt.bbox, "i.lat", "i.lon")
    if flt.updated_since:
        w.add(f"i.updated_at >= {w.bind(flt.updated_since)}")
    if disputed is not None:
        exists = ("(EXISTS (SELECT 1 FROM disputes dd WHERE dd.incident_id = i.id) OR EXISTS (SELECT 1"
                  " FROM incident_reports ir JOIN events e ON e.article_id = ir.article_id AND e.id = ir.event_id"
                  " JOIN dispute_sides s ON s.article_id = e.article_id AND s.claim_id = e.claim_id"
                  " WHERE ir.incident_id = i.id))")
        w.add(exists if disputed else f"NOT {exists}")
    outlets = ("json_extract(i.summary, '$.incident.outlets')" if db.dialect == "sqlite" else
               "(i.summary::json -> 'incident' -> 'outlets')::text")  # not the whole summary, which is large
    select = ", ".join(f"i.{c}" for c in _INCIDENT_COLUMNS) + f", {outlets} AS outlet_names"
    with _read(db) as conn:
        rows, total = _page(conn, db, "incidents", flt, select, " FROM incidents i", w, base=" FROM incidents i",
                            key="i.id")
        ids = [r["id"] for r in rows]
        disputes = _incident_disputes(conn, ids)
        actors = _incident_actors(conn, ids)
    items = []
    for r in rows:
        item = {c: r[c] for c in _INCIDENT_COLUMNS}
        item["outlet_names"] = sorted(set(json.loads(r["outlet_names"] or "null") or []))
        item["actors"] = actors.get(r["id"], [])
        item["disputes"] = disputes.get(r["id"], [])
        items.append(item)
    return items, total


def get_incident(db: Database, incident_id: str) -> dict[str, Any] | None:
    """One incident: its row, per-source figure summaries, reports (with each event's claim) and
    every dispute that touches it."""
    incident = stored_reconciled.get_incident(db, incident_id)
    if incident is None:
        return None
    with _read(db) as conn:
        dispute_ids = _incident_disputes(conn, [incident_id]).get(incident_id, [])
        incident["actors"] = _incident_actors(conn, [incident_id]).get(incident_id, [])
        claims = {(r["article_id"], r["event_id"]): r for r in conn.execute(text(
            "SELECT ir.article_id, ir.event_id, c.id AS claim_id, c.stance, " + _SOURCE_COLUMNS +
            " FROM incident_reports ir JOIN events e ON e.article_id = ir.article_id AND e.id = ir.event_id"
            " JOIN claims c ON c.article_id = e.article_id AND c.id = e.claim_id WHERE ir.incident_id = :i"),
            {"i": incident_id}).mappings()}
    for report in incident["reports_detail"]:
        claim = claims.get((report["article_id"], report["event_id"]))
        report["claim"] = None if claim is None else {"id": claim["claim_id"], "stance": claim["stance"],
                                                      "source": _source(claim)}
    incident["disputes"] = [d for d in (get_dispute(db, i) for i in dispute_ids) if d is not None]
    return incident


# -- disputes ------------------------------------------------------------------------------------

def _dispute_sides(conn: Connection, dispute_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if not dispute_ids:
        return out
    rows = conn.execute(_expanding(
        "SELECT s.*, a.outlet, a.published, a.title FROM dispute_sides s JOIN articles a ON a.id = s.article_id"
        " WHERE s.dispute_id IN :ids ORDER BY s.dispute_id, s.position", ids=list(dispute_ids))).mappings()
    for s in rows:
        out.setdefault(s["dispute_id"], []).append({
            "article": s["article_id"], "claim": s["claim_id"], "start": s["start_char"], "end": s["end_char"],
            "text": s["text"],
            "source": {"name": s["source_name"], "text": s["source_text"], "country": s["source_country"],
                       "sector": s["source_sector"], "kind": s["source_kind"]},
            "stance": s["stance"],
            "figure": ({"id": s["figure_id"], "low": s["low"], "high": s["high"], "best": s["best"]}
                       if s["figure_id"] else None),
            "outlet": s["outlet"], "published": s["published"], "title": s["title"],
        })
    return out


def _dispute_item(d: Mapping[str, Any], sides: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": d["id"], "kind": d["kind"], "about": d["about"], "category": d["category"],
            "incident": d["incident_id"], "created_at": d["created_at"], "sides": sides}


def list_disputes(db: Database, flt: Filters = Filters()) -> tuple[list[dict[str, Any]], int]:
    """Disputes in the format of DESIGN.md §3, each with its sides (and each side's outlet)."""
    _check_supported("disputes", flt)
    w = _Where()
    side = "EXISTS (SELECT 1 FROM dispute_sides s{join} WHERE s.dispute_id = d.id AND {cond})"
    days = _day_overlap(w, flt, _PUBLISHED_DAY, _PUBLISHED_DAY)
    if days:
        w.add(side.format(join=" JOIN articles a ON a.id = s.article_id", cond=" AND ".join(days)))
    if flt.country:
        country = w.bind(flt.country)
        w.add(f"({side.format(join='', cond=f's.source_country = {country}')} OR EXISTS (SELECT 1 FROM incidents di"
              f" WHERE di.id = d.incident_id AND di.country = {country}))")
    if flt.actor:
        w.add(side.format(join="", cond=_contains(w, ["s.source_name", "s.source_text"], flt.actor)))
    if flt.type:
        w.add(f"d.kind = {w.bind(flt.type.lower())}")
    if flt.outlet:
        w.add(side.format(join="", cond=_outlet(w, "s.article_id", flt.outlet)))
    if flt.updated_since:
        w.add(f"d.created_at >= {w.bind(flt.updated_since)}")
    with _read(db) as conn:
        rows, total = _page(conn, db, "disputes", flt, "d.id, d.kind, d.about, d.category, d.incident_id, d.created_at",
                            " FROM disputes d", w, base=" FROM disputes d", key="d.id")
        sides = _dispute_sides(conn, [r["id"] for r in rows])
    return [_dispute_item(r, sides.get(r["id"], [])) for r in rows], total


def get_dispute(db: Database, dispute_id: str) -> dict[str, Any] | None:
    """One dispute with its sides and, when it belongs to one, a short view of its incident."""
    with _read(db) as conn:
        row = conn.execute(text("SELECT id, kind, about, category, incident_id, created_at FROM disputes"
                                " WHERE id = :d"), {"d": dispute_id}).mappings().first()
        if row is None:
            return None
        item = _dispute_item(row, _dispute_sides(conn, [dispute_id]).get(dispute_id, []))
        incident = None
        if row["incident_id"]:
            incident = conn.execute(text(
                "SELECT id, type, date_from, date_to, place_name, country, lat, lon, grade FROM incidents"
                " WHERE id = :i"), {"i": row["incident_id"]}).mappings().first()
    item["incident_detail"] = dict(incident) if incident else None
    return item


# -- overview ------------------------------------------------------------------------------------

def overview(db: Database) -> dict[str, Any]:
    """Counts and the vocabularies actually present, so a client can build its filter menus."""
    counts = stored_articles.stats(db)
    with _read(db) as conn:
        first, last = conn.execute(text("SELECT min(substr(published, 1, 10)), max(substr(published, 1, 10))"
                                        " FROM articles")).one()

        def grouped(sql: str) -> list[dict[str, Any]]:
            return [{"value": r[0], "count": r[1]} for r in conn.execute(text(sql))]

        return {
            "counts": counts,
            "published": {"from": first, "to": last},
            "outlets": grouped("SELECT outlet, count(DISTINCT article_id) FROM appearances WHERE outlet <> ''"
                               " GROUP BY outlet ORDER BY 2 DESC, 1"),
            "event_types": grouped("SELECT type, count(*) FROM events WHERE type IS NOT NULL"
                                   " GROUP BY type ORDER BY 2 DESC, 1"),
            "figure_categories": grouped("SELECT category, count(*) FROM figures WHERE category IS NOT NULL"
                                         " GROUP BY category ORDER BY 2 DESC, 1"),
            "countries": grouped("SELECT country, count(DISTINCT article_id) FROM places WHERE country IS NOT NULL"
                                 " GROUP BY country ORDER BY 2 DESC, 1"),
            "incident_types": grouped("SELECT type, count(*) FROM incidents WHERE type IS NOT NULL"
                                      " GROUP BY type ORDER BY 2 DESC, 1"),
            "dispute_kinds": grouped("SELECT kind, count(*) FROM disputes GROUP BY kind ORDER BY 2 DESC, 1"),
        }
