"""Reports, matrices and the dashboard in a browser at 1280 x 900: nothing runs off the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.catalogue import load_catalogue
from tests.conftest import require, require_program

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).parent / "artefacts"
WIDTH, HEIGHT = 1280, 900
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# How far the page and each table reach to the right, and whether a scroll box scrolls.
MEASURE = """() => ({
  page: document.documentElement.scrollWidth,
  view: document.documentElement.clientWidth,
  tables: [...document.querySelectorAll('main table')].map(t => t.getBoundingClientRect().right),
  scrolling: [...document.querySelectorAll('main .scroll')].filter(
    s => s.scrollWidth > s.clientWidth + 1).length,
})"""


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
    """A fresh 1280 x 900 page that records console errors."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda err: tab.errors.append(str(err)))
    yield tab
    context.close()
    assert tab.errors == []


def fits(tab) -> None:
    """Assert that neither the page nor any table runs past the right edge of the window."""
    size = tab.evaluate(MEASURE)
    assert size["page"] <= size["view"], size
    assert all(right <= size["view"] for right in size["tables"]), size
    assert size["scrolling"] == 0, size


def shot(tab, name: str) -> None:
    """Keep a full-page screenshot as a test artefact."""
    ARTEFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTEFACTS / f"{name}-1280.png"), full_page=True)


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_report_table_fits_1280_pixels(module_server, page, name):
    response = page.goto(f"{module_server}/reports/{name}")
    assert response.status == 200
    fits(page)
    if page.locator("table.results tbody tr").count():
        assert page.locator("#summary .summary-line").is_visible()
        assert page.locator("table.results thead th").first.inner_text() == "Severity"


def test_a_report_summary_drills_down_and_the_column_chooser_adds_columns(module_server, page):
    page.goto(f"{module_server}/reports/interoperability-gaps")
    everything = page.locator("table.results tbody tr").count()
    shot(page, "report")
    page.locator("table.summary tbody a").first.click()
    page.wait_for_selector("#group-filter")
    assert 0 < page.locator("table.results tbody tr").count() < everything
    fits(page)
    page.click("details.columns summary")
    for box in page.locator("details.columns input[type=checkbox]").all():
        box.check()
    page.click("text=Show these columns")
    page.wait_for_url("**col=**")
    assert page.locator("table.results thead th").count() == 2 + 14
    fits(page)
    shot(page, "report-every-column")


@pytest.mark.parametrize(
    "path, name", [("/", "dashboard"), ("/matrices", "matrices"), ("/gaps", "gaps")]
)
def test_dashboard_matrix_and_whole_report_fit_1280_pixels(module_server, page, path, name):
    response = page.goto(module_server + path)
    assert response.status == 200
    fits(page)
    shot(page, name)


def test_the_matrix_shows_uncovered_mission_areas(module_server, page):
    page.goto(f"{module_server}/matrices/coverage")
    headers = page.locator("table.coverage-matrix thead th").all_inner_texts()
    assert {"EMON", "SATOPS", "SCTL"} <= set(headers)
    assert page.locator("table.coverage-matrix th.uncovered").count() >= 3
    assert "No capability at all in" in page.inner_text("#uncovered")


def test_a_bad_parameter_shows_a_page_with_did_you_mean(module_server, page):
    response = page.goto(f"{module_server}/reports/coverage?mission_area=SDAX")
    assert response.status == 400
    page.errors.clear()  # Chromium logs the 400 as a failed load
    assert "did you mean" in page.inner_text(".error-summary")
    page.click(".suggestions >> text=SDA — Space Domain Awareness")
    page.wait_for_url("**mission_area=SDA")
    assert page.locator("h1").inner_text().startswith("coverage")
    shot(page, "did-you-mean")
