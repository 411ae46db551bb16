"""Fair service under runaway SPARQL queries: how long a fast query waits beside N of them.

Starts `python -m kg serve` (waitress, as in production) on a store built from the bundled
data, sends N runaway queries (each from its own demo user) and one fast query at the same
instant, and records the fast query's answer time; then sends six runaways from one viewer
and counts the 429 answers. Results go to benchmarks/fairness.json and fairness.md.

    python benchmarks/fairness.py [--store PATH] [--repeat 2] [--runaways 0,2,4,6,8]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.settings import load_settings  # noqa: E402

RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . FILTER(STR(?c) != STR(?i)) }"
)
FAST = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"
USERS = [
    "usa-planner",
    "gbr-officer",
    "fra-officer",
    "deu-officer",
    "jpn-officer",
    "nzl-officer",
    "nato-staff",
    "admin",
]
# Measured on this machine on 2026-12-04 with the code before issue 13 (same script's method,
# N runaways and the fast query sent at one instant): the fast query's answer, in seconds.
BEFORE = {"2": "0.04", "4": "0.04-0.10", "6": "0.04-0.16", "8": "503 after 10.07 (2 of 2)"}


def get(base: str, query: str, token: str | None, timeout: float = 60) -> tuple[int, float]:
    """Send one query; return (status, seconds)."""
    url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
    headers = {"Accept": "application/sparql-results+json"}
    if token:
        headers["Authorization"] = f"Bearer demo-{token}"
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=timeout
        ) as response:
            response.read()
            return response.status, time.perf_counter() - start
    except urllib.error.HTTPError as err:
        return err.code, time.perf_counter() - start


def at_once(base: str, jobs: list[tuple[str, str | None]]) -> list[tuple[int, float]]:
    """Send every (query, token) job at the same instant; return their outcomes in order."""
    barrier = threading.Barrier(len(jobs))
    out: list = [None] * len(jobs)

    def run(i: int, query: str, token: str | None) -> None:
        barrier.wait()
        out[i] = get(base, query, token)

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def serve(store: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    """Start the explorer on a free port; return the process and its base URL."""
    from tests.conftest import free_port

    port = free_port()
    env = {
        **os.environ,
        "KG_STORE": str(store),
        "KG_PORT": str(port),
        "KG_HOST": "127.0.0.1",
        "KG_AUDIT_LOG": str(folder / "audit.log"),
    }
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            get(base, "ASK {}", None, timeout=2)
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start; see " + str(folder / "server.log"))


def measure(base: str, counts: list[int], repeat: int) -> dict:
    """Return the fast query's outcomes beside N runaways, and the one-viewer excess."""
    results: dict = {"beside": {}, "one_viewer": {}}
    for n in counts:
        outcomes = []
        for r in range(repeat):
            jobs = [(f"{RUNAWAY} # {n}.{r}.{i}", USERS[i]) for i in range(n)]
            jobs.append((f"{FAST} # {n}.{r}", None))
            outcomes.append(at_once(base, jobs)[-1])
        seconds = [s for _, s in outcomes]
        results["beside"][str(n)] = {
            "statuses": [c for c, _ in outcomes],
            "median_s": statistics.median(seconds),
            "max_s": max(seconds),
        }
        print(f"{n} runaways: fast query {outcomes}", flush=True)
    jobs = [(f"{RUNAWAY} # mine {i}", None) for i in range(6)]
    jobs.append((f"{FAST} # other", USERS[0]))
    outcomes = at_once(base, jobs)
    statuses = [c for c, _ in outcomes[:-1]]
    results["one_viewer"] = {
        "runaway_statuses": sorted(statuses),
        "answered_429": statuses.count(429),
        "other_viewer_fast": {"status": outcomes[-1][0], "seconds": outcomes[-1][1]},
    }
    print(f"one viewer, six runaways: {sorted(statuses)}; other viewer {outcomes[-1]}")
    return results


def markdown(result: dict) -> str:
    """Render the results as the fairness section of the benchmark notes."""
    lines = [
        "# Fair service under runaway queries",
        "",
        f"Run {result['started']}, load average before {result['load_before']}, after "
        f"{result['load_after']}; query_timeout {result['settings']['query_timeout']} s, "
        f"query_slots {result['settings']['query_slots']}, query_workers "
        f"{result['settings']['query_workers']}; bundled data; `kg serve` (waitress).",
        "",
        "A fast query sent at the same instant as N runaway queries (each from its own "
        "user); target: answered within 1 s beside six.",
        "",
        "| runaways | fast query status | median s | max s | before issue 13 |",
        "|---|---|---|---|---|",
    ]
    for n, row in result["beside"].items():
        lines.append(
            f"| {n} | {', '.join(map(str, row['statuses']))} | {row['median_s']:.3f} "
            f"| {row['max_s']:.3f} | {BEFORE.get(n, '')} |"
        )
    one = result["one_viewer"]
    lines += [
        "",
        f"Six runaways from one viewer at once: statuses {one['runaway_statuses']} "
        f"({one['answered_429']} answered 429); a fast query from another viewer at the "
        f"same instant: {one['other_viewer_fast']['status']} in "
        f"{one['other_viewer_fast']['seconds']:.3f} s.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Build or open the store, run the scenarios, write fairness.json and fairness.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=None, help="an existing store folder")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--runaways", default="0,2,4,6,8")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        store = args.store or folder / "store"
        if args.store is None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "kg",
                    "--store",
                    str(store),
                    "--audit-log",
                    str(folder / "audit.log"),
                    "init",
                ],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        result = {
            "started": time.ctime(),
            "load_before": "/".join(f"{x:.1f}" for x in os.getloadavg()),
            "settings": {
                k: load_settings()[k] for k in ("query_timeout", "query_slots", "query_workers")
            },
        }
        proc, base = serve(store, folder)
        try:
            result.update(measure(base, [int(n) for n in args.runaways.split(",")], args.repeat))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        result["load_after"] = "/".join(f"{x:.1f}" for x in os.getloadavg())
    (args.out / "fairness.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "fairness.md").write_text(markdown(result))
    print(f"wrote {args.out / 'fairness.md'}")


if __name__ == "__main__":
    main()
