"""The explorer in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require, require_program

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).parent / "artefacts"  # kept after the run; git-ignored
VIEWPORT = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(module_server):
    """The explorer served on 127.0.0.1 for the module."""
    return module_server


@pytest.fixture(scope="module")
def browser():
    """Launch headless Chromium once for the module."""
    executable = require_program("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        require("playwright", False, "pip install playwright")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    """Open a fresh page (its own cookies) that records console errors."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda err: tab.errors.append(str(err)))
    yield tab
    context.close()
    assert tab.errors == []


def shot(tab, name: str) -> None:
    """Keep a full-page screenshot as a test artefact."""
    ARTEFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def test_dashboard_to_partner_to_capability(server, page):
    page.goto(server + "/")
    assert page.locator("svg.heat rect").count() > 50
    shot(page, "dashboard")
    page.click("nav.main >> text=Partners")
    shot(page, "partners")
    page.click("table.data >> text=United Kingdom")
    assert "Skynet 5" in page.inner_text("main")
    shot(page, "partner-gbr")
    page.click("main >> text=Skynet 5")
    assert page.locator(".banner.unclassified").count() == 2
    assert "Provenance" in page.inner_text("main")
    shot(page, "capability")


@pytest.mark.parametrize(
    "path, name",
    [
        ("/capabilities?kind=https://w3id.org/csig/kind/constellation", "capabilities-facets"),
        ("/mission-areas", "mission-areas"),
        ("/standards", "standards"),
        ("/id/standard/ccsds-tdm", "standard"),
        ("/strategy", "strategy"),
        ("/ontology", "ontology"),
        ("/search?q=ccsds", "search"),
        ("/resource?iri=https://w3id.org/csig/missionarea/SDA", "resource"),
    ],
)
def test_every_page_renders_without_console_errors(server, page, path, name):
    response = page.goto(server + path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    shot(page, name)


def test_run_a_query_in_the_sparql_editor(server, page):
    page.goto(server + "/query")
    page.click(".examples >> text=Top-level mission areas")
    page.click("text=Run query")
    page.wait_for_selector("table.results")
    assert "Space Domain Awareness" in page.inner_text("table.results")
    assert page.inner_text("#row-count").startswith("11 rows")  # 11 top mission areas
    shot(page, "sparql-editor")


def test_signing_in_shows_more(server, page):
    exercise = "EXERCISE — Sovereign GEO inspection tasking"
    page.goto(server + "/id/nation/GBR")
    assert exercise not in page.inner_text("main")
    page.click("header >> text=Sign in")
    page.fill("#token", "demo-gbr-officer")
    page.click("main >> button:has-text('Sign in')")
    assert "gbr-officer" in page.inner_text("header")
    assert exercise in page.inner_text("main")
    page.click(f"text={exercise}")
    assert page.locator(".banner.secret").count() == 2
    shot(page, "capability-secret")
    page.click("header >> text=Sign out")
    page.goto(server + "/id/nation/GBR")
    assert exercise not in page.inner_text("main")


SUBMISSIONS = Path(__file__).parent / "data" / "submissions"


@pytest.mark.parametrize(
    "path, name",
    [
        ("/reports", "reports"),
        ("/gaps", "gaps"),
        ("/matrices", "matrices"),
        ("/", "dashboard-findings"),
    ],
)
def test_report_pages_render_without_console_errors(server, page, path, name):
    response = page.goto(server + path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    shot(page, name)


def test_run_a_gap_report_with_a_parameter(server, page):
    page.goto(server + "/reports")
    page.click("table.reports >> text=interoperability-gaps")
    everything = int(page.inner_text("#result-count"))
    page.select_option("#p-data_type", "DT.TRK")
    page.click("text=Run report")
    page.wait_for_url("**data_type=DT.TRK**")
    found = int(page.inner_text("#result-count"))
    assert 0 < found < everything
    assert page.locator("table.results tbody tr").count() == found
    assert "TRK" in page.inner_text("table.results tbody tr >> nth=0")
    assert "format=csv" in page.locator("a:has-text('CSV')").get_attribute("href")
    shot(page, "report")


def test_upload_an_invalid_csv_and_see_the_row_level_error(server, page):
    page.goto(server + "/submit")
    page.set_input_files("#file", str(SUBMISSIONS / "several-errors.csv"))
    page.click("button:has-text('Validate')")
    page.wait_for_selector("table.findings")
    row = page.locator("table.findings tr", has_text="row 2, column mission_areas")
    assert row.count() >= 1 and "did you mean PNT.GNSS" in row.first.inner_text()
    assert "does not conform" in page.inner_text("section.report")
    shot(page, "submit-errors")
    # The page answers 422 (the upload does not conform), which Chromium logs as a failed load.
    refused = [e for e in page.errors if "status of 422" in e]
    assert len(refused) == 1
    page.errors.remove(refused[0])


def test_the_network_page_draws_an_svg_filtered_by_data_type(server, page):
    page.goto(server + "/network")
    everything = page.locator("svg.network a.node").count()
    assert everything > 5
    shot(page, "network")
    page.select_option("#data_type", "DT.TRK")
    page.click("text=Filter")
    page.wait_for_url("**data_type=DT.TRK**")
    assert 0 < page.locator("svg.network a.node").count() < everything
    shot(page, "network-trk")
    # the relation model leaves no bridge in the whole public network; conjunctions keep one
    page.goto(server + "/network?data_type=DT.CNJ")
    assert page.locator("svg.network line.bridge").count() >= 1


# Every page a visitor can reach by following links, for the accessibility checks.
CRAWLABLE = [
    "/",
    "/partners",
    "/id/nation/GBR",
    "/capabilities",
    "/id/capability/skynet-5",
    "/standards",
    "/id/standard/ccsds-omm",
    "/mission-areas",
    "/reports",
    "/reports/coverage",
    "/gaps",
    "/matrices",
    "/matrices/coverage",
    "/network",
    "/strategy",
    "/submit",
    "/search?q=OMM",
    "/partners/GBR/history",
    "/ontology",
    "/signin",
    "/query",
    "/packages",
]


@pytest.fixture(scope="module")
def axe():
    """The axe-core engine as axe-playwright-python bundles it (nothing is fetched)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def violations(axe, tab) -> list[tuple]:
    """Return axe-core's violations on the page, of any impact: rule, impact, where."""
    found = axe.run(tab).response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in found]


@pytest.mark.parametrize("path", CRAWLABLE)
def test_every_page_passes_axe_core(server, page, axe, path):
    assert page.goto(server + path).status == 200
    assert violations(axe, page) == []


def test_a_signed_in_capability_page_passes_axe_core_and_announces_its_marking(server, page, axe):
    page.goto(server + "/signin")
    page.fill("#token", "demo-gbr-officer")
    page.click("main >> button:has-text('Sign in')")
    page.goto(server + "/id/nation/GBR")
    page.click("text=EXERCISE — Sovereign GEO inspection tasking")
    live = page.locator(".banner[role=status][aria-live=polite]")
    assert live.count() == 1 and live.inner_text().startswith("SECRET")
    assert live.get_attribute("aria-label") == "Marking: " + live.inner_text()
    assert violations(axe, page) == []


OFFICER_PAGES = ["/partners/GBR/history", "/network", "/submit", "/reports/over-classification"]


@pytest.mark.parametrize("path", OFFICER_PAGES)
def test_an_officers_pages_pass_axe_core_with_no_violation_of_any_impact(server, page, axe, path):
    page.goto(server + "/signin")
    page.fill("#token", "demo-gbr-officer")
    page.click("main >> button:has-text('Sign in')")
    assert page.goto(server + path).status == 200
    assert violations(axe, page) == []


def focused(tab) -> dict:
    """Return what has the keyboard focus: its text, where it is, and its outline."""
    return tab.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
          return {text: (e.innerText || '').trim(), id: e.id, nav: !!e.closest('nav.main'),
                  outline: s.outlineStyle + ' ' + s.outlineWidth}; }"""
    )


def test_the_keyboard_skips_to_content_and_follows_the_main_nav(server, page):
    page.goto(server + "/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to main content" and first["outline"] != "none 0px"
    assert page.locator("a.skip").is_visible()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    page.goto(server + "/")
    for _ in range(40):  # skip link, brand, search, sign-in, then the main nav
        page.keyboard.press("Tab")
        now = focused(page)
        if now["nav"] and now["text"] == "Standards":
            break
    else:
        pytest.fail("Tab never reached Standards in the main nav")
    assert now["outline"].startswith("solid")
    page.keyboard.press("Enter")
    page.wait_for_url("**/standards")
    assert page.locator("nav.main a[aria-current=page]").inner_text() == "Standards"


@pytest.mark.parametrize(
    "path, name",
    [
        ("/", "dashboard"),
        ("/reports/coverage", "report"),
        ("/matrices/coverage", "matrix"),
        ("/submit", "submit"),
        ("/search?q=OMM", "search"),
    ],
)
def test_screenshots_at_1280_by_900(server, page, path, name):
    assert page.goto(server + path).status == 200
    ARTEFACTS.mkdir(exist_ok=True)
    target = ARTEFACTS / f"1280x900-{name}.png"
    page.screenshot(path=str(target))
    header = target.read_bytes()[16:24]  # PNG IHDR: width and height, big-endian
    assert (int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")) == (1280, 900)


def test_search_from_the_header_ranks_the_key_first_and_filters_by_type(server, page):
    page.goto(server + "/")
    page.fill("header input[name=q]", "OMM")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=OMM")
    assert page.inner_text("table.data tbody tr >> nth=0").startswith("CCSDS OMM")
    page.click("aside.facets >> text=Data standard")
    page.wait_for_url("**type=**")
    types = page.locator("table.data tbody td:nth-child(2)").all_inner_texts()
    assert types and set(types) == {"Data standard"}


def test_the_submit_page_downloads_both_templates(server, page, tmp_path):
    from openpyxl import load_workbook

    page.goto(server + "/submit")
    for link, name in (
        ("Excel template", "capabilities.xlsx"),
        ("CSV template", "capabilities.csv"),
    ):
        with page.expect_download() as download:
            page.click(f"main >> text={link}")
        assert download.value.suggested_filename == name
        download.value.save_as(tmp_path / name)
    book = load_workbook(tmp_path / "capabilities.xlsx")
    assert book.sheetnames == ["capabilities", "lists", "documentation"]
    assert book["capabilities"].data_validations.dataValidation
    assert (tmp_path / "capabilities.csv").read_text().startswith("# Several values")
