"""The read-only JSON API (and the dashboard's static files) over a fogwatch database.

Why it looks like this:
- Read-only by default: analysts share it on a desk network, so no route writes unless the app
  was created writable *and* the caller shows the bearer token.
- Works offline: no CDN assets, so the Swagger/ReDoc pages are off; /openapi.json stays.
- Strict parameters: a typo such as `?contry=SDN` would silently return everything, so unknown
  query parameters, bad dates, bad boxes and unknown sort fields are answered 422, with the
  parameter named.
- Every response carries a strict Content-Security-Policy and friends, even errors.

All filtering and paging happens in `fogwatch.store.queries`, shared with the exports.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from starlette.datastructures import MutableHeaders
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fogwatch import __version__
from fogwatch.errors import StoreError
from fogwatch.store import queries
from fogwatch.store.database import Database
from fogwatch.store.queries import DEFAULT_LIMIT, MAX_LIMIT, Filters, QueryError, make_filters

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


# -- responses ---------------------------------------------------------------------------------

class ListResponse(BaseModel):
    """One page of a list: `total` counts every match, `items` holds at most `limit` of them."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


def _page(items: list[dict[str, Any]], total: int, flt: Filters) -> dict[str, Any]:
    return {"total": total, "limit": flt.limit, "offset": flt.offset, "items": items}


def _invalid(param: str, message: str, value: object = None) -> RequestValidationError:
    """A 422 in FastAPI's own shape, so clients parse one kind of validation error."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", param), "msg": message,
                                    "input": value}])


# -- middleware --------------------------------------------------------------------------------

class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response, and answers an unexpected exception with a
    JSON 500 (which then carries them too) instead of letting the server write a bare page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers[key] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await JSONResponse({"detail": "internal error"}, status_code=500)(scope, receive, send_with_headers)


# -- dependencies ------------------------------------------------------------------------------

@dataclass
class Settings:
    db: Database
    read_only: bool
    token: str | None
    reconcile_lock: threading.Lock = field(default_factory=threading.Lock)


def _settings(request: Request) -> Settings:
    return request.app.state.fogwatch


def _db(request: Request) -> Database:
    return request.app.state.fogwatch.db


def _reject_unknown_query_params(request: Request) -> None:
    """A misspelt filter must not silently widen the answer: name what this route accepts."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    accepted = {p.alias for p in dependant.query_params}
    unknown = sorted(set(request.query_params) - accepted)
    if unknown:
        allowed = ", ".join(sorted(accepted)) or "none"
        raise RequestValidationError([
            {"type": "value_error", "loc": ("query", name), "input": request.query_params.get(name),
             "msg": f"unknown parameter {name!r}; this endpoint accepts: {allowed}"} for name in unknown])


# -- parameters (shared declarations, so every list documents its filters the same way) ---------

DateFrom = Annotated[str | None, Query(description="Only records on or after this day (YYYY-MM-DD).",
                                       json_schema_extra={"format": "date"})]
DateTo = Annotated[str | None, Query(description="Only records on or before this day (YYYY-MM-DD).",
                                     json_schema_extra={"format": "date"})]
Country = Annotated[str | None, Query(description="ISO 3166-1 alpha-3 country code, e.g. SDN.")]
Actor = Annotated[str | None, Query(description="Case-insensitive substring of an actor's name or mention.")]
Outlet = Annotated[str | None, Query(description="Outlet name (case-insensitive), of the article or a copy of it.")]
BBoxParam = Annotated[str | None, Query(alias="bbox", description="min_lon,min_lat,max_lon,max_lat in degrees.")]
UpdatedSince = Annotated[str | None, Query(description="Only records stored or updated at or after this ISO "
                                                       "timestamp (naive means UTC).")]
Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, description="How many matches to skip.")]
ItemId = Annotated[str, PathParam(min_length=1, max_length=200)]


def _type(description: str) -> Any:
    return Query(alias="type", description=description)


