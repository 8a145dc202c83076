"""Scale-out: the same corpus parsed and extracted by one and by two Dask workers, in one run.

    python bench/scale.py [--corpus FILE ...] [--workers 1 2] [--repeat R] [--format json]

Each configuration gets a fresh LocalCluster (single-threaded worker processes); the workers load
the spaCy pipeline on a warm-up batch before the clock starts, so the figure is the steady rate of
extraction, not start-up. The scheduler, the client and reading stay in this process, as in
`fogwatch ingest --dask`. Prints articles per second per configuration and the speed-up of each
over the first.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from corpus import default_corpus, read
from fogwatch.engine import Engine
from fogwatch.model import Article
from fogwatch.pipeline import extract_records, records_of




def run(articles: list[Article], workers: int, model: str | None, batch_size: int) -> float:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        client.wait_for_workers(workers)
        client.run(records_of, articles[:2], model)  # every worker loads the pipeline now
        start = time.perf_counter()
        n = sum(1 for _ in extract_records(articles, batch_size=batch_size,
                                           engine=Engine(model=model, dask=cluster.scheduler_address)))
        elapsed = time.perf_counter() - start
    assert n == len(articles), f"{n} records for {len(articles)} articles"
    return elapsed


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    corpus = args.corpus or default_corpus()
    articles = read(corpus)
    times: dict[int, float] = {}
    for _ in range(args.repeat):
        for workers in args.workers:
            elapsed = run(articles, workers, args.model, args.batch_size)
            times[workers] = min(times.get(workers, elapsed), elapsed)
    base = args.workers[0]
    result = {
        "corpus": corpus, "articles": len(articles),
        "runs": [{"workers": w, "seconds": round(t, 2), "articles_per_s": round(len(articles) / t, 2),
                  f"speedup_vs_{base}": round(times[base] / t, 3)} for w, t in times.items()],
    }
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        for row in result["runs"]:
            print(f"{row['workers']} worker(s): {row['seconds']:8.2f} s  {row['articles_per_s']:7.2f} articles/s  "
                  f"speed-up {row[f'speedup_vs_{base}']:.2f}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
