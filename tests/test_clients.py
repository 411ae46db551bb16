"""Standard SPARQL clients (SPARQLWrapper, rdflib's SPARQLStore) against a live /sparql."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from kg.access import ANONYMOUS, viewer_dataset
from kg.sparql import run_query

SELECT = """PREFIX csig: <https://w3id.org/csig/ont#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?cap ?label ?asOf WHERE {
  ?cap a csig:Capability ; rdfs:label ?label . OPTIONAL { ?cap csig:statusAsOf ?asOf }
}"""
CONSTRUCT = """PREFIX csig: <https://w3id.org/csig/ont#>
CONSTRUCT { ?cap csig:providedBy ?p ; csig:statusAsOf ?d }
WHERE { ?cap csig:providedBy ?p OPTIONAL { ?cap csig:statusAsOf ?d } }"""


@pytest.fixture(scope="module")
def endpoint(module_server):
    """The /sparql URL of the module's served app."""
    return f"{module_server}/sparql"


@pytest.fixture(scope="module")
def truth(store) -> tuple[set, set]:
    """Return what `kg query` (kg.sparql.run_query) answers for an anonymous viewer."""
    dataset = viewer_dataset(store, ANONYMOUS)
    rows = run_query(store, SELECT, dataset).rows
    triples = run_query(store, CONSTRUCT, dataset).triples
    return (
        {
            (r["cap"].value, r["label"].value, r["asOf"].value if "asOf" in r else None)
            for r in rows
        },
        {(t.subject.value, t.predicate.value, t.object.value) for t in triples},
    )


def wrapper(url: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    """Return a SPARQLWrapper client set up for one query."""
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_json(endpoint, truth, method):
    result = wrapper(endpoint, SELECT, JSON, method).query().convert()
    rows = {
        (b["cap"]["value"], b["label"]["value"], b.get("asOf", {}).get("value"))
        for b in result["results"]["bindings"]
    }
    assert rows == truth[0] and len(rows) > 50


def test_sparqlwrapper_xml(endpoint, truth):
    document = wrapper(endpoint, SELECT, XML).query().convert()
    rows = set()
    for result in document.getElementsByTagName("result"):
        cells = {
            b.getAttribute("name"): b.firstChild.firstChild.nodeValue
            for b in result.getElementsByTagName("binding")
        }
        rows.add((cells["cap"], cells["label"], cells.get("asOf")))
    assert rows == truth[0]


def test_sparqlwrapper_csv(endpoint, truth):
    text = wrapper(endpoint, SELECT, CSV).query().convert().decode("utf-8")
    rows = {(r["cap"], r["label"], r["asOf"] or None) for r in csv.DictReader(io.StringIO(text))}
    assert rows == truth[0]


def test_sparqlwrapper_turtle_graph(endpoint, truth):
    data = wrapper(endpoint, CONSTRUCT, TURTLE).query().convert()
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == truth[1]


def test_rdflib_sparqlstore_select_and_construct(endpoint, truth):
    graph = rdflib.Graph(store=SPARQLStore(endpoint))
    rows = {
        (str(r.cap), str(r.label), str(r.asOf) if r.asOf is not None else None)
        for r in graph.query(SELECT)
    }
    assert rows == truth[0]
    built = graph.query(CONSTRUCT).graph
    assert {(str(s), str(p), str(o)) for s, p, o in built} == truth[1]
    graph.close()
