"""Benchmark harness: build, gap queries vs rdflib, kg gaps, validation, explorer under load.

Each size runs in its own spawned subprocess (clean peak RSS); rdflib runs in one worker
process per size over the same data and queries. Progress goes to stderr; results merge into
benchmarks/results.json (sizes already there are kept unless re-run) and results.md.
Usage: python benchmarks/run.py --sizes 10k,100k,1M   (then --sizes 10M to add a size)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import queue as queues
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

PARAMS = {"as_of": "2026-11-21"}
SPARQL = (
    "SELECT ?c ?label WHERE { ?c a <https://w3id.org/csig/ont#Capability> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 100"
)
PAGES = {
    "/": "/",
    "/partners": "/partners",
    "/capabilities": "/capabilities",
    "/standards": "/standards",
    "/mission-areas": "/mission-areas",
    "/reports/coverage?format=json": "/reports/coverage?format=json",
    "/sparql (SELECT)": "/sparql?query=" + urllib.parse.quote(SPARQL),
}
TARGETS = {
    "query_p50_s": 0.5,
    "gaps_s": 3.0,
    "gaps_vs_rdflib_x": 50,
    "build_triples_per_s": 200_000,
    "validate_accept_1000_s": 5.0,
    "pages_p95_s": 0.1,
    "server_rss_mib": 2048,
    "gaps_10m_s": 30.0,
}
NOTES = {  # why a target is missed and what was tried; written from the 2026-11-22 runs
    "load on the machine": "the 10k, 100k and 1M runs ran on an otherwise idle machine (load "
    "average ~1, see the per-size lines). The 10M run ran while three other engineers were "
    "testing and profiling (load average 4-7 on 2 cores), so its times are pessimistic, "
    "perhaps 2-3x.",
    "sizes": "nominal sizes count partner triples; the public ontology and reference data add "
    "~7k triples, so 10k -> 100k is 6.7x data and 100k -> 1M is 9.6x.",
    "build >= 200k triples/s": "1M: 31 s -> 9.5-10.3 s (35k -> 107-117k triples/s). Done: a new "
    "version's graphs, read by no one until the meta update commits them, are written in "
    "place instead of staged and MOVEd (the MOVE alone was 20 s at 1M); triples go to the "
    "store as N-Triples text, which pyoxigraph parses faster than Python builds quads; the "
    "split by marking compares terms instead of strings. What is left: every statement is "
    "stored twice (the current graph and the version's history graph) and parsed into "
    "Python objects once to split it by marking. Tried: pyoxigraph's bulk loader, which in "
    "memory was 2x slower than a transactional load (it is used on disk, below). Next: "
    "keep a version as the history graph only and point the current view at it, or split by "
    "marking inside the store.",
    "every gap query p50 <= 0.5 s": "met by 6 of 10 queries at 1M. over-classification "
    "(9.5 s) returns 193,234 rows, one per producing capability, consumer partner and data "
    "type, 80 MB of text; interoperability-gaps and version-mismatch (3.2-3.5 s) build a "
    "per-capability signature of standard families over ~60k interfaces a side; overlaps "
    "(2.4 s) and incompatible-standards (1.1 s) scan every capability. Done: "
    "over-classification no longer runs out of memory (it needed > 8 GiB): it leads with the "
    "few classified markings and reads each area's top-level area from a small table "
    "instead of `skos:broader?` (40 s -> 0.004 s for that part); overlaps reduces the "
    "shared-standard counts before the join (2x). Tried and reverted: counting pairs before "
    "joining requirements (no gain). Next: an interface summary per partner, data type and "
    "set of standards, kept beside each partner graph under the same marking (so "
    "releasability holds), and an over-classification report per partner pair.",
    "kg gaps whole <= 3 s": "1M: failed (out of memory) -> 42.5 s (first run today) -> "
    "25.8 s (the 1M rerun shown here). The catalogue queries now share the cores "
    "(pyoxigraph lets go "
    "of the GIL while evaluating) and the recommender counts only the pairs an adoption "
    "touches (11.7 s -> 2.2 s). The rest is the slow queries above plus turning 231k rows "
    "into Python values.",
    "gap queries >= 50x faster than rdflib": "the ratio compares summed p50s over the queries "
    "both engines answered. When rdflib ran over the 30 s cap, the cap is used, so the "
    "ratio is a lower bound: at 1M rdflib passed the cap on 7 of the 8 queries it could "
    "run. The cap is 30 s, not the issue's 3 min, to fit the session. rdflib 7.6.0 fails by "
    "itself on overlaps and stale-data (its SPARQLError handling raises AttributeError) and "
    "at 10k on coverage (NotBoundError on an unbound parameter variable); those queries "
    "are left out of both sums.",
    "1,000 capabilities read+validated+accepted <= 5 s": "met at 10k and 100k (4.3-4.4 s), "
    "missed at 1M by about 0.5 s in the first run (see the table for the rerun). Reading "
    "was made linear "
    "(skolemising was quadratic); pySHACL now validates property shapes targeted directly, "
    "answers each SPARQL constraint for all focus nodes in one query planned from $this, and "
    "shares the shapes between two forked workers: 1,000 capabilities went from ~145 s to "
    "~4 s, with findings identical to the shapes as written (tests/test_validate_plan.py). At "
    "1M the benchmark process holds the whole in-memory store (1.3 GiB), which makes the "
    "fork and its copy-on-write dearer than in `kg serve` (0.4 GiB with the on-disk store).",
    "pages p95 <= 100 ms, 16 clients": "met. Page and /sparql answers are kept per viewer "
    "dataset and store generation (exact invalidation, never shared between datasets), long "
    "lists are paged, and `kg serve` runs waitress with 16 threads. The first request after a "
    "write is still slow at 1M (seconds); the figures are under steady load.",
    "10M (on disk)": "run once, on disk, with --repeat 1, a 60 s cap (150 s a query) and "
    "no rdflib (at 1M its worker took 2 GiB and 39-44 s to load, so 10M would need about "
    "20 GiB of this 23.5 GiB machine beside the store), explorer or "
    "validation part, while other work loaded the machine. The on-disk store is built "
    "with pyoxigraph's bulk loader while it is "
    "new (kg init does the same): 702 s, ~16k triples/s, and the view 322 s. A "
    "transactional on-disk build measured ~10k triples/s at 1M, and the in-memory store "
    "would need ~15 GiB at 10M. The gap queries on disk at 10M took 7-170x their 1M "
    "in-memory times (0.02-132 s); over-classification and the whole report passed the 150 s "
    "cap. So the report is far from 30 s at 10M and worse than linear from 1M: on disk "
    "(RocksDB) reads cost more than in memory (DESIGN measured 1.5-2x at 1M), and this run "
    "shared the cores with other work.",
    "remote store (Virtuoso)": "the same files were loaded into Debian's Virtuoso 7.2.5 on "
    "127.0.0.1 through the Graph Store protocol and every query run there at 10k and 100k. "
    "Four queries (coverage, over-classification, overlaps, version-mismatch) fail with "
    "HTTP 500 (Virtuoso's optimiser errors, seen in tests too) and "
    "interoperability-gaps passes the 30 s cap; the others answer, e.g. stale-data 0.23 s "
    "at 100k. The benchmark found that Virtuoso echoes every default-graph-uri as a header "
    "and Python refused answers with more than 100 headers; kg.remote now accepts them.",
}


def log(message: str) -> None:
    """Show progress on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict:
    """Return the machine facts the results depend on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(ram, 1),
        "python": platform.python_version(),
        **{pkg: version(pkg) for pkg in ("pyoxigraph", "rdflib", "pyshacl")},
    }


def timed(fn, repeat: int, cap: float) -> dict:
    """Return p50/p95 of `fn` over `repeat` runs (stop early past `cap` s); keep its value."""
    from load import summary

    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
        if times[-1] > cap:
            break
    return {**summary(times), "value": value}


def build(size: str, folder: Path, opts: dict, result: dict):
    """Generate and build the store for `size`; time the view build; return store, dataset."""
    from load import build_store
    from synth import generate, parse_size

    from kg.access import full_dataset

    start = time.perf_counter()
    generate(parse_size(size), folder / "partners")
    result["generate_s"] = time.perf_counter() - start
    disk = parse_size(size) >= parse_size(opts["disk_from"])
    log(f"{size}: generated in {result['generate_s']:.1f}s; on disk: {disk}")
    start = time.perf_counter()
    store, triples = build_store(folder / "partners", path=folder / "store" if disk else None)
    store.flush()
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    dataset = full_dataset(store)
    store.bulk = False  # built: from here on every write is a transaction
    result.update(
        triples=triples,
        on_disk=disk,
        build_s=build_s,
        build_triples_per_s=triples / build_s,
        view_build_s=time.perf_counter() - start,
    )
    log(f"{size}: {triples} triples in {build_s:.1f}s; view {result['view_build_s']:.2f}s")
    return store, dataset


def query_texts(store, dataset) -> dict[str, str]:
    """Return every catalogue query with its parameters bound, as both engines run it."""
    from kg.catalogue import bindings, load_catalogue
    from kg.sparql import bind

    out = {}
    for name, query in load_catalogue().items():
        mine = {k: v for k, v in PARAMS.items() if k in query.params}
        out[name] = bind(query.text, bindings(store, dataset, query, mine))
    return out


def oxigraph_side(store, dataset, texts: dict, opts: dict, result: dict) -> None:
    """Time every query and the whole gap report on the embedded store, each in a child."""
    result["queries"] = {}
    for name, text in texts.items():
        ox_t = forked(lambda t=text: len(list(store.query(t, dataset))), opts["repeat"], opts)
        result["queries"][name] = {"oxigraph": ox_t}
        log(f"{result['size']}: {name} oxigraph {short(ox_t)} ({ox_t.get('value')} rows)")
    failed = sorted(n for n, q in result["queries"].items() if "p50" not in q["oxigraph"])
    result["gaps"] = forked(lambda: gap_report(store, dataset), opts["gaps_repeat"], opts)
    log(f"{result['size']}: kg gaps {short(result['gaps'])}")
    if failed and "p50" not in result["gaps"]:
        result["gaps_without"] = {
            "excluded": failed,
            **forked(lambda: gap_report(store, dataset, failed), opts["gaps_repeat"], opts),
        }
        log(f"{result['size']}: kg gaps without {failed} {short(result['gaps_without'])}")


def gap_report(store, dataset, excluded: list[str] = ()) -> None:
    """Build the whole gap report (`kg gaps`), optionally without some catalogue queries."""
    import kg.gaps as gaps

    if excluded:
        whole = gaps.load_catalogue()
        gaps.load_catalogue = lambda: {k: v for k, v in whole.items() if k not in excluded}
    gaps.report(store, dataset, PARAMS)


def forked(fn, repeat: int, opts: dict) -> dict:
    """Time `fn` in a forked child limited in memory (--ox-mem-gib) and time (cap x repeat+1)."""
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


def rdflib_side(store, dataset, texts: dict, folder: Path, opts: dict, result: dict) -> None:
    """Run every query in one rdflib worker over the same graphs; record load and query times."""
    from load import dump_graphs, rdflib_worker
    from synth import parse_size

    if parse_size(result["size"]) > parse_size(opts["rdflib_max"]):
        result["rdflib"] = {"skipped": f"above --rdflib-max {opts['rdflib_max']}"}
        return
    dump = folder / "named.nq"
    quads = dump_graphs(store, dataset.named, dump)
    context = mp.get_context("spawn")
    channel = context.Queue()
    worker = context.Process(
        target=rdflib_worker, args=(str(dump), texts, opts["cap"], opts["rdflib_repeat"], channel)
    )
    worker.start()
    result["rdflib"] = {"quads": quads, **collect(worker, channel, result, texts, opts)}
    worker.kill()
    worker.join()


def virtuoso_side(folder: Path, texts: dict, opts: dict, result: dict) -> None:
    """Build the same files into a scratch Virtuoso (the remote store) and time every query."""
    from load import fill
    from synth import parse_size
    from virtuoso import Unavailable, running

    from kg.access import full_dataset
    from kg.remote import RemoteStore

    if parse_size(result["size"]) > parse_size(opts["virtuoso_max"]):
        result["virtuoso"] = {"skipped": f"above --virtuoso-max {opts['virtuoso_max']}"}
        return
    (folder / "virtuoso").mkdir()
    try:
        with running(folder / "virtuoso") as setting:
            store = RemoteStore(setting, timeout=opts["cap"])
            result["virtuoso"] = out = {}
            start = time.perf_counter()
            fill(store, folder / "partners")
            out["build_s"] = time.perf_counter() - start
            log(f"{result['size']}: Virtuoso built in {out['build_s']:.1f}s")
            dataset = full_dataset(store)
            for name, text in texts.items():
                value = remote_timed(store, text, dataset, opts)
                result["queries"][name]["virtuoso"] = value
                log(f"{result['size']}: {name} virtuoso {short(value)}")
    except Unavailable as err:
        result["virtuoso"] = {"skipped": str(err)}


def remote_timed(store, text: str, dataset, opts: dict) -> dict:
    """Time one query on the remote store; an error or the client timeout is a result too."""
    try:
        return timed(lambda: len(list(store.query(text, dataset))), opts["repeat"], opts["cap"])
    except Exception as err:  # noqa: BLE001 - a server's refusal is a result too
        if "timed out" in str(err):
            return {"over_cap": opts["cap"]}
        return {"error": f"{type(err).__name__}: {err}"[:200]}


def collect(worker, channel, result: dict, texts: dict, opts: dict) -> dict:
    """Read the rdflib worker's messages until it is done, dies or overruns its deadline."""
    out: dict = {}
    deadline = time.monotonic() + 1800 + len(texts) * (opts["cap"] * opts["rdflib_repeat"] + 10)
    while time.monotonic() < deadline:
        try:
            kind, name, value = channel.get(timeout=1)
        except queues.Empty:
            if not worker.is_alive():
                out["died"] = f"worker exit {worker.exitcode}"
                break
            continue
        if kind == "query":
            result["queries"][name]["rdflib"] = value
            log(f"{result['size']}: {name} rdflib {short(value)}")
        else:
            out[f"{kind}"] = value
            log(f"{result['size']}: rdflib {kind} {value}")
        if kind == "done":
            break
    return out


