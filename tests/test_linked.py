"""Linked data: instance IRIs dereference by content negotiation, only within the dataset."""

from __future__ import annotations

import pytest
import rdflib

GPS = "https://w3id.org/csig/id/capability/gps"
EXERCISE = "/id/capability/exercise-sovereign-geo-inspection-tasking"
GBR = {"Authorization": "Bearer demo-gbr-officer"}


@pytest.fixture(scope="module")
def client(module_app):
    """A client of the module's app (dereferencing only reads)."""
    return module_app.test_client()


@pytest.mark.parametrize(
    "accept, mimetype, fmt",
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("text/turtle; charset=utf-8", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("text/html;q=0.2, application/n-triples;q=0.9", "application/n-triples", "nt"),
    ],
)
def test_an_instance_iri_answers_rdf_by_negotiation(client, accept, mimetype, fmt):
    response = client.get("/id/capability/gps", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype
    assert "Accept" in response.vary
    graph = rdflib.Graph().parse(data=response.text, format=fmt)
    subject = rdflib.URIRef(GPS)
    assert (subject, rdflib.RDFS.label, None) in graph
    interfaces = list(graph.objects(subject, rdflib.URIRef("https://w3id.org/csig/ont#produces")))
    assert interfaces and all(len(list(graph.triples((i, None, None)))) for i in interfaces)


def test_browsers_get_the_page_and_format_parameters_work(client):
    html = client.get("/id/capability/gps", headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.mimetype == "text/html" and b"banner unclassified" in html.data
    assert client.get("/id/capability/gps?format=ttl").mimetype == "text/turtle"
    assert client.get("/id/capability/gps?format=json").get_json()["iri"] == GPS


@pytest.mark.parametrize(
    "path",
    [
        "/id/nation/GBR",
        "/id/org/CCSDS",
        "/id/coalition/FVEY",
        "/id/standard/ccsds-cdm",
        "/id/goal/1",
        "/id/loe/create",
        "/id/capability/gps/interface/1",
        "/id/capability/gps/marking",
    ],
)
def test_every_kind_of_instance_dereferences(client, path):
    assert client.get(path, headers={"Accept": "text/html"}).status_code == 200
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 200


def test_invisible_and_missing_resources_look_the_same(client):
    for accept in ("text/html", "text/turtle", "application/ld+json", "application/json"):
        hidden = client.get(EXERCISE, headers={"Accept": accept})
        missing = client.get("/id/capability/no-such-thing", headers={"Accept": accept})
        assert hidden.status_code == missing.status_code == 404
        same_path = missing.text.replace("/id/capability/no-such-thing", EXERCISE)
        assert hidden.text == same_path
    assert client.get(EXERCISE + "/marking", headers={"Accept": "text/turtle"}).status_code == 404


def test_a_cleared_viewer_dereferences_releasable_records(client):
    response = client.get(EXERCISE, headers={"Accept": "text/turtle", **GBR})
    assert response.status_code == 200 and "SECRET//REL TO" in response.text


def test_vocabulary_iris_have_resource_pages(client):
    response = client.get(
        "/resource", query_string={"iri": "https://w3id.org/csig/missionarea/SDA"}
    )
    assert response.status_code == 200 and b"Space Domain Awareness" in response.data
    assert client.get("/id/capability/gps", headers={"Accept": "image/png"}).status_code == 406
