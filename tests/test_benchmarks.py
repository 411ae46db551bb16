"""A smoke run of the benchmark harness at 10 k triples, so it cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def test_synthetic_submission_passes_the_shapes(tmp_path, context):
    from synth import generate

    from kg.submissions import check, read

    written = generate(3000, tmp_path)
    path = tmp_path / f"{max(written, key=written.get)}.ttl"
    report = check(read(path, context), context, path.stem)
    assert report.conforms, report.to_text()


def test_capped_stops_pure_python_work_at_the_cap():
    from load import capped

    def spin() -> None:
        while True:
            pass

    start = time.perf_counter()
    result = capped(spin, 1, 0.2)
    assert result == {"over_cap": 0.2}
    assert time.perf_counter() - start < 5
    assert capped(lambda: 1 / 0, 1, 1)["error"].startswith("ZeroDivisionError")
    assert capped(lambda: 42, 3, 1)["value"] == 42


def test_merge_keeps_other_sizes_and_growth_is_per_size(tmp_path):
    from run import growth, merge

    path = tmp_path / "results.json"
    path.write_text(json.dumps({"runs": [{"size": "1M", "x": 1}, {"size": "10k", "x": 1}]}))
    merged = merge(path, [{"size": "1M", "x": 2}, {"size": "10M", "x": 3}])
    assert [(r["size"], r["x"]) for r in merged] == [("10k", 1), ("1M", 2), ("10M", 3)]
    assert growth([2.0, 20.0, "> cap", 5.0]) == ["2", "20 (x10.0)", "> cap", "5"]


def test_harness_smoke_run(tmp_path):
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--sizes",
            "10k",
            "--repeat",
            "1",
            "--gaps-repeat",
            "1",
            "--cap",
            "1",
            "--skip-load-test",
            "--validation-sizes",
            "100",
            "--validation-cap",
            "3",
            "--out",
            str(tmp_path),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    assert time.perf_counter() - start < 60
    results = json.loads((tmp_path / "results.json").read_text())
    run = results["runs"][0]
    assert run["size"] == "10k" and run["triples"] > 5000
    assert run["build_triples_per_s"] > 0 and run["view_build_s"] >= 0
    assert run["gaps"]["p50"] > 0 and run["rdflib"]["load"]["s"] > 0
    gaps = run["queries"]["interoperability-gaps"]
    assert gaps["oxigraph"]["p50"] > 0
    assert {"p50", "over_cap", "error"} & set(gaps["rdflib"])
    assert "100" in run["validation"]
    text = (tmp_path / "results.md").read_text()
    assert "## Targets" in text and "interoperability-gaps" in text