def short(value: dict | None) -> str:
    """Return a one-word view of a timing: seconds, '> cap' or the error."""
    if not value:
        return "not run"
    if "over_cap" in value:
        return f"> {value['over_cap']:.0f} s"
    if "error" in value:
        return "error: " + value["error"][:60]
    return f"{value['p50']:.3f}"


def load_test(store, folder: Path, opts: dict, result: dict) -> None:
    """Serve an on-disk copy with `kg serve`; hit each page from concurrent clients."""
    from load import build_store, fetch, hammer, start_server, vm_hwm_mib

    from kg.access import viewer_dataset

    served = folder / "served"  # built from the same files: a dump+restore took > 5 min at 1M
    copy, _ = build_store(folder / "partners", path=served)
    viewer_dataset(copy)  # the public view, built in bulk as `kg init` does
    copy.flush()
    del copy
    server, base = start_server(served, folder)
    pages = result["pages"] = {}
    try:
        for name, path in PAGES.items():
            first, error = fetch(base + path, 120)
            pages[name] = {
                "first_s": first,
                "warmup_error": error,
                **hammer(base + path, opts["clients"], opts["load_seconds"], opts["load_requests"]),
            }
            log(
                f"{result['size']}: {name} p50 {pages[name]['p50']} p95 {pages[name]['p95']} "
                f"{pages[name]['rps']:.1f} req/s, {pages[name]['errors']} errors"
            )
        result["server_rss_mib"] = vm_hwm_mib(server.pid)
    finally:
        server.terminate()
        server.wait(30)


