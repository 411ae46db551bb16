"""Run a query in a forked worker that is killed at its time limit, so the work really stops.

pyoxigraph cannot cancel a running query from Python (oxigraph#1926), so each query runs in
a child process forked from the server: the child shares the open store copy-on-write, sends
its results back through a pipe, and is killed with SIGKILL when the time limit passes.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import select
import signal
import time

import pyoxigraph as ox

from kg.errors import KGError
from kg.results import to_graph, to_json
from kg.sparql import QueryResult, collect, run_query
from kg.store import Dataset, Store


class QueryTimeout(KGError):
    """A query that ran past its time limit and was stopped."""


def _encode(result: QueryResult) -> tuple:
    """Return a query result as bytes that survive the pipe (standard serialisations)."""
    if result.form == "graph":
        return ("graph", to_graph(result, "ntriples").encode(), result.truncated)
    return ("rows", to_json(result).encode(), result.truncated)


def _decode(kind: str, data: bytes, truncated: bool) -> QueryResult:
    if kind == "graph":
        triples = [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
        return QueryResult("graph", triples=triples, truncated=truncated)
    answer = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
    result = collect(answer)
    result.truncated = truncated
    return result


CLONE_NEWNET = 0x40000000


def isolate_network() -> bool:
    """Move this process into an empty network namespace when the OS allows it.

    A second line behind the refusal of SERVICE: a query worker then has no route anywhere.
    It needs CAP_SYS_ADMIN (root, or a user namespace); elsewhere it is skipped.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _child(write_fd: int, store: Store, text: str, dataset: Dataset, bindings, row_cap: int):
    """Run the query and write the pickled outcome; never return."""
    if isinstance(store, Store):  # an embedded store needs no network; a remote one does
        isolate_network()
    try:
        payload = ("ok", *_encode(run_query(store, text, dataset, bindings, row_cap)))
    except KGError as err:
        payload = ("error", type(err).__name__, str(err))
    except BaseException as err:  # the child must always answer, then exit
        payload = ("error", "KGError", f"query failed: {err}")
    data = pickle.dumps(payload)
    view = memoryview(data)
    while view:
        view = view[os.write(write_fd, view):]
    os._exit(0)


class WorkerStuck(Exception):
    """A forked worker that sleeps without using the CPU: it inherited a lock held at fork."""


def cpu_ticks(pid: int) -> tuple[str, int]:
    """Return a process's state letter and the CPU ticks it has used."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return fields[0], int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return "?", -1


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _read_until(read_fd: int, pid: int, deadline: float) -> bytes:
    """Read the child's answer; kill it at the deadline, or early when it is stuck."""
    chunks, idle_since, last = [], None, cpu_ticks(pid)[1]
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill(pid)
            raise QueryTimeout("the query ran past its time limit and was stopped; "
                               "narrow it or add a LIMIT")
        ready, _, _ = select.select([read_fd], [], [], min(remaining, 0.25))
        if ready:
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                os.waitpid(pid, 0)
                return b"".join(chunks)
            chunks.append(chunk)
            idle_since = None
            continue
        state, ticks = cpu_ticks(pid)
        if state == "S" and ticks == last and not chunks:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 0.75:
                _kill(pid)
                raise WorkerStuck()
        else:
            idle_since, last = None, ticks


def run_limited(store: Store, text: str, dataset: Dataset, bindings=None, row_cap: int = 0,
                timeout: float = 10.0) -> QueryResult:
    """Run a read-only query in a worker process stopped after `timeout` seconds.

    A worker can inherit a lock that another thread held at the moment of the fork and then
    wait for ever; such a worker is recognised (asleep, using no CPU, nothing written) and
    replaced by a fresh one, within the same time limit.
    """
    deadline = time.monotonic() + timeout
    for _ in range(5):
        try:
            return _run_once(store, text, dataset, bindings, row_cap, deadline)
        except WorkerStuck:
            continue
    raise QueryTimeout("the query workers kept stalling; try again")


def _run_once(store: Store, text: str, dataset: Dataset, bindings, row_cap: int,
              deadline: float) -> QueryResult:
    """Fork one worker for the query and return its answer."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        _child(write_fd, store, text, dataset, bindings, row_cap)
    os.close(write_fd)
    try:
        data = _read_until(read_fd, pid, deadline)
    finally:
        os.close(read_fd)
    status, *rest = pickle.loads(data) if data else ("error", "KGError", "the worker died")
    if status == "error":
        from kg import sparql

        error = getattr(sparql, rest[0], KGError)
        raise (error if isinstance(error, type) and issubclass(error, KGError) else KGError)(
            rest[1])
    return _decode(*rest)
