"""The reports computed in steps (kg/findings) give their published `.rq` answers.

For every report of `STEPS`, on the bundled data, the test scenario and a 10k synthetic
graph, through the public and the all-access viewer's dataset: the steps on pyoxigraph give
the rows of the `.rq` file on pyoxigraph, and the steps on Virtuoso 7.2 (the remote store)
give the rows of the steps on pyoxigraph. Rows compare as multisets
(benchmarks/engines.normal_rows), with parameters unset and set.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from benchmarks import engines
from benchmarks import virtuoso as virtuoso_server
from kg import catalogue
from kg.analysis import load_model
from kg.findings import STEPS, over_classification, overlaps, stale_data
from kg.findings.inputs import STANDARD_ROLES, Select, Shared, sides, uses
from kg.gaps import keep_confirmed
from kg.namespaces import GRAPH, sparql_prefixes
from kg.remote import RemoteStore
from kg.sparql import QueryResult, run_query
from kg.store import Store
from tests.conftest import require

REPORTS = sorted(STEPS)
DATA = ("bundled", "scenario", "synthetic-10k")
CASES = ("default", "mission-area", "data-type", "partner", "coalition", "confirmed-only")
AREAS = (
    sparql_prefixes(("csig", "skos"))
    + """
SELECT ?area ?top WHERE {
  ?ier a csig:InformationExchangeRequirement ; csig:missionArea ?area .
  OPTIONAL { ?area skos:broader ?top }
} ORDER BY ?area ?top"""
)
PROVIDERS = (
    sparql_prefixes(("csig", "skos"))
    + """
SELECT DISTINCT ?partner WHERE {
  ?capability csig:providedBy ?partner . ?partner skos:notation ?code
} ORDER BY ?partner"""
)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> RemoteStore:
    """Debian's Virtuoso on free 127.0.0.1 ports, started once for the module."""
    try:
        virtuoso_server.packaged_ini()
    except virtuoso_server.Unavailable as err:
        require("Virtuoso", False, str(err))
    with virtuoso_server.running(tmp_path_factory.mktemp("virtuoso")) as setting:
        yield RemoteStore(setting, timeout=120)


@pytest.fixture(scope="module", params=DATA)
def loaded(request, seed_dump, virtuoso, tmp_path_factory):
    """One data set in the embedded store and, as the same graphs, in Virtuoso."""
    scratch = tmp_path_factory.mktemp("steps")
    if request.param == "bundled":
        store = Store()
        store.restore(seed_dump)
    elif request.param == "scenario":
        store = request.getfixturevalue("scenario")
    else:
        store = engines.synthetic_store("10k", scratch / "synthetic")
    virtuoso.restore(engines.dump(store, engines.data_graphs(store), scratch / "data.nq"))
    return request.param, store, virtuoso


COALITIONS = """PREFIX csig: <https://w3id.org/csig/ont#>
SELECT ?coalition (COUNT(DISTINCT ?partner) AS ?n)
WHERE { ?m csig:member ?partner ; csig:coalition ?coalition }
GROUP BY ?coalition ORDER BY DESC(?n) STR(?coalition)"""


def published(store, query: catalogue.Query, dataset, values: dict) -> QueryResult:
    """Run a report's `.rq` text itself, with its parameters bound as `catalogue.run` binds them."""
    bound = catalogue.bindings(store, dataset, query, values)
    return engines.without_parameters(run_query(store, query.text, dataset, bound))


