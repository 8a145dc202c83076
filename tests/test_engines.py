"""Extraction engines: one process, a pool of processes, and a real 2-worker Dask LocalCluster
give the same stored records; in-flight duplicates are extracted once."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import text

from fogwatch.demo import demo_corpus
from fogwatch.engine import Engine
from fogwatch.ingest import ingest
from fogwatch.store import Database


def _records(db: Database) -> dict[str, dict]:
    with db.read() as conn:
        rows = conn.execute(text("SELECT article_id, record FROM records")).all()
    return {article_id: json.loads(record) for article_id, record in rows}


def _counts(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in ("articles", "appearances", "records", "events", "figures", "claims", "incidents")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('ref') / 'ref.db'}")
    report = ingest(db, [str(demo_corpus())])
    assert report.ok and report.counts["new"] >= 10
    yield _records(db), _counts(db)
    db.close()


@pytest.mark.parametrize("engine", [Engine(processes=2), Engine(workers=2)], ids=["pool-2", "dask-local-2"])
def test_engines_store_what_one_process_stores(tmp_path, reference, engine):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    report = ingest(db, [str(demo_corpus())], batch_size=4, engine=engine)
    records, counts = reference
    assert report.ok
    assert _counts(db) == counts
    assert _records(db) == records  # same ids, same facts, whichever engine extracted them
    db.close()


def test_dask_scheduler_address(tmp_path, reference):
    """A scheduler given by address (here a LocalCluster's), as `--dask tcp://HOST:8786` would be."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        db = Database(f"sqlite:///{tmp_path / 'x.db'}")
        report = ingest(db, [str(demo_corpus())], engine=Engine(dask=cluster.scheduler_address))
        assert report.ok and _records(db) == reference[0]
        db.close()


def test_duplicates_in_flight_are_extracted_once(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    source = next(p for p in sorted(demo_corpus().iterdir()) if p.suffix == ".txt")
    for i in range(6):  # the same text six times: three batches of two, all in flight at once
        shutil.copy(source, folder / f"copy{i}.txt")
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    report = ingest(db, [str(folder)], batch_size=2, engine=Engine(processes=2))
    assert report.ok and report.extracted.count(report.extracted[0]) == 1 and len(report.extracted) == 1
    assert _counts(db)["records"] == 1 and _counts(db)["articles"] == 1
    db.close()