def _sort(resource: str) -> Any:
    spec = queries.RESOURCES[resource]
    return Query(description=f"field or field:asc|field:desc, one of {', '.join(queries.sort_fields(resource))}"
                             f" (default {spec.default_sort}).")


DbDep = Annotated[Database, Depends(_db)]

router = APIRouter(prefix="/api", dependencies=[Depends(_reject_unknown_query_params)])


@router.get("/articles", response_model=ListResponse, summary="Articles")
def list_articles(db: DbDep, date_from: DateFrom = None, date_to: DateTo = None, country: Country = None,
                  actor: Actor = None,
                  type_: Annotated[str | None, _type("Articles reporting an event of this PLOVER type.")] = None,
                  outlet: Outlet = None, updated_since: UpdatedSince = None,
                  limit: Limit = DEFAULT_LIMIT, offset: Offset = 0,
                  sort: Annotated[str | None, _sort("articles")] = None) -> dict[str, Any]:
    """Articles (newest first), with the outlets they appeared at and counts of extracted facts.
    `country`: the article names a place there; `updated_since`: ingested since."""
    flt = make_filters(date_from=date_from, date_to=date_to, country=country, actor=actor, type=type_,
                       outlet=outlet, updated_since=updated_since, limit=limit, offset=offset, sort=sort)
    return _page(*queries.list_articles(db, flt), flt)


