"""API latency on a large store: p50 / p95 of the events and disputes endpoints (and a few others)
over a database holding `--events` events (100,000 by default), served by a real uvicorn server.

    python bench/api.py [--events 100000] [--requests 200] [--db PATH] [--format json]

The store is filled without parsing: the demo corpus is extracted once, then its articles are
copied (each copy a new text, moved in time by whole days, so that incidents and disputes stay
realistic) with their records until the events reach the target; reconciliation runs over all of
it as `fogwatch reconcile` would. Then `fogwatch serve` runs in its own process, and this process
asks each endpoint `--requests` times with rotating filters (type, country, dates, bounding box,
actor, outlet, sort, deep offsets), one request at a time, and reports wall-clock latency.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from fogwatch.demo import demo_corpus
from fogwatch.model import Article
from fogwatch.pipeline import extract_records
from fogwatch.sources import ReadOptions, read_sources
from fogwatch.store import Database
from fogwatch.store.articles import store_articles

QUERIES: dict[str, list[str]] = {
    "events": ["", "type=ASSAULT", "country=SDN", "date_from=2024-03-01&date_to=2024-03-31",
               "bbox=20,10,30,16", "actor=army", "outlet=Nile%20Wire", "sort=date:desc",
               "offset=5000&limit=50", "type=ASSAULT&country=SDN&sort=date:desc&limit=100", "factual=true"],
    "disputes": ["", "type=figure", "type=assert_deny", "country=SDN", "date_from=2024-05-01",
                 "offset=1000&limit=50", "actor=army"],
    "incidents": ["", "min_reports=2", "country=SDN&sort=date_from:desc", "bbox=20,10,30,16"],
    "articles": ["", "outlet=Nile%20Wire", "date_from=2024-02-01&date_to=2024-02-29"],
}


def fill(db: Database, target_events: int) -> dict[str, int]:
    """Copies of the demo articles and their records until the store holds `target_events` events."""
    from fogwatch.reconcile.run import reconcile

    read = [a for a in read_sources([str(demo_corpus())], ReadOptions()) if isinstance(a, Article)]
    base = list({a.id: a for a in read}.values())  # a wire copy is the same article: count it once
    records = list(extract_records(base))
    per_copy = sum(len(r["events"]) for r in records)
    copies = max(1, -(-target_events // per_copy))
    rng = random.Random(3)
    batch_articles: list[Article] = []
    batch_records: list[dict] = []
    for k in range(copies):
        shift = timedelta(days=rng.randrange(-150, 150))
        for article, record in zip(base, records):
            published = (article.published or date(2024, 5, 15)) + shift
            clone = Article(text=f"{article.text}\n\n(Copy {k}.)", title=article.title, outlet=article.outlet,
                            url=None, published=published, source_id=f"{article.source_id}-{k}")
            rec = copy.deepcopy(record)
            rec["article"].update(id=clone.id, published=published.isoformat(), source_id=clone.source_id, url=None)
            for t in rec["times"]:
                for key in ("from", "to"):
                    if t.get(key):
                        t[key] = (date.fromisoformat(t[key]) + shift).isoformat()
            batch_articles.append(clone)
            batch_records.append(rec)
        if len(batch_articles) >= 500 or k == copies - 1:
            store_articles(db, batch_articles, batch_records, "bench-copy")
            batch_articles, batch_records = [], []
    reconcile(db, None)
    with db.read() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in ("articles", "events", "incidents", "disputes")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(base_url: str, requests: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for endpoint, queries in QUERIES.items():
            for q in queries:  # warm every query once (SQLite page cache, Python imports)
                client.get(f"/api/{endpoint}?{q}").raise_for_status()
            times = []
            for i in range(requests):
                q = queries[i % len(queries)]
                start = time.perf_counter()
                response = client.get(f"/api/{endpoint}?{q}")
                times.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
            times.sort()
            out[endpoint] = {"p50_ms": round(statistics.median(times), 1),
                             "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
                             "max_ms": round(times[-1], 1), "requests": requests}
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", default=None, help="reuse (or fill) this database instead of a temporary one")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    tmp = tempfile.TemporaryDirectory()
    url = args.db or str(Path(tmp.name) / "api.db")
    db = Database(url)
    with db.read() as conn:
        have = conn.execute(text("SELECT COUNT(*) FROM events")).scalar_one()
    started = time.perf_counter()
    counts = fill(db, args.events) if have < args.events else None
    fill_s = time.perf_counter() - started
    with db.read() as conn:
        counts = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                  for t in ("articles", "events", "incidents", "disputes")}
    db.close()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "fogwatch.cli", "serve", "--db", url, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    try:
        base_url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if httpx.get(f"{base_url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        latencies = measure(base_url, args.requests)
    finally:
        server.terminate()
        server.wait(10)
        tmp.cleanup()
    result = {"store": counts, "fill_s": round(fill_s, 1), "latency": latencies}
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(f"store: {counts} (filled in {result['fill_s']} s)")
        for endpoint, row in latencies.items():
            print(f"/api/{endpoint:<10} p50 {row['p50_ms']:7.1f} ms   p95 {row['p95_ms']:7.1f} ms   "
                  f"max {row['max_ms']:7.1f} ms  ({row['requests']} requests)")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
