"""The JSON API on a real database (SQLite and PostgreSQL) holding the ingested, reconciled demo
corpus: paging, sorting, every filter, validation, injection attempts, the read-only rule, the
security headers and the static dashboard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from fogwatch.api import SECURITY_HEADERS, create_app
from fogwatch.demo import demo_corpus
from fogwatch.ingest import ingest
from fogwatch.sources import ReadOptions
from fogwatch.store import Database
from fogwatch.store import queries

RESOURCES = ["articles", "events", "figures", "claims", "incidents", "disputes"]
TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_db(request, tmp_path_factory) -> Iterator[Database]:
    """The demo corpus ingested (extracted and reconciled) once per backend."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("api") / "api.db")
    else:
        url = request.getfixturevalue("postgres").new_database()
    db = Database(url)
    report = ingest(db, [str(demo_corpus())], ReadOptions())
    assert report.ok and report.reconciled.get("incidents"), report.as_dict()
    yield db
    db.close()


@pytest.fixture(scope="module")
def client(demo_db: Database) -> TestClient:
    return TestClient(create_app(demo_db))


@pytest.fixture(scope="module")
def everything(client: TestClient) -> dict[str, list[dict[str, Any]]]:
    """Every item of every resource, unfiltered: the reference the filters are checked against."""
    out = {}
    for resource in RESOURCES:
        body = ok(client, f"/api/{resource}", limit=1000)
        assert body["total"] == len(body["items"]) > 0, resource
        out[resource] = body["items"]
    return out


@pytest.fixture(scope="module")
def articles(everything) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in everything["articles"]}


