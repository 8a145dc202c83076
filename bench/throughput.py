"""Throughput of fogwatch extraction against raw spaCy parsing of the same texts, in one process.

    python bench/throughput.py [--corpus FILE] [--processes N] [--repeat R] [--format json]

The reference is the plain pipeline (`spacy.load(model)`, `nlp.pipe`) on the same texts with the
same number of processes; fogwatch's run reads the corpus file, parses with its entity patterns
and runs every registered extractor. Each is run `--repeat` times, alternating, and the best time
of each is kept, so that a busy moment on the machine does not decide the ratio. The CPU seconds
of each run (this process and its finished workers) are reported too: on a shared machine they move
less than wall time when another job takes a core.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

import spacy
from corpus import default_corpus, read

from fogwatch.language import load, model_name
from fogwatch.pipeline import extract_records



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


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", default=None, help="files or folders (default: fakes-dev, else the demo corpus)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    corpus = args.corpus or default_corpus()
    model = model_name(args.model)

    texts = [a.text for a in read(corpus)]
    raw = spacy.load(model)
    load(model)  # fogwatch's pipeline loaded before timing, like the reference
    run_spacy(raw, texts[:20], 1, args.batch_size)  # warm-up
    spacy_times, fog_times, spacy_cpu, fog_cpu = [], [], [], []
    for _ in range(args.repeat):
        elapsed, cpu = run_spacy(raw, texts, args.processes, args.batch_size)
        spacy_times.append(elapsed)
        spacy_cpu.append(cpu)
        elapsed, cpu, n = run_fogwatch(corpus, model, args.processes, args.batch_size)
        assert n == len(texts), f"fogwatch produced {n} records for {len(texts)} texts"
        fog_times.append(elapsed)
        fog_cpu.append(cpu)
    spacy_s, fog_s = min(spacy_times), min(fog_times)
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
        "ratio_vs_spacy": round(spacy_s / fog_s, 3),
        "spacy_cpu_s": round(min(spacy_cpu), 3),
        "fogwatch_cpu_s": round(min(fog_cpu), 3),
        "cpu_ratio_vs_spacy": round(min(spacy_cpu) / min(fog_cpu), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['articles']} articles, {args.processes} process(es), model {model}")
        print(f"raw spaCy : {spacy_s:8.2f} s  {result['spacy_articles_per_s']:7.2f} articles/s")
        print(f"fogwatch  : {fog_s:8.2f} s  {result['articles_per_s']:7.2f} articles/s")
        print(f"ratio vs spaCy: {result['ratio_vs_spacy']:.3f} (CPU time: {result['cpu_ratio_vs_spacy']:.3f})   "
              f"peak RSS: {result['peak_rss_mb']} MB")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
