"""Readers on files we wrote: text with front matter, HTML, JSONL, feeds, folders, encodings."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest

from fogwatch.errors import SourceError
from fogwatch.model import Article, Rejection, article_id
from fogwatch.sources import ReadOptions, read_sources, sniff
from fogwatch.sources.decode import decode_bytes

FIXTURES = Path(__file__).parent / "fixtures"


def read_all(*specs: str, **options) -> tuple[list[Article], list[Rejection]]:
    items = list(read_sources(list(specs), ReadOptions(**options)))
    return ([i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Rejection)])


def test_text_with_front_matter():
    (article,), bad = read_all(str(FIXTURES / "frontmatter.txt"))
    assert not bad
    assert article.title == "Shelling hits grain depot outside Kharkiv"
    assert article.published == date(2023, 3, 7)
    assert article.outlet == "Eastern Front Bulletin"
    assert article.url == "https://efb.example/2023/03/07/grain-depot"
    assert article.text.startswith("A grain depot on the eastern edge")
    assert "---" not in article.text
    assert article.language == "en"
    assert article.id == article_id(article.text)


def test_plain_text_headline_becomes_title(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Ceasefire holds in the north\n\nThe ceasefire agreed last week held overnight, "
                    "monitors said, with no reports of shelling.\n")
    (article,), _ = read_all(str(path))
    assert article.title == "Ceasefire holds in the north"
    assert article.published is None and article.outlet is None


def test_invalid_front_matter_is_rejected_with_reason(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("---\ntitle: [unclosed\n---\n\nSome body text that is long enough to be an article.\n")
    articles, (rejection,) = read_all(str(path))
    assert not articles
    assert rejection.code == "E011" and rejection.origin == str(path)


def test_html_page_main_text_and_metadata():
    (article,), bad = read_all(str(FIXTURES / "page.html"))
    assert not bad
    assert "ambushed on Thursday afternoon" in article.text
    assert "Football results" not in article.text and "Privacy" not in article.text
    assert "trackingId" not in article.text
    assert article.title == "Convoy attacked near Gao, officials say"
    assert article.outlet == "Sahel Courier"
    assert article.published == date(2022, 11, 4)


def test_broken_html_still_yields_its_text():
    (article,), bad = read_all(str(FIXTURES / "broken.html"))
    assert not bad
    assert "wounded in an exchange of fire" in article.text
    assert "road had reopened" in article.text


def test_html_without_text_is_rejected():
    articles, (rejection,) = read_all(str(FIXTURES / "nothing.html"))
    assert not articles and rejection.code == "E005"


def test_jsonl_bad_lines_are_named_and_good_lines_kept():
    path = str(FIXTURES / "mixed.jsonl")
    articles, bad = read_all(path)
    assert [a.source_id for a in articles] == ["mx-1", "mx-6"]
    assert articles[1].published == date(2021, 6, 15)  # prose date parsed
    assert {r.origin: r.code for r in bad} == {f"{path}:2": "E006", f"{path}:3": "E007", f"{path}:5": "E007"}
    assert "line 2" in next(r.reason for r in bad if r.origin.endswith(":2"))


def test_json_array_of_articles(tmp_path):
    path = tmp_path / "batch.json"
    path.write_text('[{"text": "Rebels withdrew from the town after two days of fighting, residents said."},'
                    ' {"title": "no text"}]')
    articles, bad = read_all(str(path))
    assert len(articles) == 1 and len(bad) == 1


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings(tmp_path, encoding):
    text = "Le ministère a déclaré que « 12 soldats » ont été blessés près de Ménaka à l’aube."
    if encoding == "latin-1":
        text = text.replace("’", "'")
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    (article,), bad = read_all(str(path))
    assert not bad
    assert article.text == text


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "u16.txt"
    text = "Protesters gathered outside the parliament for a third day, police said."
    path.write_bytes(text.encode("utf-16"))
    (article,), _ = read_all(str(path))
    assert article.text == text


def test_binary_empty_oversized_and_missing(tmp_path):
    import random

    rng = random.Random(7)
    (tmp_path / "noise.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (tmp_path / "empty.txt").write_bytes(b"  \n\n ")
    (tmp_path / "big.txt").write_text("war " * 3000)
    articles, bad = read_all(str(tmp_path / "noise.txt"), str(tmp_path / "empty.txt"),
                             str(tmp_path / "big.txt"), str(tmp_path / "missing.txt"), max_bytes=10_000)
    assert not articles
    assert [r.code for r in bad] == ["E003", "E002", "E004", "E012"]
    assert all(r.origin.startswith(str(tmp_path)) for r in bad)


def test_unreadable_file(tmp_path):
    import os
    import socket

    path = tmp_path / "locked.txt"
    path.write_text("Troops crossed the river at dawn, according to a local official.")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: a socket file cannot be read by anyone
        path = tmp_path / "socket.txt"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    _, (rejection,) = read_all(str(path))
    assert rejection.code == "E001" and rejection.origin == str(path)


def test_folder_is_read_recursively_and_hidden_files_skipped(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("Shelling resumed in the south of the city overnight, residents said.")
    (tmp_path / "a" / "b" / "two.txt").write_text("A curfew was imposed after clashes between rival militias.")
    (tmp_path / ".hidden.txt").write_text("This file is hidden and must not be read as an article.")
    articles, bad = read_all(str(tmp_path))
    assert not bad
    assert sorted(Path(a.origin).name for a in articles) == ["one.txt", "two.txt"]


def test_standard_input(monkeypatch):
    data = (FIXTURES / "mixed.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    articles, bad = read_all("-")
    assert [a.source_id for a in articles] == ["mx-1", "mx-6"]
    assert all(r.origin.startswith("<stdin>:") for r in bad)


def test_sniffing_by_content():
    assert sniff(b'{"text": "x"}\n', "noext") == "jsonl"
    assert sniff(b"<?xml version='1.0'?><rss><channel/></rss>", "noext") == "feed"
    assert sniff(b"<!DOCTYPE html><html><body>hi</body></html>", "noext") == "html"
    assert sniff(b"Plain words about a war.", "noext") == "text"
    assert sniff(b'{"looks": "like json"} but is text', "note.txt") == "text"


def test_decode_rejects_nul_and_keeps_text():
    with pytest.raises(SourceError) as info:
        decode_bytes(b"abc\x00def", "x")
    assert info.value.code == "E003"
    assert decode_bytes("naïve café".encode("utf-8"), "x") == "naïve café"


def test_identity_ignores_typography_and_spacing():
    assert article_id("“Cheap propaganda,” it said.\n\n") == article_id('"Cheap  propaganda," it said.')
    assert article_id("200 killed") != article_id("201 killed")
