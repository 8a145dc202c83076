"""The store on SQLite and on a real PostgreSQL server: migrations, identity, appearances,
search, filters, rejections."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from fogwatch.model import Article, Rejection
from fogwatch.store import Database
from fogwatch.store.articles import (
    ArticleFilter, fts5_query, get_article, list_articles, list_rejections, record_rejections,
    search_articles, stats, store_articles,
)
from fogwatch.store.migrations import MIGRATIONS

SHELLING = "Shelling killed four civilians in the old market of Taiz on Monday, local medics said."
DRONE = "A drone strike hit a fuel depot near Marib overnight, according to the provincial governor."
PROTEST = "Thousands marched in the capital demanding the release of detained journalists."


def make(text_: str, **kw) -> Article:
    return Article(text=text_, **kw)


def test_migrations_run_once_and_are_recorded(db_url):
    first = Database(db_url)
    assert first.schema_version() == MIGRATIONS[-1][0]
    first.close()
    again = Database(db_url)
    assert again.migrate() == []  # nothing left to apply
    with again.read() as conn:
        versions = [r[0] for r in conn.execute(text("SELECT version FROM schema_migrations ORDER BY version"))]
    assert versions == [v for v, _, _ in MIGRATIONS]
    assert again.integrity_check() == "ok"
    again.close()


def test_same_text_is_stored_once(db):
    article = make(SHELLING, outlet="Yemen Today", url="https://yt.example/1", published=date(2021, 3, 1))
    assert store_articles(db, [article]) == ["new"]
    assert store_articles(db, [make(SHELLING, outlet="Yemen Today", url="https://yt.example/1")]) == ["stored"]
    assert stats(db)["articles"] == 1 and stats(db)["appearances"] == 1


def test_wire_copy_is_another_appearance(db):
    store_articles(db, [make(SHELLING, outlet="Wire A", url="https://a.example/x")])
    outcome = store_articles(db, [make("  " + SHELLING.replace(" ", "  ") + "\n", outlet="Paper B",
                                       url="https://b.example/y")])
    assert outcome == ["appearance"]
    article = get_article(db, make(SHELLING).id)
    assert article["outlet"] == "Wire A"  # the first appearance names the article
    assert [a["outlet"] for a in article["appearances"]] == ["Wire A", "Paper B"]
    assert stats(db) | {} == stats(db) and stats(db)["articles"] == 1 and stats(db)["appearances"] == 2


def test_duplicates_inside_one_batch(db):
    outcomes = store_articles(db, [make(DRONE, outlet="X"), make(DRONE, outlet="X"), make(DRONE, outlet="Y")])
    assert outcomes == ["new", "stored", "appearance"]


def test_failed_batch_leaves_nothing_behind(db):
    good = make(PROTEST)
    bad = make(DRONE)
    bad.title = "x"
    bad.text = None  # NOT NULL violation mid-batch
    with pytest.raises(Exception):
        store_articles(db, [good, bad])
    assert stats(db)["articles"] == 0
    assert store_articles(db, [good]) == ["new"]


def test_list_filters_and_pagination(db):
    store_articles(db, [
        make(SHELLING, outlet="Yemen Today", published=date(2021, 3, 1)),
        make(DRONE, outlet="Marib Post", published=date(2021, 3, 5)),
        make(PROTEST, outlet="yemen today", published=date(2021, 4, 2)),
    ])
    rows, total = list_articles(db, ArticleFilter(outlet="Yemen Today"))
    assert total == 2 and [r["published"] for r in rows] == ["2021-04-02", "2021-03-01"]
    rows, total = list_articles(db, ArticleFilter(since="2021-03-02", until="2021-03-31"))
    assert total == 1 and rows[0]["outlet"] == "Marib Post"
    rows, total = list_articles(db, ArticleFilter(limit=1, offset=1))
    assert total == 3 and len(rows) == 1 and rows[0]["published"] == "2021-03-05"


def test_full_text_search(db):
    store_articles(db, [make(SHELLING, title="Market shelled"), make(DRONE, title="Depot hit"),
                        make(PROTEST, title="March for journalists")])
    assert [r["title"] for r in search_articles(db, "shelling")] == ["Market shelled"]
    assert [r["title"] for r in search_articles(db, "drones")] == ["Depot hit"]  # stemming
    assert {r["title"] for r in search_articles(db, "drone OR journalists")} == {"Depot hit", "March for journalists"}
    assert search_articles(db, '"fuel depot" -Marib') == []
    hit = search_articles(db, "medics")[0]
    assert "[medics]" in hit["snippet"]


@pytest.mark.parametrize("query", ['"', "AND", "NEAR(", "title:x", "-", "*", "a OR", "'; DROP TABLE articles; --"])
def test_search_never_breaks_on_odd_queries(db, query):
    store_articles(db, [make(SHELLING)])
    search_articles(db, query)  # no exception
    assert stats(db)["articles"] == 1


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_fts5_query_is_always_valid(query):
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    conn.execute("INSERT INTO t VALUES ('some words here')")
    expr = fts5_query(query)
    if expr:
        conn.execute("SELECT * FROM t WHERE t MATCH ?", (expr,)).fetchall()


def test_get_by_source_id_and_prefix(db):
    article = make(SHELLING, source_id="seed-7")
    store_articles(db, [article])
    assert get_article(db, "seed-7")["id"] == article.id
    assert get_article(db, article.id[:8])["id"] == article.id
    assert get_article(db, "nothing-here") is None


def test_rejections_are_stored_and_cleared_on_success(db):
    record_rejections(db, [Rejection("feed.xml#3", "E010", "HTTP 500 from server")])
    record_rejections(db, [Rejection("feed.xml#3", "E009", "timed out")])
    (row,) = list_rejections(db)
    assert row["attempts"] == 2 and row["code"] == "E009"
    store_articles(db, [make(DRONE, origin="feed.xml#3")])
    assert list_rejections(db) == []


def test_not_a_database(tmp_path):
    from fogwatch.errors import StoreError

    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(StoreError):
        Database(path)


# -- migration 5: what the API filters events by, derived from the facts -------------------------

@pytest.fixture(scope="module")
def demo_extracted() -> tuple[list[Article], list[dict]]:
    """The demo corpus and its records, extracted once (a third of it: enough actors, places, times)."""
    from fogwatch.demo import demo_corpus
    from fogwatch.pipeline import extract_records
    from fogwatch.sources import ReadOptions, read_sources

    articles = [a for a in read_sources([str(demo_corpus())], ReadOptions()) if isinstance(a, Article)][::3]
    return articles, list(extract_records(articles))


def event_index_problems(db: Database) -> list[str]:
    """Where the search columns and link tables of events differ from what the facts say."""
    import json

    with db.read() as conn:
        rows = conn.execute(text("""
