"""The catalogue reports on four SPARQL engines, side by side: answers and seconds.

Engines: pyoxigraph (the embedded store), Virtuoso 7.2 (the remote store, kg/remote.py),
rdflib's SPARQL engine and Apache Jena ARQ (an independent reference). Each runs every report
of kg/queries with its default parameters on the dataset a viewer reads: the public viewer's
and the all-access one. tests/test_engines.py compares the answers; run as a script, this
times each report on each engine and writes benchmarks/engines.md.

Usage: python benchmarks/engines.py [--repeat N] [--size 10k] [--out benchmarks/engines.md]
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import jena  # noqa: E402
from kg import catalogue, guard  # noqa: E402
from kg.access import ANONYMOUS, full_dataset, viewer_dataset  # noqa: E402
from kg.bindings import bind  # noqa: E402
from kg.dataset import Dataset  # noqa: E402
from kg.namespaces import GRAPH, PREFIXES  # noqa: E402
from kg.sparql import QueryResult, collect  # noqa: E402

ENGINES = ("oxigraph", "virtuoso", "rdflib", "jena")
VIEWS = ("public", "all")
XSD = PREFIXES["xsd"]
NUMERIC = {
    XSD + t
    for t in (
        "integer decimal double float int long short byte nonNegativeInteger "
        "positiveInteger negativeInteger nonPositiveInteger unsignedInt unsignedLong"
    ).split()
}
STRING = XSD + "string"
RDFLIB_CAP = 60  # seconds for one report on rdflib
# Reports an engine runs past any time limit (keeping the server busy) or for minutes: not
# run there. None since the pair reports compare kinds of sides (kg/findings/pairs.py): rdflib
# runs their steps in 7-10 s at 10k (20-40 s before).
HANGS: set[tuple[str, str]] = set()


def dataset_of(store, view: str) -> Dataset:
    """Return the dataset a viewer reads: the public viewer's, or every current graph."""
    return viewer_dataset(store, ANONYMOUS) if view == "public" else full_dataset(store)


def bound_text(store, dataset: Dataset, query: catalogue.Query) -> str:
    """Return a report's text with its default parameters bound, as the stores receive it."""
    return bind(query.text, catalogue.bindings(store, dataset, query, {}))


def data_graphs(store) -> list[str]:
    """Return the store's graphs without the embedded store's view graphs (kg/views.py)."""
    return [g for g in store.graphs() if not g.startswith(GRAPH + "view/")]


def dump(store, graphs, path: Path, union: bool = False) -> Path:
    """Write `graphs` as N-Quads; with `union`, their union also as the default graph."""
    quads, seen = [], set()
    for g in graphs:
        for t in store.triples(g):
            quads.append(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)))
            if union and t not in seen:
                seen.add(t)
                quads.append(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    ox.serialize(quads, str(path), ox.RdfFormat.N_QUADS)
    return path


def without_parameters(result: QueryResult) -> QueryResult:
    """Drop the `?_name` parameter columns, as kg.catalogue.run does."""
    result.variables = [v for v in result.variables if not v.startswith("_")]
    result.rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in result.rows]
    return result


def from_json(body: bytes) -> QueryResult:
    """Read SPARQL JSON results into a `QueryResult` of pyoxigraph terms."""
    return without_parameters(collect(ox.parse_query_results(body, ox.QueryResultsFormat.JSON)))


class Rdflib:
    """rdflib's SPARQL engine on one viewer's dataset, read from a union N-Quads dump.

    With `default_union`, the dump holds the named graphs only and rdflib reads their union
    as the default graph (as the benchmark harness loads it, benchmarks/load.py).
    """

    def __init__(self, path: Path, default_union: bool = False):
        import rdflib

        self.data = rdflib.Dataset(default_union=default_union)
        self.data.parse(str(path), format="nquads")

    def select(self, text: str) -> QueryResult:
        """Run a bound query; answer as a `QueryResult` of pyoxigraph terms."""
        return from_json(self.data.query(text).serialize(format="json"))

    def runner(self, store, text: str, dataset, bindings: dict | None, row_cap: int = 0):
        """Run a query with its bindings: the `runner` of `catalogue.run`, steps included."""
        return self.select(bind(text, bindings or {}))


