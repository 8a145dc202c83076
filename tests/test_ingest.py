"""Ingest end to end through the CLI: summaries, exit codes, idempotency, a broken file among good ones."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from fogwatch.cli import app
from fogwatch.ingest import ingest
from fogwatch.store import Database
from fogwatch.store.articles import stats

runner = CliRunner()
PLACES = ["Kidal", "Gao", "Timbuktu", "Mopti", "Segou", "Menaka", "Tessalit", "Douentza", "Bandiagara", "Sevare"]


def write_reports(folder: Path, n: int = 10) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"report-{i:02d}.txt").write_text(
            f"---\ntitle: Clashes near {PLACES[i]}\npublished: 2022-0{1 + i % 9}-1{i % 9}\noutlet: Mali Wire\n---\n\n"
            f"Fighting broke out near {PLACES[i]} on day {i}, officials said, with {i + 2} people wounded.\n"
        )


def cli(*args: str):
    return runner.invoke(app, list(args))


def test_folder_with_one_binary_file(tmp_path):
    write_reports(tmp_path / "in")
    rng = random.Random(1)
    (tmp_path / "in" / "corrupt.txt").write_bytes(bytes(rng.randrange(256) for _ in range(2000)))
    db = str(tmp_path / "f.db")
    result = cli("ingest", "--db", db, str(tmp_path / "in"))
    assert result.exit_code == 1
    assert "corrupt.txt" in result.output and "binary" in result.output
    assert "new 10" in result.output and "failed 1" in result.output
    result = cli("stats", "--db", db, "--format", "json")
    assert json.loads(result.output)["articles"] == 10
    assert json.loads(result.output)["rejections"] == 1


def test_reingest_is_idempotent_and_json_summary(tmp_path):
    write_reports(tmp_path / "in", 4)
    db = str(tmp_path / "i.db")
    first = json.loads(cli("ingest", "--db", db, "--format", "json", str(tmp_path / "in")).output)
    second = json.loads(cli("ingest", "--db", db, "--format", "json", str(tmp_path / "in")).output)
    assert (first["new"], first["already_stored"]) == (4, 0)
    assert (second["new"], second["already_stored"]) == (0, 4)


def test_db_from_environment(tmp_path, monkeypatch):
    write_reports(tmp_path / "in", 2)
    monkeypatch.setenv("FOGWATCH_DB", str(tmp_path / "env.db"))
    assert cli("ingest", str(tmp_path / "in")).exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_articles_search_show_commands(tmp_path):
    write_reports(tmp_path / "in", 5)
    db = str(tmp_path / "c.db")
    cli("ingest", "--db", db, str(tmp_path / "in"))
    listing = json.loads(cli("articles", "--db", db, "--format", "json", "--since", "2022-03-01").output)
    assert listing["total"] == 3
    hits = json.loads(cli("search", "--db", db, "Timbuktu", "--format", "json").output)
    assert [h["title"] for h in hits] == ["Clashes near Timbuktu"]
    shown = cli("show", "--db", db, hits[0]["id"][:10])
    assert shown.exit_code == 0 and "Fighting broke out near Timbuktu" in shown.output
    assert cli("show", "--db", db, "ffffffffff").exit_code == 1
    assert cli("articles", "--db", db, "--since", "yesterday").exit_code != 0


def test_batches_commit_as_they_go(tmp_path):
    """A batch that fails to store must not undo the batches already committed."""
    write_reports(tmp_path / "in", 10)
    db = Database(tmp_path / "b.db")
    report = ingest(db, [str(tmp_path / "in")], batch_size=3)
    assert report.counts["new"] == 10 and stats(db)["articles"] == 10


def test_killed_ingest_leaves_consistent_db_and_rerun_completes(tmp_path):
    """SIGKILL in the middle of an ingest, then a re-run: every article exactly once."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(600):
        (folder / f"{i:04d}.txt").write_text(f"Report number {i}: an armed group attacked a checkpoint near village {i}.")
    db_path = tmp_path / "k.db"
    script = (
        "import sys, os, signal\n"
        "from fogwatch.store import Database\n"
        "from fogwatch.ingest import ingest\n"
        "db = Database(sys.argv[1])\n"
        "n = 0\n"
        "def progress(item, outcome):\n"
        "    global n\n"
        "    n += 1\n"
        "    if n == 250: os.kill(os.getpid(), signal.SIGKILL)\n"
        "ingest(db, [sys.argv[2]], batch_size=100, progress=progress)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(db_path), str(folder)])
    assert killed.returncode == -9
    db = Database(db_path)
    assert db.integrity_check() == "ok"
    assert stats(db)["articles"] in (200, 300)  # whole batches only
    report = ingest(db, [str(folder)])
    assert stats(db)["articles"] == 600 and stats(db)["appearances"] == 600
    assert report.counts["new"] == 600 - report.counts["stored"]


def test_demo_command(tmp_path):
    result = cli("demo", "--db", str(tmp_path / "demo.db"))
    assert result.exit_code == 0, result.output
    assert "new 10" in result.output and "wire copies 1" in result.output and "failed 0" in result.output
    assert f"fogwatch serve --db {tmp_path / 'demo.db'}" in result.output.replace("\n", "")
    again = cli("demo", "--db", str(tmp_path / "demo.db"))  # a fresh database every time
    assert "new 10" in again.output


def test_shared_corpora_twice_gives_363(tmp_path, shared):
    db = str(tmp_path / "s.db")
    sources = [str(shared / "seeds" / "seeds.jsonl"), str(shared / "corpora" / "fakes-dev.jsonl")]
    for _ in range(2):
        assert cli("ingest", "--db", db, *sources).exit_code == 0
    assert json.loads(cli("stats", "--db", db, "--format", "json").output)["articles"] == 363


def test_cli_on_both_backends(tmp_path, db_url):
    """ingest → stats → search → show through the CLI, on SQLite and on PostgreSQL."""
    write_reports(tmp_path / "in", 6)
    (tmp_path / "in" / "dup.txt").write_text((tmp_path / "in" / "report-03.txt").read_text()
                                             .replace("outlet: Mali Wire", "outlet: Bamako Daily"))
    result = cli("ingest", "--db", db_url, "--format", "json", str(tmp_path / "in"))
    summary = json.loads(result.output)
    assert (summary["new"], summary["wire_copies"], summary["failed"]) == (6, 1, 0)
    counts = json.loads(cli("stats", "--db", db_url, "--format", "json").output)
    assert (counts["articles"], counts["appearances"]) == (6, 7)
    hits = json.loads(cli("search", "--db", db_url, "Menaka", "--format", "json").output)
    assert [h["title"] for h in hits] == ["Clashes near Menaka"]
    shown = json.loads(cli("show", "--db", db_url, hits[0]["id"], "--format", "json").output)
    assert shown["text"].startswith("Fighting broke out near Menaka")


def _incidents(db: Database) -> tuple[set, int]:
    from sqlalchemy import text

    with db.read() as conn:
        reports = conn.execute(text("SELECT incident_id, article_id, event_id FROM incident_reports")).all()
        disputes = conn.execute(text("SELECT count(*) FROM disputes")).scalar()
    by_incident: dict[str, set] = {}
    for incident_id, article_id, event_id in reports:
        by_incident.setdefault(incident_id, set()).add((article_id, event_id))
    return {frozenset(v) for v in by_incident.values()}, disputes


def test_reconciling_as_it_goes_reads_only_what_a_batch_can_touch(tmp_path, monkeypatch):
    """A long ingest reconciles every few articles; each round reads back only the incidents within
    the grouping window of its events. Reading every stored incident instead must give the same
    incidents and disputes: the window leaves nothing out that could have been joined."""
    import fogwatch.reconcile.run as run
    from fogwatch.demo import demo_corpus

    windowed = Database(tmp_path / "windowed.db")
    report = ingest(windowed, [str(demo_corpus())], batch_size=4, reconcile_every=3)
    assert report.reconciled["articles"] == report.counts["new"] > 6  # several rounds, every article once

    read: list[int] = []
    original = run._stored_incidents

    def everything(conn, events):
        from sqlalchemy import text

        rows = conn.execute(text("SELECT summary FROM incidents ORDER BY date_from, id")).all()
        read.append(len(rows))
        windowed_count = len(original(conn, events))
        assert windowed_count <= len(rows)
        return [run.incident_from_dict(json.loads(r[0])["incident"]) for r in rows if r[0]]

    monkeypatch.setattr(run, "_stored_incidents", everything)
    full = Database(tmp_path / "full.db")
    ingest(full, [str(demo_corpus())], batch_size=4, reconcile_every=3)
    assert len(read) > 2
    assert _incidents(windowed) == _incidents(full)


def test_stored_incidents_far_in_time_are_not_read(tmp_path):
    from datetime import date, timedelta

    import fogwatch.reconcile.run as run
    from fogwatch.reconcile.incidents import EventRef

    folder = tmp_path / "in"
    write_reports(folder, 3)
    db = Database(tmp_path / "f.db")
    ingest(db, [str(folder)])
    with db.read() as conn:
        first = conn.execute(run.text("SELECT min(date_from) FROM incidents")).scalar()
        day = date.fromisoformat(first)

        def event(on: date) -> EventRef:
            return EventRef(article_id="x", event_id="e1", published=on, outlet="o", date_from=on, date_to=on)

        assert run._stored_incidents(conn, [event(day + timedelta(days=400))]) == []
        near = run._stored_incidents(conn, [event(day + timedelta(days=run.WINDOW_DAYS))])
        assert any(i.date_from == day for i in near)
        assert run._stored_incidents(conn, [EventRef(article_id="x", event_id="e1", published=None, outlet="o")]) == []


def test_a_wire_copy_stored_in_a_later_run_joins_its_original_within_the_window(tmp_path):
    from sqlalchemy import text

    from fogwatch.reconcile.run import COPY_WINDOW_DAYS

    body = ("Militia fighters attacked the market town of Kutum in North Darfur on Sunday, killing 14 civilians "
            "and wounding dozens more, according to local officials and residents reached by telephone. The "
            "attackers arrived on motorcycles and camels before dawn, set fire to shops and homes and drove "
            "off livestock, witnesses said. Aid groups said thousands of people fled toward the town of El "
            "Fasher after the attack, the third in the area this month.")
    def write(name: str, published: str, outlet: str) -> Path:
        path = tmp_path / name
        # a copy lightly edited: the outlet's own closing line
        path.write_text(f"---\ntitle: Attack on Kutum\npublished: {published}\noutlet: {outlet}\n---\n\n{body} "
                        f"{outlet} could not verify the accounts independently.\n")
        return path

    db = Database(tmp_path / "f.db")
    ingest(db, [str(write("a.txt", "2023-05-01", "Wire One"))])
    ingest(db, [str(write("b.txt", f"2023-05-{1 + COPY_WINDOW_DAYS - 10:02d}", "Nile Monitor"))])
    ingest(db, [str(write("c.txt", "2023-09-01", "Coast Herald"))])  # months later: not read as a copy
    with db.read() as conn:
        groups = dict(conn.execute(text("SELECT a.outlet, g.group_id FROM article_groups g JOIN articles a"
                                        " ON a.id = g.article_id")).all())
    assert groups["Wire One"] == groups["Nile Monitor"]
    assert groups["Coast Herald"] != groups["Wire One"]