@router.get("/articles/{article_id}", summary="One article with its extracted record")
def get_article(db: DbDep, article_id: ItemId) -> dict[str, Any]:
    """The article (by id, source id or unambiguous id prefix), its text, appearances, full
    extracted record (DESIGN.md §3), and the ids of its incidents and disputes."""
    article = queries.get_article(db, article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return article


@router.get("/events", response_model=ListResponse, summary="Events")
def list_events(db: DbDep, date_from: DateFrom = None, date_to: DateTo = None, country: Country = None,
                actor: Actor = None, type_: Annotated[str | None, _type("PLOVER event type, e.g. ASSAULT.")] = None,
                outlet: Outlet = None, bbox: BBoxParam = None, updated_since: UpdatedSince = None,
                factual: Annotated[bool | None, Query(description="true: leave out negated and hypothetical "
                                                                   "events; false: only those.")] = None,
                limit: Limit = DEFAULT_LIMIT, offset: Offset = 0,
                sort: Annotated[str | None, _sort("events")] = None) -> dict[str, Any]:
    """Events with their article, place, time, actors, targets, claim source, figures and incident.
    Dates overlap the event's resolved time (else the publication day); `country` matches the place
    or any actor's or target's country."""
    flt = make_filters(date_from=date_from, date_to=date_to, country=country, actor=actor, type=type_,
                       outlet=outlet, bbox=bbox, updated_since=updated_since, limit=limit, offset=offset, sort=sort)
    return _page(*queries.list_events(db, flt, factual=factual), flt)


@router.get("/figures", response_model=ListResponse, summary="Figures")
def list_figures(db: DbDep, date_from: DateFrom = None, date_to: DateTo = None, country: Country = None,
                 actor: Actor = None, type_: Annotated[str | None, _type("Figure category, e.g. killed.")] = None,
                 outlet: Outlet = None, updated_since: UpdatedSince = None, limit: Limit = DEFAULT_LIMIT,
                 offset: Offset = 0, sort: Annotated[str | None, _sort("figures")] = None) -> dict[str, Any]:
    """Figures (low/best/high) with the claim that states them. `actor` matches who states it;
    `country` the source's country or any place the article names; dates the publication day."""
    flt = make_filters(date_from=date_from, date_to=date_to, country=country, actor=actor, type=type_,
                       outlet=outlet, updated_since=updated_since, limit=limit, offset=offset, sort=sort)
    return _page(*queries.list_figures(db, flt), flt)


@router.get("/claims", response_model=ListResponse, summary="Claims")
def list_claims(db: DbDep, date_from: DateFrom = None, date_to: DateTo = None, country: Country = None,
                actor: Actor = None,
                type_: Annotated[str | None, _type("Stance: assert, allege, deny or hedge.")] = None,
                outlet: Outlet = None, updated_since: UpdatedSince = None, limit: Limit = DEFAULT_LIMIT,
                offset: Offset = 0, sort: Annotated[str | None, _sort("claims")] = None) -> dict[str, Any]:
    """Claims: who says what, with which cue and stance. `actor` and `country` match the source."""
    flt = make_filters(date_from=date_from, date_to=date_to, country=country, actor=actor, type=type_,
                       outlet=outlet, updated_since=updated_since, limit=limit, offset=offset, sort=sort)
    return _page(*queries.list_claims(db, flt), flt)


@router.get("/incidents", response_model=ListResponse, summary="Incidents")
def list_incidents(db: DbDep, date_from: DateFrom = None, date_to: DateTo = None, country: Country = None,
                   actor: Actor = None,
                   type_: Annotated[str | None, _type("Incident (PLOVER) type, e.g. ASSAULT.")] = None,
                   outlet: Outlet = None, bbox: BBoxParam = None, updated_since: UpdatedSince = None,
                   min_reports: Annotated[int, Query(ge=1, description="At least this many reports.")] = 1,
                   disputed: Annotated[bool | None, Query(description="true: only incidents with a dispute; "
                                                                      "false: only those without.")] = None,
                   limit: Limit = DEFAULT_LIMIT, offset: Offset = 0,
                   sort: Annotated[str | None, _sort("incidents")] = None) -> dict[str, Any]:
    """Incidents reconciled across reports: place, dates, grade, fatalities, actors, disputes."""
    flt = make_filters(date_from=date_from, date_to=date_to, country=country, actor=actor, type=type_,
                       outlet=outlet, bbox=bbox, updated_since=updated_since, limit=limit, offset=offset, sort=sort)
    return _page(*queries.list_incidents(db, flt, min_reports=min_reports, disputed=disputed), flt)


@router.get("/incidents/{incident_id}", summary="One incident with its reports, figures and disputes")
def get_incident(db: DbDep, incident_id: ItemId) -> dict[str, Any]:
    incident = queries.get_incident(db, incident_id)
    if incident is None:
        raise HTTPException(404, f"no incident {incident_id!r}")
    return incident


@router.get("/disputes", response_model=ListResponse, summary="Disputes")
def list_disputes(db: DbDep, date_from: DateFrom = None, date_to: DateTo = None, country: Country = None,
                  actor: Actor = None,
                  type_: Annotated[str | None, _type("Dispute kind: figure or assert_deny.")] = None,
                  outlet: Outlet = None, updated_since: UpdatedSince = None, limit: Limit = DEFAULT_LIMIT,
                  offset: Offset = 0, sort: Annotated[str | None, _sort("disputes")] = None) -> dict[str, Any]:
    """Disputes (DESIGN.md §3) with their sides. `actor`/`country` match a side's source (or the
    incident's country); dates match a side's publication day."""
    flt = make_filters(date_from=date_from, date_to=date_to, country=country, actor=actor, type=type_,
                       outlet=outlet, updated_since=updated_since, limit=limit, offset=offset, sort=sort)
    return _page(*queries.list_disputes(db, flt), flt)


@router.get("/disputes/{dispute_id}", summary="One dispute with its sides")
def get_dispute(db: DbDep, dispute_id: ItemId) -> dict[str, Any]:
    dispute = queries.get_dispute(db, dispute_id)
    if dispute is None:
        raise HTTPException(404, f"no dispute {dispute_id!r}")
    return dispute


@router.get("/stats", summary="Counts and the values present (for filter menus)")
def stats(db: DbDep) -> dict[str, Any]:
    return queries.overview(db)


@router.get("/health", summary="Is the database reachable")
def health(settings: Annotated[Settings, Depends(_settings)]) -> JSONResponse:
    try:
        version = settings.db.schema_version()
    except (DBAPIError, StoreError) as exc:
        log.warning("health check failed: %s", exc)
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "version": __version__, "database": settings.db.dialect,
                         "schema_version": version, "read_only": settings.read_only})


