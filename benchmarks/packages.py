"""Benchmark release packages: export the synthetic coalition for one viewer, import it anew.

Builds the synthetic coalition of benchmarks/synth.py in an on-disk store (the default store),
then, each phase in its own process so that its peak memory is its own: exports the full
package for one viewer, verifies and imports it into an empty on-disk store, checks that the
receiving store's dataset for that viewer has the source's canonical hashes, and does the same
for an incremental package after one capability is withdrawn. Figures go to
benchmarks/packages.json and to their own section of benchmarks/results.md.
Usage: python benchmarks/packages.py --size 1M [--viewer USA@US-TS]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

START, END = "<!-- packages:start -->", "<!-- packages:end -->"
NOTES = [
    "- **Export** is dominated by writing each graph in canonical form (serialising, sorting "
    "lines) and hashing it; its peak memory holds the package's graphs as text once.",
    "- **Import** into an empty on-disk store loads in bulk, as `kg init` does for a new store "
    "(163 s before that, 66 s after, at 1M); each partner's data is written twice (current and "
    "history graphs) and committed by one update. Its peak memory holds the package, its parsed "
    "statements and the staged acceptance: about 2.3x the export's.",
    "- **Incremental** packages carry whole graphs: one withdrawn capability sends the partner's "
    "whole graph under that marking (here 250k statements), and importing it makes the "
    "partner's next version as every acceptance does (at 1M the withdrawal itself took 93 s "
    "on the source store).",
]


def peak_mib() -> float:
    """Return this process's peak resident memory in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(size: str, folder: Path) -> dict:
    """Generate the synthetic coalition and build it in an on-disk store; return figures."""
    from load import build_store
    from synth import generate, parse_size

    from kg.access import full_dataset

    generate(parse_size(size), folder / "partners")
    start = time.perf_counter()
    store, triples = build_store(folder / "partners", path=folder / "source")
    full_dataset(store)
    store.bulk = False
    store.flush()
    return {"triples": triples, "build_s": time.perf_counter() - start}


def export_phase(store_path: str, viewer: str, out: str, key: str, since: str = "") -> dict:
    """Export a package (incremental after `since`); return its figures."""
    from kg.package.export import export
    from kg.package.keys import signing_key
    from kg.store import Store

    store = Store(Path(store_path))
    start = time.perf_counter()
    with open(out, "wb") as stream:
        done = export(
            store,
            viewer,
            stream,
            signing_key(Path(key)),
            Path(since).read_bytes() if since else None,
        )
    seconds = time.perf_counter() - start
    return {
        "export_s": seconds,
        "bytes": done.size,
        "graphs": len(done.manifest.graphs),
        "statements": sum(e.statements for e in done.manifest.graphs),
        "export_peak_mib": peak_mib(),
    }


def import_phase(store_path: str, package: str, key: str) -> dict:
    """Verify and import a package; return the time of each step."""
    from kg.package.importing import import_package
    from kg.package.keys import public_text, signing_key
    from kg.package.verify import verify
    from kg.store import Store

    store = Store(Path(store_path))
    trusted = [public_text(signing_key(Path(key)))]
    start = time.perf_counter()
    verified = verify(Path(package).read_bytes(), package, trusted, store)
    middle = time.perf_counter()
    outcome = import_package(store, verified, "bench")
    end = time.perf_counter()
    return {
        "verify_s": middle - start,
        "import_s": end - middle,
        "total_s": end - start,
        "versions": len(outcome.versions),
        "import_peak_mib": peak_mib(),
    }


def compare_phase(source: str, target: str, viewer: str) -> dict:
    """Compare the viewer's dataset in both stores by canonical hash."""
    from kg.access import visible_graphs
    from kg.package.audience import viewer_for
    from kg.package.canonical import digest, graph_text
    from kg.store import Store

    found = []
    for path in (source, target):
        store = Store(Path(path))
        who = viewer_for(store, viewer)
        found.append({g: digest(graph_text(store, g)) for g in visible_graphs(store, who)})
        del store
        gc.collect()
    return {"same_hashes": found[0] == found[1], "graphs_compared": len(found[0])}


def withdraw_phase(store_path: str) -> dict:
    """Withdraw one capability of the largest partner, as a new version."""
    from kg.content import Content
    from kg.settings import ROOT
    from kg.store import Store
    from kg.submissions import Context, withdraw
    from kg.submissions.history import current_graphs
    from kg.submissions.structure import Structure, identifier

    store = Store(Path(store_path))
    graphs = [g for g in store.graphs() if g.endswith("/us-u") and "/partner/" in g]
    graph = max(graphs, key=store.count)
    partner = graph.split("/")[-2]
    cap = sorted(Structure.of(store.triples(graph)).capabilities, key=str)[0]
    start = time.perf_counter()
    withdraw(store, Context(Content(ROOT)), partner, "bench", [identifier(cap)])
    return {
        "withdraw_s": time.perf_counter() - start,
        "partner": partner,
        "partner_graphs": len(current_graphs(store, partner)),
    }


