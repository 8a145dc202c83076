"""Throughput of fogwatch extraction against raw spaCy parsing of the same texts, in one process.

    python bench/throughput.py [--corpus FILE] [--processes N] [--repeat R] [--format json]

The reference is the plain pipeline (`spacy.load(model)`, `nlp.pipe`) on the same texts with the
same number of processes; fogwatch's run reads the corpus file, parses with its entity patterns
and runs every registered extractor.

On a shared virtual machine the speed of the same run moves by 10-25% from one minute to the next,
more than the difference being measured. So with one process the corpus is cut into chunks of
`--chunk` articles and each chunk is parsed by spaCy and then run through fogwatch straight
after, so that a slow spell falls on both; the ratio of a pass is its summed spaCy time over its
summed fogwatch time (reading the corpus included, timed once per pass), and the median of
`--repeat` passes is reported with the others. With several processes both sides run the whole
corpus (worker start-up included), alternating, best time of each kept. The CPU seconds of each
side (this process and its finished workers) are reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

import spacy
from corpus import default_corpus, read

from fogwatch.language import load, model_name
from fogwatch.pipeline import extract_records, warm_up



def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024



def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_spacy(nlp, texts: list[str], processes: int, batch_size: int) -> tuple[float, float]:
    start, cpu = time.perf_counter(), cpu_seconds()
    for _ in nlp.pipe(texts, n_process=processes, batch_size=batch_size):
        pass
    return time.perf_counter() - start, cpu_seconds() - cpu


def run_fogwatch(corpus: list[str], model: str, processes: int, batch_size: int) -> tuple[float, float, int]:
    start, cpu = time.perf_counter(), cpu_seconds()
    n = sum(1 for _ in extract_records(read(corpus), model, n_process=processes, batch_size=batch_size))
    return time.perf_counter() - start, cpu_seconds() - cpu, n


def run_chunked(raw, corpus: list[str], model: str, chunk: int, batch_size: int) -> dict[str, float]:
    """One pass over the corpus, chunk by chunk: spaCy's parse of a chunk, then fogwatch's records."""
    start, cpu = time.perf_counter(), cpu_seconds()
    articles = read(corpus)
    totals = {"fogwatch_s": time.perf_counter() - start, "fogwatch_cpu_s": cpu_seconds() - cpu,
              "spacy_s": 0.0, "spacy_cpu_s": 0.0}
    for i in range(0, len(articles), chunk):
        part = articles[i:i + chunk]
        elapsed, cpu = run_spacy(raw, [a.text for a in part], 1, batch_size)
        totals["spacy_s"] += elapsed
        totals["spacy_cpu_s"] += cpu
        start, cpu = time.perf_counter(), cpu_seconds()
        n = sum(1 for _ in extract_records(part, model, n_process=1, batch_size=batch_size))
        assert n == len(part), f"fogwatch produced {n} records for {len(part)} texts"
        totals["fogwatch_s"] += time.perf_counter() - start
        totals["fogwatch_cpu_s"] += cpu_seconds() - cpu
    return totals


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", default=None, help="files or folders (default: fakes-dev, else the demo corpus)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=32, help="articles per interleaved chunk, one batch by default (one process)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    corpus = args.corpus or default_corpus()
    model = model_name(args.model)

    texts = [a.text for a in read(corpus)]
    raw = spacy.load(model)
    load(model)
    warm_up(model)  # fogwatch's pipeline and reference data loaded before timing, like the reference's
    run_spacy(raw, texts[:20], 1, args.batch_size)  # warm-up
    if args.processes == 1:
        passes = [run_chunked(raw, corpus, model, args.chunk, args.batch_size) for _ in range(args.repeat)]
    else:
        passes = []
        for _ in range(args.repeat):
            spacy_s, spacy_cpu = run_spacy(raw, texts, args.processes, args.batch_size)
            fog_s, fog_cpu, n = run_fogwatch(corpus, model, args.processes, args.batch_size)
            assert n == len(texts), f"fogwatch produced {n} records for {len(texts)} texts"
            passes.append({"spacy_s": spacy_s, "spacy_cpu_s": spacy_cpu, "fogwatch_s": fog_s, "fogwatch_cpu_s": fog_cpu})
    ratios = [p["spacy_s"] / p["fogwatch_s"] for p in passes]  # in the order run
    if args.processes == 1:
        ratio = statistics.median_low(ratios)  # a pass's own ratio, whose times are reported with it
        best = passes[ratios.index(ratio)]
        spacy_s, fog_s, spacy_cpu, fog_cpu = best["spacy_s"], best["fogwatch_s"], best["spacy_cpu_s"], best["fogwatch_cpu_s"]
    else:
        spacy_s, fog_s = min(p["spacy_s"] for p in passes), min(p["fogwatch_s"] for p in passes)
        spacy_cpu, fog_cpu = min(p["spacy_cpu_s"] for p in passes), min(p["fogwatch_cpu_s"] for p in passes)
        ratio = spacy_s / fog_s
    result = {
        "corpus": corpus,
        "articles": len(texts),
        "characters": sum(map(len, texts)),
        "processes": args.processes,
        "model": model,
        "spacy_s": round(spacy_s, 3),
        "fogwatch_s": round(fog_s, 3),
        "spacy_articles_per_s": round(len(texts) / spacy_s, 2),
        "articles_per_s": round(len(texts) / fog_s, 2),
        "ratio_vs_spacy": round(ratio, 3),
        "pass_ratios": [round(r, 3) for r in ratios],
        "spacy_cpu_s": round(spacy_cpu, 3),
        "fogwatch_cpu_s": round(fog_cpu, 3),
        "cpu_ratio_vs_spacy": round(spacy_cpu / fog_cpu, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['articles']} articles, {args.processes} process(es), model {model}")
        print(f"raw spaCy : {spacy_s:8.2f} s  {result['spacy_articles_per_s']:7.2f} articles/s")
        print(f"fogwatch  : {fog_s:8.2f} s  {result['articles_per_s']:7.2f} articles/s")
        print(f"ratio vs spaCy: {result['ratio_vs_spacy']:.3f} (passes: {result['pass_ratios']}; "
              f"CPU time: {result['cpu_ratio_vs_spacy']:.3f})   "
              f"peak RSS: {result['peak_rss_mb']} MB")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