@router.post("/reconcile", summary="Recompute incidents and disputes (writable API + bearer token only)",
             responses={401: {"description": "missing or wrong bearer token"},
                        403: {"description": "the API is read-only"},
                        409: {"description": "a reconciliation is already running"}})
def reconcile(settings: Annotated[Settings, Depends(_settings)],
              authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """Runs `fogwatch reconcile` over the whole database, like the CLI command."""
    if settings.read_only:
        raise HTTPException(403, "this API is read-only")
    if not _token_matches(authorization, settings.token):
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    if not settings.reconcile_lock.acquire(blocking=False):
        raise HTTPException(409, "a reconciliation is already running")
    try:
        from fogwatch.reconcile.run import reconcile as run_reconcile

        result = run_reconcile(settings.db)
    finally:
        settings.reconcile_lock.release()
    return {"status": "ok", **result}


def _token_matches(authorization: str | None, token: str | None) -> bool:
    if not authorization or not token:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


# -- the app -----------------------------------------------------------------------------------

def static_directory() -> Path | None:
    """The dashboard's files inside the package, when they are there."""
    try:
        candidate = Path(str(files("fogwatch") / "web" / "static"))
    except (ModuleNotFoundError, TypeError):
        return None
    return candidate if candidate.is_dir() else None


def create_app(db: Database, *, read_only: bool = True, token: str | None = None,
               static_dir: str | Path | None = None, allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """The API over `db`. Writable only with `read_only=False` and a `token` callers must present
    (refused at creation otherwise: a writable API nobody can authorise is a mistake).
    `static_dir` overrides the packaged dashboard; `allowed_hosts` guards against DNS rebinding."""
    if not read_only and not token:
        raise ValueError("a writable API needs a token")
    app = FastAPI(title="fogwatch", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json",
                  description="Read-only JSON API over a fogwatch database: articles, events, figures, claims, "
                              "incidents and disputes, with who says what.")
    app.state.fogwatch = Settings(db=db, read_only=read_only, token=token)

    @app.exception_handler(QueryError)
    async def _query_error(request: Request, exc: QueryError) -> JSONResponse:
        from fastapi.exception_handlers import request_validation_exception_handler

        return await request_validation_exception_handler(
            request, _invalid(exc.param, exc.message, request.query_params.get(exc.param)))

    @app.exception_handler(StoreError)
    @app.exception_handler(DBAPIError)
    async def _store_error(_request: Request, exc: Exception) -> JSONResponse:
        log.warning("database error: %s", exc)
        return JSONResponse({"detail": "database unavailable"}, status_code=503)

    app.include_router(router)

    @app.get("/api/{rest:path}", include_in_schema=False)
    def _api_not_found(rest: str) -> JSONResponse:
        return JSONResponse({"detail": f"no such endpoint /api/{rest}"}, status_code=404)

    directory = Path(static_dir) if static_dir is not None else static_directory()
    if directory is not None and directory.is_dir():
        app.mount("/static", StaticFiles(directory=directory), name="static")
        app.mount("/", StaticFiles(directory=directory, html=True), name="dashboard")

    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders)  # outermost: also covers the trusted-host refusals
    return app


def _ipv4_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.version == 4 and address.is_loopback


def serve(db_url: str | None, host: str = "127.0.0.1", port: int = 8000, read_only: bool = True,
          token: str | None = None) -> None:
    """Run the API with uvicorn until interrupted. On a loopback address only loopback Host names
    are answered, so a web page cannot reach the local API through DNS rebinding."""
    import uvicorn

    db = Database(db_url)
    hosts = ["127.0.0.1", "localhost", host] if _ipv4_loopback(host) else None
    app = create_app(db, read_only=read_only, token=token, allowed_hosts=hosts)
    try:
        uvicorn.run(app, host=host, port=port, server_header=False, log_level="info")
    finally:
        db.close()
