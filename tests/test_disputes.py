"""Disputes: the rules on hand-made records, and storage through ingest and reconcile on both
database backends (re-running changes nothing)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from fogwatch.cli import app
from fogwatch.reconcile.disputes import disjoint, disputes_in_record


def fig(fid, low, high, claim, category="killed", subject="civilians", start=0):
    return {"id": fid, "low": low, "high": high, "best": low if low is not None else high, "category": category,
            "subject": subject, "claim": claim, "start": start, "end": start + 5, "text": "x"}


def claim(cid, name, stance="assert", start=0, end=100, responds_to=None, kind="named"):
    return {"id": cid, "start": start, "end": end, "text": "t", "stance": stance, "responds_to": responds_to,
            "source": {"name": name, "kind": kind, "country": None, "sector": None, "text": name}}


def record(figures, claims):
    return {"article": {"id": "a1", "outlet": "X", "published": "2024-01-01"}, "figures": figures, "claims": claims}


def test_disjoint_intervals_with_rounding():
    assert disjoint(fig("f1", 1000, 9999, "c1"), fig("f2", 765, 935, "c2"))
    assert not disjoint(fig("f1", 100, 100, "c1"), fig("f2", 105, 105, "c2"))  # rounding
    assert disjoint(fig("f1", 100, 100, "c1"), fig("f2", 130, 130, "c2"))
    assert not disjoint(fig("f1", 27, None, "c1"), fig("f2", 41, 41, "c2"))  # "at least 27" holds with 41


def test_figure_dispute_needs_different_sources_about_the_same_thing():
    claims = [claim("c1", "Early estimates", kind="anonymous", start=0, end=60),
              claim("c2", "The monitor", start=61, end=120, responds_to="c1")]
    found = disputes_in_record(record([fig("f1", 1000, 9999, "c1", start=10), fig("f2", 765, 935, "c2", start=90)], claims))
    assert [d["kind"] for d in found] == ["figure"]
    same_source = [claim("c1", "The monitor", start=0, end=60), claim("c2", "The monitor", start=61, end=120)]
    assert disputes_in_record(record([fig("f1", 1000, 9999, "c1", start=10), fig("f2", 765, 935, "c2", start=90)],
                                     same_source)) == []


def test_different_subjects_far_apart_are_no_dispute():
    claims = [claim("c1", "Medics", start=0, end=60), claim("c2", "Police", start=900, end=960)]
    figures = [fig("f1", 27, 27, "c1", subject="civilians", start=10), fig("f2", 3, 3, "c2", subject="soldiers", start=910)]
    assert disputes_in_record(record(figures, claims)) == []


def test_denial_makes_an_assert_deny_dispute():
    claims = [claim("c1", "Ministry", start=0, end=50), claim("c2", "Turkey", stance="deny", start=60, end=90, responds_to="c1")]
    (dispute,) = disputes_in_record(record([], claims))
    assert dispute["kind"] == "assert_deny"
    assert [s["stance"] for s in dispute["sides"]] == ["assert", "deny"]


def test_demo_disputes_are_stored_once(tmp_path, db_url):
    from fogwatch.demo import demo_corpus

    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--db", db_url, str(demo_corpus())]).exit_code == 0
    first = json.loads(runner.invoke(app, ["disputes", "--db", db_url, "--format", "json"]).stdout)
    assert first and all(len(d["sides"]) >= 2 for d in first)
    assert any(d["kind"] == "assert_deny" and d["sides"][1]["stance"] == "deny" for d in first)
    assert runner.invoke(app, ["reconcile", "--db", db_url]).exit_code == 0
    again = json.loads(runner.invoke(app, ["disputes", "--db", db_url, "--format", "json"]).stdout)
    assert sorted(d["id"] for d in again) == sorted(d["id"] for d in first)
    stats = json.loads(runner.invoke(app, ["stats", "--db", db_url, "--format", "json"]).stdout)
    assert stats["disputes"] == len(first) and stats["figures"] > 0 and stats["claims"] > 0


def test_a_dispute_found_twice_in_one_round_is_written_and_counted_once(db_url):
    """One figure pair can be found in two incidents (or twice in one): one row, counted once."""
    from sqlalchemy import text

    from fogwatch.demo import demo_corpus
    from fogwatch.store import Database
    from fogwatch.store.reconciled import dispute_id, write_disputes

    assert CliRunner().invoke(app, ["ingest", "--db", db_url, str(demo_corpus())]).exit_code == 0
    database = Database(db_url)
    try:
        with database.write() as conn:
            records = [json.loads(r) for (r,) in conn.execute(text("SELECT record FROM records"))]
            found = next(d for r in records for d in disputes_in_record(r))
            assert write_disputes(conn, [found, found], "2026-01-01T00:00:00Z") == 1
            ident = dispute_id(found)
            assert conn.execute(text("SELECT count(*) FROM disputes WHERE id = :d"), {"d": ident}).scalar() == 1
            sides = conn.execute(text("SELECT count(*) FROM dispute_sides WHERE dispute_id = :d"), {"d": ident}).scalar()
            assert sides == len(found["sides"])
    finally:
        database.close()
