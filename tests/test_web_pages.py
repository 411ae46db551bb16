"""The explorer's pages: HTML, JSON twins, /api routes, and only the viewer's data."""

from __future__ import annotations

import pytest

from kg.settings import ROOT
from kg.web.openapi import ROUTES
from kg.web.openapi_writes import write_paths
from tests.conftest import form_token

GBR = {"Authorization": "Bearer demo-gbr-officer"}
NZL = {"Authorization": "Bearer demo-nzl-officer"}
EXERCISE = "exercise-sovereign-geo-inspection-tasking"


@pytest.fixture(scope="module")
def client(module_app):
    """A client of the module's app (pages only read)."""
    return module_app.test_client()


PAGES = [  # page URL, its /api twin
    ("/partners", "/api/partners"),
    ("/id/nation/GBR", "/api/partners/nation/GBR"),
    ("/id/coalition/FVEY", "/api/partners/coalition/FVEY"),
    ("/capabilities", "/api/capabilities"),
    (
        "/capabilities?kind=https://w3id.org/csig/kind/constellation",
        "/api/capabilities?kind=https://w3id.org/csig/kind/constellation",
    ),
    ("/id/capability/skynet-5", "/api/capabilities/skynet-5"),
    ("/mission-areas", "/api/mission-areas"),
    ("/standards?q=ccsds", "/api/standards?q=ccsds"),
    ("/id/standard/ccsds-tdm", "/api/standards/ccsds-tdm"),
    ("/strategy", "/api/strategy"),
    ("/ontology", "/api/ontology"),
    ("/search?q=skynet", "/api/search?q=skynet"),
]


