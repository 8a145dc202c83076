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
