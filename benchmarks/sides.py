"""The engines a size is measured on: the embedded store, rdflib's engine, Virtuoso (remote).

Every report is run as the product runs it (`kg.catalogue.run`, parameters bound as terms);
rdflib's engine runs the same published query text with the same bindings substituted, or,
for a report computed in steps (kg/findings) whose text rdflib fails on by itself, its steps.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queues
import time
from pathlib import Path

from timing import cold_warm, forked, load, log, short, summary, timed

PARAMS = {"as_of": "2026-11-21"}
BUILD_TIMEOUT = 1800.0  # seconds one request of Virtuoso's build may take


def catalogue():
    """Return the catalogue of reports, by name."""
    from kg.catalogue import load_catalogue

    return load_catalogue()


def bound(store, dataset, query) -> dict:
    """Return a report's parameters (PARAMS where it has them) bound as RDF terms."""
    from kg.catalogue import bindings

    return bindings(store, dataset, query, {k: v for k, v in PARAMS.items() if k in query.params})


def query_texts(store, dataset) -> dict[str, str]:
    """Return every report's query text with its parameters bound (what rdflib runs)."""
    from kg.sparql import bind

    return {n: bind(q.text, bound(store, dataset, q)) for n, q in catalogue().items()}


def step_bindings(store, dataset) -> dict[str, dict]:
    """Return the bound parameters of every report computed in steps (what its steps read)."""
    from kg.findings import STEPS

    return {n: bound(store, dataset, q) for n, q in catalogue().items() if n in STEPS}


def run_report(store, dataset, name: str, computed: bool = False) -> int:
    """Run one report as `kg query NAME` does; return its row count.

    `computed`: compute it as `kg query` does when nothing is kept (in steps when the report
    has them, else its .rq), never reading a kept answer: what rdflib is compared with.
    """
    from kg.catalogue import run

    query = catalogue()[name]
    mine = {k: v for k, v in PARAMS.items() if k in query.params}
    return len(run(store, query, dataset, mine, steps=True if computed else None).rows)


def gap_report(store, dataset) -> int:
    """Build and render the whole gap report as `kg gaps` does; return the Markdown's size."""
    from kg.gaps import render, report

    return len(render(report(store, dataset, PARAMS), "md"))


def oxigraph_side(store, dataset, opts: dict, result: dict, save=lambda: None) -> None:
    """Time every report (cold and warm) and the whole gap report on the embedded store.

    First the whole report is computed once, as after an acceptance (kg/renewal.py), which
    keeps every report's findings (kg/kept.py); the reports timed then read them, as
    `kg query` and `kg gaps` do until the data changes. Where rdflib runs, each report is
    also timed computed, never read back, for the ratio. `save` is called after each report,
    so a stopped run keeps those it measured.
    """
    gaps_opts = {**opts, "cap": opts["gaps_cap"]}
    findings_opts = {**opts, "cap": opts.get("findings_cap", opts["gaps_cap"])}
    result["findings"] = computed_once(lambda: gap_report(store, dataset), findings_opts)
    log(f"{result['size']}: findings computed and kept {describe(result['findings'])}")
    save()
    result["queries"] = {}
    compare = "rdflib" in opts["parts"] and result["size"] in opts["rdflib_at"]
    for name in catalogue():
        value = cold_warm(lambda n=name: run_report(store, dataset, n), opts)
        result["queries"][name] = {"oxigraph": value}
        log(f"{result['size']}: {name} {describe(value)}")
        if compare:  # rdflib computes every report: so must the figure it is compared with
            value = cold_warm(lambda n=name: run_report(store, dataset, n, True), opts)
            result["queries"][name]["oxigraph_computed"] = value
            log(f"{result['size']}: {name} computed {describe(value)}")
        save()
    result["gaps"] = cold_warm(
        lambda: gap_report(store, dataset), gaps_opts, opts["gaps_repeat"], opts["gaps_cold"]
    )
    log(f"{result['size']}: kg gaps (whole) {describe(result['gaps'])}")


def computed_once(fn, opts: dict) -> dict:
    """Run `fn` once in a forked child under the caps; return its seconds as `p50`, or why not."""
    started = load()
    out = forked(fn, 1, opts)
    if "times" not in out:
        return {**out, "load": started}
    return {"p50": out["times"][0], "value": out["value"], "load": started}


def describe(value: dict) -> str:
    """Return a timing as a progress line: cold, warm, rows and load."""
    if "cold" not in value:
        return f"{short(value)} (load {value.get('load')})"
    warm = value["warm"]["p50"] if value.get("warm") else None
    return (
        f"cold {value['cold']['p50']:.3f}s warm {warm if warm is None else f'{warm:.3f}s'} "
        f"({value.get('value')} rows/chars, load {value['load']})"
    )


