"""The catalogue of named SPARQL reports: `kg/queries/*.rq`, their headers and parameters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from kg import kept
from kg.codes import exists, unknown
from kg.dataset import Dataset, GraphStore
from kg.errors import KGError
from kg.findings import STEPS
from kg.findings.inputs import Select, Shared
from kg.namespaces import ID, PREFIXES
from kg.sparql import QueryResult, run_query

QUERIES = Path(__file__).parent / "queries"
SEVERITIES = ("info", "warning", "violation")
XSD = PREFIXES["xsd"]
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# How a code typed by a user becomes an IRI: candidate namespaces and a rewrite of the code.
IRI_TYPES = {
    "mission-area": ((PREFIXES["ma"],), lambda c: c.upper().replace(".", "-")),
    "data-type": ((PREFIXES["dt"],), lambda c: c.upper().removeprefix("DT.")),
    "coalition": ((ID + "coalition/",), str.upper),
    "partner": ((ID + "nation/", ID + "org/", ID + "coalition/"), str.upper),
    "standard": ((ID + "standard/",), str.lower),
}
VALUE_TYPES = ("integer", "date", *IRI_TYPES)


@dataclass(frozen=True)
class Param:
    """A query parameter: its type, default (None: optional, unbound) and description."""

    name: str
    type: str
    default: object = None
    description: str = ""


@dataclass(frozen=True)
class Query:
    """A named query of the catalogue with its header."""

    name: str
    text: str
    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    severity: str = "info"
    params: dict[str, Param] = field(default_factory=dict)


def parse(name: str, text: str) -> Query:
    """Parse a `.rq` file: the `#+` YAML header and the query text."""
    header = "\n".join(
        line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")
    )
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as err:
        raise KGError(f"{name}.rq: bad #+ header: {err}") from err
    if "summary" not in meta or meta.get("severity", "info") not in SEVERITIES:
        raise KGError(f"{name}.rq: the header needs a summary and a severity of {SEVERITIES}")
    params = {}
    for key, spec in (meta.get("params") or {}).items():
        if spec.get("type") not in VALUE_TYPES or not spec.get("description"):
            raise KGError(
                f"{name}.rq: parameter {key} needs a type of {VALUE_TYPES} and a description"
            )
        params[key] = Param(key, spec["type"], spec.get("default"), spec["description"])
    return Query(
        name,
        text,
        meta["summary"],
        meta.get("description", "").strip(),
        tuple(meta.get("tags", ())),
        meta.get("severity", "info"),
        params,
    )


_PARSED: dict[tuple, dict[str, Query]] = {}


def load_catalogue(folder: Path = QUERIES) -> dict[str, Query]:
    """Return every query of the catalogue by name, sorted.

    The files are parsed again only when one is added, removed or changed (parsing the YAML
    headers costs tens of milliseconds, and pages list the catalogue on every request).
    """
    paths = sorted(folder.glob("*.rq"))
    stamp = (folder, *((p.name, p.stat().st_mtime_ns) for p in paths))
    if stamp not in _PARSED:
        _PARSED.clear()
        _PARSED[stamp] = {p.stem: parse(p.stem, p.read_text(encoding="utf-8")) for p in paths}
    return dict(_PARSED[stamp])


def get(name: str) -> Query:
    """Return one query of the catalogue, or raise a `KGError` naming the known ones."""
    catalogue = load_catalogue()
    if name not in catalogue:
        raise KGError(f"unknown query {name!r}; known: {', '.join(catalogue)}")
    return catalogue[name]


def term(param: Param, value: object) -> ox.NamedNode | ox.Literal:
    """Turn a parameter value (a code, a number, a date) into an RDF term, checking it.

    >>> str(term(Param("k", "integer"), "3"))
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    >>> term(Param("m", "mission-area"), "SDA.CA").value
    'https://w3id.org/csig/missionarea/SDA-CA'
    """
    text = str(value).strip()
    try:
        if param.type == "integer":
            return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
        if param.type == "date":
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(text)
            return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    except ValueError:
        raise KGError(f"parameter {param.name}: {text!r} is not a valid {param.type}") from None
    if text.startswith("https://w3id.org/csig/") and CODE.match(text.rsplit("/", 1)[-1]):
        return ox.NamedNode(text)
    if not CODE.match(text):
        raise KGError(f"parameter {param.name}: {text!r} is not a {param.type} code")
    namespaces, rewrite = IRI_TYPES[param.type]
    return ox.NamedNode(namespaces[0] + rewrite(text))


def resolve(store: GraphStore, dataset: Dataset, param: Param, value: object):
    """Return the term for a value, checked against the terms of its type in the dataset.

    A partner code is looked up in each candidate namespace. A code naming nothing the
    viewer may see raises `UnknownValue` with the closest codes that viewer may see.
    """
    if param.type not in IRI_TYPES:
        return term(param, value)
    text = str(value).strip()
    try:
        first = term(param, value)
    except KGError:
        raise unknown(store, dataset, param.name, param.type, text, shape=False) from None
    code = first.value.rsplit("/", 1)[-1]
    candidates = [first]
    if not text.startswith("https://w3id.org/csig/"):  # a code: try each namespace in turn
        candidates = [ox.NamedNode(n + code) for n in IRI_TYPES[param.type][0]]
    for candidate in candidates:
        if exists(store, dataset, param.type, candidate):
            return candidate
    raise unknown(store, dataset, param.name, param.type, text)


def check(store: GraphStore, dataset: Dataset, params: dict[str, Param], values: dict) -> dict:
    """Return the terms of `values` for these parameters; raise a `KGError` at a bad one."""
    strangers = ", ".join(sorted(set(values) - set(params)))
    if strangers:
        raise KGError(f"no parameter {strangers}; the parameters: {', '.join(params) or 'none'}")
    return {name: resolve(store, dataset, params[name], v) for name, v in values.items()}


def bindings(store: GraphStore, dataset: Dataset, query: Query, values: dict) -> dict:
    """Return the `?_name` bindings of a query: given values, else defaults; None stays unbound."""
    unknown = sorted(set(values) - set(query.params))
    if unknown:
        raise KGError(
            f"query {query.name} has no parameter {', '.join(unknown)}; "
            f"its parameters: {', '.join(query.params) or 'none'}"
        )
    out = {}
    for name, param in query.params.items():
        value = values.get(name, param.default)
        if value not in (None, ""):
            out[f"_{name}"] = resolve(store, dataset, param, value)
    return out


def run(
    store: GraphStore,
    query: Query,
    dataset: Dataset,
    values: dict | None = None,
    row_cap: int = 0,
    runner: Callable = run_query,
    steps: bool | None = None,
    shared: Shared | None = None,
) -> QueryResult:
    """Run a catalogue query on a viewer's dataset with its parameters bound as RDF terms.

    `runner` runs the bound query (default in this process; the CLI passes its worker). A
    report with a stepwise implementation (kg/findings) runs as its simple queries, each
    through `runner`, joined in Python, unless `steps` is False (the tests and benchmarks
    run the `.rq` that way); its `.rq` stays the published definition. Reports run with one
    `shared` (a whole report's, on one store and dataset) read common inputs once. On the
    embedded store on disk the whole answer is kept per store state and viewer's graphs
    (kg/kept.py) and read back, cut to `row_cap`, until the data changes.
    """
    bound = bindings(store, dataset, query, values or {})
    if steps is None and kept.folder(store):  # findings kept per store state (kg/kept.py)
        whole = kept.through(
            store,
            dataset,
            f"report/{query.name}",
            {"query": query.text, "bound": {k: str(v) for k, v in bound.items()}},
            lambda: _computed(store, query, dataset, bound, 0, runner, shared),
            kept.encode_result,
            kept.decode_result,
        )
        return _capped(whole, row_cap)
    return _computed(store, query, dataset, bound, row_cap, runner, shared, steps)


def _computed(
    store: GraphStore,
    query: Query,
    dataset: Dataset,
    bound: dict,
    row_cap: int,
    runner: Callable,
    shared: Shared | None,
    steps: bool | None = None,
) -> QueryResult:
    """Run a report with its bound parameters: in steps when it has them, else its `.rq`."""
    if steps is not False and query.name in STEPS and query.text == _published(query.name):
        return _stepwise(STEPS[query.name], reader(store, dataset, shared, runner), bound, row_cap)
    result = runner(store, query.text, dataset, bound, row_cap)
    result.variables = [v for v in result.variables if not v.startswith("_")]
    result.rows = [{k: v for k, v in row.items() if not k.startswith("_")} for row in result.rows]
    return result


def _capped(result: QueryResult, row_cap: int) -> QueryResult:
    """Return a result with at most `row_cap` rows (0: every row), marked when cut."""
    if row_cap and len(result.rows) > row_cap:
        result.rows = result.rows[:row_cap]
        result.truncated = True
    return result


def reader(
    store: GraphStore, dataset: Dataset, shared: Shared | None = None, runner: Callable = run_query
) -> Select:
    """Return how steps read a viewer's dataset: each query through `runner`, unbound.

    The large inputs are read as scans joined in Python, but from a remote store as joined
    queries; `store` None (a runner of its own, as rdflib's in the benchmarks) reads scans.
    """
    scans = store is None or store.embedded
    return Select(lambda text: runner(store, text, dataset, None, 0).rows, shared, scans)


def _published(name: str) -> str | None:
    """Return the text of the catalogue's report `name`, or None when there is none."""
    found = load_catalogue().get(name)
    return found.text if found else None


def _stepwise(steps: Callable, select: Select, bound: dict, cap: int) -> QueryResult:
    """Run a report in steps: each simple query through `select` on the viewer's dataset."""
    columns, rows = steps(select, bound)
    return _capped(QueryResult("select", columns, rows), cap)


def row_severity(query: Query, row: dict) -> str:
    """Return a row's severity: its own `severity` column, else the query's."""
    own = row.get("severity")
    return own.value if own is not None and own.value in SEVERITIES else query.severity


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """Parse `key=value` pairs given on the command line.

    >>> parse_params(("partner=GBR", "k=3"))
    {'partner': 'GBR', 'k': '3'}
    """
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise KGError(f"parameter {pair!r}: write key=value")
        out[key.strip()] = value.strip()
    return out
