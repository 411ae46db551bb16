"""The SPARQL 1.1 Protocol endpoint: forms of request, formats, errors, the viewer's dataset."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib

from kg.access import ANONYMOUS, viewer_dataset
from kg.results import to_json
from kg.sparql import run_query

SELECT = """PREFIX csig: <https://w3id.org/csig/ont#>
SELECT ?cap ?label WHERE { ?cap a csig:Capability ; <http://www.w3.org/2000/01/rdf-schema#label>
?label } ORDER BY ?cap"""
CONSTRUCT = """PREFIX csig: <https://w3id.org/csig/ont#>
CONSTRUCT { ?cap csig:providedBy ?p } WHERE { ?cap csig:providedBy ?p }"""
PUBLIC = "https://w3id.org/csig/graph/partner/GBR/us-u"
SECRET = "https://w3id.org/csig/graph/partner/GBR/gbr-s-rel-aus-gbr-usa"


@pytest.fixture(scope="module")
def app(module_app):
    """The module's app (queries only read)."""
    return module_app


@pytest.fixture()
def client(app):
    return app.test_client()


def expected(store, text: str) -> dict:
    """Return what kg.sparql answers for the anonymous viewer, as SPARQL JSON."""
    return json.loads(to_json(run_query(store, text, viewer_dataset(store, ANONYMOUS))))


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_three_ways_of_sending_a_query_give_the_same_answer(client, store, how):
    accept = {"Accept": "application/sparql-results+json"}
    if how == "get":
        response = client.get("/sparql", query_string={"query": SELECT}, headers=accept)
    elif how == "form":
        response = client.post("/sparql", data={"query": SELECT}, headers=accept)
    else:
        response = client.post(
            "/sparql", data=SELECT, headers=accept, content_type="application/sparql-query"
        )
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert response.get_json() == expected(store, SELECT)


@pytest.mark.parametrize(
    "accept, mimetype",
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values; charset=utf-8", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
    ],
)
def test_select_results_are_negotiated(client, accept, mimetype):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype
    assert "Accept" in response.vary


def test_xml_and_csv_results_hold_the_same_rows(client, store):
    rows = expected(store, SELECT)["results"]["bindings"]
    xml = client.get(
        "/sparql",
        query_string={"query": SELECT},
        headers={"Accept": "application/sparql-results+xml"},
    ).data
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert len(ET.fromstring(xml).findall(".//r:result", ns)) == len(rows)
    text = client.get("/sparql", query_string={"query": SELECT, "format": "csv"}).text
    table = list(csv.DictReader(io.StringIO(text)))
    assert [r["cap"] for r in table] == [r["cap"]["value"] for r in rows]


@pytest.mark.parametrize(
    "accept, fmt",
    [
        ("text/turtle; charset=utf-8", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml;q=0.1, text/turtle", "turtle"),
    ],
)
def test_construct_results_are_rdf_graphs(client, store, accept, fmt):
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format=fmt)
    dataset = viewer_dataset(store, ANONYMOUS)
    assert len(graph) == len(run_query(store, CONSTRUCT, dataset).triples) > 50


def test_a_malformed_query_answers_400_with_the_parser_message(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "malformed query" in response.text and "expected" in response.text.lower()


@pytest.mark.parametrize(
    "request_",
    [
        {"data": {"update": "DROP ALL"}},
        {"data": "DROP ALL", "content_type": "application/sparql-update"},
        {"data": {"query": "DELETE WHERE { ?s ?p ?o }"}},
        {"data": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}},
    ],
)
def test_the_endpoint_is_read_only_and_never_calls_out(client, request_):
    response = client.post("/sparql", **request_)
    assert response.status_code == 400


def test_protocol_graphs_outside_the_viewers_dataset_read_as_empty(client):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    def counted(query: str, **params) -> str:
        response = client.get(
            "/sparql", query_string={"query": query, **params}, headers=params.pop("headers", {})
        )
        assert response.status_code == 200, response.text
        return response.get_json()["results"]["bindings"][0]["n"]["value"]

    assert counted(count, **{"default-graph-uri": PUBLIC}) == "151"
    for graph in (SECRET, "https://w3id.org/csig/graph/partner/XXX/none"):
        assert counted(count, **{"default-graph-uri": graph}) == "0"
        assert counted(named, **{"named-graph-uri": graph}) == "0"
        assert counted(f"SELECT (COUNT(*) AS ?n) FROM <{graph}> {{ ?s ?p ?o }}") == "0"
    signed_in = client.get(
        "/sparql",
        query_string={"query": count, "default-graph-uri": SECRET},
        headers={"Authorization": "Bearer demo-gbr-officer"},
    )
    assert signed_in.get_json()["results"]["bindings"][0]["n"]["value"] != "0"


def test_the_protocol_dataset_overrides_from(client):
    text = f"SELECT (COUNT(*) AS ?n) FROM <{SECRET}> {{ ?s ?p ?o }}"
    response = client.get("/sparql", query_string={"query": text, "default-graph-uri": PUBLIC})
    assert response.get_json()["results"]["bindings"][0]["n"]["value"] == "151"


@pytest.mark.parametrize(
    "request_",
    [
        {"query_string": [("query", "ASK {}"), ("query", "SELECT * {}")]},
        {
            "query_string": {"query": "ASK {}"},
            "data": "SELECT * {}",
            "method": "POST",
            "content_type": "application/sparql-query",
        },
        {
            "data": "ASK {}".encode("utf-16"),
            "method": "POST",
            "content_type": "application/sparql-query; charset=UTF-16",
        },
        {
            "data": b"ASK { ?s ?p '\xff' }",
            "method": "POST",
            "content_type": "application/sparql-query",
        },
    ],
)
def test_ambiguous_or_non_utf8_requests_are_400(client, request_):
    assert client.open("/sparql", **request_).status_code == 400


def test_a_signed_in_viewer_queries_their_own_dataset(client):
    ask = (
        "ASK { <https://w3id.org/csig/id/capability/exercise-sovereign-geo-inspection-tasking>"
        " ?p ?o }"
    )
    assert client.get("/sparql", query_string={"query": ask}).get_json()["boolean"] is False
    officer = client.get(
        "/sparql", query_string={"query": ask}, headers={"Authorization": "Bearer demo-gbr-officer"}
    )
    assert officer.get_json()["boolean"] is True


def test_the_row_cap_cuts_results_and_says_so(app, client, monkeypatch):
    monkeypatch.setitem(app.extensions["kg"].settings.values, "row_cap", "3")
    response = client.get("/sparql", query_string={"query": SELECT})
    assert len(response.get_json()["results"]["bindings"]) == 3
    assert response.headers["X-Row-Cap-Reached"] == "true"


def test_browsers_without_a_query_get_the_editor(client):
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 302 and response.location.endswith("/query")
    assert client.get("/sparql", headers={"Accept": "application/json"}).status_code == 400


def test_the_editor_runs_a_query_and_offers_downloads(client):
    page = client.get("/query", query_string={"query": SELECT}).get_data(as_text=True)
    assert 'table class="data results"' in page and "format=csv" in page
    bad = client.get("/query", query_string={"query": "SELECT nonsense"}).get_data(as_text=True)
    assert "malformed query" in bad
