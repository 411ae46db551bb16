"""A smoke run of the release-package benchmark at 10 k triples, so it cannot rot."""

from __future__ import annotations

import sys

from kg.settings import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))


def test_the_package_benchmark_runs_and_finds_the_same_hashes(tmp_path):
    from packages import measure, render

    result = measure("10k", "GBR@GBR-S", tmp_path)
    assert result["full"]["same_hashes"] and result["incremental"]["same_hashes"]
    assert result["full"]["graphs"] > result["incremental"]["graphs"] == 1
    assert "| 10k | GBR@GBR-S |" in render([result])
