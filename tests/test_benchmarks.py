"""A smoke run of the benchmark harness at 10 k triples, so it cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_synthetic_submission_passes_the_shapes(tmp_path, context):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import generate

    from kg.submissions import check, read

    written = generate(3000, tmp_path)
    path = tmp_path / f"{max(written, key=written.get)}.ttl"
    report = check(read(path, context), context, path.stem)
    assert report.conforms, report.to_text()


def test_harness_smoke_run(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "10k",
                    "--repeat", "1", "--cap", "5", "--out", str(tmp_path)],
                   check=True, timeout=600, capture_output=True)
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["runs"][0]["triples"] > 5000
    assert "interoperability-gaps" in (tmp_path / "results.md").read_text()
