"""Gap reports, matrices and the network pages: JSON twins, downloads, the viewer's dataset."""

from __future__ import annotations

import csv
import io
import json
import re

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
    assert "did you mean" in body["message"] and len(body["suggestions"]) <= 3
    [suggestion] = [s for s in body["suggestions"] if s["code"] == meant]
    name = url.split("?")[1].split("=")[0]
    assert suggestion["url"].endswith(f"{name}={meant}") and suggestion["label"]
    assert client.get(suggestion["url"]).status_code == 200


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
    assert html.count('<svg class="network"') == 1 and 'class="edge exact' in html
    # the model connects the parallel and convertible standards the family rule cut apart
    assert bool(re.search(r'class="edge \w+ bridge"', html)) == bool(data["bridges"])
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


HTML = {"Accept": "text/html"}


def test_a_report_leads_with_a_summary_that_drills_down_to_rows(client):
    data = client.get("/api/reports/interoperability-gaps").get_json()
    overview = data["overview"]
    assert overview["by"] == "partner pair"
    assert overview["columns"] == ["producerPartner", "consumerPartner"]
    assert sum(g["count"] for g in overview["groups"]) == data["count"] == overview["rows"]
    pairs = {(r["producerPartner"], r["consumerPartner"]) for r in data["rows"]}
    assert {tuple(g["key"]) for g in overview["groups"]} == pairs
    biggest = overview["groups"][0]
    assert biggest["count"] == max(g["count"] for g in overview["groups"]) > 1
    assert overview["line"].startswith(f"{data['count']} findings in {len(pairs)} partner pairs")
    html = client.get("/reports/interoperability-gaps", headers=HTML).get_data(as_text=True)
    assert html.index(overview["line"].replace("→", "→")) < html.index('id="findings"')
    drilled = client.get(
        "/reports/interoperability-gaps", query_string={"group": biggest["group"]}, headers=HTML
    ).get_data(as_text=True)
    body = drilled.split("<tbody>")[-1]
    assert body.count('<tr class="sev-') == biggest["count"]
    assert f"Showing the {biggest['count']} findings of" in drilled
    bad = client.get("/reports/interoperability-gaps?group=nobody", headers=HTML)
    assert bad.status_code == 400


def test_coverage_is_summarised_per_top_level_mission_area(client):
    data = client.get("/api/reports/coverage").get_json()
    overview = data["overview"]
    assert overview["by"] == "mission area" and len(overview["groups"]) < data["count"]
    tops = {a["iri"] for a in client.get("/api/coverage").get_json()["areas"]}
    assert {g["key"][0] for g in overview["groups"]} <= tops


def test_report_tables_read_as_words_with_the_identifier_as_a_link(client):
    html = client.get("/reports/interoperability-gaps?data_type=DT.TRK", headers=HTML).get_data(
        as_text=True
    )
    head = html.split('<table class="data results readable')[1].split("</thead>")[0]
    assert "<th>Producer</th>" in head and "producerPartner" not in head
    assert '<span class="name">United States</span> <a class="id" href="/id/nation/USA"' in html
    assert html.count('class="explanation"') == html.split("<tbody>")[-1].count("<tr ")
    assert "Columns: 5 of 14 shown" in html  # verdict, relation, translation... evidence
    chosen = client.get(
        "/reports/interoperability-gaps?data_type=DT.TRK&col=producer&col=consumer", headers=HTML
    ).get_data(as_text=True)
    head = chosen.split('<table class="data results readable')[1].split("</thead>")[0]
    assert head.count("</th>") == 4 and "Producing capability" in head


def test_csv_and_json_keep_every_row_when_a_group_is_chosen(client):
    data = client.get("/api/reports/interoperability-gaps").get_json()
    group = data["overview"]["groups"][0]["group"]
    csv_rows = client.get(
        "/reports/interoperability-gaps", query_string={"group": group, "format": "csv"}
    ).get_data(as_text=True)
    assert len(csv_rows.strip().splitlines()) == data["count"] + 1
    twin = client.get("/api/reports/interoperability-gaps", query_string={"group": group})
    assert twin.get_json()["count"] == data["count"]


def test_the_whole_gap_report_page_leads_each_section_with_its_summary(client):
    data = client.get("/api/gaps").get_json()
    html = client.get("/gaps", headers=HTML).get_data(as_text=True)
    for sec in data["sections"]:
        assert sec["overview"]["rows"] == len(sec["rows"])
        if sec["rows"]:
            assert sec["overview"]["line"] in html, sec["name"]