def values_for(case: str, query: catalogue.Query, store, dataset) -> dict | None:
    """Return the parameters of a case, chosen from the data; None where the report has none."""
    if case in ("default", "confirmed-only"):
        return {}
    name = {
        "mission-area": "mission_area",
        "data-type": "data_type",
        "partner": "partner",
        "coalition": "coalition",
    }[case]
    if name not in query.params:
        return None
    if name == "coalition":  # the coalition with the most members in the data
        found = store.select(COALITIONS, dataset)
        return {name: found[0]["coalition"].value} if found else None
    result = catalogue.run(store, query, dataset)
    rows = result.rows
    if name == "mission_area":  # a broader area, so requirements under it count too
        found = store.select(AREAS, dataset)
        tops = [r["top"] for r in found if "top" in r] or [r["area"] for r in found]
        return {name: tops[0].value} if tops else None
    if not rows:
        return None
    column = "dataType" if name == "data_type" else "consumerPartner"
    if column not in result.variables:  # overlaps names no partner IRI: a providing partner
        found = store.select(PROVIDERS, dataset)
        return {name: found[len(found) // 2]["partner"].value}
    return {name: rows[len(rows) // 2][column].value}


def rows_of(result: QueryResult, text: str, case: str):
    """Return a result's rows as a multiset; with confirmed-only, the confirmed rows only."""
    return engines.normal_rows(keep_confirmed(result) if case == "confirmed-only" else result, text)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("view", engines.VIEWS)
def test_steps_give_the_published_rows_on_every_store(loaded, view, report, case):
    data, store, remote = loaded
    query = catalogue.get(report)
    dataset = engines.dataset_of(store, view)
    values = values_for(case, query, store, dataset)
    if values is None:
        pytest.skip(f"{report} has no {case} parameter, or nothing to choose one from")
    steps = catalogue.run(store, query, dataset, values, steps=True)
    assert steps.variables == published(store, query, dataset, {}).variables
    expected = rows_of(steps, query.text, case)
    reference = published(store, query, dataset, values)
    wanted = rows_of(reference, query.text, case)
    where = f"{report} ({data}, {view}, {values})"
    assert expected == wanted, f"{where}: " + engines.difference(expected, wanted)
    far = catalogue.run(remote, query, engines.dataset_of(remote, view), values)
    there = rows_of(far, query.text, case)
    assert there == expected, f"{where} on Virtuoso: " + engines.difference(there, expected)


@pytest.mark.parametrize("view", engines.VIEWS)
def test_the_model_read_with_the_reports_is_the_model_read_alone(loaded, view):
    """A whole report builds the analysis model from the rows the pair reports read."""
    data, store, remote = loaded
    for where in (store, remote):
        dataset = engines.dataset_of(where, view)
        alone = load_model(where, dataset)
        together = load_model(where, dataset, catalogue.reader(where, dataset))
        assert alone.interfaces, data
        assert Counter(together.interfaces) == Counter(alone.interfaces), (data, view, where)


def test_the_steps_find_rows_where_the_data_has_them(store):
    """Each stepwise report finds rows on the bundled data, so the comparisons compare rows."""
    dataset = engines.dataset_of(store, "all")
    counts = {
        r: len(catalogue.run(store, catalogue.get(r), dataset, steps=True).rows) for r in REPORTS
    }
    assert all(counts.values()), counts


def test_a_row_cap_truncates_the_steps(store):
    dataset = engines.dataset_of(store, "all")
    query = catalogue.get("interoperability-gaps")
    result = catalogue.run(store, query, dataset, row_cap=3, steps=True)
    assert len(result.rows) == 3 and result.truncated


def test_reports_of_one_run_read_their_common_inputs_once(store):
    dataset, shared, asked = engines.dataset_of(store, "all"), Shared(), []

    def runner(*args):
        asked.append(args[1])
        return run_query(*args)

    for name in ("interoperability-gaps", "version-mismatch", "incompatible-standards"):
        query = catalogue.get(name)
        alone = catalogue.run(store, query, dataset)
        together = catalogue.run(store, query, dataset, runner=runner, shared=shared)
        assert together.rows == alone.rows
    assert asked.count(STANDARD_ROLES) == 1
    scans = [text for text in asked if text.startswith("SELECT ?s ?o WHERE")]
    assert scans and len(scans) == len(set(scans))  # each predicate scanned once


def test_a_query_other_than_the_published_one_runs_as_written(store):
    """Only the catalogue's own text goes through the steps; another text of that name does not."""
    query = catalogue.get("version-mismatch")
    changed = catalogue.parse(query.name, query.text.replace('?rank = "2"', '?rank = "4"'))
    dataset = engines.dataset_of(store, "all")
    assert catalogue.run(store, changed, dataset).rows != catalogue.run(store, query, dataset).rows


def with_graph(store, name: str, turtle: str):
    """Add a reference graph of Turtle to the store; return the all-access viewer's dataset."""
    triples = [q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]
    store.replace({GRAPH + "reference/" + name: triples})
    return engines.dataset_of(store, "all")


# Markings and partners the bundled data lacks: a rank-0 marking with NOFORN and no text (the
# level names it), two markings of one capability, REL TO a coalition and a partner, a
# consuming coalition, sub-areas on both sides.
EDGES = """
@prefix csig: <https://w3id.org/csig/ont#> .
@prefix cls: <https://w3id.org/csig/classification/> .
@prefix dissem: <https://w3id.org/csig/dissem/> .
@prefix ma: <https://w3id.org/csig/missionarea/> .
@prefix dt: <https://w3id.org/csig/datatype/> .
@prefix nat: <https://w3id.org/csig/id/nation/> .
@prefix coa: <https://w3id.org/csig/id/coalition/> .
@prefix cap: <https://w3id.org/csig/id/capability/> .
cap:edge-usa csig:providedBy nat:USA ; csig:missionArea ma:SDA ; csig:produces cap:edge-usa-o ;
    csig:hasMarking cap:edge-noforn-u, cap:edge-secret .
cap:edge-noforn-u csig:classification cls:US-U ; csig:disseminationControl dissem:NOFORN .
cap:edge-secret csig:classification cls:US-S ; csig:markingText "SECRET" .
cap:edge-gbr csig:providedBy nat:GBR ; csig:missionArea ma:SDA-CA ; csig:produces cap:edge-gbr-o ;
    csig:hasMarking cap:edge-rel .
cap:edge-rel csig:classification cls:US-S ; csig:disseminationControl dissem:REL ;
    csig:releasableTo coa:FVEY, nat:FRA ; csig:markingText "SECRET//REL TO FVEY, FRA" .
cap:edge-usa-o csig:dataType dt:ORB .
cap:edge-gbr-o csig:dataType dt:ORB .
cap:edge-fra csig:providedBy nat:FRA ; csig:missionArea ma:SDA-SST ; csig:consumes cap:edge-in .
cap:edge-can csig:providedBy nat:CAN ; csig:missionArea ma:SDA ; csig:consumes cap:edge-in .
cap:edge-deu csig:providedBy nat:DEU ; csig:missionArea ma:SDA-SST ; csig:consumes cap:edge-in .
cap:edge-nato csig:providedBy coa:NATO ; csig:missionArea ma:SDA ; csig:consumes cap:edge-in .
cap:edge-in csig:dataType dt:ORB .
"""


def test_over_classification_steps_give_the_published_rows_on_edge_cases(fresh_store):
    dataset = with_graph(fresh_store, "edges", EDGES)
    query = catalogue.get("over-classification")
    steps = catalogue.run(fresh_store, query, dataset)
    expected = rows_of(published(fresh_store, query, dataset, {}), query.text, "default")
    assert rows_of(steps, query.text, "default") == expected
    found = {
        (
            r["capability"].value.rsplit("/", 1)[-1],
            r["consumerPartner"].value.rsplit("/", 1)[-1],
        ): r["change"].value
        for r in steps.rows
        if "/edge-" in r["capability"].value
    }
    assert found[("edge-usa", "NATO")] in ("add REL TO NATO", "replace NOFORN with REL TO NATO")
    assert ("edge-gbr", "DEU") in found  # shares NATO with GBR, on no REL TO list
    assert ("edge-gbr", "CAN") not in found and ("edge-gbr", "FRA") not in found
    texts = {r["markingText"].value for r in steps.rows if "/edge-usa" in r["capability"].value}
    assert texts == {"US-U", "SECRET"}


# Dates the bundled data lacks: a leap day, a dateTime, text that is no date, an IRI, a
# capability with two dates, one with none, and a partner whose notation is a number.
DATES = """
@prefix csig: <https://w3id.org/csig/ont#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix nat: <https://w3id.org/csig/id/nation/> .
@prefix cap: <https://w3id.org/csig/id/capability/> .
nat:ZZA skos:notation 42 .
cap:date-leap a csig:Capability ; csig:providedBy nat:GBR ; csig:statusAsOf "2020-02-29"^^xsd:date .
cap:date-time a csig:Capability ; csig:providedBy nat:GBR ;
    csig:statusAsOf "2019-03-01T23:00:00Z"^^xsd:dateTime .
cap:date-text a csig:Capability ; csig:providedBy nat:FRA ; csig:statusAsOf "2019" .
cap:date-iri a csig:Capability ; csig:providedBy nat:FRA ; csig:statusAsOf cap:date-leap .
cap:date-two a csig:Capability ; csig:providedBy nat:FRA ;
    csig:statusAsOf "2010-01-01"^^xsd:date, "2022-12-31"^^xsd:date .
cap:date-none a csig:Capability ; csig:providedBy nat:ZZA .
"""


@pytest.mark.parametrize("values", [{}, {"days": "1", "as_of": "2022-03-01"}])
def test_stale_data_steps_give_the_published_rows_on_edge_cases(fresh_store, values):
    dataset = with_graph(fresh_store, "dates", DATES)
    query = catalogue.get("stale-data")
    steps = catalogue.run(fresh_store, query, dataset, values)
    expected = rows_of(published(fresh_store, query, dataset, values), query.text, "default")
    assert rows_of(steps, query.text, "default") == expected
    ages = {
        r["capability"].value.rsplit("/", 1)[-1]: r.get("ageDays")
        for r in steps.rows
        if "/date-" in r["capability"].value
    }
    assert "date-text" not in ages and "date-iri" not in ages and ages["date-none"] is None
    if values:  # 2020-02-29 to 2022-03-01 is 731 days; 2019-03-01 to 2022-03-01 is 1096
        assert ages["date-leap"].value == "731" and ages["date-time"].value == "1096"


# Interfaces the bundled data lacks: one with two roles of its own, one assumed, and a
# satellite that two constellations count as a member (one by memberOf, one by hasMember).
ROLES = """
@prefix csig: <https://w3id.org/csig/ont#> .
@prefix status: <https://w3id.org/csig/status/> .
@prefix role: <https://w3id.org/csig/standardrole/> .
@prefix dt: <https://w3id.org/csig/datatype/> .
@prefix std: <https://w3id.org/csig/id/standard/> .
@prefix nat: <https://w3id.org/csig/id/nation/> .
@prefix cap: <https://w3id.org/csig/id/capability/> .
cap:role-sat csig:providedBy nat:GBR ; csig:status status:operational ;
    csig:produces cap:role-out ; csig:memberOf cap:role-one .
cap:role-two csig:hasMember cap:role-sat .
cap:role-out csig:dataType dt:ORB ; csig:standard std:ccsds-omm ;
    csig:interfaceRole role:transport, role:description .
cap:role-in-cap csig:providedBy nat:FRA ; csig:status status:operational ;
    csig:consumes cap:role-in .
cap:role-in csig:dataType dt:ORB ; csig:standard std:ccsds-oem ; csig:assumed true .
"""


def test_the_model_read_with_the_reports_keeps_roles_members_and_assumptions(fresh_store):
    dataset = with_graph(fresh_store, "roles", ROLES)
    alone = load_model(fresh_store, dataset)
    together = load_model(fresh_store, dataset, catalogue.reader(fresh_store, dataset))
    assert Counter(together.interfaces) == Counter(alone.interfaces)
    found = [i for i in together.interfaces if "/role-" in i.capability]
    assert len(found) == 5 and sum(i.assumed for i in found) == 1  # 2 roles x 2 constellations


# What the bundled data lacks: two statuses (one retired, one a literal), two partners, an
# interface with two data types and two assumed values, one linked twice (hasInterface and
# produces), a blank interface, one with no standard, a member of a constellation, two dates.
LINKS = """
@prefix csig: <https://w3id.org/csig/ont#> .
@prefix status: <https://w3id.org/csig/status/> .
@prefix dt: <https://w3id.org/csig/datatype/> .
@prefix ma: <https://w3id.org/csig/missionarea/> .
@prefix std: <https://w3id.org/csig/id/standard/> .
@prefix nat: <https://w3id.org/csig/id/nation/> .
@prefix cap: <https://w3id.org/csig/id/capability/> .
cap:link-a a csig:Capability ; csig:providedBy nat:USA, nat:GBR ;
    csig:status status:operational, status:retired, "operational" ;
    csig:missionArea ma:SDA, ma:PNT ; csig:kind cap:kind-a ; csig:orbitRegime cap:leo ;
    csig:statusAsOf "2024-01-01", "2024-02-01" ;
    csig:produces cap:link-a-o, [ csig:dataType dt:ORB ; csig:standard std:X ] ;
    csig:hasInterface cap:link-a-o ; csig:consumes cap:link-a-i, cap:link-a-none .
cap:link-a-o csig:dataType dt:ORB, dt:TLE ; csig:standard std:Y ; csig:assumed true, "1" .
cap:link-a-i csig:dataType dt:ORB ; csig:standard std:X .
cap:link-a-none csig:dataType dt:ORB .
cap:link-b a csig:Capability ; csig:providedBy nat:FRA ; csig:status status:cancelled ;
    csig:missionArea ma:SDA ; csig:kind cap:kind-a ; csig:orbitRegime cap:leo ;
    csig:produces cap:link-a-i .
cap:link-c csig:providedBy nat:FRA ; csig:status status:operational ; csig:memberOf cap:link-a ;
    csig:missionArea ma:SDA ; csig:kind cap:kind-a ; csig:orbitRegime cap:leo ;
    csig:produces cap:link-a-i .
"""
# The inputs a store other than the embedded one reads as joined queries (kg/findings).
INPUTS = {
    "sides": sides,
    "uses": uses,
    "overlaps.placed": overlaps.placed,
    "overlaps.produced": overlaps.produced,
    "stale-data.dated": stale_data.dated,
    "over-classification.placements": over_classification.placements,
    "over-classification.consumed": over_classification.consumed,
}


def multiset(rows) -> Counter:
    """Return rows (dicts or tuples of terms) as a multiset."""
    return Counter(frozenset(row.items()) if isinstance(row, dict) else row for row in rows)


@pytest.mark.parametrize("edges", [False, True])
@pytest.mark.parametrize("name", INPUTS)
def test_an_input_joined_from_scans_is_its_joined_query(fresh_store, edges, name):
    if edges:
        dataset = with_graph(fresh_store, "links", LINKS)
    else:
        dataset = engines.dataset_of(fresh_store, "all")

    def ask(scans: bool) -> Select:
        return Select(lambda text: run_query(fresh_store, text, dataset, None, 0).rows, None, scans)

    joined = multiset(INPUTS[name](ask(False)))
    assert multiset(INPUTS[name](ask(True))) == joined
    assert len(joined) > 3


def test_a_remote_store_reads_the_joined_queries_and_the_embedded_one_scans(fresh_store):
    here = "http://127.0.0.1:9/"  # never asked: only the kind of store matters
    remote = RemoteStore(f"sparql+{here}query|{here}update|{here}data")
    assert catalogue.reader(fresh_store, None).scans and not catalogue.reader(remote, None).scans