def validation(store, folder: Path, opts: dict, result: dict) -> None:
    """Validate and accept single-partner submissions of N capabilities into the built store."""
    from synth import TRIPLES_PER_CAPABILITY, generate

    import kg.submissions as subs
    from kg.submissions.validate import shared_context

    context = shared_context(str(HERE.parent))
    result["validation"] = {}
    for n in opts["validation_sizes"]:
        if n > 1000 and result["size"] not in opts["validation_full_at"]:
            continue
        code = next(
            iter(generate(n * TRIPLES_PER_CAPABILITY, folder / f"val-{n}", seed=11, partners=1))
        )
        path = folder / f"val-{n}" / f"{code}.ttl"
        entry = result["validation"][str(n)] = read_timed(subs, path, context, opts)
        source = entry.pop("source", None)
        if source is not None:
            entry.update(submit_timed(subs, store, source, context, code, opts))
        log(f"{result['size']}: {n} capabilities {entry}")


def read_timed(subs, path: Path, context, opts: dict) -> dict:
    """Time reading (parsing, skolemising, locating lines of) a submission, under the cap."""
    from load import capped

    out = capped(lambda: subs.read(path, context), 1, opts["validation_cap"])
    return {"read_s": out["p50"], "source": out["value"]} if "value" in out else {"read": out}