def test_the_coverage_matrix_shows_every_top_level_mission_area(client):
    data = client.get("/api/matrices/coverage").get_json()["coverage"]
    areas = [a["notation"] for a in client.get("/api/coverage").get_json()["areas"]]
    assert data["columns"][1:] == sorted(areas) and len(areas) == 11
    assert {"EMON", "SATOPS", "SCTL"} <= set(data["uncovered"])
    assert all(data["area_totals"][a] == 0 for a in data["uncovered"])
    heat = client.get("/api/coverage").get_json()
    by_code = {
        p["iri"].rsplit("/", 1)[-1]: row
        for p, row in zip(heat["partners"], heat["cells"], strict=True)
    }
    order = [a["notation"] for a in heat["areas"]]
    for row in data["rows"]:  # the matrix and the dashboard's heat map agree cell by cell
        assert [row[a] for a in order] == by_code[row["partner"]]
    html = client.get("/matrices/coverage", headers=HTML).get_data(as_text=True)
    assert 'id="uncovered"' in html and "Environmental Monitoring" in html
    assert html.count("cell zero") == data["zero_cells"]
    csv_head = client.get("/matrices/coverage?format=csv").get_data(as_text=True).splitlines()[0]
    assert "EMON" in csv_head.split(",")


def test_the_network_page_explains_bridges_and_islands_with_this_data(client):
    # Under the relation model the whole public network has no bridge left; the conjunction
    # network still hangs on one (NATO - USA).
    data = client.get("/api/network?data_type=DT.CNJ").get_json()
    words = data["explained"]
    assert words["islands"] == data["islands"][1:]
    assert [(b["a"], b["b"]) for b in words["bridges"]] == [tuple(b) for b in data["bridges"]]
    bridge = words["bridges"][0]
    assert bridge["cut_off"] and bridge["from"] >= len(bridge["cut_off"])
    assert [p["partner"] for p in words["points"]] == data["articulation_points"]
    html = client.get("/network?data_type=DT.CNJ", headers=HTML).get_data(as_text=True)
    text = html.split('id="network-words"')[1].split("</section>")[0]
    assert "Bridge" in text
    assert f"{bridge['a']}–{bridge['b']}</strong> is the only way" in text
    whole = client.get("/api/network").get_json()
    assert whole["explained"]["islands"] == whole["islands"][1:]
    words = client.get("/network", headers=HTML).get_data(as_text=True)
    assert "Island" in words and ", ".join(whole["explained"]["islands"][0]) in words


def test_a_finding_shows_its_evidence_and_whether_it_is_confirmed(client):
    app = client.application
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("_params.html").module
        row = {"explanation": "JPN -> USA", "evidence": "assumed: cspoc", "confirmed": "false"}
        unconfirmed = str(macros.finding(row, "warning", {}))
        confirmed = str(macros.finding(dict(row, confirmed="true"), "violation", {}))
    assert "JPN -&gt; USA" in unconfirmed and "Evidence: assumed: cspoc" in unconfirmed
    assert 'class="tag unconfirmed"' in unconfirmed and 'class="tag confirmed"' in confirmed
    plain = str(macros.finding({"explanation": "x"}, "info", {}))
    assert "confirmed" not in plain and "Evidence" not in plain


def test_confirmed_only_filters_the_report_pages_and_downloads(client):
    every = client.get("/api/reports/incompatible-standards").get_json()
    sure = client.get("/api/reports/incompatible-standards?confirmed_only=1").get_json()
    assert sure["confirmed_only"] and not every["confirmed_only"]
    assert {r["confirmed"] for r in every["rows"]} == {"true", "false"}
    assert sure["rows"] == [r for r in every["rows"] if r["confirmed"] == "true"]
    body = client.get("/reports/incompatible-standards?format=csv&confirmed_only=1").get_data(
        as_text=True
    )
    assert [r["dataType"] for r in csv.DictReader(io.StringIO(body))] == [
        r["dataType"] for r in sure["rows"]
    ]
    html = client.get(
        "/reports/incompatible-standards?confirmed_only=1", headers={"Accept": "text/html"}
    ).get_data(as_text=True)
    assert 'name="confirmed_only"' in html and "confirmed_only=1" in html
    whole = client.get("/api/gaps?confirmed_only=1").get_json()
    assert whole["confirmed_only"] and whole["input"].startswith("input: ")
    assert all(
        r["confirmed"] == "true" for s in whole["sections"] for r in s["rows"] if "confirmed" in r
    )
    assert client.get("/api/gaps?confirmed_only=maybe").status_code == 400