def rdflib_side(store, dataset, texts: dict, folder: Path, opts: dict, result: dict) -> None:
    """Run every report in one rdflib worker over the same graphs, each under --rdflib-cap.

    A report computed in steps whose .rq rdflib fails on runs as its steps on rdflib.
    """
    from load import dump_graphs, rdflib_worker

    if result["size"] not in opts["rdflib_at"]:
        result["rdflib"] = {"skipped": f"rdflib runs at {','.join(opts['rdflib_at'])}"}
        return
    dump = folder / "named.nq"
    quads = dump_graphs(store, dataset.named, dump)
    steps = step_bindings(store, dataset)
    context = mp.get_context("spawn")
    channel = context.Queue()
    worker = context.Process(
        target=rdflib_worker,
        args=(str(dump), texts, steps, opts["rdflib_cap"], opts["rdflib_repeat"], channel),
    )
    worker.start()
    result["rdflib"] = {
        "quads": quads,
        "cap_s": opts["rdflib_cap"],
        **collect(worker, channel, result, len(texts) + len(steps), opts),
    }
    worker.kill()
    worker.join()


def collect(worker, channel, result: dict, runs: int, opts: dict) -> dict:
    """Read the rdflib worker's messages until it is done, dies or overruns its deadline.

    `runs` is how many capped runs the worker may make (each report's .rq, and its steps).
    """
    out: dict = {}
    deadline = time.monotonic() + 1800 + runs * (opts["rdflib_cap"] * opts["rdflib_repeat"])
    while time.monotonic() < deadline:
        try:
            kind, name, value = channel.get(timeout=1)
        except queues.Empty:
            if not worker.is_alive():
                out["died"] = f"worker exit {worker.exitcode}"
                break
            continue
        if kind == "query":
            result.setdefault("queries", {}).setdefault(name, {})["rdflib"] = {
                **value,
                "load": load(),
            }
            log(f"{result['size']}: {name} rdflib {value['mode']} {short(value)} (load {load()})")
        else:
            out[kind] = value
            log(f"{result['size']}: rdflib {kind} {value}")
        if kind == "done":
            break
    return out


def virtuoso_side(folder: Path, opts: dict, result: dict, save=lambda: None) -> None:
    """Build the same files into a scratch Virtuoso (the remote store); time every report.

    `save` is called after the build and after each report, so a stopped run keeps them.
    """
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
        with running(folder / "virtuoso", large=True) as setting:
            store = RemoteStore(setting, timeout=opts["cap"])
            result["virtuoso"] = out = {
                "load_before": load(),
                "started": time.strftime("%H:%M UTC", time.gmtime()),
            }
            start = time.perf_counter()
            try:  # an acceptance's updates may take minutes on a loaded machine
                builder = RemoteStore(setting, timeout=BUILD_TIMEOUT)
                triples = fill(builder, folder / "partners", progress=every_tenth(result["size"]))
            except Exception as err:  # noqa: BLE001 - a refused build is a result too
                out.update(error=f"build: {type(err).__name__}: {err}"[:300], load_after=load())
                log(f"{result['size']}: Virtuoso build failed: {out['error']}")
                return
            out.update(build_s=time.perf_counter() - start, load_after=load())
            out["build_triples_per_s"] = triples / out["build_s"]
            log(f"{result['size']}: Virtuoso built in {out['build_s']:.1f}s (load {load()})")
            save()
            dataset = full_dataset(store)
            for name in catalogue():
                value = remote_timed(lambda n=name: run_report(store, dataset, n), opts)
                result.setdefault("queries", {}).setdefault(name, {})["virtuoso"] = value
                save()
                log(f"{result['size']}: {name} virtuoso {short(value)} (load {value['load']})")
            out["gaps"] = forked(lambda: gap_report(store, dataset), 1, opts)
            out["gaps"] = {**with_p50(out["gaps"]), "load": load()}
            log(f"{result['size']}: kg gaps on Virtuoso {short(out['gaps'])}")
    except Unavailable as err:
        result["virtuoso"] = {"skipped": str(err)}


def with_p50(out: dict) -> dict:
    """Turn a forked child's `times` into a summary (or keep its failure)."""
    if "times" not in out:
        return out
    return {**summary(out["times"]), "value": out.get("value")}


def every_tenth(size: str):
    """Return a progress callback for `fill` that logs every partner file."""

    def say(i: int, n: int, message: str) -> None:
        if i % 10 == 0 or i == n:
            log(f"{size}: Virtuoso {message} ({i}/{n}, load {load()})")

    return say


def remote_timed(fn, opts: dict) -> dict:
    """Time one report on the remote store; an error or the client timeout is a result too."""
    started = load()
    try:
        out = timed(fn, opts["repeat"], opts["cap"])
    except Exception as err:  # noqa: BLE001 - a server's refusal is a result too
        if "timed out" in str(err):
            return {"over_cap": opts["cap"], "load": started}
        return {"error": f"{type(err).__name__}: {err}"[:200], "load": started}
    return {**summary(out["times"]), "value": out["value"], "load": started}