def submit_timed(subs, store, source, context, code: str, opts: dict) -> dict:
    """Time `submit` as a whole and the pySHACL validation it calls, under the cap."""
    from load import capped

    real, spent = subs.validate, []

    def validate(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    subs.validate = validate
    try:
        out = capped(
            lambda: subs.submit(store, source, context, code, "bench"), 1, opts["validation_cap"]
        )
    finally:
        subs.validate = real
    outcome = out.pop("value", None)
    out["triples"] = len(source.triples)
    if outcome is not None:
        out.update(
            validate_s=spent[-1],
            accept_s=out["p50"] - spent[-1],
            conforms=outcome.report.conforms,
            accepted=outcome.acceptance is not None,
        )
    return out


def one_size(size: str, opts: dict, out: Path) -> None:
    """Run every measurement for one size and write `out/SIZE.json`."""
    from load import peak_rss_mib

    folder = Path(tempfile.mkdtemp(prefix=f"bench-{size}-", dir=opts["scratch"]))
    result: dict = {"size": size, "load_before": os.getloadavg(), "started": time.ctime()}
    store, dataset = build(size, folder, opts, result)
    texts = query_texts(store, dataset)
    oxigraph_side(store, dataset, texts, opts, result)
    result["peak_rss_mib"] = peak_rss_mib()
    save(result, out)
    rdflib_side(store, dataset, texts, folder, opts, result)
    save(result, out)
    virtuoso_side(folder, texts, opts, result)
    save(result, out)
    if not opts["skip_load_test"]:
        load_test(store, folder, opts, result)
        save(result, out)
    validation(store, folder, opts, result)
    result["complete"] = True
    save(result, out)
    shutil.rmtree(folder, ignore_errors=True)


def save(result: dict, out: Path) -> None:
    """Write what one size has measured so far (a later failure keeps the earlier figures)."""
    result["load_after"] = os.getloadavg()
    (out / f"{result['size']}.json").write_text(json.dumps(result, default=str))


def merge(path: Path, runs: list[dict]) -> list[dict]:
    """Return the runs already in `path` with `runs` replacing those of the same size."""
    from synth import parse_size

    old = json.loads(path.read_text())["runs"] if path.exists() else []
    new = {r["size"]: r for r in old} | {r["size"]: r for r in runs}
    return sorted(new.values(), key=lambda r: parse_size(r["size"]))


def growth(values: list) -> list[str]:
    """Return each value with its growth factor against the previous size.

    >>> growth([1.0, 3.0, None])
    ['1', '3 (x3.0)', '-']
    """
    out, prev = [], None
    for value in values:
        if not isinstance(value, int | float):
            out.append(value if isinstance(value, str) else "-")
            prev = None
            continue
        text = f"{value:.3g}" if value < 1000 else f"{value:,.0f}"
        out.append(text + (f" (x{value / prev:.1f})" if prev else ""))
        prev = value
    return out


def q_ratio(q: dict) -> float | str | None:
    """Return rdflib p50 / oxigraph p50, or '> N' when rdflib ran over the cap."""
    ox_t, rdf = q.get("oxigraph"), q.get("rdflib") or {}
    if "p50" not in ox_t:
        return "-"
    if "over_cap" in rdf:
        return f"> {rdf['over_cap'] / ox_t['p50']:.0f}x"
    if "p50" in rdf:
        return rdf["p50"] / ox_t["p50"]
    return "error" if "error" in rdf else None


def figures(runs: list[dict]) -> list[tuple[str, list]]:
    """Return (figure, value per run) rows for every measured figure."""

    def pick(fn):
        out = []
        for r in runs:
            try:
                out.append(fn(r))
            except (KeyError, TypeError):
                out.append(None)
        return out

    rows = [
        ("triples", pick(lambda r: r["triples"])),
        ("build s", pick(lambda r: r["build_s"])),
        ("build triples/s", pick(lambda r: r["build_triples_per_s"])),
        ("view build s", pick(lambda r: r["view_build_s"])),
        ("kg gaps (whole) p50 s", pick(lambda r: r["gaps"].get("p50") or short(r["gaps"]))),
        ("kg gaps without failed queries p50 s", pick(lambda r: r["gaps_without"]["p50"])),
        ("peak RSS of the benchmark process MiB", pick(lambda r: r["peak_rss_mib"])),
        ("rdflib load s", pick(lambda r: r["rdflib"]["load"]["s"])),
        ("rdflib worker peak RSS MiB", pick(lambda r: r["rdflib"]["done"]["peak_rss_mib"])),
        ("Virtuoso build (remote store) s", pick(lambda r: r["virtuoso"]["build_s"])),
    ]
    for name in sorted({q for r in runs for q in r.get("queries", {})}):
        got = pick(lambda r, n=name: r["queries"][n])
        rows += [
            (
                f"{name}: oxigraph p50 s",
                [q and (q["oxigraph"].get("p50") or short(q["oxigraph"])) for q in got],
            ),
            (f"{name}: oxigraph p95 s", [q and q["oxigraph"].get("p95") for q in got]),
            (f"{name}: rdflib p50 s", [q and short(q.get("rdflib")) for q in got]),
            (f"{name}: rdflib / oxigraph", [q and q_ratio(q) for q in got]),
            (
                f"{name}: Virtuoso p50 s",
                [
                    q and q.get("virtuoso") and (q["virtuoso"].get("p50") or short(q["virtuoso"]))
                    for q in got
                ],
            ),
        ]
    for n in sorted({k for r in runs for k in r.get("validation", {})}, key=int):
        for part, key in (
            ("read", "read_s"),
            ("validate", "validate_s"),
            ("accept", "accept_s"),
            ("read+validate+accept", "total_s"),
        ):
            rows.append(
                (
                    f"{n} capabilities: {part} s",
                    pick(
                        lambda r, n=n, k=key: (
                            with_total(r["validation"][n]).get(k)
                            or short(r["validation"][n].get("read", r["validation"][n]))
                        )
                    ),
                )
            )
    for page in PAGES:
        for part, key in (("p50 ms", "p50"), ("p95 ms", "p95")):
            rows.append((f"{page} {part}", pick(lambda r, p=page, k=key: r["pages"][p][k] * 1000)))
        rows.append((f"{page} req/s", pick(lambda r, p=page: r["pages"][p]["rps"])))
    rows.append(("server peak RSS (VmHWM) MiB", pick(lambda r: r["server_rss_mib"])))
    return rows


def verdict(value: float | None, limit: float, unit: str, higher: bool = False) -> str:
    """Return 'met' or 'MISSED by ...' for `value` against `limit`."""
    if value is None:
        return "not measured"
    ok = value >= limit if higher else value <= limit
    if ok:
        return "met"
    gap = limit - value if higher else value - limit
    return f"MISSED by {gap:.3g} {unit} ({max(value, limit) / min(value, limit):.1f}x)"


def gaps_speedup(run: dict) -> tuple[float | None, str]:
    """Return rdflib / oxigraph over the summed p50 of the same queries (cap as lower bound)."""
    ox_sum = rdf_sum = 0.0
    bound, skipped = "", []
    for name, q in run.get("queries", {}).items():
        rdf = q.get("rdflib") or {}
        if "p50" not in q["oxigraph"] or ("p50" not in rdf and "over_cap" not in rdf):
            skipped.append(name)
            continue
        ox_sum += q["oxigraph"]["p50"]
        rdf_sum += rdf.get("p50", rdf.get("over_cap", 0))
        bound = "at least " if "over_cap" in rdf else bound
    if not ox_sum:
        return None, "rdflib not run"
    note = f"{bound}{rdf_sum:.1f} s vs {ox_sum:.2f} s"
    return rdf_sum / ox_sum, note + (f"; without {', '.join(skipped)}" if skipped else "")


def targets(runs: list[dict]) -> list[tuple[str, str, str, str]]:
    """Return (target, size, measured, verdict) for every target of the issue."""
    by = {r["size"]: r for r in runs}
    one, ten = by.get("1M", {}), by.get("10M", {})
    out = []
    if one:
        out.append(query_target(one))
        gaps = one["gaps"].get("p50")
        without = one.get("gaps_without", {}).get("p50")
        out.append(
            (
                "kg gaps whole <= 3 s",
                "1M",
                f"{gaps:.2f} s"
                if gaps
                else short(one["gaps"])
                + (f"; without the failed queries {without:.1f} s" if without else ""),
                verdict(gaps, 3.0, "s") if gaps else "MISSED (failed)",
            )
        )
        speed, note = gaps_speedup(one)
        lower = note.startswith("at least") and speed and speed < 50
        out.append(
            (
                "gap queries >= 50x faster than rdflib",
                "1M",
                f"{'>= ' if lower else ''}{speed:.0f}x ({note})" if speed else note,
                "not settled: a lower bound under 50x (rdflib hit the cap)"
                if lower
                else verdict(speed, 50, "x", higher=True),
            )
        )
        out.append(
            (
                "build >= 200k triples/s",
                "1M",
                f"{one['build_triples_per_s']:,.0f}",
                verdict(one["build_triples_per_s"], 200_000, "triples/s", higher=True),
            )
        )
        out.append(validation_target(one))
        out.append(pages_target(one))
        rss = one.get("server_rss_mib")
        out.append(
            (
                "server peak RSS <= 2 GiB",
                "1M",
                f"{rss:.0f} MiB" if rss else "-",
                verdict(rss, 2048, "MiB"),
            )
        )
    out.append(ten_target(ten))
    return out


def ten_target(ten: dict) -> tuple[str, str, str, str]:
    """Return the 10M row: the whole report on disk, measured, over its cap, or not run."""
    name = "kg gaps whole <= 30 s (on disk)"
    if not ten:
        return name, "10M", "not run", "not measured"
    gaps = ten["gaps"]
    if "p50" in gaps:
        return name, "10M", f"{gaps['p50']:.1f} s", verdict(gaps["p50"], 30, "s")
    if "over_cap" in gaps:
        return (
            name,
            "10M",
            short(gaps),
            f"MISSED by more than {gaps['over_cap'] / 30:.0f}x (stopped at the cap)",
        )
    return name, "10M", short(gaps), "MISSED (failed)"


def with_total(v: dict) -> dict:
    """Return a validation entry with total_s = read + submit (validate + accept)."""
    return {**v, "total_s": v["read_s"] + v["p50"]} if "read_s" in v and "p50" in v else v


def query_target(run: dict) -> tuple[str, str, str, str]:
    """Return the every-query p50 target row (worst query; a failed query misses it)."""
    name = "every gap query p50 <= 0.5 s"
    failed = {n: q["oxigraph"] for n, q in run["queries"].items() if "p50" not in q["oxigraph"]}
    if failed:
        return (
            name,
            run["size"],
            "; ".join(f"{n} {short(v)}" for n, v in failed.items()),
            "MISSED (failed)",
        )
    worst = max(run["queries"].items(), key=lambda kv: kv[1]["oxigraph"]["p50"])
    p50 = worst[1]["oxigraph"]["p50"]
    return name, run["size"], f"worst {worst[0]} {p50:.2f} s", verdict(p50, 0.5, "s")


def validation_target(run: dict) -> tuple[str, str, str, str]:
    """Return the 1,000-capability validation+acceptance target row."""
    v = with_total(run.get("validation", {}).get("1000", {}))
    name = "1,000 capabilities read+validated+accepted <= 5 s"
    if "total_s" not in v:
        over = v.get("read", v).get("over_cap")
        return (
            name,
            run["size"],
            f"> {over:.0f} s ({'read' if 'read' in v else 'submit'})" if over else "-",
            f"MISSED (over the {over:.0f} s cap)" if over else "not measured",
        )
    return (
        name,
        run["size"],
        f"{v['total_s']:.1f} s (read {v['read_s']:.1f} s + pySHACL "
        f"{v['validate_s']:.1f} s + accept {v['accept_s']:.1f} s)",
        verdict(v["total_s"], 5.0, "s"),
    )


def pages_target(run: dict) -> tuple[str, str, str, str]:
    """Return the explorer p95 target row (worst page)."""
    pages = {k: v for k, v in run.get("pages", {}).items() if v.get("p95") is not None}
    if not pages:
        return ("pages p95 <= 100 ms, 16 clients", run["size"], "-", "not measured")
    name, worst = max(pages.items(), key=lambda kv: kv[1]["p95"])
    return (
        "pages p95 <= 100 ms, 16 clients",
        run["size"],
        f"worst {name} {worst['p95'] * 1000:.0f} ms",
        verdict(worst["p95"], 0.1, "s"),
    )


def render(facts: dict, runs: list[dict], settings: dict) -> str:
    """Return the results as Markdown: targets, every figure with growth per 10x, notes."""
    lines = [
        "# Benchmark results",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()),
        "",
        "Settings: " + ", ".join(f"{k} {v}" for k, v in settings.items()),
        "",
    ]
    lines += [
        f"- {r['size']}: started {r.get('started')}, load average before "
        f"{fmt_load(r.get('load_before'))}, after {fmt_load(r.get('load_after'))}; "
        f"store {'on disk' if r.get('on_disk') else 'in memory'}"
        + ("" if r.get("complete") else f"; PARTIAL: {r.get('stopped', 'stopped early')}")
        for r in runs
    ]
    lines += ["", "## Targets", "", "| target | size | measured | verdict |", "|---|---|---|---|"]
    lines += [f"| {t} | {s} | {m} | {v} |" for t, s, m, v in targets(runs)]
    sizes = [r["size"] for r in runs]
    lines += [
        "",
        "## Every figure (growth factor against the previous, 10x smaller, size)",
        "",
        "| figure | " + " | ".join(sizes) + " |",
        "|---" * (len(sizes) + 1) + "|",
    ]
    lines += [f"| {name} | " + " | ".join(growth(values)) + " |" for name, values in figures(runs)]
    lines += ["", "## Why and what was tried", ""]
    lines += [f"- **{k}**: {v}" for k, v in NOTES.items()] or ["- (no notes)"]
    return "\n".join(lines) + "\n"


