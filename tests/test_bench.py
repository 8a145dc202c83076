"""The throughput benchmark runs and reports what its readers (the closing notes, docs/evaluation.md)
quote. No timing is asserted: speed is measured by running the benchmark, not by the test suite."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

from fogwatch.model import Article
from fogwatch.sources import ReadOptions, read_sources

DEMO = ROOT / "src" / "fogwatch" / "data" / "demo"


def test_throughput_bench_interleaves_passes_and_reports_their_ratios():
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "throughput.py"), "--corpus", str(DEMO), "--repeat", "2",
         "--chunk", "4", "--format", "json"],
        capture_output=True, text=True, timeout=600, check=True)
    result = json.loads(out.stdout)
    articles = sum(isinstance(a, Article) for a in read_sources([str(DEMO)], ReadOptions()))
    assert result["articles"] == articles > 0  # every demo article went through both sides
    assert result["processes"] == 1
    assert len(result["pass_ratios"]) == 2
    assert min(result["pass_ratios"]) <= result["ratio_vs_spacy"] <= max(result["pass_ratios"])  # a median pass
    assert result["spacy_s"] > 0 and result["fogwatch_s"] > 0
    assert abs(result["ratio_vs_spacy"] - result["spacy_s"] / result["fogwatch_s"]) < 0.01
    assert result["peak_rss_mb"] > 0
