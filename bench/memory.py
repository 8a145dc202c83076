"""Memory on a large corpus: peak resident memory of `ingest` (reading, extraction, storing and the
final reconciliation) over N synthetic articles, sampled as it goes, to show it stays flat.

    python bench/memory.py [--articles 100000] [--processes 2] [--db PATH] [--every 1000] [--format json]

The articles are made by recombining the sentences of the bundled demo corpus (seeded, so a run is
repeatable): 6–14 sentences each, one of a dozen outlets, a serial number in the title so that every
text is new, dated in publication order from 2019-01-01, `--per-day` to a day (as a feed delivers
them; 100,000 articles span five and a half years). They stream from a generator: nothing holds the
whole corpus. Memory is the sum of the proportional set sizes (resident memory, shared pages counted
once) of this process and its worker processes, from /proc: reported every `--every` articles, and
polled every half second by a thread for the peak (reconciliation runs between those reports).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from fogwatch.demo import demo_corpus
from fogwatch.engine import Engine
from fogwatch.ingest import ingest_items
from fogwatch.model import Article
from fogwatch.sources import ReadOptions, read_sources
from fogwatch.store import Database

OUTLETS = ["Wire One", "Sahel Courier", "Levant Daily", "Nile Monitor", "Caucasus Report", "Field Desk",
           "Radio Horizon", "Border Post", "Evening Ledger", "Coast Herald", "Plateau News", "City Gazette"]


def sentences() -> list[str]:
    out: list[str] = []
    for article in read_sources([str(demo_corpus())], ReadOptions()):
        if isinstance(article, Article):
            out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", article.text) if len(s.split()) >= 5]
    return out


def synthetic(n: int, seed: int = 7, per_day: int = 50) -> Iterator[Article]:
    """Articles in publication order, as a feed delivers them, `per_day` to a day."""
    rng = random.Random(seed)
    pool = sentences()
    start = date(2019, 1, 1)
    for i in range(n):
        body = rng.sample(pool, rng.randint(6, 14))
        yield Article(text=" ".join(body), title=f"Report {i}: {body[0][:60]}", outlet=rng.choice(OUTLETS),
                      published=start + timedelta(days=i // per_day), source_id=f"syn-{i}")


def pss_mb(pid: int) -> float:
    """Proportional set size: resident memory with pages shared between processes (the spaCy
    pipeline the forked workers share with the parent) counted once across them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def family_rss_mb() -> float:
    """Memory of this process and every live descendant (pool workers), shared pages once."""
    pids = [os.getpid(), *(p.pid for p in multiprocessing.active_children())]
    return sum(pss_mb(pid) for pid in pids)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--db", default=None, help="database to fill (default: a temporary SQLite file)")
    parser.add_argument("--every", type=int, default=1000, help="report memory every N articles")
    parser.add_argument("--per-day", type=int, default=50, help="synthetic articles per day")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory() if args.db is None else None
    url = args.db or str(Path(tmp.name) / "memory.db")  # type: ignore[union-attr]
    db = Database(url)
    samples: list[tuple[int, float, float]] = []
    done = 0
    started = time.perf_counter()

    def progress(_item: object, _outcome: str) -> None:
        nonlocal done
        done += 1
        if done % args.every == 0:
            samples.append((done, round(time.perf_counter() - started, 1), round(family_rss_mb(), 1)))
            if args.format == "text":
                print(f"{done:>8} articles  {samples[-1][1]:>8.1f} s  {samples[-1][2]:>8.1f} MB", flush=True)

    polled: list[tuple[int, float]] = []  # (articles done, MB) every half second
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(0.5):
            polled.append((done, family_rss_mb()))

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    report = ingest_items(db, synthetic(args.articles, per_day=args.per_day),
                          engine=Engine(processes=args.processes), progress=progress)
    total_s = time.perf_counter() - started
    stop.set()
    poller.join()
    samples.append((done, round(total_s, 1), round(family_rss_mb(), 1)))
    db.close()
    polled += [(s[0], s[2]) for s in samples]
    half = args.articles // 2
    result = {
        "articles": args.articles, "processes": args.processes, "per_day": args.per_day,
        "stored": report.counts["new"], "seconds": round(total_s, 1), "articles_per_s": round(done / total_s, 2),
        "peak_rss_mb": round(max(mb for _, mb in polled), 1),
        "peak_rss_mb_first_half": round(max((mb for n, mb in polled if n < half), default=0.0), 1),
        "peak_rss_mb_second_half": round(max((mb for n, mb in polled if n >= half), default=0.0), 1),
        "samples": samples,
    }
    if tmp is not None:
        tmp.cleanup()
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['stored']} stored in {result['seconds']} s ({result['articles_per_s']} articles/s); "
              f"peak RSS {result['peak_rss_mb']} MB (first half {result['peak_rss_mb_first_half']}, "
              f"second half {result['peak_rss_mb_second_half']})")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