def fmt_load(load) -> str:
    """Return a load-average triple as text."""
    return "/".join(f"{x:.1f}" for x in load) if load else "-"


def options() -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10k,100k,1M")
    p.add_argument("--repeat", type=int, default=5, help="oxigraph runs per query")
    p.add_argument("--gaps-repeat", type=int, default=2)
    p.add_argument("--rdflib-repeat", type=int, default=1)
    p.add_argument("--cap", type=float, default=60.0, help="seconds per rdflib query")
    p.add_argument("--rdflib-max", default="1M", help="largest size rdflib is run at")
    p.add_argument(
        "--virtuoso-max",
        default="100k",
        help="largest size also run on Virtuoso as the remote store",
    )
    p.add_argument("--disk-from", default="10M", help="smallest size built on disk")
    p.add_argument("--skip-load-test", action="store_true")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--load-seconds", type=float, default=20.0)
    p.add_argument("--load-requests", type=int, default=800)
    p.add_argument("--validation-sizes", default="100,1000,10000")
    p.add_argument(
        "--validation-full-at",
        default="1M",
        help="sizes at which validation sizes above 1,000 run too",
    )
    p.add_argument("--validation-cap", type=float, default=120.0)
    p.add_argument(
        "--ox-mem-gib",
        type=float,
        default=8.0,
        help="memory a pyoxigraph query may take above the store before it is stopped",
    )
    p.add_argument("--render-only", action="store_true", help="rewrite results.md from JSON")
    p.add_argument("--out", type=Path, default=HERE)
    return p.parse_args()