@dataclass
class Answer:
    """One engine's answer to one report: its rows, or the error it gave, and its seconds."""

    result: QueryResult | None = None
    error: str = ""
    seconds: float | None = None


def run_jena(texts: dict[tuple, str], dumps: dict, scratch: Path) -> dict[tuple, Answer]:
    """Run bound texts keyed (data, view, report) on Jena, one JVM, each dump loaded once."""
    folder = scratch / "jena"
    folder.mkdir(parents=True, exist_ok=True)
    batches, files = {}, {}
    for n, (key, text) in enumerate(sorted(texts.items())):
        path = folder / f"q{n}.rq"
        path.write_text(text, encoding="utf-8")
        batches.setdefault(dumps[key[:2]], []).append(path)
        files[key] = path
    seconds = jena.run(list(batches.items()), scratch)
    answers = {}
    for key, path in files.items():
        error = path.with_suffix(".error")
        if error.exists():
            answers[key] = Answer(error=error.read_text(encoding="utf-8"))
        else:
            result = from_json(path.with_suffix(".json").read_bytes())
            answers[key] = Answer(result, seconds=seconds.get(path))
    return answers


def timed(run) -> Answer:
    """Run `run()`, returning its result and seconds, or the error it raised."""
    start = time.perf_counter()
    try:
        result = run()
    except Exception as err:  # noqa: BLE001 - an engine's failure is an answer to compare
        return Answer(error=f"{type(err).__name__}: {err}"[:2000])
    return Answer(result, seconds=time.perf_counter() - start)


def capped(run, cap: int) -> Answer:
    """Like `timed`, stopped after `cap` seconds by SIGALRM (rdflib is pure Python)."""

    def overrun(signum, frame):
        raise TimeoutError(f"over {cap} s")

    previous = signal.signal(signal.SIGALRM, overrun)
    signal.alarm(cap)
    try:
        return timed(run)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- comparing answers ---------------------------------------------------------------------


def concatenated(text: str) -> tuple[set[str], set[str]]:
    """Return the variables whose values come from a GROUP_CONCAT, and its separators.

    Found on rdflib's algebra of the query: a GROUP_CONCAT's result, and any variable bound
    by an expression over such a variable (in a BIND, a projection or another aggregate).
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    algebra = translateQuery(guard.parsed(parseQuery, text)).algebra
    depends: dict[str, set[str]] = {}
    tainted, separators = set(), set()
    for node in _walk(algebra):
        if node.name == "AggregateJoin":  # its results are named __agg_N__ in each sub-select
            for agg in node.A:
                result = f"{id(node)}:{agg.res}"
                depends.setdefault(result, set()).update(_variables(agg.vars))
                if agg.name == "Aggregate_GroupConcat":
                    tainted.add(result)
                    separators.add(str(agg.get("separator", " ")))
        if node.name == "Extend":
            scope = _aggregates_under(node)
            uses = {
                f"{id(scope)}:{v}" if scope is not None and v.startswith("__agg_") else v
                for v in _variables(node.expr)
            }
            depends.setdefault(str(node.var), set()).update(uses)
    changed = True
    while changed:
        changed = False
        for var, uses in depends.items():
            if var not in tainted and uses & tainted:
                tainted.add(var)
                changed = True
    return {v for v in tainted if not v.startswith("__") and ":" not in v}, separators


def _aggregates_under(node):
    """Return the AggregateJoin a projection step (Extend) of a grouped query rests on."""
    below = node.get("p")
    while below is not None and getattr(below, "name", "") != "AggregateJoin":
        below = below.get("p") if hasattr(below, "get") else None
    return below


def _walk(node):
    """Yield every algebra node under `node` (CompValues, lists and dicts)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _variables(expr) -> set[str]:
    """Return the names of the variables an expression mentions."""
    from rdflib.term import Variable

    found = set()
    for item in [expr, *_walk(expr)]:
        values = item.values() if hasattr(item, "values") else [item]
        for value in values if not isinstance(item, Variable) else [item]:
            if isinstance(value, Variable):
                found.add(str(value))
            elif isinstance(value, (list, tuple)):
                found.update(str(v) for v in value if isinstance(v, Variable))
    return found


