"""URLs and feeds against a real local HTTP server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import Route

from fogwatch.model import Article, Rejection
from fogwatch.sources import ReadOptions, read_sources

FIXTURES = Path(__file__).parent / "fixtures"
LOCAL = ReadOptions(allow_private=True, timeout=2.0)

STORY = """<html><head><title>{title}</title><meta property="og:site_name" content="Lakeside Observer"></head>
<body><article><p>{body}</p><p>Officials said more information would be released later in the day,
and that the situation remained tense in the surrounding villages.</p></article></body></html>"""


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Rejection)]


def test_url_is_fetched_and_extracted_with_user_agent(http_server):
    http_server.routes["/page"] = Route((FIXTURES / "page.html").read_bytes())
    (article,), bad = split(read_sources([http_server.url("/page")], LOCAL))
    assert not bad
    assert "ambushed on Thursday afternoon" in article.text
    assert article.origin == http_server.url("/page")
    assert http_server.user_agents[-1].startswith("fogwatch/")


def test_redirects_are_followed_up_to_the_limit(http_server):
    http_server.routes["/page"] = Route((FIXTURES / "page.html").read_bytes())
    for i in range(7):
        http_server.routes[f"/r{i}"] = Route(status=302, headers={"Location": f"/r{i + 1}"})
    http_server.routes["/r7"] = Route(status=302, headers={"Location": "/page"})
    (article,), _ = split(read_sources([http_server.url("/r5")], LOCAL))  # 3 hops
    assert "ambushed on Thursday afternoon" in article.text
    _, (rejection,) = split(read_sources([http_server.url("/r0")], LOCAL))  # 8 hops
    assert rejection.code == "E009" and "redirects" in rejection.reason


def test_http_errors_timeouts_and_size(http_server):
    http_server.routes["/slow"] = Route(b"<html><body><p>late</p></body></html>", delay=3.0)
    http_server.routes["/huge"] = Route(b"<html><body>" + b"<p>word</p>" * 2000 + b"</body></html>")
    options = ReadOptions(allow_private=True, timeout=0.5, max_bytes=5000)
    _, bad = split(read_sources([http_server.url("/missing"), http_server.url("/slow"),
                                 http_server.url("/huge")], options))
    assert [r.code for r in bad] == ["E010", "E009", "E004"]
    assert "404" in bad[0].reason and "timed out" in bad[1].reason


def test_unreachable_host_is_named():
    _, (rejection,) = split(read_sources(["http://127.0.0.1:9/nothing"], LOCAL))
    assert rejection.code == "E009" and rejection.origin == "http://127.0.0.1:9/nothing"


def test_private_addresses_refused_by_default(http_server):
    http_server.routes["/page"] = Route((FIXTURES / "page.html").read_bytes())
    _, (rejection,) = split(read_sources([http_server.url("/page")], ReadOptions()))
    assert rejection.code == "E015"
    assert http_server.user_agents == []  # nothing was sent


def test_rss_summaries_are_followed_to_their_pages(http_server):
    feed = (FIXTURES / "feed-summary.rss").read_text().replace("{base}", http_server.base)
    http_server.routes["/feed.xml"] = Route(feed.encode(), content_type="application/rss+xml")
    http_server.routes["/story-1"] = Route(STORY.format(
        title="Fishing camp raided", body="Gunmen raided a fishing camp on an island in Lake Chad on Monday "
        "night, killing three fishermen and abducting two others, a local leader said.").encode())
    http_server.routes["/story-2"] = Route(STORY.format(
        title="Aid flights resume", body="Humanitarian flights to Diffa resumed on Wednesday after a "
        "two-week pause caused by insecurity around the airstrip, an aid agency said.").encode())
    articles, bad = split(read_sources([http_server.url("/feed.xml")], LOCAL))
    assert [a.url for a in articles] == [http_server.url("/story-1"), http_server.url("/story-2")]
    assert "abducting two others" in articles[0].text
    assert articles[0].outlet == "Lakeside Observer"
    assert articles[0].published == date(2023, 5, 9)
    (gone,) = bad
    assert gone.code == "E010" and gone.origin.endswith("/gone")


def test_atom_with_full_content_needs_no_fetch():
    (article,), bad = split(read_sources([str(FIXTURES / "feed-full.atom")], ReadOptions()))
    assert not bad
    assert article.title == "Bridge reopens after repairs in the valley"
    assert "Engineers replaced two spans" in article.text and "<p>" not in article.text
    assert article.outlet == "Highland Ledger" and article.published == date(2022, 8, 2)


def test_not_a_feed(tmp_path):
    path = tmp_path / "x.rss"
    path.write_text("<?xml version='1.0'?><rss><channel><title>Empty</title></channel></rss>")
    _, (rejection,) = split(read_sources([str(path)], ReadOptions()))
    assert rejection.code == "E008"
