"""The second line: a query worker has no network, as root and as an ordinary user.

Each test calls the worker's isolation directly with a SERVICE query that bypasses the parsed
guard, so only the isolation stands between the query and a listener on 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pyoxigraph as ox
import pytest

from kg.dataset import Dataset
from kg.errors import KGError
from kg.settings import ROOT
from kg.sparql import collect
from kg.store import Store
from kg.worker import isolate_network, isolation, run_limited
from tests.conftest import require, require_program
from tests.test_hardening import Listener

GRAPH = "https://w3id.org/csig/graph/x"
NOBODY = 65534


def unguarded(store: Store, text: str, dataset: Dataset, bindings, row_cap: int):
    """Run a query with no guard at all: what a guard bypass would reach."""
    return collect(store.query(text, dataset), row_cap)


def service_query(port: int) -> str:
    return f"SELECT * WHERE {{ ?s ?p ?o SERVICE <http://127.0.0.1:{port}/sparql> {{ ?a ?b ?c }} }}"


def tiny() -> Store:
    store = Store()
    store.replace(
        {
            GRAPH: [
                ox.Triple(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal("o"))
            ]
        }
    )
    return store


@pytest.fixture()
def listener():
    item = Listener()
    yield item
    item.close()


def forked(run) -> int:
    """Run `run()` in a forked child; return its exit status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            run()
        finally:
            os._exit(0)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_control_an_unisolated_child_reaches_the_listener(listener):
    store = tiny()

    def run():
        try:
            list(store.query(service_query(listener.port), Dataset((GRAPH,), (GRAPH,))))
        except (OSError, RuntimeError, SyntaxError):
            pass

    forked(run)
    time.sleep(0.2)
    assert listener.connections > 0


def test_an_isolated_child_reaches_nothing(listener):
    require("network isolation", bool(isolation()), "the kernel allows no namespaces here")
    store = tiny()

    def run():
        assert isolate_network()
        try:
            list(store.query(service_query(listener.port), Dataset((GRAPH,), (GRAPH,))))
        except (OSError, RuntimeError, SyntaxError):
            pass

    forked(run)
    time.sleep(0.2)
    assert listener.connections == 0


def test_the_worker_with_a_bypassed_guard_reaches_nothing(listener):
    require("network isolation", bool(isolation()), "the kernel allows no namespaces here")
    with pytest.raises(KGError):
        run_limited(
            tiny(),
            service_query(listener.port),
            Dataset((GRAPH,), (GRAPH,)),
            timeout=10,
            runner=unguarded,
        )
    time.sleep(0.2)
    assert listener.connections == 0


AS_NOBODY = """
import sys, time
sys.path.insert(0, {root!r})
import pyoxigraph as ox
from kg.errors import KGError
from kg.dataset import Dataset
from kg.worker import isolation, run_limited
from tests.test_isolation import GRAPH, service_query, tiny, unguarded
store = tiny()
if sys.argv[1] == "control":
    try:
        list(store.query(service_query({port}), Dataset((GRAPH,), (GRAPH,))))
    except (OSError, RuntimeError, SyntaxError):
        pass
    print("control")
else:
    try:
        run_limited(store, service_query({port}), Dataset((GRAPH,), (GRAPH,)), timeout=10,
                    runner=unguarded)
    except KGError as err:
        print("refused:", err)
    print("isolation:", isolation())
"""


def as_nobody(listener, mode: str) -> str:
    setpriv = require_program("setpriv")
    script = AS_NOBODY.format(root=str(ROOT), port=listener.port)
    done = subprocess.run(
        [
            setpriv,
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "--",
            sys.executable,
            "-c",
            script,
            mode,
        ],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", ""), "HOME": "/"},
    )
    require(
        "python as an unprivileged user",
        done.returncode == 0,
        f"cannot run the test interpreter as uid {NOBODY}: {done.stderr[-500:]}",
    )
    return done.stdout


def test_as_an_ordinary_user_the_control_reaches_the_listener(listener):
    if os.getuid() != 0:
        pytest.skip("dropping to another user needs root; this run is already unprivileged")
    assert "control" in as_nobody(listener, "control")
    time.sleep(0.2)
    assert listener.connections > 0


def test_as_an_ordinary_user_the_worker_reaches_nothing(listener):
    if os.getuid() != 0:
        pytest.skip("dropping to another user needs root; this run is already unprivileged")
    out = as_nobody(listener, "isolated")
    time.sleep(0.2)
    assert "isolation: user and network namespaces" in out, out
    assert listener.connections == 0


def test_short_queries_forked_beside_runaways_are_not_held_back(store):
    """Workers forked at the same instant do not wait for each other's end.

    A worker forked while another query's pipe was still open in the server held that pipe
    open until it ended; reading until end of file then waited for the runaway's time limit.
    """
    from kg.access import ANONYMOUS, viewer_dataset

    dataset = viewer_dataset(store, ANONYMOUS)
    runaway = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
        "FILTER(STR(?c) != STR(?i)) }"
    )
    start = threading.Barrier(16)
    outcome: dict = {}

    def run(name: str, text: str) -> None:
        start.wait()
        try:
            run_limited(store, text, dataset, timeout=6)
            outcome[name] = "answered"
        except KGError:
            outcome[name] = "stopped"

    runaways = [threading.Thread(target=run, args=(f"runaway {i}", runaway)) for i in range(8)]
    shorts = [
        threading.Thread(target=run, args=(f"short {i}", f"ASK {{ ?s ?p {i} }}")) for i in range(8)
    ]
    for thread in runaways + shorts:
        thread.start()
    for thread in shorts:
        thread.join()
    alive = sum(t.is_alive() for t in runaways)
    for thread in runaways:
        thread.join()
    assert all(outcome[f"short {i}"] == "answered" for i in range(8)), outcome
    assert alive == 8, "the short queries were answered only when the runaways were stopped"
