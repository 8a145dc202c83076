"""Incidents through the database: the demo's reports grouped, graded and summarised; an
incremental ingest (in publication order) gives the incidents a full recompute gives."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from fogwatch.cli import app
from fogwatch.demo import demo_corpus

runner = CliRunner()


def incidents(db: str) -> list[dict]:
    result = runner.invoke(app, ["incidents", "--db", db, "--min-reports", "2", "--limit", "500", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["incidents"]


def test_demo_incidents(db_url):
    assert runner.invoke(app, ["ingest", "--db", db_url, str(demo_corpus())]).exit_code == 0
    found = incidents(db_url)
    multi_outlet = [i for i in found if i["outlets"] >= 2]
    assert len(multi_outlet) >= 3
    places = {i["place_name"] for i in multi_outlet}
    assert {"El Fasher", "Nyala"} <= places
    for incident in found:
        assert incident["grade"] in {"single source", "corroborated", "acknowledged", "contested", "denied"}
        assert incident["grade_rule"]
    fasher = next(i for i in multi_outlet if i["place_name"] == "El Fasher" and i["type"] == "ASSAULT")
    shown = json.loads(runner.invoke(app, ["show", "--db", db_url, fasher["id"], "--format", "json"]).stdout)
    assert len({r["outlet"] for r in shown["reports_detail"]}) >= 2
    killed = [f for f in shown["figures"] if f["category"] == "killed"]
    assert killed and killed[0]["acled"] is not None and killed[0]["acled"] <= killed[0]["best"]


def test_incremental_equals_full_recompute(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    files = sorted(demo_corpus().iterdir())
    for path in files:  # reports published up to 16 May first, the later ones in a second ingest
        published = next((line.split(":", 1)[1].strip() for line in path.read_text().splitlines()
                          if line.startswith("published:")), "2024-05-18")
        shutil.copy(path, (first if published <= "2024-05-16" else second) / path.name)
    db = str(tmp_path / "inc.db")
    assert runner.invoke(app, ["ingest", "--db", db, str(first)]).exit_code == 0
    assert runner.invoke(app, ["ingest", "--db", db, str(second)]).exit_code == 0
    incremental = {(i["id"], i["reports"]) for i in incidents(db)}
    assert runner.invoke(app, ["reconcile", "--db", db]).exit_code == 0
    full = {(i["id"], i["reports"]) for i in incidents(db)}
    assert incremental == full and full


def test_events_command_filters(tmp_path):
    db = str(tmp_path / "ev.db")
    assert runner.invoke(app, ["ingest", "--db", db, str(demo_corpus())]).exit_code == 0
    result = json.loads(runner.invoke(app, ["events", "--db", db, "--type", "ASSAULT", "--country", "SDN",
                                            "--since", "2024-05-12", "--limit", "500", "--format", "json"]).stdout)
    assert result["total"] > 0
    assert all(e["type"] == "ASSAULT" and e["country"] == "SDN" and e["date"] >= "2024-05-12" for e in result["events"])
    assert all(not e["negated"] and not e["hypothetical"] for e in result["events"])
    everything = json.loads(runner.invoke(app, ["events", "--db", db, "--all", "--limit", "1", "--format", "json"]).stdout)
    assert everything["total"] > result["total"]
