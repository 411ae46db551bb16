"""Kept page answers: exact invalidation on writes, one computation per miss, long lists paged."""

from __future__ import annotations

import threading
import time

import pytest

from kg.settings import ROOT
from kg.web import pages, reports
from kg.web.cache import Cache

EXAMPLE_TTL = (ROOT / "data" / "examples" / "capabilities.ttl").read_bytes()
GBR_GRAPH = "/graphs?graph=https://w3id.org/csig/graph/partner/GBR"
GBR = {"Authorization": "Bearer demo-gbr-officer"}
ASK = {"query": "ASK { <https://w3id.org/csig/id/capability/skynet-5> ?p ?o }"}


def slugs(client, url: str = "/api/capabilities", **headers) -> set[str]:
    rows = client.get(url, headers=headers).get_json()["capabilities"]
    return {row["cap"].rsplit("/", 1)[-1] for row in rows}


def test_pages_and_kept_queries_follow_a_write_at_once(client):
    counted = client.get("/api/stats").get_json()["capabilities"]
    assert "skynet-5" in slugs(client)
    assert client.get("/sparql", query_string=ASK).get_json()["boolean"] is True
    replaced = client.put(
        GBR_GRAPH + "&confirm=true",
        data=EXAMPLE_TTL,
        headers={"Content-Type": "text/turtle", **GBR},
    )
    assert replaced.status_code in (200, 201, 204), replaced.data
    assert "skynet-5" not in slugs(client)
    assert client.get("/api/stats").get_json()["capabilities"] < counted
    assert client.get("/sparql", query_string=ASK).get_json()["boolean"] is False


def test_viewers_with_different_datasets_never_share_answers(client):
    public = slugs(client)
    officer = slugs(client, **GBR)
    assert public < officer and slugs(client) == public


def test_a_miss_is_computed_once_for_every_waiter():
    cache, calls, answers = Cache(), [], []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "answer"

    threads = [
        threading.Thread(target=lambda: answers.append(cache.get((1, "k"), slow))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and answers == ["answer"] * 8


def test_a_failure_reaches_every_waiter_and_is_not_kept():
    cache, calls, failures = Cache(), [], []

    def broken() -> str:
        calls.append(1)
        time.sleep(0.2)
        raise ValueError("no")

    def ask() -> None:
        try:
            cache.get((1, "k"), broken)
        except ValueError:
            failures.append(1)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(failures) == 4 and len(cache) == 0


def test_answers_of_an_older_generation_are_dropped_and_never_stored():
    cache = Cache()
    cache.get((1, "a"), lambda: "old")
    cache.advance(2)
    assert len(cache) == 0
    assert cache.get((1, "a"), lambda: "late") == "late" and len(cache) == 0


def test_long_lists_come_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr(pages, "PAGE_SIZE", 7)
    everything = client.get("/api/capabilities?page=1").get_json()
    total, seen, url = everything["paging"]["total"], [], "/api/capabilities?page=1"
    assert total > 7 and everything["paging"]["pages"] == -(-total // 7)
    while url:
        data = client.get(url).get_json()
        assert len(data["capabilities"]) <= 7
        seen += [row["cap"] for row in data["capabilities"]]
        url = data["paging"]["next"]
    assert len(seen) == len(set(seen)) == total
    assert data["paging"]["previous"].startswith("/api/capabilities?")
    html = client.get("/capabilities?page=2", headers={"Accept": "text/html"})
    assert 'rel="next"' in html.get_data(as_text=True) and f">{total}<" in html.get_data(
        as_text=True
    )
    for bad in ("0", "x", "-1"):
        assert client.get(f"/api/capabilities?page={bad}").status_code == 400
    beyond = everything["paging"]["pages"] + 1
    assert client.get(f"/api/capabilities?page={beyond}").status_code == 404


def test_the_standards_catalogue_is_paged_and_keeps_its_filters(client, monkeypatch):
    monkeypatch.setattr(pages, "PAGE_SIZE", 5)
    current = "https://w3id.org/csig/lifecycle/current"
    data = client.get(f"/api/standards?lifecycle={current}").get_json()
    assert len(data["standards"]) == 5 and "lifecycle=" in data["paging"]["next"]
    assert all(s["lifecycle"] == current for s in data["standards"])


@pytest.fixture()
def slow_findings(monkeypatch):
    """Gap findings that take until the test releases them."""
    release = threading.Event()
    real = reports.top_findings

    def held(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "top_findings", held)
    monkeypatch.setattr(reports, "FINDINGS_WAIT", 0.05)
    yield release
    release.set()


def test_the_dashboard_answers_while_the_gap_reports_run(client, slow_findings):
    page = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "still running" in page and "<svg" in page
    slow_findings.set()
    deadline = time.monotonic() + 30
    while "still running" in page and time.monotonic() < deadline:
        time.sleep(0.2)
        page = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Top findings by severity" in page and "still running" not in page