def normal_term(term, concat: bool, separators: set[str]) -> str:
    """Return a term in a form every engine shares.

    Numbers compare by value (COUNT is xsd:integer here, xsd:int there), language tags in
    lower case, plain and xsd:string literals alike, blank nodes all alike, and the parts of a
    GROUP_CONCAT sorted (its order is not defined).
    """
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return "_:"
    datatype = term.datatype.value
    if datatype in NUMERIC:
        try:
            return f"number {Decimal(term.value).normalize():f}"
        except InvalidOperation:
            return f"number {term.value}"
    value = term.value
    if concat:
        value = " | ".join(sorted(_split(value, separators)))
    if term.language:
        return f"{value!r}@{term.language.lower()}"
    return repr(value) if datatype == STRING else f"{value!r}^^{datatype}"


def _split(value: str, separators: set[str]) -> list[str]:
    """Split a text on GROUP_CONCAT separators, white space and brackets: its words.

    A GROUP_CONCAT inside a longer text (an explanation) shifts the words around it when its
    parts come in another order, so such a text compares as the multiset of its words.
    """
    pattern = "|".join([r"[\s(),;:]+", *(re.escape(s) for s in separators if s.strip())])
    return [word for word in re.split(pattern, value) if word]


def normal_rows(result: QueryResult, text: str) -> Counter:
    """Return a result's rows as a multiset of normalised (variable, term) tuples."""
    tainted, separators = concatenated(text)
    return Counter(
        tuple(
            sorted(
                (k, normal_term(v, k in tainted, separators))
                for k, v in row.items()
                if v is not None
            )
        )
        for row in result.rows
    )


def difference(mine: Counter, theirs: Counter, limit: int = 5) -> str:
    """Describe how two multisets of rows differ, with a few rows on each side."""
    only_mine, only_theirs = mine - theirs, theirs - mine
    lines = [
        f"{sum(mine.values())} rows against {sum(theirs.values())}; "
        f"{sum(only_mine.values())} only here, {sum(only_theirs.values())} only there"
    ]
    lines += [f"  here:  {dict(r)}" for r in list(only_mine)[:limit]]
    lines += [f"  there: {dict(r)}" for r in list(only_theirs)[:limit]]
    return "\n".join(lines)


# --- the benchmark ---------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def bundled_store():
    """Build the bundled data as `kg init` does (the tests' fixtures build it so too)."""
    from kg.build import build
    from kg.content import Content
    from kg.store import Store
    from kg.submissions import Context

    content = Content(ROOT)
    store = Store()
    build(store, content, context=Context(content))
    return store


