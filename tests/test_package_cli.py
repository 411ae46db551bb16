"""The README's worked example: USA exports for FRA, a second store imports it, and FRA's gap
reports there are the same; refusals on the command line; import beside a running server."""

from __future__ import annotations

import gc
import json
import signal
import subprocess
import sys
import traceback
import urllib.request

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.integrity import verify as integrity
from kg.settings import ROOT
from kg.store import Store
from kg.submissions.structure import Structure, identifier
from tests.conftest import free_port, start_server

USA_GRAPH = "https://w3id.org/csig/graph/partner/USA/us-u"
USA_DATA = "https://w3id.org/csig/graph/partner/USA"  # the Graph Store's name for all of it


def kg(store, tmp_path, *args: str):
    """Run `kg` in this process on `store`, as the conftest runner does."""
    options = [f"--store={store}", f"--content={ROOT}", f"--audit-log={tmp_path / 'audit.log'}"]
    result = CliRunner().invoke(main, [*options, *args], catch_exceptions=False)
    if result.exc_info:
        traceback.clear_frames(result.exc_info[2])
    gc.collect()  # release the embedded store's lock before the next command opens it
    return result


@pytest.fixture()
def example(tmp_path, store_path):
    """USA's store (the bundled data), its public key, and its package for FRA."""
    key = kg(store_path, tmp_path, "package", "key").output.strip()
    made = kg(
        store_path,
        tmp_path,
        "package",
        "export",
        "--for",
        "FRA@FRA-S",
        str(tmp_path / "usa-for-fra.zip"),
    )
    assert made.exit_code == 0, made.output
    assert "full package" in made.output and "(//NC//REL TO DEU, FRA)" in made.output
    return store_path, key, tmp_path / "usa-for-fra.zip"


def test_a_second_store_imports_the_package_and_answers_fras_gap_reports_alike(example, tmp_path):
    usa, key, path = example
    fra = tmp_path / "fra" / "store"
    checked = kg(fra, tmp_path, "package", "verify", "--trust", key, str(path))
    assert checked.exit_code == 0 and "verified" in checked.output, checked.output
    done = kg(fra, tmp_path, "package", "import", "--trust", key, str(path))
    assert done.exit_code == 0 and "USA: version 1" in done.output, done.output
    for report in (
        ("gaps", "--format", "json"),
        ("query", "coverage", "--format", "json"),
        ("stats", "--json"),
    ):
        here, there = (kg(s, tmp_path, *report, "--as", "fra-officer") for s in (usa, fra))
        assert here.exit_code == there.exit_code
        assert json.loads(here.output) == json.loads(there.output), report
    history = kg(fra, tmp_path, "history", "USA")
    assert "import" in history.output and "usa-for-fra.zip" in history.output
    audit = kg(fra, tmp_path, "audit", "--action", "package").output
    assert "imported" in audit


def test_a_refused_package_says_why_and_changes_nothing(example, tmp_path):
    usa, key, path = example
    fra = tmp_path / "fra" / "store"
    damaged = tmp_path / "damaged.zip"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    damaged.write_bytes(bytes(data))
    for package_file in (damaged, path):
        trust = key if package_file == damaged else key[:-4] + "AAA="
        refused = kg(fra, tmp_path, "package", "import", "--trust", trust, str(package_file))
        assert refused.exit_code == 1 and "refused, nothing was imported" in refused.output
    assert kg(fra, tmp_path, "package", "verify", str(damaged)).exit_code == 1
    assert "--trust" in kg(fra, tmp_path, "package", "import", str(path)).output
    assert kg(fra, tmp_path, "history", "USA").output.startswith("no versions")
    seeded = kg(usa, tmp_path, "package", "import", "--trust", key, str(path))
    assert seeded.exit_code == 1 and "--keep-local" in seeded.output
    assert "refused" in kg(usa, tmp_path, "audit", "--action", "package").output


def test_import_and_export_are_carried_out_by_a_running_server(example, tmp_path, store_path):
    usa, key, path = example
    fra = tmp_path / "fra" / "store"
    assert kg(fra, tmp_path, "package", "import", "--trust", key, str(path)).exit_code == 0
    store = Store(usa)  # USA withdraws a capability FRA sees, and makes an incremental package
    from kg.content import Content
    from kg.submissions import Context, withdraw

    gone = identifier(sorted(Structure.of(store.triples(USA_GRAPH)).capabilities, key=str)[0])
    withdraw(store, Context(Content(ROOT)), "USA", "tester", [gone])
    del store
    gc.collect()
    made = kg(
        usa,
        tmp_path,
        "package",
        "export",
        "--for",
        "FRA@FRA-S",
        "--since",
        str(path),
        str(tmp_path / "second.zip"),
    )
    assert "incremental package" in made.output, made.output
    port = free_port()
    server = start_server(fra, tmp_path, port)
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "kg",
                "--store",
                str(fra),
                "package",
                "import",
                "--trust",
                key,
                "second.zip",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0 and "USA: version 2" in run.stdout, run.stdout + run.stderr
        body = (
            urllib.request.urlopen(f"http://127.0.0.1:{port}/graphs?graph={USA_DATA}", timeout=30)
            .read()
            .decode()
        )
        assert f"capability/{gone}>" not in body and "capability/" in body
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert integrity(Store(fra)) == []