@pytest.mark.parametrize("page, api", PAGES)
def test_every_page_renders_and_has_a_json_twin(client, page, api):
    html = client.get(page, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert b"<h1>" in html.data and b"Sign in" in html.data
    twin = client.get(page, headers={"Accept": "application/json"}).get_json()
    joiner = "&" if "?" in page else "?"
    assert twin == client.get(f"{page}{joiner}format=json").get_json()
    assert twin == client.get(api).get_json()


def test_dashboard_heat_map_covers_every_top_mission_area(client):
    html = client.get("/").get_data(as_text=True)
    assert html.count("<svg") == 1
    coverage = client.get("/api/coverage").get_json()
    assert len(coverage["areas"]) == 11
    assert all(len(row) == 11 for row in coverage["cells"])


def test_capability_page_shows_marking_interfaces_and_provenance(client):
    data = client.get("/api/capabilities/skynet-5").get_json()
    assert data["marking"] == {"text": "UNCLASSIFIED", "rank": 0}
    assert {i["assumed"] for i in data["interfaces"]} == {"true"}
    [provenance] = data["provenance"]  # GBR's first version, which also holds hidden data:
    assert provenance["time"] and not provenance["complete"]  # when, but not who nor the hash
    assert "version" not in provenance and "sha256" not in provenance
    assert all(v["changed"] == provenance["time"][:10] for f in data["fields"] for v in f["values"])
    html = client.get("/id/capability/skynet-5").get_data(as_text=True)
    assert html.count('class="banner unclassified"') == 2 and "assumed" in html


def test_exercise_records_are_hidden_from_anonymous_viewers(client):
    assert client.get(f"/api/capabilities/{EXERCISE}").status_code == 404
    for url in ("/id/nation/GBR", "/capabilities", "/search?q=exercise", "/standards"):
        assert EXERCISE not in client.get(url).get_data(as_text=True), url


def test_signed_in_officer_sees_releasable_exercise_records(client):
    assert client.get(f"/api/capabilities/{EXERCISE}", headers=GBR).status_code == 200
    assert EXERCISE in client.get("/capabilities", headers=GBR).get_data(as_text=True)
    assert client.get(f"/api/capabilities/{EXERCISE}", headers=NZL).status_code == 404


def test_session_sign_in_changes_what_pages_show(client):
    response = client.post(
        "/signin", data={"token": "demo-gbr-officer", "csrf_token": form_token(client)}
    )
    assert response.status_code == 302
    page = client.get("/id/nation/GBR").get_data(as_text=True)
    assert EXERCISE in page and "gbr-officer" in page
    client.post("/signout", data={"csrf_token": form_token(client, "/")})
    assert EXERCISE not in client.get("/id/nation/GBR").get_data(as_text=True)


def test_submission_metadata_shows_only_as_far_as_the_data_is_visible(client):
    anonymous = client.get("/api/partners/nation/GBR").get_json()["submissions"]
    assert [(v["added"], v["complete"]) for v in anonymous] == [(5, False)]  # 1 record hidden
    assert not {"version", "user", "sha256", "source"} & set(anonymous[0])
    officer = client.get("/api/partners/nation/GBR", headers=GBR).get_json()["submissions"]
    assert officer[0]["capabilities"] == 6 and officer[0]["version"] == 1
    canada = client.get("/api/partners/nation/CAN").get_json()["submissions"][0]
    assert canada["complete"] and canada["added"] == 3 and canada["user"] == "seed-loader"


def test_a_change_to_hidden_data_only_is_not_shown_to_those_who_cannot_see_it(client):
    marked = (ROOT / "data" / "examples" / "capabilities.ttl").read_bytes()
    hidden = marked.split(b"cap:exercise-gbr-ops-cell a")[1]
    body = marked.split(b"cap:exercise-gbr-radar a")[0] + b"cap:exercise-gbr-ops-cell a" + hidden
    response = client.post(
        "/api/submissions?partner=GBR&mode=merge&name=x.ttl",
        data=body,
        headers={**GBR, "Content-Type": "text/turtle"},
    )
    assert response.status_code == 201, response.get_json()
    anonymous = client.get("/api/partners/nation/GBR").get_json()["submissions"]
    assert len(anonymous) == 1  # the new version changed only SECRET data
    page = client.get("/id/nation/GBR").get_data(as_text=True)
    assert response.get_json()["accepted"]["version"] == 2 and "v2" not in page
    usa = {"Authorization": "Bearer demo-usa-planner"}  # GBR's record is REL TO USA
    assert len(client.get("/api/partners/nation/GBR", headers=usa).get_json()["submissions"]) == 2


def test_facet_counts_follow_the_filters(client):
    data = client.get("/api/capabilities?partner=https://w3id.org/csig/id/nation/USA").get_json()
    assert data["capabilities"] and {c["partner"] for c in data["capabilities"]} == {
        "https://w3id.org/csig/id/nation/USA"
    }
    kinds = next(f for f in data["facets"] if f["name"] == "kind")
    assert sum(v["count"] for v in kinds["values"]) == len(data["capabilities"])


def test_standards_filter_by_lifecycle_and_show_lineage(client):
    current = "https://w3id.org/csig/lifecycle/current"
    rows = client.get(f"/api/standards?lifecycle={current}").get_json()["standards"]
    assert rows and all(r["lifecycle"] == current for r in rows)
    tdm = client.get("/api/standards/ccsds-tdm").get_json()
    assert any(c["relation"] == "replaces" for c in tdm["chain"])


def test_mission_area_tree_has_eleven_top_areas_with_narrower_ones(client):
    areas = client.get("/api/mission-areas").get_json()["areas"]
    assert len(areas) == 11 and all(a["narrower"] for a in areas)


def test_mission_area_counts_agree_with_the_coverage_matrix(client):
    """Both count a constellation once: a top area's capabilities equal the matrix column."""
    areas = client.get("/api/mission-areas").get_json()["areas"]
    matrix = client.get("/api/matrices/coverage").get_json()["coverage"]
    for area in areas:
        column = sum(row.get(area["notation"], 0) for row in matrix["rows"])
        assert area["capabilities"] == column, area["notation"]


def test_openapi_describes_every_api_route(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {path for path, *_ in ROUTES} | set(write_paths())
    samples = {"{kind_}": "nation", "{key}": "GBR", "{slug}": "gps", "{code}": "GBR"}
    for path, *_ in ROUTES:  # every GET twin answers; the writes are fuzzed in test_openapi
        url = path.replace("{kind_}/{key}", "nation/GBR")
        for name, value in samples.items():
            url = url.replace(name, "ccsds-tdm" if "standards" in url else value)
        assert client.get(url, headers=GBR).status_code == 200, url


def test_favicon_and_static_files_are_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
    with client.get("/static/editor.js") as response:
        assert response.status_code == 200


HTML = {"Accept": "text/html"}


def test_the_dashboard_says_what_this_is_and_where_to_start(client):
    html = client.get("/", headers=HTML).get_data(as_text=True)
    assert 'id="what-this-is"' in html and "shared record of space capabilities" in html
    for path, href in [
        ("start-partner", "/submit"),
        ("start-planner", "/gaps"),
        ("start-staff", "/partners?has=capabilities"),
    ]:
        assert f'id="{path}" href="{href}"' in html, path
        assert client.get(href, headers=HTML).status_code == 200


def test_dashboard_counts_agree_with_other_pages_and_say_why_they_differ(client):
    stats = client.get("/api/stats").get_json()
    why = client.get("/api/orientation").get_json()
    network = client.get("/api/network").get_json()
    partners = client.get("/api/partners?has=capabilities").get_json()
    assert why["providers"] == stats["providing_partners"] == partners["counts"]["capabilities"]
    assert why["in_network"] == len(network["drawing"]["nodes"])
    missing = {p["label"] for p in why["not_in_network"]}
    assert missing and why["in_network"] + len(missing) == why["providers"]
    assert missing == {p["label"] for p in network["missing"]}
    html = client.get("/", headers=HTML).get_data(as_text=True)
    page = client.get("/network", headers=HTML).get_data(as_text=True)
    for label in missing:
        assert label in html and label in page
    assert "no data interface on an active capability" in page
    assert f"The dashboard counts {stats['providing_partners']} partners" in page


def test_exercise_records_are_counted_only_for_those_who_may_see_them(client):
    public = client.get("/api/orientation").get_json()
    officer = client.get("/api/orientation", headers=GBR).get_json()
    assert public["exercise_capabilities"] == 0 and officer["exercise_capabilities"] > 0
    html = client.get("/", headers={**GBR, **HTML}).get_data(as_text=True)
    assert f"{officer['exercise_capabilities']} of them are exercise records" in html
    assert "No exercise records are releasable to you" in client.get("/", headers=HTML).text


def test_the_partner_list_filters_to_partners_with_capabilities(client):
    every = client.get("/api/partners").get_json()
    some = client.get("/api/partners?has=capabilities").get_json()
    listed = [p for rows in every["groups"].values() for p in rows]
    kept = [p for rows in some["groups"].values() for p in rows]
    assert len(listed) == every["counts"]["all"] > len(kept) == some["counts"]["capabilities"]
    assert kept and all(p["capabilities"] > 0 for p in kept)
    assert {p["p"] for p in kept} == {p["p"] for p in listed if p["capabilities"]}
    html = client.get("/partners", headers=HTML).get_data(as_text=True)
    assert f"partners with capabilities ({len(kept)})" in html
    assert client.get("/api/partners?has=everything").status_code == 400


def test_the_heat_map_highlights_mission_areas_nobody_covers(client):
    coverage = client.get("/api/coverage").get_json()
    sums = {
        a["notation"]: sum(row[i] for row in coverage["cells"])
        for i, a in enumerate(coverage["areas"])
    }
    assert coverage["uncovered"] == [a for a, n in sums.items() if n == 0]
    assert {"EMON", "SATOPS", "SCTL"} <= set(coverage["uncovered"])
    html = client.get("/", headers=HTML).get_data(as_text=True)
    assert html.count('class="col uncovered"') == len(coverage["uncovered"])
    assert "No partner covers EMON" in html and 'class="zero' in html


@pytest.mark.parametrize(
    "url", ["/no/such/page", "/id/capability/no-such-capability", "/reports/nothing"]
)
def test_a_browser_gets_an_html_page_for_every_error(client, url):
    page = client.get(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<h1>404" in page.get_data(as_text=True)
    assert client.get(url, headers={"Accept": "application/json"}).is_json


def test_an_oversized_upload_states_the_limit(tmp_path, store_path):
    from kg.settings import load_settings
    from kg.web import create_app

    app = create_app(
        load_settings(
            {
                "store": str(store_path),
                "content": str(ROOT),
                "audit_log": str(tmp_path / "audit.log"),
                "max_upload": "5000",
            }
        )
    )
    client = app.test_client()
    body = {"file": (__import__("io").BytesIO(b"x" * 9000), "big.csv"), "partner": "GBR"}
    page = client.post("/submit", data=body, headers=HTML, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 413 and page.mimetype == "text/html"
    assert "limit of 0.005 MB (5,000 bytes)" in text
    api = client.post("/api/submissions?partner=GBR", data=b"x" * 9000, headers=GBR)
    assert api.status_code == 413 and "5,000 bytes" in api.get_json()["message"]
    app.extensions.clear()
