"""Benchmark harness: build, every report cold and warm, kg gaps, rdflib, Virtuoso, explorer.

Each size runs in its own spawned subprocess (clean peak RSS) on the on-disk store, the
default. rdflib's engine runs every report in a worker process over the same graphs (at
--rdflib-at); Virtuoso, as the remote store, is built from the same files and runs every
report and the whole gap report (up to --virtuoso-max). Progress goes to stderr; results
merge into benchmarks/results.json (sizes already there are kept unless re-run) and
benchmarks/results.md (see report.py). Every figure carries the machine's load average.
Usage: python benchmarks/run.py --sizes 10k,100k,1M   (make bench; make bench-10m adds 10M)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import shutil
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from timing import load, log  # noqa: E402


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


def build(size: str, folder: Path, opts: dict, result: dict):
    """Generate and build the store for `size` with its views; reopen it with cold caches."""
    from load import PerProcessStore, build_store
    from synth import generate, parse_size

    from kg.access import full_dataset, viewer_dataset

    start = time.perf_counter()
    generate(parse_size(size), folder / "partners")
    result["generate_s"] = time.perf_counter() - start
    disk = parse_size(size) >= parse_size(opts["disk_from"])
    path = folder / "store" if disk else None
    log(
        f"{size}: generated in {result['generate_s']:.1f}s; "
        f"building {'on disk' if disk else 'in memory'}"
    )
    result["build_load"] = load()
    start = time.perf_counter()
    store, triples = build_store(folder / "partners", path=path, progress=every_tenth(size))
    loaded = time.perf_counter() - start
    viewer_dataset(store)  # the public and administrator views, in bulk as `kg init` does
    full_dataset(store)
    store.bulk = False  # built: from here on every write is a transaction
    store.flush()
    build_s = time.perf_counter() - start
    result.update(
        triples=triples,
        on_disk=disk,
        build_s=build_s,
        build_triples_per_s=triples / build_s,
        load_s=loaded,
        view_build_s=build_s - loaded,
        build_load_after=load(),
    )
    log(
        f"{size}: {triples} triples in {build_s:.1f}s, views included ({loaded:.1f}s + "
        f"views {build_s - loaded:.1f}s): {triples / build_s:,.0f} triples/s (load {load()})"
    )
    dataset = full_dataset(store)
    if disk:  # each process opens the store as a new one would: caches empty
        del store
        store = PerProcessStore(path)
        store.close()
    return store, dataset


def every_tenth(size: str):
    """Return a progress callback that logs every tenth accepted partner file."""

    def say(i: int, n: int, message: str) -> None:
        if i % 10 == 0 or i == n:
            log(f"{size}: {message} ({i}/{n})")

    return say


def one_size(size: str, opts: dict, out: Path) -> None:
    """Run every measurement for one size and write `out/SIZE.json` after each part."""
    from explorer import load_test
    from load import peak_rss_mib
    from sides import oxigraph_side, query_texts, rdflib_side, virtuoso_side
    from validation import validation

    folder = Path(tempfile.mkdtemp(prefix=f"bench-{size}-", dir=opts["scratch"]))
    result: dict = {
        "size": size,
        "load_before": os.getloadavg(),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "settings": {k: opts[k] for k in SETTINGS},
    }
    parts = opts["parts"]
    if set(parts) - {"virtuoso"}:
        store, dataset = build(size, folder, opts, result)
        save(result, out)
    else:  # Virtuoso alone reads the partner files only
        from synth import generate, parse_size

        generate(parse_size(size), folder / "partners")
    if "embedded" in parts:
        oxigraph_side(store, dataset, opts, result, lambda: save(result, out))
        result["peak_rss_mib"] = peak_rss_mib()
        save(result, out)
    for part in parts:
        if part == "rdflib":
            rdflib_side(store, dataset, query_texts(store, dataset), folder, opts, result)
        elif part == "virtuoso":
            virtuoso_side(folder, opts, result, lambda: save(result, out))
        elif part == "explorer" and store.path:
            store.close()  # the server opens it
            load_test(store.path, folder, opts, result)
        elif part == "validation":
            validation(store, folder, opts, result)
        save(result, out)
    result["complete"] = True
    save(result, out)
    shutil.rmtree(folder, ignore_errors=True)


def save(result: dict, out: Path) -> None:
    """Write what one size has measured so far (a later failure keeps the earlier figures)."""
    result["load_after"] = os.getloadavg()
    (out / f"{result['size']}.json").write_text(json.dumps(result, default=str))


def merge(path: Path, runs: list[dict]) -> list[dict]:
    """Return the runs already in `path` with `runs` merged in, size by size.

    A run's figures replace those of the same size; figures it did not measure (parts not
    run, as when Virtuoso ran in a run of its own) are kept, each with its own load average.
    """
    from synth import parse_size

    old = json.loads(path.read_text())["runs"] if path.exists() else []
    by: dict[str, dict] = {}
    for run in [*old, *runs]:
        kept = by.get(run["size"], {})
        queries = {
            name: {**kept.get("queries", {}).get(name, {}), **q}
            for name, q in {**kept.get("queries", {}), **run.get("queries", {})}.items()
        }
        sessions = kept.get("sessions", []) + run.get("sessions", [session(run)])
        by[run["size"]] = {**kept, **run, "queries": queries, "sessions": sessions}
    return sorted(by.values(), key=lambda r: parse_size(r["size"]))


def session(run: dict) -> dict:
    """Return when one run of a size started, what it ran, its load and whether it finished."""
    parts = list((run.get("settings") or {}).get("parts") or [])
    if "gaps" in run and "embedded" not in parts:  # runs before `--parts embedded` existed
        parts.insert(0, "embedded")
    return {
        "started": run.get("started"),
        "parts": parts,
        "load_before": run.get("load_before"),
        "load_after": run.get("load_after"),
        "complete": run.get("complete", False),
    }


PARTS = ("embedded", "rdflib", "virtuoso", "explorer", "validation")
SETTINGS = (
    "repeat",
    "cold",
    "gaps_repeat",
    "gaps_cold",
    "cap",
    "gaps_cap",
    "findings_cap",
    "rdflib_cap",
    "parts",
)


def options(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10k,100k,1M")
    p.add_argument("--repeat", type=int, default=4, help="runs per report in each child")
    p.add_argument("--cold", type=int, default=2, help="children per report (cold runs)")
    p.add_argument("--gaps-repeat", type=int, default=2, help="kg gaps runs in each child")
    p.add_argument("--gaps-cold", type=int, default=1, help="children for kg gaps")
    p.add_argument("--cap", type=float, default=60.0, help="seconds per report run")
    p.add_argument("--gaps-cap", type=float, default=180.0, help="seconds per kg gaps run")
    p.add_argument(
        "--findings-cap",
        type=float,
        default=1800.0,
        help="seconds to compute the findings once after the build (as after a change)",
    )
    p.add_argument("--rdflib-at", default="100k", help="sizes rdflib's engine runs at")
    p.add_argument("--rdflib-cap", type=float, default=300.0, help="seconds per rdflib report")
    p.add_argument("--rdflib-repeat", type=int, default=1)
    p.add_argument("--virtuoso-max", default="1M", help="largest size also run on Virtuoso")
    p.add_argument("--disk-from", default="0", help="smallest size built on disk (default all)")
    p.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"what runs, in this order: any of {','.join(PARTS)} (embedded: every report "
        "and kg gaps on the embedded store; a run of several parts merges into one size)",
    )
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
        help="memory a measurement may take above the store before it is stopped",
    )
    p.add_argument("--render-only", action="store_true", help="rewrite results.md from JSON")
    p.add_argument(
        "--merge",
        type=Path,
        action="append",
        default=[],
        help="merge a run's SIZE.json or results.json (e.g. a stopped run's) and rewrite",
    )
    p.add_argument("--out", type=Path, default=HERE)
    return p.parse_args(argv)


def run_sizes(args: argparse.Namespace) -> list[dict]:
    """Run each size in a spawned subprocess; return what each measured, finished or not."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    opts = {
        **vars(args),
        "scratch": str(scratch),
        "out": str(args.out),
        "parts": [p for p in args.parts.split(",") if p],
        "rdflib_at": args.rdflib_at.split(","),
        "validation_sizes": [int(n) for n in args.validation_sizes.split(",") if n],
        "validation_full_at": args.validation_full_at.split(","),
    }
    unknown = set(opts["parts"]) - set(PARTS)
    if unknown:
        raise SystemExit(f"--parts: unknown {', '.join(sorted(unknown))}; choose from {PARTS}")
    runs = []
    for size in args.sizes.split(","):
        proc = mp.get_context("spawn").Process(target=one_size, args=(size, opts, scratch))
        proc.start()
        proc.join()
        path = scratch / f"{size}.json"
        if path.exists():
            runs.append(json.loads(path.read_text()))
        if proc.exitcode:
            log(f"{size}: stopped (exit {proc.exitcode}); what it measured is kept")
    shutil.rmtree(scratch, ignore_errors=True)
    return runs


def main() -> None:
    """Run the chosen sizes, merge them into results.json and rewrite results.md."""
    from report import render

    args = options()
    path = args.out / "results.json"
    runs = [] if args.render_only or args.merge else run_sizes(args)
    for extra in args.merge:
        data = json.loads(extra.read_text())
        runs += data.get("runs", [data])
    args.out.mkdir(parents=True, exist_ok=True)
    merged = merge(path, runs)
    facts = machine()
    path.write_text(json.dumps({"machine": facts, "runs": merged}, indent=1, default=str))
    (args.out / "results.md").write_text(render(facts, merged))
    log(f"wrote {args.out / 'results.md'}")


if __name__ == "__main__":
    main()
