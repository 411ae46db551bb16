"""Time a measurement in forked children: cold and warm runs, a memory limit, a hard time box.

pyoxigraph's Python API cannot stop a query (DESIGN §8), so each measurement runs in a forked
child that is killed when it passes its time box. A child starts with empty store caches (the
parent's RocksDB block cache is not warmed by an earlier child), so its first run is the cold
one; the runs after it in the same child are warm. Each timing carries the load average of
the machine when it started, because other work shares the cores.
"""

from __future__ import annotations

import json
import os
import re
import resource
import select
import signal
import statistics
import sys
import time
import weakref
from pathlib import Path

# What must be closed before a fork: on-disk stores (load.PerProcessStore) register here.
BEFORE_FORK: weakref.WeakSet = weakref.WeakSet()


def log(message: str) -> None:
    """Show progress on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load() -> float:
    """Return the machine's one-minute load average."""
    return round(os.getloadavg()[0], 2)


def summary(times: list[float]) -> dict:
    """Return p50 and p95 of a list of seconds.

    >>> summary([3.0, 1.0, 2.0])["p50"]
    2.0
    """
    times = sorted(times)
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
        "n": len(times),
    }


def timed(fn, repeat: int, cap: float) -> dict:
    """Run `fn` `repeat` times (stop early past `cap` s); return the times and its last value."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
        if times[-1] > cap:
            break
    return {"times": times, "value": value}


def cold_warm(fn, opts: dict, repeat: int | None = None, children: int | None = None) -> dict:
    """Time `fn` in `children` forked children of `repeat` runs each: cold and warm p50.

    The result has `cold` (first run of each child), `warm` (the runs after it), `p50` (warm,
    or cold when there is no warm run), the rows or value of `fn`, and the load average.
    """
    repeat = repeat or opts["repeat"]
    children = children or opts["cold"]
    started, runs = load(), []
    for _ in range(children):
        out = forked(fn, repeat, opts)
        if "times" not in out:
            return {**out, "load": started}
        runs.append(out)
        if out["times"][0] > opts["cap"]:
            break  # one slow cold run is enough to know
    cold = [r["times"][0] for r in runs]
    warm = [t for r in runs for t in r["times"][1:]]
    best = summary(warm or cold)
    return {
        "cold": summary(cold),
        "warm": summary(warm) if warm else None,
        "p50": best["p50"],
        "p95": best["p95"],
        "value": runs[-1]["value"],
        "load": started,
    }


def forked(fn, repeat: int, opts: dict) -> dict:
    """Run `timed(fn)` in a forked child limited in memory (--ox-mem-gib) and time (the cap)."""
    for held in list(BEFORE_FORK):
        held.close()  # a fork must not copy an open store's locks: the child opens its own
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(fn, repeat, opts, write_fd)
    os.close(write_fd)
    limit = opts["cap"] * (repeat + 1) + 30
    data, timed_out = _drain(read_fd, time.monotonic() + limit)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if data:
        return json.loads(data)
    if timed_out:
        return {"over_cap": limit}
    return {"error": f"died ({_death(status)}; limit {opts['ox_mem_gib']} GiB above the store)"}


def _child(fn, repeat: int, opts: dict, write_fd: int) -> None:
    """Run `timed(fn)` under an address-space limit; write JSON to `write_fd`; never return."""
    try:
        extra = int(opts["ox_mem_gib"] * 2**30)
        size = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (size + extra, size + extra))
        payload = timed(fn, repeat, opts["cap"])
    except BaseException as err:  # the child must always answer, then exit
        payload = {"error": f"{type(err).__name__}: {err}"[:200]}
    view = memoryview(json.dumps(payload, default=str).encode())
    while view:
        view = view[os.write(write_fd, view) :]
    os._exit(0)


def _drain(read_fd: int, deadline: float) -> tuple[bytes, bool]:
    """Read a pipe to its end or until `deadline`; return the bytes and whether time ran out."""
    chunks = []
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                return b"", True
            chunk = pipe.read(65536)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)


def _death(status: int) -> str:
    """Return how a child ended, in words."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return {
            signal.SIGABRT: "aborted: memory allocation failed",
            signal.SIGKILL: "killed: out of memory",
        }.get(sig, f"signal {sig}")
    return f"exit {os.WEXITSTATUS(status)} without an answer"


def short(value: dict | None) -> str:
    """Return a one-word view of a timing: seconds, '> cap' or the error.

    >>> short({"p50": 0.25}), short({"over_cap": 60}), short(None)
    ('0.250', '> 60 s', 'not run')
    >>> short({"error": "KGError: remote store http://h/sparql: HTTP 500: SR171"})
    'error: HTTP 500: SR171'

    """
    if not value:
        return "not run"
    if "over_cap" in value:
        return f"> {value['over_cap']:.0f} s"
    if "error" in value:  # the server's message, without the client's preamble
        text = re.sub(r"(KGError: )?remote store \S+: ", "", value["error"].split("\n")[0])
        return "error: " + text[:90]
    if "skipped" in value:
        return "skipped"
    return f"{value['p50']:.3f}"