def run_sizes(args: argparse.Namespace) -> list[dict]:
    """Run each size in a spawned subprocess; return the results that finished."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    opts = {
        **vars(args),
        "scratch": str(scratch),
        "out": str(args.out),
        "validation_sizes": [int(n) for n in args.validation_sizes.split(",") if n],
        "validation_full_at": args.validation_full_at.split(","),
    }
    runs = []
    for size in args.sizes.split(","):
        proc = mp.get_context("spawn").Process(target=one_size, args=(size, opts, scratch))
        proc.start()
        proc.join()
        path = scratch / f"{size}.json"
        if path.exists():
            runs.append(json.loads(path.read_text()))
        else:
            log(f"{size}: failed (exit {proc.exitcode})")
    return runs


def main() -> None:
    """Run the chosen sizes, merge them into results.json and rewrite results.md."""
    args = options()
    path = args.out / "results.json"
    runs = [] if args.render_only else run_sizes(args)
    args.out.mkdir(parents=True, exist_ok=True)
    merged = merge(path, runs)
    settings = {
        "rdflib cap s": args.cap,
        "oxigraph repeat": args.repeat,
        "rdflib repeat": args.rdflib_repeat,
        "clients": args.clients,
        "load per page": f"{args.load_seconds:.0f} s or {args.load_requests} requests",
    }
    if path.exists() and args.render_only:
        settings = json.loads(path.read_text()).get("settings", settings)
    path.write_text(
        json.dumps(
            {"machine": machine(), "targets": TARGETS, "settings": settings, "runs": merged},
            indent=1,
            default=str,
        )
    )
    (args.out / "results.md").write_text(render(machine(), merged, settings))
    log(f"wrote {args.out / 'results.md'}")


if __name__ == "__main__":
    main()
