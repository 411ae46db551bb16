"""Gap reports, matrices and the network pages: JSON twins, downloads, the viewer's dataset."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kg.catalogue import load_catalogue
from kg.web.openapi import document

GBR = {"Authorization": "Bearer demo-gbr-officer"}
EXERCISE = "exercise-sovereign-geo-inspection-tasking"


@pytest.fixture(scope="module")
def client(module_app):
    """A client of the module's app (reports only read)."""
    return module_app.test_client()


PAGES = [  # page URL, its /api twin
    ("/reports", "/api/reports"),
    ("/reports/coverage?k=3", "/api/reports/coverage?k=3"),
    (
        "/reports/interoperability-gaps?data_type=DT.TRK",
        "/api/reports/interoperability-gaps?data_type=DT.TRK",
    ),
    ("/gaps?partner=GBR", "/api/gaps?partner=GBR"),
    ("/matrices", "/api/matrices"),
    ("/matrices/exchange", "/api/matrices/exchange"),
    ("/network?data_type=TRK", "/api/network?data_type=TRK"),
]


@pytest.mark.parametrize("page, api", PAGES)
def test_every_page_renders_and_has_a_json_twin(client, page, api):
    html = client.get(page, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert html.data.count(b"<h1>") == 1 and b'aria-current="page"' in html.data
    twin = client.get(page, headers={"Accept": "application/json"}).get_json()
    joiner = "&" if "?" in page else "?"
    assert twin == client.get(f"{page}{joiner}format=json").get_json()
    assert twin == client.get(api).get_json()


def test_the_list_names_every_report_with_its_parameters(client):
    listed = {r["name"]: r for r in client.get("/api/reports").get_json()["reports"]}
    assert listed.keys() == load_catalogue().keys()
    assert {"name": "k", "type": "integer", "default": 2} == {
        k: v for k, v in listed["coverage"]["params"][0].items() if k != "description"
    }


def test_a_parameter_changes_the_results(client):
    loose = client.get("/api/reports/coverage?k=1").get_json()
    strict = client.get("/api/reports/coverage?k=4").get_json()
    assert loose["values"] == {"k": "1"} and loose["count"] < strict["count"]
    one = client.get("/api/reports/interoperability-gaps?data_type=DT.TRK").get_json()
    assert one["count"] > 0 and {r["dataType"] for r in one["rows"]} == {
        "https://w3id.org/csig/datatype/TRK"
    }
    assert len(one["severities"]) == one["count"]


def test_the_report_form_offers_the_mission_area_scheme(client):
    html = client.get("/reports/coverage").get_data(as_text=True)
    assert '<select id="p-mission_area" name="mission_area">' in html
    assert '<option value="SDA.CA">' in html and 'name="k" type="number"' in html


def test_results_download_as_csv_and_sparql_json(client):
    response = client.get("/reports/coverage?k=3&format=csv")
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == client.get("/api/reports/coverage?k=3").get_json()["count"]
    srj = client.get("/reports/coverage?k=3&format=srj")
    assert srj.mimetype == "application/sparql-results+json"
    assert len(srj.get_json()["results"]["bindings"]) == len(rows)


def test_bad_parameters_are_refused(client):
    assert client.get("/api/reports/coverage?k=many").status_code == 400
    assert client.get("/api/reports/coverage?mission_area=no%20such").status_code == 400
    assert client.get("/api/reports/stale-data?partner=ZZZ").status_code == 400
    assert client.get("/api/reports/nothing").status_code == 404
    page = client.get("/reports/coverage?k=many", headers={"Accept": "text/html"})
    assert page.status_code == 400 and b"not a valid integer" in page.data


@pytest.mark.parametrize(
    "url, meant",
    [
        ("/api/reports/coverage?mission_area=SDAX", "SDA"),
        ("/api/reports/coverage?coalition=FVEX", "FVEY"),
        ("/api/reports/interoperability-gaps?partner=GRB", "GBR"),
        ("/api/reports/interoperability-gaps?data_type=DT.TRX", "DT.TRK"),
        ("/api/gaps?coalition=NATTO", "NATO"),
        ("/api/network?data_type=TRX", "DT.TRK"),
    ],
)
def test_an_unknown_code_answers_400_with_did_you_mean(client, url, meant):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["suggestions"][0]["code"] == meant and "did you mean" in body["message"]
    name = url.split("?")[1].split("=")[0]
    assert f"{name}={meant}" in body["suggestions"][0]["url"]
    assert client.get(body["suggestions"][0]["url"]).status_code == 200


def test_a_browser_gets_the_did_you_mean_as_a_page_with_links(client):
    page = client.get("/reports/coverage?mission_area=SDAX", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert (
        "no mission area &#39;SDAX&#39;" in html
        and 'href="/reports/coverage?mission_area=SDA"' in html
    )
    nothing = client.get("/api/reports/coverage?coalition=QQQQQQ").get_json()
    assert nothing["suggestions"] == [] and "did you mean" not in nothing["message"]


@pytest.mark.parametrize(
    "url",
    ["/api/reports/interoperability-gaps?partner=GBR", "/api/gaps?partner=GBR", "/api/network"],
)
def test_results_come_from_the_viewers_dataset(client, url):
    anonymous = client.get(url).get_data(as_text=True)
    signed_in = client.get(url, headers=GBR).get_data(as_text=True)
    assert EXERCISE not in anonymous
    if "network" in url:
        assert anonymous != signed_in
    else:
        assert EXERCISE in signed_in


def test_the_whole_gap_report_matches_kg_gaps(client):
    from kg import gaps
    from kg.access import ANONYMOUS, viewer_dataset

    store = client.application.extensions["kg"].store
    expected = json.loads(
        gaps.to_json(gaps.report(store, viewer_dataset(store, ANONYMOUS), {"partner": "GBR"}, 3))
    )
    data = client.get("/api/gaps?partner=GBR&top=3").get_json()
    assert {k: data[k] for k in expected} == expected
    assert data["values"] == {"partner": "GBR"} and data["top"] == 3
    assert [s["name"] for s in data["sections"]] == list(load_catalogue())


def test_the_dashboard_shows_top_findings_by_severity(client):
    findings = client.get("/api/findings").get_json()
    assert findings["counts"]["violation"] > 0
    assert 0 < len(findings["top"]["violation"]) <= 5
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Top findings by severity" in html and findings["top"]["violation"][0]["text"] in html


def test_matrices_download_as_csv(client):
    data = client.get("/api/matrices").get_json()
    assert data["coverage"]["columns"][0] == "partner" and data["exchange"]["gaps"] > 0
    body = client.get("/matrices/coverage?format=csv").get_data(as_text=True)
    assert body.splitlines()[0] == ",".join(data["coverage"]["columns"])
    assert client.get("/api/matrices/nothing").status_code == 404


def test_the_network_marks_islands_bridges_and_cut_partners(client):
    data = client.get("/api/network").get_json()
    nodes = {n["code"]: n for n in data["drawing"]["nodes"]}
    assert len({n["island"] for n in nodes.values()}) == len(data["islands"]) > 1
    assert all(nodes[p]["cut"] for p in data["articulation_points"])
    assert sum(e["bridge"] for e in data["drawing"]["edges"]) == len(data["bridges"])
    assert data["adoptions"] and data["levels"]["partners"] == sorted(nodes)
    html = client.get("/network", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert html.count('<svg class="network"') == 1 and 'class="edge exact bridge"' in html
    again = client.get("/api/network").get_json()
    assert again == data  # the layout is deterministic
    filtered = client.get("/api/network?data_type=DT.TRK").get_json()
    assert filtered["data_type"] == "TRK" and len(filtered["drawing"]["nodes"]) < len(nodes)


def test_the_openapi_description_lists_the_new_routes():
    paths = document()["paths"]
    assert {
        "/api/reports",
        "/api/gaps",
        "/api/findings",
        "/api/matrices",
        "/api/matrices/coverage",
        "/api/network",
    } <= paths.keys()
    coverage = {p["name"]: p["schema"] for p in paths["/api/reports/coverage"]["get"]["parameters"]}
    assert coverage["k"]["type"] == "integer" and "pattern" in coverage["mission_area"]
