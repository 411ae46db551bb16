"""Survival under faults: concurrent writers, a full disk, an unopenable store.

SIGKILLs of the server during submissions are in test_data_safety.py.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request

from kg.integrity import verify
from kg.settings import ROOT
from kg.store import Store
from kg.submissions.history import history
from tests.conftest import serving

GBR = "/graphs?graph=https://w3id.org/csig/graph/partner/GBR&confirm=true"
BODIES = [
    (ROOT / "data" / "examples" / "capabilities.ttl").read_bytes(),
    (ROOT / "data" / "partners" / "GBR.ttl").read_bytes(),
]


def put(base: str, body: bytes, token: str = "demo-gbr-officer", url: str = GBR) -> int:
    request = urllib.request.Request(
        base + url,
        data=body,
        method="PUT",
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return 0


def test_concurrent_writers_lose_no_submission(app):
    tokens = ["demo-gbr-officer"] * 4 + ["demo-usa-planner"] * 4
    small = {
        "demo-gbr-officer": (GBR, BODIES[0].split(b"cap:exercise-gbr-ops-cell a")[0]),
        "demo-usa-planner": (
            "/graphs?graph=https://w3id.org/csig/graph/partner/USA&confirm=1",
            BODIES[0]
            .split(b"cap:exercise-gbr-ops-cell a")[0]
            .replace(b"nation:GBR", b"nation:USA")
            .replace(b"exercise-gbr-", b"exercise-usa-"),
        ),
    }
    results: list[int] = []
    lock = threading.Lock()
    with serving(app) as base:

        def writer(token: str) -> None:
            url, body = small[token]
            for n in range(20):
                variant = body.replace(b"2026-10-01", f"2026-10-{n % 28 + 1:02d}".encode())
                status = put(base, variant, token, url)
                with lock:
                    results.append((token, status))

        threads = [threading.Thread(target=writer, args=(t,)) for t in tokens]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    store = app.extensions["kg"].store
    accepted = {"demo-gbr-officer": 0, "demo-usa-planner": 0}
    for token, status in results:
        assert status in (201, 204), status
        accepted[token] += 1
    assert len(results) == 160
    for token, partner in (("demo-gbr-officer", "GBR"), ("demo-usa-planner", "USA")):
        versions = [v.version for v in history(store, partner)]
        assert versions == list(range(1, accepted[token] + 2)), partner
    assert verify(store) == []


def test_a_full_disk_gives_a_clear_error_and_no_corruption(tmp_path, store_path):
    size = sum(p.stat().st_size for p in store_path.rglob("*") if p.is_file())
    example = ROOT / "data" / "examples" / "capabilities.ttl"

    def tiny_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    command = [
        sys.executable,
        "-m",
        "kg",
        "--store",
        str(store_path),
        "--content",
        str(ROOT),
        "--audit-log",
        str(tmp_path / "audit.log"),
        "submit",
        str(example),
        "--partner",
        "GBR",
        "--confirm",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, preexec_fn=tiny_disk, timeout=120
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert "error:" in result.stderr
    store = Store(store_path)
    assert all("interrupted write" in p for p in verify(store))
    assert [v.version for v in history(store, "GBR")] == [1]
    assert size > 0
    del store


def test_an_unopenable_store_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = subprocess.run(
        [sys.executable, "-m", "kg", "--store", str(blocker / "s"), "stats"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr
