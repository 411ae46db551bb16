"""Build a store from synthetic partner files, run rdflib's side, and load the explorer.

Validation is measured on its own (pySHACL), so the partner files are accepted here through
the real acceptance path (split by marking, atomic replace, history, meta, view graphs)
without being validated again. rdflib runs in one worker process per size whose per-query
cap is a SIGALRM timer (rdflib is pure Python, so the handler's exception stops it); a
report whose .rq rdflib fails on runs there as its steps. The
explorer runs as `python -m kg serve` in a subprocess, hit by concurrent clients.
"""

from __future__ import annotations

import gc
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import BEFORE_FORK, summary  # noqa: E402

from kg.content import Content, read_files  # noqa: E402
from kg.namespaces import ID  # noqa: E402
from kg.store import Store  # noqa: E402
from kg.submissions import Context, ranks  # noqa: E402
from kg.submissions.accept import accept  # noqa: E402
from kg.submissions.report import Report  # noqa: E402


class PerProcessStore:
    """The on-disk store at `path`, opened by each process that uses it, as a `Store`.

    A child forked while its parent has the store open copies RocksDB's locks in whatever
    state the parent's threads held them at that instant: a 1M run hung at its first fork,
    both threads of the child waiting on a block-cache lock no thread of the child held. So
    the parent closes it before each fork (`timing.forked`), and each process, the child
    included, opens it again when it next uses it.
    """

    def __init__(self, path: Path):
        self.path = path
        self._store: Store | None = None
        BEFORE_FORK.add(self)

    def __getattr__(self, name: str):
        if self._store is None:
            self._store = Store(self.path)
        return getattr(self._store, name)

    def close(self) -> None:
        """Close this process's handle (the next use opens the store again)."""
        if self._store is not None:
            self._store = None
            gc.collect()


def build_public(store: Store, content: Content) -> int:
    """Load the ontology and reference graphs; return the statement count."""
    total = 0
    for graph, paths in content.graph_files().items():
        triples = read_files(paths)
        store.replace({graph: triples})
        total += len(triples)
    return total


def accept_file(store: Store, path: Path, levels: dict[str, int]) -> int:
    """Accept one partner file (its stem is the partner code); return its statement count."""
    triples = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    code = path.stem
    report = Report(path.name, "turtle", triples=len(triples))
    accept(store, triples, report, code, f"{ID}nation/{code}", "bench", levels, "synthetic")
    return len(triples)


def build_store(
    folder: Path, path: Path | None = None, content: Content | None = None, progress=lambda *_: None
) -> tuple[Store, int]:
    """Return a store with the public graphs and every partner file of `folder` accepted.

    The store is new, so it is built in bulk as `kg init` builds a new store; it stays in
    bulk mode until the caller has built the views it needs and clears `store.bulk`.
    """
    store = Store(path, bulk=True)
    return store, fill(store, folder, content, progress)


def fill(store, folder: Path, content: Content | None = None, progress=lambda *_: None) -> int:
    """Load the public graphs and accept every partner file of `folder` into `store` (embedded
    or remote); return the statement count."""
    content = content or Content(ROOT)
    total = build_public(store, content)
    levels = ranks(Context(content))
    files = sorted(folder.glob("*.ttl"))
    for i, file in enumerate(files, 1):
        total += accept_file(store, file, levels)
        progress(i, len(files), f"accepted {file.stem}")
    return total


def dump_graphs(store: Store, graphs: tuple[str, ...], path: Path) -> int:
    """Write the named graphs `graphs` as N-Quads (what rdflib loads); return the quad count."""
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
        for g in graphs
        for t in store.triples(g)
    ]
    ox.serialize(quads, output=str(path), format=ox.RdfFormat.N_QUADS)
    return len(quads)


class Overrun(BaseException):
    """Raised by the SIGALRM handler when a capped call runs past its cap."""


def _overrun(signum, frame) -> None:
    raise Overrun


def capped(fn, repeat: int, cap: float) -> dict:
    """Time `fn` `repeat` times, each stopped by SIGALRM at `cap` s (pure-Python work only)."""
    signal.signal(signal.SIGALRM, _overrun)
    times, value = [], None
    try:
        for _ in range(repeat):
            signal.setitimer(signal.ITIMER_REAL, cap)
            start = time.perf_counter()
            try:
                value = fn()
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            times.append(time.perf_counter() - start)
    except Overrun:
        return {"over_cap": cap}
    except Exception as err:  # noqa: BLE001 - a failure is a result too
        return {"error": f"{type(err).__name__}: {err}"[:200]}
    return {**summary(times), "value": value}


def peak_rss_mib() -> float:
    """Return this process's peak RSS in MiB (VmHWM: ru_maxrss survives exec on Linux)."""
    return vm_hwm_mib(os.getpid())


def rdflib_worker(
    dump: str, texts: dict[str, str], steps: dict[str, dict], cap: float, repeat: int, queue
) -> None:
    """Load the N-Quads dump once into rdflib, then run every query under the cap.

    A report in `steps` (its bound parameters) whose .rq rdflib fails on by itself runs as
    its steps instead, each step a query on rdflib, under the same cap; `mode` says which ran.
    """
    from benchmarks.engines import Rdflib

    start = time.perf_counter()
    rdf = Rdflib(Path(dump), default_union=True)
    queue.put(("load", None, {"s": time.perf_counter() - start}))
    for name, text in texts.items():
        value = {**capped(lambda t=text: len(list(rdf.data.query(t))), repeat, cap), "mode": "rq"}
        if "error" in value and name in steps:
            value = {
                **capped(lambda n=name: in_steps(rdf, n, steps[n]), repeat, cap),
                "mode": "steps",
                "rq_error": value["error"],
            }
        queue.put(("query", name, value))
    queue.put(("done", None, {"peak_rss_mib": peak_rss_mib()}))


def in_steps(rdf, name: str, bound: dict) -> int:
    """Run a report as its steps (kg/findings), each one a query on rdflib; return its rows."""
    from kg.catalogue import reader
    from kg.findings import STEPS

    _, rows = STEPS[name](reader(None, None, runner=rdf.runner), bound)
    return len(rows)


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(store_path: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    """Start `python -m kg serve` on the store folder; return the process and base URL."""
    port = free_port()
    env = {
        **os.environ,
        "KG_STORE": str(store_path),
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
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start: {(folder / 'server.log').read_text()[-500:]}")


def vm_hwm_mib(pid: int) -> float:
    """Return a process's peak resident set (VmHWM) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fetch(url: str, timeout: float = 30) -> tuple[float, str | None]:
    """GET `url` and read the whole answer; return the seconds taken and any error."""
    request = urllib.request.Request(
        url,
        headers={
            "Accept": "application/sparql-results+json, application/json;q=0.9, text/html;q=0.8"
        },
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
    except Exception as err:  # noqa: BLE001 - a failed request is a result too
        return time.perf_counter() - start, f"{type(err).__name__}: {err}"[:120]
    return time.perf_counter() - start, None


def hammer(url: str, clients: int, seconds: float, limit: int) -> dict:
    """Hit `url` from `clients` threads until `seconds` pass or `limit` requests are sent."""
    times: list[float] = []
    errors: list[str] = []
    sent = itertools.count()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline and next(sent) < limit:
            took, error = fetch(url)
            times.append(took)  # a failed request counts with the time it took to fail
            if error:
                errors.append(error)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    out = summary(times) if times else {"p50": None, "p95": None, "n": 0}
    return {
        **out,
        "rps": (len(times) - len(errors)) / wall,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "wall_s": wall,
    }
