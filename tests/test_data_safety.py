"""A system of record: a partner's accepted data is never lost, reverted or silently changed.

Each scenario takes a fingerprint of the store (every statement of every partner, history,
reference and meta graph, leaving out only derived view graphs and the change counter) and
checks that a refusal changes nothing and an acceptance keeps every accepted statement.
"""

from __future__ import annotations

import gc
import io
import json
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kg.dataset import GENERATION
from kg.integrity import verify
from kg.namespaces import GRAPH, META_GRAPH, OWNERS_GRAPH
from kg.settings import ROOT
from kg.store import Store
from kg.submissions.history import history, version_triples
from tests.conftest import form_token, free_port, start_server

EXAMPLES = ROOT / "data" / "examples"
EXAMPLE_TTL = (EXAMPLES / "capabilities.ttl").read_bytes()
PARTNER = "https://w3id.org/csig/graph/partner/"
GBR_GRAPH = f"/graphs?graph={PARTNER}GBR"
TOKENS = {
    "GBR": "demo-gbr-officer",
    "USA": "demo-usa-planner",
    "FRA": "demo-fra-officer",
    "admin": "demo-admin",
}
EMPTY = {"empty.ttl": b"", "header-only.csv": b"identifier,name\n", "empty.jsonld": b"[]"}
MEDIA = {".ttl": "text/turtle", ".csv": "text/csv", ".jsonld": "application/ld+json"}


def fingerprint(store: Store) -> dict[str, frozenset[str]]:
    """Return every graph's statements but the derived views and the change counter."""
    found = {}
    for graph in store.graphs():
        if graph.startswith(GRAPH + "view/"):
            continue
        found[graph] = frozenset(
            str(t)
            for t in store.triples(graph)
            if not (graph == META_GRAPH and t.predicate.value == GENERATION)
        )
    return found


def store_print(app) -> dict[str, frozenset[str]]:
    return fingerprint(app.extensions["kg"].store)


def current(store: Store, partner: str) -> set[str]:
    return {
        str(t)
        for g in store.graphs()
        if g.startswith(f"{PARTNER}{partner}/")
        for t in store.triples(g)
    }


def auth(who: str) -> dict:
    return {"Authorization": f"Bearer {TOKENS[who]}"}


def page_post(client, path: str, data: dict, who: str):
    """Post a page's form as a browser would: with the form's CSRF token."""
    token = form_token(client, "/submit")
    return client.post(path, data={**data, "csrf_token": token}, headers=auth(who))


def gbr_exercise(identifier: str = "exercise-gbr-radar", date: str = "2026-10-01") -> bytes:
    """One conforming GBR capability (the example's first record) under another identifier."""
    one = EXAMPLE_TTL.split(b"cap:exercise-gbr-ops-cell a")[0]
    return one.replace(b"exercise-gbr-radar", identifier.encode()).replace(
        b"2026-10-01", date.encode()
    )


# 1. Restart with `kg init`: bundled files never overwrite accepted data.


def test_kg_init_keeps_a_partners_accepted_version_current(runner, tmp_path, store_path):
    sent = tmp_path / "radar.ttl"
    sent.write_bytes(gbr_exercise())
    assert runner("submit", str(sent), "--partner", "GBR", "--mode", "merge").exit_code == 0
    store = Store(store_path)
    before = fingerprint(store)
    del store
    gc.collect()
    result = runner("init")
    assert result.exit_code == 0, result.output
    assert "seeded from data/partners: 0; kept as accepted: 17" in result.output
    store = Store(store_path)
    assert fingerprint(store) == before
    assert history(store, "GBR")[-1].version == 2
    assert current(store, "GBR") == {str(t) for t in version_triples(store, "GBR", 2)}
    del store
    gc.collect()