def ok(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


def listed(client: TestClient, resource: str, **params: Any) -> list[dict[str, Any]]:
    body = ok(client, f"/api/{resource}", limit=1000, **params)
    assert body["total"] == len(body["items"])
    return body["items"]


def key(resource: str, item: dict[str, Any]) -> tuple[str, ...]:
    return (item["article_id"], item["id"]) if resource in ("events", "figures", "claims") else (item["id"],)


def assert_filters(everything: dict[str, list], resource: str, found: list[dict[str, Any]],
                   holds: Callable[[dict[str, Any]], bool]) -> None:
    """Something matched, every match satisfies the filter, something was left out, and nothing
    that satisfies it was left out (`holds` restates the documented meaning of the filter)."""
    assert found, f"the filter matched no {resource}"
    bad = [key(resource, i) for i in found if not holds(i)]
    assert not bad, f"{resource} that do not satisfy the filter: {bad[:5]}"
    assert len(found) < len(everything[resource]), f"the filter excluded no {resource}"
    expected = {key(resource, i) for i in everything[resource] if holds(i)}
    assert {key(resource, i) for i in found} == expected, "the filter left out matching items"


# -- paging and sorting --------------------------------------------------------------------------

@pytest.mark.parametrize("resource", RESOURCES)
def test_pages_are_disjoint_and_cover_everything(client, everything, resource):
    total = len(everything[resource])
    size = max(1, total // 4)
    seen: list[tuple[str, ...]] = []
    for offset in range(0, total + size, size):
        body = ok(client, f"/api/{resource}", limit=size, offset=offset)
        assert body["total"] == total and body["limit"] == size and body["offset"] == offset
        assert len(body["items"]) == max(0, min(size, total - offset))
        seen += [key(resource, i) for i in body["items"]]
    assert len(seen) == len(set(seen)) == total
    assert set(seen) == {key(resource, i) for i in everything[resource]}


def test_limit_zero_counts_only(client, everything):
    body = ok(client, "/api/events", limit=0)
    assert body["items"] == [] and body["total"] == len(everything["events"])


def test_default_and_maximum_limit(client):
    assert ok(client, "/api/events")["limit"] == 50
    assert len(ok(client, "/api/events")["items"]) == 50
    assert client.get("/api/events", params={"limit": 1001}).status_code == 422


SORTS = [
    ("events", "date", lambda i: i["date"]),
    ("events", "type", lambda i: i["type"]),
    ("events", "published", lambda i: i["article"]["published"]),
    ("articles", "published", lambda i: i["published"]),
    ("articles", "chars", lambda i: i["chars"]),
    ("figures", "best", lambda i: i["best"]),
    ("figures", "category", lambda i: i["category"]),
    ("claims", "stance", lambda i: i["stance"]),
    ("incidents", "date_from", lambda i: i["date_from"]),
    ("incidents", "reports", lambda i: i["reports"]),
    ("incidents", "independent_sources", lambda i: i["independent_sources"]),
    ("disputes", "kind", lambda i: i["kind"]),
]


@pytest.mark.parametrize(("resource", "field", "value"), SORTS, ids=[f"{r}-{f}" for r, f, _ in SORTS])
def test_sort_orders_both_ways(client, resource, field, value):
    for direction in ("asc", "desc"):
        values = [value(i) for i in listed(client, resource, sort=f"{field}:{direction}")]
        present = [v for v in values if v is not None]
        assert len(set(present)) > 1, "the demo should give this field more than one value"
        assert values[:len(present)] == present, "nulls come last"
        assert present == sorted(present, reverse=direction == "desc"), (field, direction)


def test_sort_without_direction_is_ascending(client):
    values = [i["reports"] for i in listed(client, "incidents", sort="reports")]
    assert values == sorted(values) and values[0] < values[-1]


# -- filters -------------------------------------------------------------------------------------

def actor_matches(actor: dict[str, Any], needle: str) -> bool:
    return any(needle.lower() in (actor.get(k) or "").lower() for k in ("name", "text"))


def source_matches(source: dict[str, Any] | None, needle: str) -> bool:
    return bool(source) and actor_matches(source, needle)


def outlets_of(articles: dict[str, dict[str, Any]], article_id: str) -> set[str]:
    return {o.lower() for o in articles[article_id]["outlets"]}


def test_events_type(client, everything):
    found = listed(client, "events", type="assault")
    assert_filters(everything, "events", found, lambda e: e["type"] == "ASSAULT")
    assert len(found) == sum(e["type"] == "ASSAULT" for e in everything["events"])


def test_events_country_by_place_or_actor(client, everything):
    def involves(e: dict[str, Any]) -> bool:
        countries = {(e["place"] or {}).get("country")} | {a["country"] for a in e["actors"] + e["targets"]}
        return "TCD" in countries

    found = listed(client, "events", country="tcd")
    assert_filters(everything, "events", found, involves)
    assert len(found) == sum(map(involves, everything["events"]))


def test_events_actor(client, everything):
    def involves(e: dict[str, Any]) -> bool:
        return any(actor_matches(a, "rsf") for a in e["actors"] + e["targets"])

    found = listed(client, "events", actor="RSF")
    assert_filters(everything, "events", found, involves)
    assert len(found) == sum(map(involves, everything["events"]))


def test_events_outlet_includes_wire_copies(client, everything, articles):
    copied = next(a for a in articles.values() if len(a["outlets"]) > 1)
    reprint = copied["outlets"][1]  # an outlet that only republished the article
    found = listed(client, "events", outlet=reprint.upper())
    assert_filters(everything, "events", found, lambda e: reprint.lower() in outlets_of(articles, e["article_id"]))
    assert copied["id"] in {e["article_id"] for e in found}


def test_events_dates_overlap(client, everything):
    found = listed(client, "events", date_from="2024-05-15", date_to="2024-05-16")
    assert_filters(everything, "events", found, lambda e: e["date"] <= "2024-05-16" and e["date_to"] >= "2024-05-15")
    for e in everything["events"]:  # an event's day is its resolved time, else its publication day
        assert e["date"] == (e["time"]["from"] if e["time"] and e["time"]["from"] else e["article"]["published"][:10])


def test_events_bbox(client, everything):
    box = (25.0, 13.0, 26.0, 14.0)  # around El Fasher
    found = listed(client, "events", bbox=",".join(map(str, box)))

    def inside(e: dict[str, Any]) -> bool:
        place = e["place"] or {}
        return place.get("lat") is not None and box[0] <= place["lon"] <= box[2] and box[1] <= place["lat"] <= box[3]

    assert_filters(everything, "events", found, inside)
    assert len(found) == sum(map(inside, everything["events"]))


def test_events_bbox_across_the_antimeridian(client, everything):
    # min_lon > max_lon: everything east of 30°E or west of 20°E
    found = listed(client, "events", bbox="30,-90,20,90")
    assert_filters(everything, "events", found,
                   lambda e: (e["place"] or {}).get("lon") is not None and not 20 < e["place"]["lon"] < 30)
    assert ok(client, "/api/events", bbox="179,-90,-179,90")["total"] == 0


def test_events_factual(client, everything):
    found = listed(client, "events", factual="true")
    assert_filters(everything, "events", found, lambda e: not e["negated"] and not e["hypothetical"])
    others = listed(client, "events", factual="false")
    assert len(found) + len(others) == len(everything["events"])


def test_events_carry_what_a_client_needs(everything):
    placed = [e for e in everything["events"] if e["place"]]
    assert placed and all({"name", "country", "lat", "lon", "feature"} <= set(e["place"]) for e in placed)
    assert any(e["time"] and e["time"]["from"] for e in everything["events"])
    assert any(e["figures"] and e["figures"][0]["best"] is not None for e in everything["events"])
    assert any(e["claim"] and e["claim"]["source"]["name"] for e in everything["events"])
    assert any(e["incident"] for e in everything["events"])
    for e in everything["events"]:
        assert set(e["article"]) >= {"id", "title", "outlet", "published"} and e["article"]["id"] == e["article_id"]


def test_incident_filters(client, everything):
    found = listed(client, "incidents", type="ASSAULT")
    assert_filters(everything, "incidents", found, lambda i: i["type"] == "ASSAULT")
    found = listed(client, "incidents", country="SAU")
    assert_filters(everything, "incidents", found, lambda i: i["country"] == "SAU")
    found = listed(client, "incidents", actor="rapid support")
    assert_filters(everything, "incidents", found, lambda i: any(actor_matches(a, "rapid support") for a in i["actors"]))
    found = listed(client, "incidents", date_from="2024-05-17", date_to="2024-05-17")
    assert_filters(everything, "incidents", found,
                   lambda i: i["date_from"] <= "2024-05-17" <= (i["date_to"] or i["date_from"]))
    found = listed(client, "incidents", bbox="24,12,26,14")
    assert_filters(everything, "incidents", found,
                   lambda i: i["lat"] is not None and 24 <= i["lon"] <= 26 and 12 <= i["lat"] <= 14)
    found = listed(client, "incidents", min_reports=2)
    assert_filters(everything, "incidents", found, lambda i: i["reports"] >= 2)
    disputed = listed(client, "incidents", disputed="true")
    assert_filters(everything, "incidents", disputed, lambda i: bool(i["disputes"]))
    undisputed = listed(client, "incidents", disputed="false")
    assert len(disputed) + len(undisputed) == len(everything["incidents"])


def test_incident_outlet(client, everything):
    outlet = "Meridian Press Agency"
    by_outlet = {a["id"] for a in listed(client, "articles", outlet=outlet)}
    found = listed(client, "incidents", outlet=outlet)

    def reported_there(incident: dict[str, Any]) -> bool:
        detail = ok(client, f"/api/incidents/{incident['id']}")
        return any(r["article_id"] in by_outlet for r in detail["reports_detail"])

    assert_filters(everything, "incidents", found, reported_there)


def test_figure_filters(client, everything, articles):
    found = listed(client, "figures", type="Killed")
    assert_filters(everything, "figures", found, lambda f: f["category"] == "killed")
    found = listed(client, "figures", actor="support forces")
    assert_filters(everything, "figures", found, lambda f: source_matches((f["claim"] or {}).get("source"),
                                                                          "support forces"))
    found = listed(client, "figures", outlet="nile wire")
    assert_filters(everything, "figures", found, lambda f: "nile wire" in outlets_of(articles, f["article_id"]))

    records: dict[str, dict[str, Any]] = {}

    def about_chad(f: dict[str, Any]) -> bool:
        if ((f["claim"] or {}).get("source") or {}).get("country") == "TCD":
            return True
        if f["article_id"] not in records:
            records[f["article_id"]] = ok(client, f"/api/articles/{f['article_id']}")["record"]
        return any(p["country"] == "TCD" for p in records[f["article_id"]]["places"])

    assert_filters(everything, "figures", listed(client, "figures", country="TCD"), about_chad)


def test_claim_filters(client, everything, articles):
    found = listed(client, "claims", type="deny")
    assert_filters(everything, "claims", found, lambda c: c["stance"] == "deny")
    found = listed(client, "claims", country="SDN")
    assert_filters(everything, "claims", found, lambda c: c["source"]["country"] == "SDN")
    found = listed(client, "claims", actor="army")
    assert_filters(everything, "claims", found, lambda c: source_matches(c["source"], "army"))
    found = listed(client, "claims", date_from="2024-05-18")
    assert_filters(everything, "claims", found, lambda c: c["article"]["published"][:10] >= "2024-05-18")


def test_dispute_filters(client, everything, articles):
    found = listed(client, "disputes", type="figure")
    assert_filters(everything, "disputes", found, lambda d: d["kind"] == "figure")
    found = listed(client, "disputes", actor="rapid support")
    assert_filters(everything, "disputes", found, lambda d: any(source_matches(s["source"], "rapid support")
                                                                for s in d["sides"]))
    found = listed(client, "disputes", outlet="the horn ledger")
    assert_filters(everything, "disputes", found,
                   lambda d: any("the horn ledger" in outlets_of(articles, s["article"]) for s in d["sides"]))
    found = listed(client, "disputes", date_to="2024-05-16")
    assert_filters(everything, "disputes", found, lambda d: any(s["published"][:10] <= "2024-05-16" for s in d["sides"]))


def test_article_filters(client, everything, articles):
    found = listed(client, "articles", date_from="2024-05-14", date_to="2024-05-17")
    assert_filters(everything, "articles", found, lambda a: "2024-05-14" <= a["published"][:10] <= "2024-05-17")
    found = listed(client, "articles", outlet="Sahel Dispatch")
    assert_filters(everything, "articles", found, lambda a: "sahel dispatch" in {o.lower() for o in a["outlets"]})
    found = listed(client, "articles", country="EGY")
    assert_filters(everything, "articles", found, lambda a: any(
        p["country"] == "EGY" for p in ok(client, f"/api/articles/{a['id']}")["record"]["places"]))
    found = listed(client, "articles", actor="Egypt")
    assert_filters(everything, "articles", found, lambda a: any(
        actor_matches(x, "egypt") for x in ok(client, f"/api/articles/{a['id']}")["record"]["actors"]))
    found = listed(client, "articles", type="AID")
    assert_filters(everything, "articles", found, lambda a: any(
        e["type"] == "AID" for e in ok(client, f"/api/articles/{a['id']}")["record"]["events"]))


def test_combined_filters_narrow(client, everything):
    alone = ok(client, "/api/events", type="ASSAULT")["total"]
    both = listed(client, "events", type="ASSAULT", country="SDN", date_to="2024-05-14")
    assert 0 < len(both) < alone
    assert all(e["type"] == "ASSAULT" and e["date"] <= "2024-05-14" for e in both)


WALKED = [{}, {"sort": "date:asc"}, {"country": "SDN"}, {"country": "TCD"}, {"actor": "army"},
          {"type": "ASSAULT", "country": "SDN"}, {"type": "assault", "sort": "date:asc"}, {"bbox": "20,10,30,16"},
          {"outlet": "Nile Wire"}, {"date_from": "2024-05-15"}, {"actor": "rsf", "date_to": "2024-05-16"}]


@pytest.mark.parametrize("params", WALKED, ids=[str(p) for p in WALKED])
def test_pages_are_the_same_whichever_index_is_read(demo_db, monkeypatch, params):
    """A page read by walking the sort's index (many matches) equals one read from the matches."""
    def pages(resource: str, **extra: Any) -> list[tuple[list[dict[str, Any]], int]]:
        fn = getattr(queries, f"list_{resource}")
        return [fn(demo_db, queries.make_filters(**{**params, **extra}, limit=7, offset=offset))
                for offset in (0, 6, 30)]

    articles = {k: v for k, v in params.items() if k in ("country", "actor", "type", "outlet", "date_from", "date_to")}
    read = {}
    for visits in (0, 10**9):  # never walk, always walk (SQLite)
        monkeypatch.setattr(queries, "WALK_MAX_VISITS", visits)
        read[visits] = (pages("events"), pages("events", sort="date:desc"),
                        [queries.list_articles(demo_db, queries.make_filters(**articles, limit=5, offset=offset))
                         for offset in (0, 3)])
    assert read[0] == read[10**9]
    assert read[0][0][0][1] > 0


@pytest.mark.parametrize("resource", RESOURCES)
def test_updated_since(client, everything, resource):
    assert ok(client, f"/api/{resource}", updated_since="2999-01-01T00:00:00Z")["total"] == 0
    assert ok(client, f"/api/{resource}", updated_since="2000-01-01")["total"] == len(everything[resource])
    # an offset timestamp means the same instant as its UTC form
    assert ok(client, f"/api/{resource}", updated_since="2999-01-01T02:00:00+02:00")["total"] == 0


# -- single items --------------------------------------------------------------------------------

def test_article_detail(client, everything):
    first = everything["articles"][0]
    article = ok(client, f"/api/articles/{first['id']}")
    assert article["id"] == first["id"] and article["text"]
    assert article["record"]["article"]["id"] == first["id"]
    assert len(article["record"]["events"]) == first["counts"]["events"]
    assert article["appearances"] and all("outlet" in a for a in article["appearances"])
    prefix = ok(client, f"/api/articles/{first['id'][:10]}")
    assert prefix["id"] == first["id"]


def test_incident_detail(client, everything):
    disputed = next(i for i in everything["incidents"] if i["disputes"] and i["reports"] >= 2)
    incident = ok(client, f"/api/incidents/{disputed['id']}")
    assert incident["id"] == disputed["id"] and len(incident["reports_detail"]) == disputed["reports"]
    assert {d["id"] for d in incident["disputes"]} == set(disputed["disputes"])
    assert all(len(d["sides"]) >= 2 for d in incident["disputes"])
    with_figures = next(i for i in everything["incidents"] if i["fatalities_best"] is not None)
    figures = ok(client, f"/api/incidents/{with_figures['id']}")["figures"]
    assert figures and figures[0]["sources"] and "best" in figures[0]


def test_dispute_detail_matches_list(client, everything):
    for listed_dispute in everything["disputes"]:
        dispute = ok(client, f"/api/disputes/{listed_dispute['id']}")
        assert dispute["sides"] == listed_dispute["sides"] and len(dispute["sides"]) >= 2
        assert dispute["kind"] in ("figure", "assert_deny")
        if dispute["incident"]:
            assert dispute["incident_detail"]["id"] == dispute["incident"]


@pytest.mark.parametrize("path", ["/api/articles/nope", "/api/incidents/inope", "/api/disputes/dnope",
                                  "/api/nothing-here"])
def test_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.json()["detail"]


def test_overlong_id_is_422(client):
    assert client.get("/api/articles/" + "x" * 300).status_code == 422


# -- validation ----------------------------------------------------------------------------------

BAD = [
    ("events", {"date_from": "2024-02-30"}, "date_from"),
    ("events", {"date_from": "yesterday"}, "date_from"),
    ("incidents", {"date_to": "13/05/2024"}, "date_to"),
    ("events", {"date_from": "2024-05-20", "date_to": "2024-05-01"}, "date_to"),
    ("events", {"bbox": "1,2,3"}, "bbox"),
    ("events", {"bbox": "a,b,c,d"}, "bbox"),
    ("events", {"bbox": "0,0,200,1"}, "bbox"),
    ("incidents", {"bbox": "0,50,1,10"}, "bbox"),
    ("incidents", {"bbox": "nan,0,1,1"}, "bbox"),
    ("events", {"sort": "text"}, "sort"),
    ("events", {"sort": "date:sideways"}, "sort"),
    ("incidents", {"sort": "summary:desc"}, "sort"),
    ("articles", {"sort": "text"}, "sort"),
    ("events", {"country": "SUDAN"}, "country"),
    ("claims", {"country": "S1D"}, "country"),
    ("events", {"limit": "-1"}, "limit"),
    ("events", {"offset": "-5"}, "offset"),
    ("events", {"limit": "many"}, "limit"),
    ("events", {"updated_since": "last week"}, "updated_since"),
    ("events", {"contry": "SDN"}, "contry"),
    ("claims", {"bbox": "0,0,1,1"}, "bbox"),
    ("events", {"factual": "perhaps"}, "factual"),
    ("events", {"actor": "x" * 500}, "actor"),
]


@pytest.mark.parametrize(("resource", "params", "param"), BAD, ids=[f"{r}-{p}-{i}" for i, (r, _, p) in enumerate(BAD)])
def test_bad_parameters_are_422(client, resource, params, param):
    response = client.get(f"/api/{resource}", params=params)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(d["loc"][-1] == param and d["msg"] for d in detail), detail


# -- injection -----------------------------------------------------------------------------------

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE articles; --",
    "Robert'); DELETE FROM events; --",
    "\" OR 1=1 --",
    "1) OR (1=1",
    "%",
    "_",
    "\\",
    "!%",
    "'||(SELECT count(*) FROM articles)||'",
    "x' UNION SELECT id, text FROM articles --",
    "SDN' --",
    "date:desc; DROP TABLE incidents",
    "ASSAULT' OR type IS NOT NULL OR '",
]


def counts(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("articles", "appearances", "records", "events", "claims", "figures", "incidents",
                          "disputes", "dispute_sides", "incident_reports", "actors", "places")}


def test_injection_strings_change_nothing(client, demo_db):
    before = counts(demo_db)
    statuses = set()
    for resource in RESOURCES:
        accepted = {"country", "actor", "outlet", "sort", "date_from", "updated_since", "type"}
        if resource in ("events", "incidents"):
            accepted.add("bbox")
        for payload in INJECTIONS:
            for param in accepted:
                response = client.get(f"/api/{resource}", params={param: payload})
                statuses.add(response.status_code)
                assert response.status_code in (200, 422), (resource, param, payload, response.text)
                if response.status_code == 200 and param in ("actor", "outlet", "type") and payload.strip():
                    assert response.json()["total"] == 0, (resource, param, payload)
        if resource in ("articles", "incidents", "disputes"):
            for payload in INJECTIONS[:5]:
                assert client.get(f"/api/{resource}/{payload}").status_code == 404
    assert statuses == {200, 422}
    assert counts(demo_db) == before


def test_reads_cannot_write(demo_db):
    """The query layer's transactions are read-only at the database level too."""
    with pytest.raises(Exception):
        with queries._read(demo_db) as conn:
            conn.execute(text("DELETE FROM dispute_sides"))
    assert counts(demo_db)["dispute_sides"] > 0
    with demo_db.write() as conn:  # and the pooled connection is writable again afterwards
        conn.execute(text("DELETE FROM rejections WHERE origin = :o"), {"o": "nothing"})


# -- the rest of the surface ---------------------------------------------------------------------

def test_stats_agree_with_lists(client, everything):
    stats = ok(client, "/api/stats")
    for resource in RESOURCES:
        assert stats["counts"][resource] == len(everything[resource])
    assert stats["published"] == {"from": "2024-05-13", "to": "2024-05-20"}
    assert {o["value"] for o in stats["outlets"]} >= {a["outlet"] for a in everything["articles"]}
    assert sum(t["count"] for t in stats["event_types"]) == len(everything["events"])


def test_health(client, demo_db):
    body = ok(client, "/api/health")
    assert body["status"] == "ok" and body["database"] == demo_db.dialect and body["read_only"] is True
    assert body["schema_version"] >= 4


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/events"), ("get", "/api/incidents/nope"), ("get", "/api/events?bbox=x"), ("post", "/api/reconcile"),
    ("get", "/openapi.json"), ("post", "/api/events"), ("get", "/api/unknown")])
