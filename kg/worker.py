"""Run a query in a forked worker that is killed at its time limit, so the work really stops.

pyoxigraph cannot cancel a running query from Python (oxigraph#1926), so each query runs in
a child process forked from the server: the child shares the open store copy-on-write, sends
its results back through a pipe, and is killed with SIGKILL when the time limit passes. The
child first leaves the network (an empty network namespace, inside a user namespace when the
server is not root), so even a query the guard missed cannot reach another host. A worker
still running after `HEAVY_AFTER` seconds drops to the lowest CPU priority, so that queries
sent after it are answered first.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import select
import signal
import struct
import time
from collections.abc import Callable

import pyoxigraph as ox

from kg.dataset import Dataset, GraphStore
from kg.errors import KGError
from kg.guard import QueryError
from kg.results import to_graph, to_json
from kg.sparql import QueryResult, collect, run_query


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
CLONE_NEWUSER = 0x10000000
HEAVY_AFTER = 0.5  # seconds of running after which a worker yields the CPU to newer ones
FRAME = struct.Struct("!Q")  # every answer is preceded by its length
ERRORS = {"QueryError": QueryError, "QueryTimeout": QueryTimeout}


def isolate_network() -> str:
    """Move this (single-threaded) process into an empty network namespace; say how, or ''.

    Root (CAP_SYS_ADMIN) gets a network namespace at once; an ordinary user first gets a
    user namespace of its own, in which it may create one, and maps its own ids into it.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWNET) == 0:
            return "network namespace"
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            return ""
    except (OSError, AttributeError):
        return ""
    for name, line in (
        ("setgroups", "deny"),
        ("uid_map", f"{uid} {uid} 1"),
        ("gid_map", f"{gid} {gid} 1"),
    ):
        try:  # cosmetic: files keep their owners either way
            with open(f"/proc/self/{name}", "w") as f:
                f.write(line)
        except OSError:
            pass
    return "user and network namespaces"


_ISOLATION: list[str] = []


def isolation() -> str:
    """Return how query workers leave the network here ('' when the kernel does not allow it).

    Found once per process by a forked child that tries, so the answer is the workers' own.
    """
    if not _ISOLATION:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.write(write_fd, isolate_network().encode())
            os._exit(0)
        os.close(write_fd)
        with os.fdopen(read_fd, "rb") as answer:
            _ISOLATION.append(answer.read().decode())
        os.waitpid(pid, 0)
    return _ISOLATION[0]


def isolation_warning() -> str:
    """Return a warning when query workers cannot leave the network, else ''."""
    if isolation():
        return ""
    return (
        "WARNING: this kernel lets query workers neither create a network namespace nor "
        "a user namespace: queries are not isolated from the network, and only the "
        "parsed SPARQL guard stops SERVICE (allow unprivileged user namespaces, e.g. "
        "sysctl kernel.unprivileged_userns_clone=1, or run with CAP_SYS_ADMIN)"
    )


def _child(
    write_fd: int,
    runner: Callable,
    store: GraphStore,
    text: str,
    dataset: Dataset,
    bindings,
    row_cap: int,
):
    """Run the query and write the pickled outcome, framed by its length; never return."""
    if store.embedded:  # an embedded store needs no network; a remote one does
        isolate_network()
    try:
        payload = ("ok", *_encode(runner(store, text, dataset, bindings, row_cap)))
    except KGError as err:
        payload = ("error", type(err).__name__, str(err))
    except BaseException as err:  # the child must always answer, then exit
        payload = ("error", "KGError", f"query failed: {err}")
    data = pickle.dumps(payload)
    view = memoryview(FRAME.pack(len(data)) + data)
    while view:
        view = view[os.write(write_fd, view) :]
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
    """Read the child's framed answer; kill it at the deadline, or early when it is stuck.

    The answer is complete when its length is read, not at end of file: another worker
    forked meanwhile holds a copy of this pipe's write end until it exits.
    """
    data, idle_since, last, started = bytearray(), None, cpu_ticks(pid)[1], time.monotonic()
    reniced = False
    while True:
        if len(data) >= FRAME.size and len(data) >= FRAME.size + FRAME.unpack_from(data)[0]:
            os.waitpid(pid, 0)
            return bytes(data[FRAME.size :])
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill(pid)
            raise QueryTimeout(
                "the query ran past its time limit and was stopped; narrow it or add a LIMIT"
            )
        if not reniced and time.monotonic() - started > HEAVY_AFTER:
            reniced = _lower_priority(pid)
        ready, _, _ = select.select([read_fd], [], [], min(remaining, 0.25))
        if ready:
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                os.waitpid(pid, 0)
                return b""
            data += chunk
            idle_since = None
            continue
        state, ticks = cpu_ticks(pid)
        if state == "S" and ticks == last and not data:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 0.75:
                _kill(pid)
                raise WorkerStuck()
        else:
            idle_since, last = None, ticks


def _lower_priority(pid: int) -> bool:
    """Give a long-running worker the lowest CPU priority (nice 19)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, 19)
    except OSError:
        pass
    return True


def run_limited(
    store: GraphStore,
    text: str,
    dataset: Dataset,
    bindings=None,
    row_cap: int = 0,
    timeout: float = 10.0,
    runner: Callable = run_query,
) -> QueryResult:
    """Run a read-only query in a worker process stopped after `timeout` seconds.

    `runner` (default `kg.sparql.run_query`, which parses and refuses first) runs in the
    worker as `runner(store, text, dataset, bindings, row_cap)`.

    A worker can inherit a lock that another thread held at the moment of the fork and then
    wait for ever; such a worker is recognised (asleep, using no CPU, nothing written) and
    replaced by a fresh one, within the same time limit.
    """
    deadline = time.monotonic() + timeout
    for _ in range(5):
        try:
            return _run_once(runner, store, text, dataset, bindings, row_cap, deadline)
        except WorkerStuck:
            continue
    raise QueryTimeout("the query workers kept stalling; try again")


def _run_once(
    runner: Callable,
    store: GraphStore,
    text: str,
    dataset: Dataset,
    bindings,
    row_cap: int,
    deadline: float,
) -> QueryResult:
    """Fork one worker for the query and return its answer."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        _child(write_fd, runner, store, text, dataset, bindings, row_cap)
    os.close(write_fd)
    try:
        data = _read_until(read_fd, pid, deadline)
    finally:
        os.close(read_fd)
    status, *rest = pickle.loads(data) if data else ("error", "KGError", "the worker died")
    if status == "error":
        raise ERRORS.get(rest[0], KGError)(rest[1])
    return _decode(*rest)