SELECT e.seq, e.article_id, e.id, e.actors, e.targets, e.date_start, e.date_end, e.place_country, e.place_name,
    e.lat, e.lon, e.published, e.outlet, e.article_seq, e.updated_at,
    substr(coalesce(t.date_from, a.published), 1, 10) AS x_date_start,
    substr(coalesce(t.date_to, t.date_from, a.published), 1, 10) AS x_date_end,
    p.country AS x_place_country, p.name AS x_place_name, p.lat AS x_lat, p.lon AS x_lon,
    a.published AS x_published, a.outlet AS x_outlet, a.seq AS x_article_seq, r.extracted_at AS x_updated_at
FROM events e JOIN articles a ON a.id = e.article_id
LEFT JOIN places p ON p.article_id = e.article_id AND p.id = e.place_id
LEFT JOIN times t ON t.article_id = e.article_id AND t.id = e.time_id
LEFT JOIN records r ON r.article_id = e.article_id""")).mappings().all()
        actors = {(r["article_id"], r["id"]): r for r in conn.execute(
            text("SELECT article_id, id, name, text, country FROM actors")).mappings()}
        links = {tuple(r) for r in conn.execute(text(
            "SELECT ea.event_seq, ea.article_id, ea.event_id, ea.actor_id, ea.role, n.name, n.text"
            " FROM event_actors ea JOIN actor_names n ON n.id = ea.name_id"))}
        countries = {tuple(r) for r in conn.execute(text("SELECT event_seq, article_id, country FROM event_countries"))}
    problems = []
    expected_links, expected_countries = set(), set()
    for r in rows:
        for column in ("date_start", "date_end", "place_country", "place_name", "lat", "lon", "published", "outlet",
                       "article_seq", "updated_at"):
            if r[column] != r[f"x_{column}"]:
                problems.append(f"{r['article_id']}/{r['id']} {column}: {r[column]!r} != {r[f'x_{column}']!r}")
        if r["x_place_country"]:
            expected_countries.add((r["seq"], r["article_id"], r["x_place_country"]))
        for role, listed in (("actor", r["actors"]), ("target", r["targets"])):
            for actor_id in json.loads(listed or "[]"):
                actor = actors.get((r["article_id"], actor_id))
                if actor is None:
                    continue
                expected_links.add((r["seq"], r["article_id"], r["id"], actor_id, role, actor["name"] or "",
                                    actor["text"] or ""))
                if actor["country"]:
                    expected_countries.add((r["seq"], r["article_id"], actor["country"]))
    if links != expected_links:
        problems.append(f"event_actors: {len(links - expected_links)} extra, {len(expected_links - links)} missing")
    if countries != expected_countries:
        problems.append(f"event_countries: {sorted(countries ^ expected_countries)[:5]}")
    return problems


def test_event_index_follows_every_write(db, demo_extracted):
    articles, records = demo_extracted
    store_articles(db, articles, records, "test")
    assert event_index_problems(db) == []
    with db.read() as conn:
        before = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("events", "event_actors", "event_countries")}
    assert before["event_actors"] and before["event_countries"]
    # written again (a re-extraction): replaced, not added to
    store_articles(db, articles[:4], records[:4], "test")
    with db.write() as conn:
        from fogwatch.store.records import write_records

        write_records(conn, [records[1], records[1]], "test", "2030-01-01T00:00:00+00:00")
    assert event_index_problems(db) == []
    with db.read() as conn:
        after = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in before}
        assert conn.execute(text("SELECT count(*) FROM events WHERE updated_at = '2030-01-01T00:00:00+00:00'")
                            ).scalar_one() == len(records[1]["events"])
    assert after == before


def test_migration_5_fills_the_event_index_of_a_v4_store(db_url, demo_extracted, monkeypatch, request, tmp_path):
    from fogwatch.store import database, queries, records as stored_records

    articles, records = demo_extracted
    with monkeypatch.context() as patch:  # a store as version 4 wrote it
        patch.setattr(database, "MIGRATIONS", [m for m in MIGRATIONS if m[0] <= 4])
        patch.setattr(stored_records, "index_events", lambda conn, ids: None)
        patch.setattr(stored_records, "EVENT_INDEX_TABLES", ())
        old = Database(db_url)
        assert old.schema_version() == 4
        store_articles(old, articles, records, "test")
        with old.read() as conn:
            v4_events = conn.execute(text("SELECT article_id, id, type, actors FROM events ORDER BY article_id, id")
                                     ).all()
        old.close()
    migrated = Database(db_url)
    assert migrated.schema_version() == MIGRATIONS[-1][0]
    with migrated.read() as conn:
        assert conn.execute(text("SELECT article_id, id, type, actors FROM events ORDER BY article_id, id")
                            ).all() == v4_events
    assert event_index_problems(migrated) == []
    assert migrated.integrity_check() == "ok"
    # and it answers exactly as a store written since
    fresh = Database(request.getfixturevalue("postgres").new_database() if "://" in db_url
                     else tmp_path / "fresh.db")
    store_articles(fresh, articles, records, "test")
    for params in ({}, {"country": "SDN"}, {"actor": "army"}, {"type": "ASSAULT", "sort": "date:asc"},
                   {"date_from": "2024-05-15", "date_to": "2024-05-16"}, {"bbox": "20,10,30,16"}):
        flt = queries.make_filters(limit=1000, **params)
        got, want = queries.list_events(migrated, flt), queries.list_events(fresh, flt)
        assert got == want and got[1] > 0, params
    fresh.close()
    migrated.close()
