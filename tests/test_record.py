"""The output record is a contract (DESIGN.md §3): every field it names is present, ids are unique,
offsets point into the text, and references between facts resolve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fogwatch.cli import app

DEMO = Path(__file__).resolve().parent.parent / "src" / "fogwatch" / "data" / "demo"
CONTRACT = {
    "article": {"id", "title", "outlet", "url", "published"},
    "actors": {"id", "text", "start", "end", "name", "country", "sector"},
    "places": {"id", "text", "start", "end", "name", "country", "admin1", "lat", "lon", "feature"},
    "times": {"id", "text", "start", "end", "from", "to", "granularity"},
    "figures": {"id", "text", "start", "end", "category", "low", "high", "best", "qualifier", "subject", "claim"},
    "claims": {"id", "start", "end", "source", "cue", "stance", "responds_to"},
}
SOURCE_FIELDS = {"text", "start", "end", "name", "country", "sector", "kind"}
VOCAB = {
    "sector": {"GOV", "MIL", "REB", "CVL", "IGO", "NGO", "MED", "PER", "UNK", None},
    "kind": {"outlet", "named", "anonymous", "media"},
    "stance": {"assert", "allege", "deny", "hedge"},
    "category": {"killed", "wounded", "missing", "captured", "arrested", "displaced", "sheltered", "evacuated",
                 "deployed", "equipment_destroyed", "protesters", "other"},
    "qualifier": {"exact", "at_least", "more_than", "at_most", "up_to", "approximately", "nearly", "range", "vague"},
}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    result = CliRunner().invoke(app, ["extract", str(DEMO), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_one_record_per_article(records):
    assert len(records) == len(list(DEMO.iterdir()))


def test_every_contract_field_is_present(records):
    for record in records:
        for kind, fields in CONTRACT.items():
            items = [record[kind]] if kind == "article" else record[kind]
            for item in items:
                assert fields <= set(item), (kind, fields - set(item))
        for claim in record["claims"]:
            assert SOURCE_FIELDS <= set(claim["source"])


def test_ids_unique_offsets_valid_references_resolve(records):
    texts = {}
    for path in DEMO.glob("*.txt"):
        from fogwatch.sources.text import split_front_matter

        texts[path.name] = split_front_matter(path.read_text(), "x")[1].strip()
    for record in records:
        ids = [item["id"] for kind in CONTRACT if kind != "article" for item in record[kind]]
        assert len(ids) == len(set(ids))
        claims = {c["id"] for c in record["claims"]}
        for figure in record["figures"]:
            assert figure["claim"] in claims  # every figure has a source
            assert figure["low"] is None or figure["high"] is None or figure["low"] <= figure["high"]
        for claim in record["claims"]:
            assert claim["responds_to"] is None or claim["responds_to"] in claims
            assert claim["stance"] in VOCAB["stance"] and claim["source"]["kind"] in VOCAB["kind"]
        for actor in record["actors"]:
            assert actor["sector"] in VOCAB["sector"]
        for figure in record["figures"]:
            assert figure["category"] in VOCAB["category"] and figure["qualifier"] in VOCAB["qualifier"]


def test_spans_match_the_text(records):
    from fogwatch.sources import read_sources

    articles = {a.id: a for a in read_sources([str(DEMO)])}
    for record in records:
        text = articles[record["article"]["id"]].text
        for kind in ("actors", "places", "times", "figures"):
            for item in record[kind]:
                assert text[item["start"]:item["end"]] == item["text"]
        for claim in record["claims"]:
            src = claim["source"]
            if src["start"] is not None:
                assert text[src["start"]:src["end"]] == src["text"]


def test_demo_finds_the_denial_and_its_claim(records):
    """The demo corpus has an army spokesman dismissing an RSF accusation: a deny claim that
    answers an earlier claim by another source."""
    denials = [(r, c) for r in records for c in r["claims"] if c["stance"] == "deny" and c["responds_to"]]
    assert denials
    record, denial = denials[0]
    answered = next(c for c in record["claims"] if c["id"] == denial["responds_to"])
    assert answered["source"]["name"] != denial["source"]["name"]


def test_unknown_published_date_is_said(tmp_path):
    path = tmp_path / "undated.txt"
    path.write_text("Shelling hit the town on Tuesday, killing four people, residents said.")
    result = CliRunner().invoke(app, ["extract", str(path)])
    record = json.loads(result.stdout)
    assert record["article"]["published_known"] is False
    tuesday = [t for t in record["times"] if "Tuesday" in t["text"]]
    assert tuesday and tuesday[0]["from"] is None and tuesday[0]["resolved"] is False


def test_two_processes_give_the_same_records():
    from fogwatch.pipeline import extract_records
    from fogwatch.sources import read_sources

    articles = list(read_sources([str(DEMO)]))
    one = list(extract_records(articles, batch_size=3))
    two = list(extract_records(articles, batch_size=3, n_process=2))
    assert one == two and len(one) == len(articles)
