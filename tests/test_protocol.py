"""The W3C SPARQL 1.1 Protocol query tests, from a local copy of the manifest, against /sparql.

Tests that need graphs written into the server (`ut:graphData`, the `update_*` tests) are not
run: the endpoint is read-only and answers from the viewer's dataset only. The others run as
the manifest describes them: each request, then its status, media type and boolean checked.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection

MANIFEST = Path(__file__).parent / "data" / "w3c-protocol" / "manifest.ttl"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json"},
}
STATUS = {
    HT.StatusCode2xx: range(200, 300),
    HT.StatusCode3xx: range(300, 400),
    HT.StatusCode4xx: range(400, 500),
}


def manifest() -> tuple[rdflib.Graph, list]:
    graph = rdflib.Graph().parse(MANIFEST)
    root = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    return graph, list(Collection(graph, graph.value(root, MF.entries)))


GRAPH, ENTRIES = manifest()


def name_of(test) -> str:
    return str(test).rsplit("#", 1)[-1]


def writes_graphs(test) -> bool:
    return (test, UT.graphData, None) in GRAPH or name_of(test).startswith("update_")


RUN = [t for t in ENTRIES if not writes_graphs(t)]


def test_the_manifest_is_read_and_only_graph_writing_tests_are_left_out():
    left_out = sorted(name_of(t) for t in ENTRIES if writes_graphs(t))
    assert len(ENTRIES) == 34 and len(RUN) == 21
    assert left_out == sorted(
        [
            "query_dataset_default_graphs_get",
            "query_dataset_default_graphs_post",
            "query_dataset_named_graphs_post",
            "query_dataset_named_graphs_get",
            "query_dataset_full",
            "query_multiple_dataset",
            "update_dataset_default_graph",
            "update_dataset_default_graphs",
            "update_dataset_named_graphs",
            "update_dataset_full",
            "update_post_form",
            "update_post_direct",
            "update_base_uri",
        ]
    )


def requests_of(test) -> list:
    action = GRAPH.value(test, MF.action)
    return list(Collection(GRAPH, GRAPH.value(action, HT.requests)))


def send(client, request):
    """Send one manifest request to the app; /sparql/ is this server's /sparql."""
    path = str(GRAPH.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    headers = {}
    for header in Collection(GRAPH, GRAPH.value(request, HT.headers) or rdflib.RDF.nil):
        headers[str(GRAPH.value(header, HT.fieldName))] = str(GRAPH.value(header, HT.fieldValue))
    body = GRAPH.value(request, HT.body)
    data = None
    if body is not None:
        encoding = str(GRAPH.value(body, CNT.characterEncoding)).lower()
        data = str(GRAPH.value(body, CNT.chars)).encode(encoding)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    return client.open(
        path, method=str(GRAPH.value(request, HT.methodName)), data=data, content_type=content_type
    )


def boolean_of(response) -> bool:
    if response.mimetype == "application/sparql-results+json":
        return json.loads(response.data)["boolean"]
    ns = "{http://www.w3.org/2005/sparql-results#}"
    return ET.fromstring(response.data).find(f"{ns}boolean").text == "true"


@pytest.fixture(scope="module")
def client(module_app):
    return module_app.test_client()


@pytest.mark.parametrize("test", RUN, ids=name_of)
def test_w3c_protocol(client, test):
    for request in requests_of(test):
        response = send(client, request)
        expected = GRAPH.value(request, HT.resp)
        statuses = [STATUS[s] for s in GRAPH.objects(expected, MF.expectedStatus)]
        label = f"{name_of(test)} ({GRAPH.value(test, MF.name)})"
        assert any(response.status_code in s for s in statuses), (
            label,
            response.status_code,
            response.data[:300],
        )
        wanted = GRAPH.value(expected, MF.expectedFormat)
        if wanted is not None:
            assert response.mimetype in FORMATS[str(wanted)], (label, response.mimetype)
        boolean = GRAPH.value(expected, MF.expectedBoolean)
        if boolean is not None:
            assert boolean_of(response) is boolean.toPython(), label
