"""Every catalogue report gives the same rows on four SPARQL engines.

pyoxigraph (the embedded store), Virtuoso 7.2 (the remote store), rdflib's engine and Apache
Jena ARQ run each report of kg/queries with its default parameters on the bundled data and on
a 10k synthetic graph (benchmarks/synth.py), through the dataset a viewer reads: the public
viewer's and the all-access one. Rows compare as multisets, numbers by value, GROUP_CONCAT
parts in any order (benchmarks/engines.py).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from benchmarks import engines, jena
from benchmarks import virtuoso as virtuoso_server
from kg import catalogue
from kg.remote import RemoteStore
from kg.store import Store
from tests.conftest import require

REPORTS = sorted(catalogue.load_catalogue())
DATA = ("bundled", "synthetic-10k")
# The reports computed in steps (kg/findings: interoperability-gaps, incompatible-standards,
# over-classification, version-mismatch) run as `catalogue.run` runs them wherever kg runs
# them: in steps on pyoxigraph, on Virtuoso and on rdflib (its engine as the runner of each
# step), while Jena runs the published .rq text: the rows must agree (tests/test_steps.py
# also checks them with parameters). Known failures (none today): what fails, where, and
# why; they run (unless in engines.HANGS) and are reported as expected failures.
KNOWN: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> RemoteStore:
    """Debian's Virtuoso on free 127.0.0.1 ports, started once for the module."""
    try:
        virtuoso_server.packaged_ini()
    except virtuoso_server.Unavailable as err:
        require("Virtuoso", False, str(err))
    with virtuoso_server.running(tmp_path_factory.mktemp("virtuoso")) as setting:
        yield RemoteStore(setting, timeout=120)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engines")
    try:
        jena.classpath(folder)
    except jena.Unavailable as err:
        require("Jena ARQ", False, str(err))
    return folder


@pytest.fixture(scope="module", params=DATA)
def loaded(request, seed_dump, virtuoso, scratch):
    """One data set in every engine; Jena's answers for both views, from one JVM."""
    data = request.param
    if data == "bundled":
        store = Store()
        store.restore(seed_dump)
    else:
        store = engines.synthetic_store("10k", scratch / data)
    virtuoso.restore(engines.dump(store, engines.data_graphs(store), scratch / f"{data}.nq"))
    side = {"store": store, "remote": virtuoso, "rdflib": {}, "texts": {}}
    dumps = {}
    for view in engines.VIEWS:
        dataset = engines.dataset_of(store, view)
        dumps[(data, view)] = engines.dump(
            store, dataset.named, scratch / f"{data}-{view}.nq", union=True
        )
        side["rdflib"][view] = engines.Rdflib(dumps[(data, view)])
        for name, query in catalogue.load_catalogue().items():
            side["texts"][(data, view, name)] = engines.bound_text(store, dataset, query)
    side["jena"] = engines.run_jena(side["texts"], dumps, scratch / data)
    side["data"] = data
    return side


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("view", engines.VIEWS)
def test_every_engine_gives_the_same_rows(loaded, view, report):
    store, remote = loaded["store"], loaded["remote"]
    query = catalogue.load_catalogue()[report]
    text = loaded["texts"][(loaded["data"], view, report)]
    reference = catalogue.run(store, query, engines.dataset_of(store, view))
    expected = engines.normal_rows(reference, text)
    answers = {"jena": loaded["jena"][(loaded["data"], view, report)]}
    if ("virtuoso", report) not in engines.HANGS:
        dataset = engines.dataset_of(remote, view)
        answers["virtuoso"] = engines.timed(lambda: catalogue.run(remote, query, dataset))
    if ("rdflib", report) not in engines.HANGS:
        rdf = loaded["rdflib"][view]
        own = engines.dataset_of(store, view)  # kg resolves parameters on the embedded store
        answers["rdflib"] = engines.capped(
            lambda: catalogue.run(store, query, own, runner=rdf.runner, steps=True),
            engines.RDFLIB_CAP,
        )
    failures, known = [], []
    for engine, answer in answers.items():
        if answer.error:
            problem = f"{engine}: {answer.error[:500]}"
        elif (rows := engines.normal_rows(answer.result, text)) != expected:
            problem = f"{engine}: " + engines.difference(expected, rows)
        else:
            continue
        (known if (engine, report) in KNOWN else failures).append(problem)
    assert not failures, f"{report} ({loaded['data']}, {view}):\n" + "\n".join(failures)
    missing = [e for e in ("virtuoso", "rdflib") if (e, report) in engines.HANGS]
    if known or missing:
        reasons = [KNOWN[(e, report)] for e in {*missing, *(k.split(":")[0] for k in known)}]
        pytest.xfail("; ".join(reasons) + "\n" + "\n".join(known))


def test_rows_compare_by_value_and_group_concat_parts_in_any_order(store):
    query = catalogue.load_catalogue()["coverage"]
    dataset = engines.dataset_of(store, "all")
    text = engines.bound_text(store, dataset, query)
    result = catalogue.run(store, query, dataset)
    before = engines.normal_rows(result, text)
    assert engines.concatenated(text) == ({"codes", "explanation"}, {", "})
    first = result.rows[0]
    as_int = ox.Literal(first["providers"].value, datatype=ox.NamedNode(engines.XSD + "int"))
    words = ", ".join(reversed(first["explanation"].value.split(", ")))
    result.rows[0] = {**first, "providers": as_int, "explanation": ox.Literal(words)}
    assert engines.normal_rows(result, text) == before
    result.rows[0] = {**first, "providers": ox.Literal("7", datatype=as_int.datatype)}
    assert engines.normal_rows(result, text) != before