def test_security_headers_on_every_response(client, method, path):
    response = getattr(client, method)(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_unexpected_errors_are_json_500_with_headers(demo_db, monkeypatch):
    app = create_app(demo_db)
    monkeypatch.setattr(queries, "overview", lambda db: 1 / 0)
    response = TestClient(app).get("/api/stats")
    assert response.status_code == 500 and response.json() == {"detail": "internal error"}
    assert response.headers["x-content-type-options"] == "nosniff"


def test_openapi_lists_the_routes_and_docs_are_offline(client):
    spec = ok(client, "/openapi.json")
    paths = set(spec["paths"])
    assert paths >= {"/api/articles", "/api/articles/{article_id}", "/api/events", "/api/figures", "/api/claims",
                     "/api/incidents", "/api/incidents/{incident_id}", "/api/disputes", "/api/disputes/{dispute_id}",
                     "/api/stats", "/api/health", "/api/reconcile"}
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert params >= {"date_from", "date_to", "country", "actor", "type", "outlet", "bbox", "updated_since", "limit",
                      "offset", "sort"}
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404


def test_static_dashboard(demo_db, tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>fogwatch test</title>")
    (tmp_path / "app.js").write_text("console.log('hi');")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    web = TestClient(create_app(demo_db, static_dir=tmp_path))
    home = web.get("/")
    assert home.status_code == 200 and "fogwatch test" in home.text
    assert home.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    assert web.get("/static/app.js").text == "console.log('hi');"
    assert web.get("/app.js").status_code == 200
    assert web.get("/static/../secret.txt").status_code == 404
    assert web.get("/static/%2e%2e/secret.txt").status_code == 404
    assert web.get("/api/events", params={"limit": 1}).status_code == 200  # the API still wins
    assert web.get("/api/nope").headers["content-type"].startswith("application/json")


def test_allowed_hosts_refuse_other_host_names(demo_db):
    """What `serve` sets on a loopback address, against DNS rebinding."""
    guarded = TestClient(create_app(demo_db, allowed_hosts=["127.0.0.1", "localhost"]))
    refused = guarded.get("/api/health", headers={"Host": "attacker.example"})
    assert refused.status_code == 400 and refused.headers["x-content-type-options"] == "nosniff"
    assert guarded.get("/api/health", headers={"Host": "localhost:8000"}).status_code == 200


def test_no_static_directory_means_no_dashboard(demo_db, tmp_path):
    web = TestClient(create_app(demo_db, static_dir=tmp_path / "missing"))
    assert web.get("/").status_code == 404
    assert web.get("/api/health").status_code == 200


# -- writing: refused unless writable and authorised (last: it recomputes the reconciliation) ----

def test_reconcile_is_refused_when_read_only(client, demo_db):
    assert client.post("/api/reconcile").status_code == 403
    assert client.post("/api/reconcile", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 403
    read_only_with_token = TestClient(create_app(demo_db, token=TOKEN))
    assert read_only_with_token.post("/api/reconcile", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 403


def test_writable_app_needs_a_token(demo_db):
    with pytest.raises(ValueError):
        create_app(demo_db, read_only=False)


def test_reconcile_needs_the_right_token(demo_db):
    writable = TestClient(create_app(demo_db, read_only=False, token=TOKEN))
    before = counts(demo_db)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer "}):
        response = writable.post("/api/reconcile", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
    assert counts(demo_db) == before
    assert writable.get("/api/health").json()["read_only"] is False
    response = writable.post("/api/reconcile", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["articles"] == before["records"] and body["incidents"] > 0
    after = counts(demo_db)
    assert after["incidents"] > 0 and after["articles"] == before["articles"]
