"""The audit log records every write and every refused access; `kg audit` reads it."""

from __future__ import annotations

import json

from kg.audit import Event, read, record
from kg.settings import ROOT

GBR = "/graphs?graph=https://w3id.org/csig/graph/partner/GBR"
EXAMPLE = (ROOT / "data" / "examples" / "capabilities.ttl").read_bytes()


def test_events_append_and_read_back(tmp_path):
    path = tmp_path / "audit.log"
    record(path, Event("submit", "alice", "accepted", "g", 2))
    record(path, Event("deny", "bob", "forbidden"))
    events = read(path)
    assert [e.who for e in events] == ["alice", "bob"]
    assert oct(path.stat().st_mode)[-3:] == "600"


def test_web_writes_and_refusals_are_audited(client, settings):
    client.put(
        GBR,
        data=EXAMPLE,
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer demo-gbr-officer"},
    )
    client.put(
        GBR + "&confirm=true",
        data=EXAMPLE,
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer demo-gbr-officer"},
    )
    client.put(
        GBR,
        data=EXAMPLE,
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer demo-usa-planner"},
    )
    client.put(GBR, data=EXAMPLE, headers={"Content-Type": "text/turtle"})
    client.put(
        GBR,
        data=EXAMPLE.replace(b"ma:SDA-SST", b"ma:NOPE"),
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer demo-gbr-officer"},
    )
    events = read(settings.path("audit_log"))
    summary = [(e.action, e.who, e.result) for e in events]
    assert ("submit", "gbr-officer", "pending") in summary  # it withdraws: asked first
    assert ("submit", "gbr-officer", "accepted") in summary
    assert ("deny", "usa-planner", "forbidden") in summary
    assert any(a == "deny" and r == "unauthenticated" for a, _, r in summary)
    assert ("submit", "gbr-officer", "rejected") in summary
    accepted = next(e for e in events if e.result == "accepted")
    assert accepted.version == 2 and accepted.graph.endswith("/partner/GBR")


def test_kg_audit_reads_the_log(runner, settings):
    runner(
        "submit",
        str(ROOT / "data" / "examples" / "capabilities.csv"),
        "--partner",
        "GBR",
        "--user",
        "carol",
        "--confirm",
    )
    text = runner("audit").output
    assert "submit" in text and "carol" in text and "accepted" in text
    lines = runner("audit", "--json", "--tail", "1").output.splitlines()
    assert json.loads(lines[-1])["who"] == "carol"