def synthetic_store(size: str, folder: Path):
    """Generate and build the synthetic coalition of benchmarks/synth.py in memory."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from load import build_store
    from synth import generate, parse_size

    generate(parse_size(size), folder / "partners")
    store, _ = build_store(folder / "partners")
    full_dataset(store)
    store.bulk = False
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="synthetic graph size (default 10k)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per report; the median")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "engines.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        table = measure(args.size, args.repeat, Path(tmp))
    args.out.write_text(table, encoding="utf-8")
    log(f"wrote {args.out}")


def measure(size: str, repeat: int, scratch: Path) -> str:
    """Time every report on every engine on both data sets; return the Markdown table."""
    from benchmarks import virtuoso
    from kg.remote import RemoteStore

    log("building the bundled data")
    stores = {"bundled": bundled_store()}
    log(f"building the {size} synthetic graph")
    stores[size] = synthetic_store(size, scratch / "synth")
    seconds: dict[tuple, dict[str, str]] = {}
    (scratch / "virtuoso").mkdir()
    with virtuoso.running((scratch / "virtuoso").resolve()) as setting:
        remote = RemoteStore(setting, timeout=120)
        for data, store in stores.items():
            log(f"{data}: loading Virtuoso")
            remote.restore(dump(store, data_graphs(store), scratch / f"{data}.nq"))
            seconds.update(time_reports(data, store, remote, scratch, repeat))
    texts = {
        (data, "all", name): bound_text(store, dataset_of(store, "all"), query)
        for data, store in stores.items()
        for name, query in catalogue.load_catalogue().items()
    }
    dumps = {(data, "all"): scratch / f"{data}-all.nq" for data in stores}
    log("Jena ARQ: every report, one JVM")
    for _ in range(repeat):
        for (data, _view, name), answer in run_jena(texts, dumps, scratch).items():
            cell = seconds[(data, name)]
            value = f"{answer.seconds:.3f}" if answer.seconds is not None else "error"
            cell["jena"] = min((cell.get("jena", value), value), key=_order)
    return markdown(seconds, size, repeat)


def time_reports(data: str, store, remote, scratch: Path, repeat: int) -> dict:
    """Time each report on the embedded store, Virtuoso and rdflib on one data set."""
    dataset, remote_dataset = dataset_of(store, "all"), dataset_of(remote, "all")
    rdf = Rdflib(dump(store, dataset.named, scratch / f"{data}-all.nq", union=True))
    seconds = {}
    for name, query in catalogue.load_catalogue().items():
        row = seconds.setdefault((data, name), {})
        row["oxigraph"] = best(repeat, lambda q=query: catalogue.run(store, q, dataset))
        row["virtuoso"] = (
            "not run"
            if ("virtuoso", name) in HANGS
            else best(repeat, lambda q=query: catalogue.run(remote, q, remote_dataset))
        )
        row["rdflib"] = (
            "not run"
            if ("rdflib", name) in HANGS
            else best(
                repeat,
                lambda q=query: catalogue.run(store, q, dataset, runner=rdf.runner, steps=True),
                RDFLIB_CAP,
            )
        )
        log(f"{data}: {name} " + ", ".join(f"{k} {v}" for k, v in row.items()))
    return seconds


def best(repeat: int, run, cap: int = 0) -> str:
    """Return the fastest of `repeat` runs in seconds as text, 'error' or 'over N s'."""
    times = []
    for _ in range(repeat):
        answer = capped(run, cap) if cap else timed(run)
        if answer.error:
            return f"over {cap} s" if answer.error.startswith("TimeoutError") else "error"
        times.append(answer.seconds)
    return f"{min(times):.3f}"


def _order(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("inf")


def markdown(seconds: dict, size: str, repeat: int) -> str:
    """Return the report × engine table of seconds."""
    lines = [
        "# The catalogue reports on four engines",
        "",
        f"Written by `python benchmarks/engines.py` on {time.strftime('%Y-%m-%d')}: the fastest "
        f"of {repeat} runs, in seconds, of each report with its default parameters on the "
        "all-access dataset, answer rows read. pyoxigraph is the embedded store (in memory), "
        "Virtuoso 7.2 the remote store over HTTP on 127.0.0.1 (kg/remote.py), rdflib its "
        "SPARQL engine in this process, Jena ARQ 4.5 an in-memory dataset in one JVM (query "
        f"time only, no JVM start). rdflib stops at {RDFLIB_CAP} s ('over'); 'not run': the "
        "engine runs the report past any limit and keeps the server busy; 'error': the engine "
        "refused it. The reports kg computes in steps (kg/findings) run as their steps on "
        "pyoxigraph, Virtuoso and rdflib, and as their .rq text on Jena. "
        "tests/test_engines.py compares the rows.",
        "",
        "| data | report | " + " | ".join(ENGINES) + " |",
        "|---|---|" + "---:|" * len(ENGINES),
    ]
    for (data, name), row in seconds.items():
        lines.append(f"| {data} | {name} | " + " | ".join(row.get(e, "") for e in ENGINES) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
