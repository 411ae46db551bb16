"""A safe endpoint: no outbound connection, a real time limit, a row cap, a size limit."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg.settings import load_settings
from tests.conftest import serving

RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . FILTER(STR(?c) != STR(?i)) }"
)


class Listener:
    """A TCP listener on 127.0.0.1 that counts every connection it receives."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture()
def listener():
    item = Listener()
    yield item
    item.close()


def ssrf_requests(url: str) -> list[tuple[str, dict]]:
    """Requests that would make a careless endpoint connect to `url`."""
    q = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    return [
        ("/sparql", {"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"}),
        ("/sparql", {"query": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"}),
        ("/sparql", {"query": "SELECT * WHERE { \\u0053ERVICE <" + url + "> { ?s ?p ?o } }"}),
        ("/sparql", {"query": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"}),
        ("/sparql", {"query": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}),
        ("/sparql", {"query": q, "default-graph-uri": url}),
        ("/sparql", {"query": q, "named-graph-uri": url}),
        ("/sparql", {"update": f"LOAD <{url}>"}),
        ("/sparql", {"query": f"LOAD <{url}>"}),
        ("/sparql", {"query": f"DESCRIBE <{url}>"}),
    ]


def test_no_request_reaches_a_listener(client, listener):
    url = f"http://127.0.0.1:{listener.port}/x"
    for path, form in ssrf_requests(url):
        accept = "text/turtle" if "DESCRIBE" in str(form) else "application/sparql-results+json"
        response = client.post(path, data=form, headers={"Accept": accept})
        assert response.status_code in (200, 400), (form, response.status_code)
        if "SERVICE" in str(form) or "LOAD" in str(form):
            assert response.status_code == 400, form
        elif "FROM" in str(form) or "graph-uri" in str(form):  # an outside graph reads as empty
            assert response.status_code == 200 and not response.get_json()["results"]["bindings"], (
                form
            )
    context = f'{{"@context": "{url}", "@id": "https://w3id.org/csig/id/x"}}'
    response = client.post(
        "/api/submissions/validate?name=x.jsonld",
        data=context,
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 400 and "remote @context" in response.get_json()["message"]
    turtle = f"@prefix owl: <http://www.w3.org/2002/07/owl#> . <x> owl:imports <{url}> ."
    client.post(
        "/api/submissions/validate?name=x.ttl", data=turtle, headers={"Content-Type": "text/turtle"}
    )
    time.sleep(0.5)
    assert listener.connections == 0


def test_xml_with_external_entities_is_refused(client):
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>'
    )
    response = client.put(
        "/graphs?graph=https://w3id.org/csig/graph/partner/GBR",
        data=xxe,
        headers={"Content-Type": "application/rdf+xml", "Authorization": "Bearer demo-gbr-officer"},
    )
    assert response.status_code == 415
    assert b"root:" not in response.data


@pytest.fixture()
def limited_app(tmp_path, store_path):
    from kg.settings import ROOT
    from kg.web import create_app

    app = create_app(
        load_settings(
            {
                "store": str(store_path),
                "content": str(ROOT),
                "audit_log": str(tmp_path / "audit.log"),
                "query_timeout": "2",
                "row_cap": "5",
                "max_upload": "20000",
            }
        )
    )
    yield app
    app.extensions.clear()


def get(base: str, query: str, timeout: float = 30) -> tuple[int, float]:
    url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status, time.monotonic() - started
    except urllib.error.HTTPError as err:
        return err.code, time.monotonic() - started


def test_a_runaway_query_stops_at_its_limit_while_others_are_answered(limited_app):
    with serving(limited_app) as base:
        assert get(base, "ASK { ?s ?p ?o }")[0] == 200  # the first request builds the view
        outcome = {}
        runaway = threading.Thread(target=lambda: outcome.update(r=get(base, RUNAWAY)))
        runaway.start()
        quick = []
        while runaway.is_alive():
            quick.append(get(base, "ASK { ?s ?p ?o }", timeout=5))
            time.sleep(0.1)
        runaway.join()
    status, took = outcome["r"]
    assert status == 503
    assert 1.8 <= took < 4.5, took
    assert len(quick) >= 5
    assert all(code == 200 and seconds < 1.0 for code, seconds in quick), quick


def test_the_runaway_worker_is_gone_after_the_limit(limited_app):
    import os

    with serving(limited_app) as base:
        assert get(base, RUNAWAY)[0] == 503
    children = [p for p in os.listdir("/proc") if p.isdigit() and _parent(p) == os.getpid()]
    assert children == []


def _parent(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def test_rows_are_capped(limited_app):
    client = limited_app.test_client()
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT * { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 5


def test_oversized_requests_are_413(limited_app):
    client = limited_app.test_client()
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30000
    assert client.post("/sparql", data={"query": big}).status_code == 413
    assert client.get("/sparql", query_string={"query": big}).status_code == 413
    response = client.put(
        "/graphs?graph=https://w3id.org/csig/graph/partner/GBR",
        data=b"x" * 30000,
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer demo-gbr-officer"},
    )
    assert response.status_code == 413


@pytest.fixture()
def fair_app(tmp_path, store_path):
    from kg.settings import ROOT
    from kg.web import create_app

    app = create_app(
        load_settings(
            {
                "store": str(store_path),
                "content": str(ROOT),
                "audit_log": str(tmp_path / "audit.log"),
                "query_timeout": "6",
                "query_slots": "2",
                "query_workers": "8",
            }
        )
    )
    yield app
    app.extensions.clear()


def get_as(base: str, query: str, token: str | None = None) -> tuple[int, dict]:
    url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=30
        ) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers)


def running(app) -> int:
    from kg.web.fairness import EXTENSION

    slots = app.extensions.get(EXTENSION)
    return sum(len(v) for v in slots._running.values()) if slots else 0


def in_flight(base: str, app, tokens: list, label: str) -> list[threading.Thread]:
    """Start one runaway query per token and wait until all of them run."""
    outcomes: list = []
    threads = [
        threading.Thread(
            target=lambda t=t, i=i: outcomes.append(get_as(base, f"{RUNAWAY} # {label} {i}", t))
        )
        for i, t in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for _ in range(100):
        if running(app) >= len(tokens):
            break
        time.sleep(0.05)
    assert running(app) >= len(tokens)
    return threads


def test_a_fast_query_is_answered_beside_six_runaway_queries(fair_app):
    """With six runaway queries in flight (six viewers), a short query is answered at once.

    (The race that held a short query back until the runaways' time limit is tested in
    tests/test_isolation.py, at the worker.)
    """
    tokens = [
        "demo-usa-planner",
        "demo-gbr-officer",
        "demo-fra-officer",
        "demo-deu-officer",
        "demo-jpn-officer",
        "demo-nzl-officer",
    ]
    with serving(fair_app) as base:
        assert get_as(base, "ASK { ?s ?p ?o }")[0] == 200
        threads = in_flight(base, fair_app, tokens, "six")
        time.sleep(0.6)  # long enough for the runaways to count as heavy
        status, _ = get_as(base, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }")
        still = [t.is_alive() for t in threads]
        for thread in threads:
            thread.join()
    assert status == 200
    assert all(still), "the short query was answered only after the runaways ended"


def test_excess_queries_from_one_viewer_get_429(fair_app):
    with serving(fair_app) as base:
        threads = in_flight(base, fair_app, [None, None], "mine")
        status, headers = get_as(base, f"{RUNAWAY} # third")
        other, _ = get_as(base, "ASK { ?s ?p ?o }", "demo-gbr-officer")
        for thread in threads:
            thread.join()
    assert status == 429 and int(headers["Retry-After"]) >= 1
    assert other == 200