def test_serving_twice_with_a_submission_between_keeps_it(tmp_path, store_path):
    """`make run` twice (init, then serve), with a partner's submission in between."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "kg",
                "--store",
                str(store_path),
                "--audit-log",
                str(tmp_path / "audit.log"),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )

    port = free_port()
    assert run("init").returncode == 0
    server = start_server(store_path, tmp_path, port)
    try:
        status = _post(
            f"http://127.0.0.1:{port}/api/submissions?partner=GBR&mode=merge",
            gbr_exercise(),
            "x.ttl",
            "GBR",
        )
        assert status == 201
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert run("init").returncode == 0
    server = start_server(store_path, tmp_path, port)
    try:
        body = urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{port}{GBR_GRAPH}", headers=auth("GBR")),
            timeout=30,
        ).read()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert b"exercise-gbr-radar" in body and b"skynet-5" in body
    assert "seed-loader" not in run("history", "GBR").stdout.splitlines()[-1]


def test_a_reset_asks_first_and_keeps_a_dump(runner, tmp_path, store_path):
    store = Store(store_path)
    before = fingerprint(store)
    del store
    gc.collect()
    asked = runner("init", "--reset")
    assert asked.exit_code == 1 and "would discard" in asked.output and "GBR" in asked.output
    store = Store(store_path)
    assert fingerprint(store) == before
    del store
    gc.collect()
    done = runner("init", "--reset", "--confirm")
    assert done.exit_code == 0, done.output
    dumps = list(store_path.parent.glob("before-reset-*.nq"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0


# 2. An empty file withdraws nothing, on every channel.


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_an_empty_file_is_refused_on_the_web_and_the_graph_store(name, app, client):
    before = store_print(app)
    data, media = EMPTY[name], MEDIA[Path(name).suffix]
    api = client.post(
        f"/api/submissions?partner=GBR&name={name}&confirm=true",
        data=data,
        headers={**auth("GBR"), "Content-Type": media},
    )
    assert api.status_code == 422
    assert "holds no capabilities" in json.dumps(api.get_json())
    page = page_post(
        client,
        "/submit",
        {"file": (io.BytesIO(data), name), "partner": "GBR", "action": "accept"},
        "GBR",
    )
    assert page.status_code == 422 and b"holds no capabilities" in page.data
    gsp = client.put(
        GBR_GRAPH + "&confirm=true", data=data, headers={**auth("GBR"), "Content-Type": media}
    )
    assert gsp.status_code in (400, 422)
    assert store_print(app) == before


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_an_empty_file_is_refused_by_the_command_line(name, runner, tmp_path, store_path):
    before = fingerprint(Store(store_path))
    gc.collect()
    path = tmp_path / name
    path.write_bytes(EMPTY[name])
    for mode in ("replace", "merge"):
        cli = runner("submit", str(path), "--partner", "GBR", "--mode", mode, "--confirm")
        assert cli.exit_code == 1 and "holds no capabilities" in cli.output, cli.output
    assert fingerprint(Store(store_path)) == before
    gc.collect()


# 3. A replace that withdraws capabilities shows them and waits for confirmation.


def test_the_command_line_lists_withdrawals_and_needs_confirm(runner, store_path):
    before = fingerprint(Store(store_path))
    gc.collect()
    cli = runner("submit", str(EXAMPLES / "capabilities.csv"), "--partner", "GBR")
    assert cli.exit_code == 1 and "would withdraw 6" in cli.output and "skynet-5" in cli.output
    assert fingerprint(Store(store_path)) == before
    gc.collect()
    done = runner("submit", str(EXAMPLES / "capabilities.csv"), "--partner", "GBR", "--confirm")
    assert done.exit_code == 0 and "removed  skynet-5" in done.output


def test_a_replace_lists_what_it_withdraws_and_waits_for_confirmation(app, client):
    before = store_print(app)
    csv = (EXAMPLES / "capabilities.csv").read_bytes()
    api = client.post(
        "/api/submissions?partner=GBR",
        headers=auth("GBR"),
        data={"file": (io.BytesIO(csv), "capabilities.csv")},
    )
    assert api.status_code == 409
    listed = {w["identifier"]: w["label"] for w in api.get_json()["withdrawals"]}
    assert listed["skynet-5"] == "Skynet 5 (5A-5D)" and len(listed) == 6
    gsp = client.put(
        GBR_GRAPH, data=EXAMPLE_TTL, headers={**auth("GBR"), "Content-Type": "text/turtle"}
    )
    assert gsp.status_code == 409
    page = page_post(
        client,
        "/submit",
        {"file": (io.BytesIO(csv), "capabilities.csv"), "partner": "GBR", "action": "accept"},
        "GBR",
    )
    assert page.status_code == 200 and b"Skynet 5 (5A-5D)" in page.data
    assert b"Replace and withdraw 6" in page.data
    assert store_print(app) == before
    key = page.data.split(b'name="pending" value="')[1].split(b'"')[0].decode()
    confirmed = page_post(client, "/submit", {"pending": key, "action": "confirm"}, "GBR")
    assert confirmed.status_code == 200 and b"Accepted as version 2" in confirmed.data
    store = app.extensions["kg"].store
    assert "skynet-5" not in " ".join(current(store, "GBR"))
    again = page_post(client, "/submit", {"pending": key, "action": "confirm"}, "GBR")
    assert b"expired or is not yours" in again.data  # a confirmation is used once


def test_merge_adds_and_updates_only_what_it_sends(app, client):
    store = app.extensions["kg"].store
    kept = current(store, "GBR")
    first = client.post(
        "/api/submissions?partner=GBR&mode=merge&name=x.ttl",
        data=gbr_exercise(),
        headers={**auth("GBR"), "Content-Type": "text/turtle"},
    )
    assert first.status_code == 201 and first.get_json()["withdrawals"] == []
    second = client.post(
        "/api/submissions?partner=GBR&mode=merge&name=x.ttl",
        data=gbr_exercise(date="2026-11-02"),
        headers={**auth("GBR"), "Content-Type": "text/turtle"},
    )
    assert second.status_code == 201
    [change] = second.get_json()["changes"]
    assert change["kind"] == "changed" and change["fields"]["status_as_of"] == {
        "before": ["2026-10-01"],
        "after": ["2026-11-02"],
    }
    now = current(store, "GBR")
    assert kept <= now and any("2026-11-02" in t for t in now)
    assert not any("2026-10-01" in t and "exercise-gbr-radar" in t for t in now)


def test_withdraw_names_capabilities_and_keeps_the_rest(app, client):
    store = app.extensions["kg"].store
    response = client.post(
        "/api/partners/GBR/withdraw", json={"capabilities": ["tyche"]}, headers=auth("GBR")
    )
    assert response.status_code == 201, response.get_json()
    assert [w["identifier"] for w in response.get_json()["withdrawals"]] == ["tyche"]
    now = " ".join(current(store, "GBR"))
    assert "capability/tyche" not in now and "capability/skynet-5" in now
    unknown = client.post(
        "/api/partners/GBR/withdraw", json={"capabilities": ["nope"]}, headers=auth("GBR")
    )
    assert unknown.status_code == 400 and "nope" in unknown.get_json()["message"]


# 4. Another partner's IRI, and reference data, are refused, never dropped.


def test_another_partners_capability_iri_is_refused_without_saying_whose(app, client):
    before = store_print(app)
    stolen = gbr_exercise("gps")  # the USA's capability
    hidden = gbr_exercise("exercise-deep-space-tracking-feed")  # USA's, hidden from GBR
    answers = []
    for body in (stolen, hidden):
        response = client.post(
            "/api/submissions?partner=GBR&mode=merge&name=x.ttl",
            data=body,
            headers={**auth("GBR"), "Content-Type": "text/turtle"},
        )
        assert response.status_code == 422
        findings = [f for c in response.get_json()["by_capability"] for f in c["findings"]]
        answers.append([f["message"] for f in findings if "another partner" in f["message"]])
    assert answers[0] and "capability/gps>" in answers[0][0]
    text = json.dumps(answers)
    assert "USA" not in text and "NAVSTAR" not in text and "Global Positioning" not in text
    assert [m.replace("exercise-deep-space-tracking-feed", "X") for m in answers[1]] == [
        m.replace("gps", "X") for m in answers[0]
    ]  # hidden or visible: the same answer
    assert store_print(app) == before


def test_a_withdrawn_capability_stays_its_partners(app, client):
    assert (
        client.post(
            "/api/partners/GBR/withdraw", json={"capabilities": ["tyche"]}, headers=auth("GBR")
        ).status_code
        == 201
    )
    fra = (
        gbr_exercise("tyche")
        .replace(b"nation:GBR", b"nation:FRA")
        .replace(b"GBR, USA, AUS", b"FRA, USA")
    )
    response = client.post(
        "/api/submissions?partner=FRA&mode=merge&name=x.ttl",
        data=fra,
        headers={**auth("FRA"), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 422 and "belongs to another partner" in response.text


@pytest.mark.parametrize(
    "statement",
    [
        b'nation:GBR rdfs:label "Not the United Kingdom"@en .',
        b'<https://w3id.org/csig/id/standard/ccsds-omm> rdfs:label "mine"@en .',
    ],
)
def test_statements_about_reference_data_are_refused_not_dropped(statement, app, client):
    before = store_print(app)
    body = gbr_exercise() + b"\n" + statement + b"\n"
    response = client.put(
        GBR_GRAPH + "&confirm=true",
        data=body,
        headers={**auth("GBR"), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 422
    messages = [f["message"] for c in response.get_json()["by_capability"] for f in c["findings"]]
    assert any("reference data" in m for m in messages), messages
    assert store_print(app) == before


def test_a_possible_duplicate_is_named(client):
    twin = gbr_exercise("skynet-five").replace(
        "EXERCISE — Coastal tracking radar".encode(), b"Skynet 5"
    )
    response = client.post(
        "/api/submissions?partner=GBR&mode=merge&name=x.ttl",
        data=twin,
        headers={**auth("GBR"), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 201, response.get_json()
    warnings = [
        f
        for c in response.get_json()["by_capability"]
        for f in c["findings"]
        if f["severity"] == "warning" and "duplicate" in f["message"]
    ]
    assert warnings and "Skynet 5 (5A-5D)" in warnings[0]["message"]


# 5. History, diff and rollback in the web.


def test_history_diff_and_a_confirmed_rollback_on_the_web(app, client):
    store = app.extensions["kg"].store
    assert (
        client.post(
            "/api/partners/GBR/withdraw",
            json={
                "capabilities": [
                    "skynet-5",
                    "skynet-6a",
                    "tyche",
                    "darc-site-2",
                    "raf-fylingdales",
                    "exercise-sovereign-geo-inspection-tasking",
                ]
            },
            headers=auth("GBR"),
        ).status_code
        == 201
    )
    page = client.get("/partners/GBR/history", headers=auth("GBR"))
    assert page.status_code == 200 and b"v2" in page.data and b"v1" in page.data
    diff = client.get("/api/partners/GBR/diff?from=1&to=2", headers=auth("GBR")).get_json()
    labels = {c["label"] for c in diff["changes"]}
    assert "Skynet 5 (5A-5D)" in labels and all(c["kind"] == "removed" for c in diff["changes"])
    html = client.get("/partners/GBR/diff?from=1&to=2", headers=auth("GBR")).data
    assert b"Skynet 5 (5A-5D)" in html
    ask = page_post(client, "/partners/GBR/rollback", {"version": "1"}, "GBR")
    assert ask.status_code == 409 and b"Yes, roll back to version 1" in ask.data
    assert history(store, "GBR")[-1].version == 2  # nothing yet
    done = page_post(client, "/partners/GBR/rollback", {"version": "1", "confirm": "yes"}, "GBR")
    assert done.status_code == 302
    assert history(store, "GBR")[-1].note == "rollback to version 1"
    assert current(store, "GBR") == {str(t) for t in version_triples(store, "GBR", 1)}
    audit = (Path(app.extensions["kg"].settings["audit_log"])).read_text()
    assert '"action": "rollback"' in audit or "rollback" in audit
    assert client.get("/partners/GBR/diff", headers=auth("FRA")).status_code == 403


def test_history_stays_visible_to_the_partner_when_its_current_version_is_empty(client):
    everything = client.delete(GBR_GRAPH, headers=auth("GBR"))
    assert everything.status_code == 204
    page = client.get("/api/partners/GBR/history", headers=auth("GBR")).get_json()
    assert [v["version"] for v in page["versions"]] == [2, 1]
    partner = client.get("/id/nation/GBR?format=json", headers=auth("GBR")).get_json()
    assert len(partner["submissions"]) == 2


# 6. Graph Store: the ETag a write returns is the one a GET returns; a creating PUT is 201.


def test_the_etag_of_a_write_is_the_etag_of_the_next_get(client):
    created = client.put(
        GBR_GRAPH + "&confirm=true",
        data=EXAMPLE_TTL,  # a new marking
        headers={**auth("GBR"), "Content-Type": "text/turtle"},
    )
    assert created.status_code == 204
    got = client.get(GBR_GRAPH, headers=auth("GBR"))
    assert created.headers["ETag"] == got.headers["ETag"]
    again = client.put(
        GBR_GRAPH,
        data=EXAMPLE_TTL,
        headers={**auth("GBR"), "Content-Type": "text/turtle", "If-Match": got.headers["ETag"]},
    )
    assert again.status_code == 204


def test_a_put_after_delete_creates_the_graph_again(client):
    assert client.delete(GBR_GRAPH, headers=auth("GBR")).status_code == 204
    response = client.put(
        GBR_GRAPH, data=EXAMPLE_TTL, headers={**auth("GBR"), "Content-Type": "text/turtle"}
    )
    assert response.status_code == 201
    assert response.headers["ETag"] == client.get(GBR_GRAPH, headers=auth("GBR")).headers["ETag"]


# 7. One writer, many readers, while serving.


def _kg(store_path, tmp_path, *args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "--store",
            str(store_path),
            "--audit-log",
            str(tmp_path / "audit.log"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def _post(url: str, body: bytes, name: str, who: str) -> int:
    request = urllib.request.Request(
        f"{url}&name={name}",
        data=body,
        method="POST",
        headers={"Content-Type": "text/turtle", **auth(who)},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return 0  # the server was killed before it answered


@pytest.fixture()
def served(store_path, tmp_path):
    port = free_port()
    server = start_server(store_path, tmp_path, port)
    yield f"http://127.0.0.1:{port}"
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def test_every_command_works_beside_the_server_and_the_server_sees_its_writes(
    served, store_path, tmp_path
):
    (tmp_path / "radar.ttl").write_bytes(gbr_exercise())
    (tmp_path / "q.rq").write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    submit = _kg(
        store_path,
        tmp_path,
        "submit",
        "radar.ttl",
        "--partner",
        "GBR",
        "--mode",
        "merge",
        cwd=tmp_path,
    )  # a relative path: read where the user typed it
    assert submit.returncode == 0, submit.stderr
    assert "accepted GBR version 2" in submit.stdout
    served_body = urllib.request.urlopen(
        urllib.request.Request(served + GBR_GRAPH, headers=auth("GBR")), timeout=30
    ).read()
    assert b"exercise-gbr-radar" in served_body
    for args, expect in (
        (("history", "GBR"), "v2"),
        (("diff", "GBR"), "exercise-gbr-radar"),
        (("stats",), "capabilities"),
        (("query", "coverage"), ""),
        (("sparql", str(tmp_path / "q.rq")), "n"),
    ):
        result = _kg(store_path, tmp_path, *args)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert expect in result.stdout, (args, result.stdout)
        assert "Traceback" not in result.stderr and "in use" not in result.stderr
    ask = _kg(store_path, tmp_path, "rollback", "GBR", "1")
    assert ask.returncode == 1 and "would withdraw 1" in ask.stdout
    rolled = _kg(store_path, tmp_path, "rollback", "GBR", "1", "--confirm")
    assert rolled.returncode == 0 and "as version 3" in rolled.stdout
    body = urllib.request.urlopen(
        urllib.request.Request(served + GBR_GRAPH, headers=auth("GBR")), timeout=30
    ).read()
    assert b"exercise-gbr-radar" not in body
    stats = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(served + "/api/stats", headers=auth("admin")), timeout=30
        ).read()
    )
    mine = _kg(store_path, tmp_path, "stats", "--json", "--as", "admin").stdout
    assert json.loads(mine) == stats
    second = _kg(store_path, tmp_path, "--port", str(free_port()), "serve")
    assert second.returncode != 0 and "already serves this store" in second.stderr


def test_a_cli_and_an_http_submission_at_the_same_moment_are_both_kept(
    served, store_path, tmp_path
):
    (tmp_path / "one.ttl").write_bytes(gbr_exercise("exercise-gbr-one"))
    results = {}

    def by_cli():
        results["cli"] = _kg(
            store_path,
            tmp_path,
            "submit",
            str(tmp_path / "one.ttl"),
            "--partner",
            "GBR",
            "--mode",
            "merge",
        ).returncode

    def by_http():
        results["http"] = _post(
            f"{served}/api/submissions?partner=GBR&mode=merge",
            gbr_exercise("exercise-gbr-two"),
            "two.ttl",
            "GBR",
        )

    threads = [threading.Thread(target=by_cli), threading.Thread(target=by_http)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"cli": 0, "http": 201}
    body = urllib.request.urlopen(
        urllib.request.Request(served + GBR_GRAPH, headers=auth("GBR")), timeout=30
    ).read()
    assert b"exercise-gbr-one" in body and b"exercise-gbr-two" in body
    versions = _kg(store_path, tmp_path, "history", "GBR", "--json").stdout
    assert [v["version"] for v in json.loads(versions)] == [1, 2, 3]


# 8. SIGKILL of the server during submissions, twenty times.


def test_twenty_sigkills_during_submissions_lose_no_accepted_version(tmp_path, store_path):
    rng = random.Random(7)
    port = free_port()
    accepted: list[bytes] = []
    for round_ in range(20):
        server = start_server(store_path, tmp_path, port)
        stop = threading.Event()

        def writer(stop=stop, round_=round_):
            n = round_ * 100
            while not stop.is_set():
                body = gbr_exercise(f"exercise-gbr-k{n}")
                status = _post(
                    f"http://127.0.0.1:{port}/api/submissions?partner=GBR&mode=merge",
                    body,
                    "k.ttl",
                    "GBR",
                )
                if status == 201:
                    accepted.append(f"exercise-gbr-k{n}".encode())
                n += 1

        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(rng.uniform(0.3, 1.5))
        server.send_signal(signal.SIGKILL)
        server.wait()
        stop.set()
        thread.join()
    store = Store(store_path)
    assert [p for p in verify(store) if "interrupted write" not in p] == []
    versions = history(store, "GBR")
    assert [v.version for v in versions] == list(range(1, len(versions) + 1))
    assert len(versions) >= len(accepted) + 1  # every acknowledged version is there
    now = current(store, "GBR")
    assert now == {str(t) for t in version_triples(store, "GBR", versions[-1].version)}
    for identifier in accepted:  # merges: every accepted capability is still current
        assert any(identifier.decode() + ">" in t for t in now), identifier
    del store
    gc.collect()


def test_a_store_accepted_before_owners_were_kept_learns_them(context, fresh_store):
    from kg.submissions import read_bytes, submit
    from kg.submissions.ownership import OWNED_BY

    fresh_store.update(f"DELETE WHERE {{ GRAPH <{OWNERS_GRAPH}> {{ ?n <{OWNED_BY}> ?o }} }}")
    stolen = read_bytes(gbr_exercise("gps"), "x.ttl", "turtle", context.catalogue)
    outcome = submit(fresh_store, stolen, context, "GBR", "test", "merge")
    assert outcome.acceptance is None
    assert any("belongs to another partner" in f.message for f in outcome.report.findings)


def test_owners_kept_in_the_meta_graph_count_until_moved_to_their_graph(context, fresh_store):
    from kg.submissions import read_bytes, submit
    from kg.submissions.ownership import OWNED_BY, owners, record_existing

    gps = "https://w3id.org/csig/id/capability/gps"
    old = f"GRAPH ?g {{ ?n <{OWNED_BY}> ?o }}"
    fresh_store.update(  # the layout of a store made before ownership had a graph of its own
        f"DELETE {{ GRAPH <{OWNERS_GRAPH}> {{ ?n <{OWNED_BY}> ?o }} }} "
        f"INSERT {{ GRAPH <{META_GRAPH}> {{ ?n <{OWNED_BY}> ?o }} }} "
        f"WHERE {{ GRAPH <{OWNERS_GRAPH}> {{ ?n <{OWNED_BY}> ?o }} }}"
    )
    recorded = fresh_store.count(META_GRAPH)
    assert owners(fresh_store, [gps]) == {gps: "https://w3id.org/csig/id/nation/USA"}
    assert record_existing(fresh_store) == 0
    where = {r["g"].value for r in fresh_store.select(f"SELECT DISTINCT ?g WHERE {{ {old} }}")}
    assert where == {OWNERS_GRAPH} and fresh_store.count(META_GRAPH) < recorded
    stolen = read_bytes(gbr_exercise("gps"), "x.ttl", "turtle", context.catalogue)
    outcome = submit(fresh_store, stolen, context, "GBR", "test", "merge")
    assert outcome.acceptance is None
    assert any("belongs to another partner" in f.message for f in outcome.report.findings)


def test_a_partners_graph_store_name_reads_its_marking_graphs_in_sparql(client):
    alias = f"{PARTNER}GBR"
    count = f"SELECT (COUNT(*) AS ?n) FROM <{alias}> WHERE {{ ?s ?p ?o }}"

    def ask(query: str, who: str | None = None, **params):
        headers = auth(who) if who else {}
        return client.get("/sparql", query_string={"query": query, **params}, headers=headers)

    for who in (None, "GBR"):
        body = client.get(
            GBR_GRAPH, headers={"Accept": "application/n-triples", **(auth(who) if who else {})}
        ).data
        stored = len([line for line in body.decode().splitlines() if line.strip()])
        answered = ask(count, who).get_json()["results"]["bindings"][0]["n"]["value"]
        assert int(answered) == stored, who  # the same statements as the Graph Store's GET
    named = ask(
        f"SELECT DISTINCT ?g FROM NAMED <{alias}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "GBR"
    ).get_json()["results"]["bindings"]
    assert {b["g"]["value"].rsplit("/", 1)[0] for b in named} == {alias} and len(named) == 2
    by_protocol = ask(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "GBR", **{"default-graph-uri": alias}
    )
    assert by_protocol.get_json()["results"]["bindings"][0]["n"]["value"] == answered
    pointed = ask(f"SELECT * WHERE {{ GRAPH <{alias}> {{ ?s ?p ?o }} }}")
    assert pointed.get_json()["results"]["bindings"] == []
    assert f"</graphs?graph={alias}>" in pointed.headers["Link"]