PHASES = {
    "export": export_phase,
    "import": import_phase,
    "compare": compare_phase,
    "withdraw": withdraw_phase,
}


def phase(name: str, *args: str) -> dict:
    """Run one phase in its own process and return its figures."""
    run = subprocess.run(
        [sys.executable, __file__, "--phase", name, *args], capture_output=True, text=True
    )
    if run.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def measure(size: str, viewer: str, folder: Path) -> dict:
    """Run every phase on a coalition of `size`; return the figures."""
    result = {
        "size": size,
        "viewer": viewer,
        "load_before": os.getloadavg(),
        "started": time.ctime(),
        **build(size, folder),
    }
    gc.collect()
    key = str(folder / "signing.key")
    full, part = str(folder / "full.zip"), str(folder / "incremental.zip")
    result["full"] = phase("export", str(folder / "source"), viewer, full, key)
    result["full"] |= phase("import", str(folder / "target"), full, key)
    result["full"] |= phase("compare", str(folder / "source"), str(folder / "target"), viewer)
    result["change"] = phase("withdraw", str(folder / "source"))
    result["incremental"] = phase("export", str(folder / "source"), viewer, part, key, full)
    result["incremental"] |= phase("import", str(folder / "target"), part, key)
    result["incremental"] |= phase(
        "compare", str(folder / "source"), str(folder / "target"), viewer
    )
    result["load_after"] = os.getloadavg()
    return result


def render(runs: list[dict]) -> str:
    """Return the results.md section of the package figures."""
    lines = [
        START,
        "## Release packages (benchmarks/packages.py)",
        "",
        "Export of the synthetic coalition for one viewer, then verify and import into an "
        "empty store; both stores on disk; each phase in its own process (peak RSS is that "
        "phase's). The incremental package follows one withdrawn capability.",
        "",
        "| size | viewer | triples in store | package | graphs / statements | export s | "
        "verify s | import s | same hashes | export / import peak MiB | incremental: "
        "export s, import s, bytes | load before / after |",
        "|---" * 12 + "|",
    ]
    for r in runs:
        f, i = r["full"], r["incremental"]
        lines.append(
            f"| {r['size']} | {r['viewer']} | {r['triples']:,} | {f['bytes'] / 2**20:.1f} MiB | "
            f"{f['graphs']} / {f['statements']:,} | {f['export_s']:.1f} | {f['verify_s']:.1f} | "
            f"{f['import_s']:.1f} | {f['same_hashes'] and i['same_hashes']} | "
            f"{f['export_peak_mib']:,.0f} / {f['import_peak_mib']:,.0f} | {i['export_s']:.1f}, "
            f"{i['import_s'] + i['verify_s']:.1f}, {i['bytes']:,} | "
            f"{'/'.join(f'{x:.1f}' for x in r['load_before'])} / "
            f"{'/'.join(f'{x:.1f}' for x in r['load_after'])} |"
        )
    lines += [
        "",
        f"Measured {runs[-1]['started']}; the machine was shared (load averages above).",
        "",
        *NOTES,
        END,
    ]
    return "\n".join(lines) + "\n"


def record(result: dict | None) -> None:
    """Merge a run into packages.json and rewrite the section of results.md."""
    path = HERE / "packages.json"
    runs = json.loads(path.read_text())["runs"] if path.exists() else []
    if result is not None:
        runs = [r for r in runs if r["size"] != result["size"]] + [result]
        path.write_text(json.dumps({"runs": runs}, indent=1) + "\n")
    results = HERE / "results.md"
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    if START in text:
        text = text.split(START)[0] + text.split(END, 1)[1].lstrip("\n")
    results.write_text(text.rstrip("\n") + "\n\n" + render(runs), encoding="utf-8")


def main() -> None:
    """Command line: run the benchmark, or one phase of it (used by the benchmark itself)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--viewer", default="USA@US-TS")
    parser.add_argument("--phase", choices=sorted(PHASES))
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="Rewrite the results.md section from packages.json.",
    )
    parser.add_argument("args", nargs="*")
    args = parser.parse_args()
    if args.render_only:
        return record(None)
    if args.phase:
        print(json.dumps(PHASES[args.phase](*args.args)))
        return
    with tempfile.TemporaryDirectory(prefix="kg-packages-") as folder:
        result = measure(args.size, args.viewer, Path(folder))
    record(result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
