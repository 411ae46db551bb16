"""Run pySHACL over a submission: in this process, or its shapes shared among forked workers.

SHACL validates each targeted shape on its own, so a large submission is validated by
`len(parts)` processes at once, each against its share of the shapes (`plan.parts`), and
their results are put together as one report. The workers are forked after the data graph
is built, so they share it copy-on-write. A worker that fails, or has not answered well
after this process finished its own share, is stopped and its share validated here: the
results are the same either way, only later.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import select
import signal
import time

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

from kg.submissions import querycache
from kg.submissions.plan import statements

# Below this many statements, forking costs more than sharing the work saves.
PARALLEL_FROM = 4000
# How long a worker may take beyond this process's own share, relative to that share.
PATIENCE = 2.0


def workers() -> int:
    """Return how many processes may validate at once (the CPUs this process may use)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run(data: rdflib.Graph, reference: rdflib.Graph, parts: list[rdflib.Graph]) -> rdflib.Graph:
    """Validate `data` with `reference` against the shapes `parts` together; return the results.

    The reference statements are added to `data` for the run and taken out again after, which
    is cheaper than copying both into a new graph; `data` ends as it began. Objects that exist
    when the run starts, the graphs among them, are kept out of the garbage collector's way
    meanwhile (`gc.freeze`): its full collections no longer walk them, nor copy the memory
    pages that a forked worker shares with this process.
    """
    added = [t for t in reference if t not in data]
    for t in added:
        data.add(t)
    gc.freeze()
    try:
        return _run(data, parts)
    finally:
        gc.unfreeze()
        for t in added:
            data.remove(t)


def _run(data: rdflib.Graph, parts: list[rdflib.Graph]) -> rdflib.Graph:
    if len(parts) == 1 or len(data) < PARALLEL_FROM or not hasattr(os, "fork"):
        return merged([validate(data, part) for part in parts])
    started = time.monotonic()
    children = [_fork(data, part) for part in parts[1:]]
    try:
        mine = validate(data, parts[0])
    except BaseException:
        for child in children:
            _collect(child, deadline=0)
        raise
    deadline = time.monotonic() + PATIENCE * (time.monotonic() - started) + 1.0
    theirs = [_collect(child, deadline) for child in children]
    for i, part in enumerate(parts[1:]):
        if theirs[i] is None:
            theirs[i] = validate(data, part)
    return merged([mine, *theirs])


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> rdflib.Graph:
    """Validate `data` (not changed) against `shapes`; return pySHACL's results graph."""
    with querycache.bulk(data):
        _, results, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            inplace=True,
        )
    return results


def merged(reports: list[rdflib.Graph]) -> rdflib.Graph:
    """Return one results graph: the first report, given every other report's results."""
    out = reports[0]
    if len(reports) == 1:
        return out
    head = out.value(None, RDF.type, SH.ValidationReport)
    conforms = all(r.value(None, SH.conforms, None) != rdflib.Literal(False) for r in reports)
    for report in reports[1:]:
        node = report.value(None, RDF.type, SH.ValidationReport)
        for s, p, o in statements(report):
            out.add((head if s == node else s, p, o))
    out.set((head, SH.conforms, rdflib.Literal(conforms)))
    return out


def _fork(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[int, int]:
    """Start a worker validating `data` against `shapes`; return its pid and pipe."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        _child(write_fd, data, shapes)
    os.close(write_fd)
    return pid, read_fd


def _child(write_fd: int, data: rdflib.Graph, shapes: rdflib.Graph) -> None:  # pragma: no cover
    status = 1
    try:
        _die_with_parent()
        # rdflib terms pickle with their identity, blank nodes included (sh:sourceShape).
        view = memoryview(pickle.dumps(statements(validate(data, shapes))))
        while view:
            view = view[os.write(write_fd, view) :]
        status = 0
    finally:
        os._exit(status)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Ask Linux to kill this worker when the process that forked it dies (PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _collect(child: tuple[int, int], deadline: float) -> rdflib.Graph | None:
    """Return a worker's results, or None when it failed or ran past the deadline."""
    pid, read_fd = child
    chunks = []
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([read_fd], [], [], remaining)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return None
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    graph = rdflib.Graph()
    for triple in pickle.loads(b"".join(chunks)):
        graph.add(triple)
    return graph
