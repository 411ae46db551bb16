"""Benchmark harness: store build, gap queries (pyoxigraph vs rdflib) and `kg gaps` per size.

Each size runs in its own subprocess (clean peak RSS). Progress goes to stderr; results to
benchmarks/results.json and benchmarks/results.md. Not yet covered (see results.md):
validation/acceptance of 100/1,000/10,000 capabilities, the explorer under 16 clients and
the server's RSS, and the 10 M on-disk run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

TARGETS = {"query_p50_s": 0.5, "gaps_s": 3.0, "build_triples_per_s": 200_000}


def log(message: str) -> None:
    """Show progress on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict:
    """Return the machine facts the results depend on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(ram, 1),
            "python": platform.python_version(),
            **{pkg: version(pkg) for pkg in ("pyoxigraph", "rdflib", "pyshacl")}}


def timed(fn, repeat: int, cap: float) -> dict:
    """Return p50/p95 of `fn` over `repeat` runs, stopping early past `cap` seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        if times[-1] > cap:
            break
    times.sort()
    return {"p50": statistics.median(times), "p95": times[min(len(times) - 1,
                                                             int(0.95 * len(times)))]}


def rdflib_timed(text: str, path: str, cap: float, repeat: int) -> dict | None:
    """Time a query in rdflib in a subprocess killed at `cap` seconds (None: over the cap)."""
    queue: mp.Queue = mp.Queue()
    proc = mp.Process(target=_rdflib_worker, args=(text, path, repeat, cap, queue))
    proc.start()
    proc.join(cap * repeat + 30)
    if proc.is_alive():
        proc.kill()
        return None
    return queue.get() if not queue.empty() else None


def _rdflib_worker(text: str, path: str, repeat: int, cap: float, queue) -> None:
    """Load the N-Quads dump into an rdflib Dataset (union default) and time the query."""
    import rdflib

    data = rdflib.Dataset(default_union=True)
    data.parse(path, format="nquads")
    try:
        queue.put(timed(lambda: list(data.query(text)), repeat, cap))
    except Exception as err:  # noqa: BLE001 - rdflib's own failures are a result too
        queue.put({"error": f"{type(err).__name__}: {err}"[:200]})


def one_size(size: str, repeat: int, cap: float, out: Path) -> dict:
    """Run every measurement for one size; return the results."""
    from load import build_store
    from synth import generate, parse_size

    from kg.access import full_dataset
    from kg.catalogue import bindings, load_catalogue
    from kg.gaps import report
    from kg.sparql import bind

    folder = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
    generate(parse_size(size), folder / "partners")
    log(f"{size}: generated; building the store")
    start = time.perf_counter()
    store, triples = build_store(folder / "partners", progress=lambda m: None)
    build = time.perf_counter() - start
    result = {"size": size, "triples": triples, "build_s": build,
              "build_triples_per_s": triples / build, "queries": {}}
    dataset = full_dataset(store)
    dump = folder / "dump.nq"
    store.dump(dump)
    params = {"as_of": "2026-11-21"}
    for name, query in load_catalogue().items():
        text = bind(query.text, bindings(store, dataset, query,
                                         {k: v for k, v in params.items() if k in query.params}))
        ox_t = timed(lambda t=text: list(store.query(t, dataset)), repeat, cap)
        rdf_t = rdflib_timed(text, str(dump), cap, max(1, repeat // 3))
        result["queries"][name] = {"oxigraph": ox_t, "rdflib": rdf_t}
        log(f"{size}: {name} ox p50 {ox_t['p50']:.3f}s rdflib {rdf_t or '> cap'}")
    result["gaps"] = timed(lambda: report(store, dataset, params), max(1, repeat // 3), cap)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log(f"{size}: kg gaps p50 {result['gaps']['p50']:.2f}s")
    (out / f"{size}.json").write_text(json.dumps(result))
    return result


def render(facts: dict, runs: list[dict], cap: float) -> str:
    """Return the results as Markdown with targets met or missed."""
    lines = ["# Benchmark results", "", "Machine: " + ", ".join(f"{k} {v}" for k, v in
                                                                facts.items()), "",
             f"rdflib cap: {cap:.0f} s per query (\"> cap\" when not finished).", "",
             "| size | triples | build s | triples/s | peak RSS MiB | kg gaps p50 s |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['size']} | {r['triples']} | {r['build_s']:.1f} | "
              f"{r['build_triples_per_s']:.0f} | {r['peak_rss_mib']:.0f} | "
              f"{r['gaps']['p50']:.2f} |" for r in runs]
    lines += ["", "| size | query | oxigraph p50 / p95 s | rdflib p50 s | ratio |",
              "|---|---|---|---|---|"]
    for r in runs:
        for name, q in r["queries"].items():
            ox_t, rdf = q["oxigraph"], q["rdflib"]
            shown = "> cap" if rdf is None else rdf.get("error") or f"{rdf['p50']:.3f}"
            ratio = "-" if rdf is None or "error" in rdf else f"{rdf['p50'] / ox_t['p50']:.0f}x"
            lines.append(f"| {r['size']} | {name} | {ox_t['p50']:.3f} / {ox_t['p95']:.3f} | "
                         f"{shown} | {ratio} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmark for the chosen sizes and write the results files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cap", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-results-"))
    runs = []
    for size in args.sizes.split(","):
        proc = mp.get_context("spawn").Process(target=one_size,
                                                args=(size, args.repeat, args.cap, scratch))
        proc.start()
        proc.join()
        path = scratch / f"{size}.json"
        if path.exists():
            runs.append(json.loads(path.read_text()))
        else:
            log(f"{size}: failed (exit {proc.exitcode})")
    facts = machine()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps({"machine": facts, "targets": TARGETS,
                                                       "runs": runs}, indent=2))
    (args.out / "results.md").write_text(render(facts, runs, args.cap))
    log(f"wrote {args.out / 'results.md'}")


if __name__ == "__main__":
    main()
