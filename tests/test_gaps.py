"""The whole gap report: scenario answers, parameter consistency, as-of, and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from kg.access import full_dataset
from kg.analysis import load_model, recommend
from kg.catalogue import get, run
from kg.gaps import render, report, store_as_of


def test_scenario_recommendations(scenario):
    picks = recommend(load_model(scenario, full_dataset(scenario)), 5)
    assert [
        (p.partner[-3:], p.standard.rsplit("/", 1)[-1], p.data_type[-3:], p.before, p.after)
        for p in picks
    ] == [("GBR", "udl", "TRK", 2, 0)]  # TLE -> OMM needs a translator, not an adoption
    assert picks[0].confirmed == 1  # gb-radar -> us-centre rests on sourced interfaces


def test_report_counts_and_formats(scenario):
    rep = report(scenario, full_dataset(scenario), {"as_of": "2026-11-21"})
    assert rep.network.islands == [["FRA", "GBR", "JPN", "USA"]]
    assert rep.network.articulation_points == ["USA"]  # JPN reaches USA through a translator
    counts = rep.counts()
    assert counts["violation"] > 0 and sum(counts.values()) == sum(
        len(s.rows) for s in rep.sections
    ) + len(rep.network_findings())
    assert json.loads(render(rep, "json"))["counts"] == counts
    assert "<script" not in render(rep, "html") and rep.summary() in render(rep, "md")


@pytest.mark.parametrize(
    "name,params",
    [
        ("interoperability-gaps", {"partner": "GBR"}),
        ("superseded-standards", {"partner": "FRA"}),
        ("coverage", {"mission_area": "SDA"}),
    ],
)
def test_query_equals_report_section(scenario, name, params):
    alone = run(scenario, get(name), full_dataset(scenario), params)
    section = next(
        s for s in report(scenario, full_dataset(scenario), params).sections if s.name == name
    )
    assert [r["explanation"].value for r in alone.rows] == [r["explanation"] for r in section.rows]


def test_as_of_rebuilds_history(scenario):
    before = store_as_of(scenario, dt.date(2000, 1, 1)).graphs()
    assert before and not [g for g in before if "/partner/" in g]  # public graphs only
    snapshot = store_as_of(scenario, dt.date.today())
    assert sorted(g for g in snapshot.graphs() if "/partner/" in g) == sorted(
        g for g in scenario.graphs() if "/partner/" in g
    )


def test_kg_gaps_on_bundled_data(runner):
    result = runner("gaps", "--as", "all", "-p", "as_of=2026-11-21")
    assert result.exit_code == 1, result.output
    for name in (
        "coverage",
        "interoperability-gaps",
        "version-mismatch",
        "over-classification",
        "overlaps",
        "incompatible-standards",
        "superseded-standards",
        "strategy-no-activity",
        "stale-data",
    ):
        assert f"## {name} (" in result.output and f"## {name} (info): 0" not in result.output
    assert "findings:" in result.output
    table = result.output.split("## recommended adoptions")[1].split("##")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(rows) == 5  # four adoptions close every gap; a fifth would close nothing
    assert rows[-1].split("|")[6].strip() == "0"
    assert "input: " in result.output and "sourced and" in result.output
    assert "evidence: " in result.output.split("## interoperability-gaps")[1]


def test_confirmed_only_leaves_out_findings_on_assumed_interfaces(runner):
    every = json.loads(runner("gaps", "--format", "json", "--as", "all").output)
    sure = json.loads(runner("gaps", "--format", "json", "--as", "all", "--confirmed-only").output)
    assert sure["confirmed_only"] and not every["confirmed_only"]
    for before, after in zip(every["sections"], sure["sections"], strict=True):
        graded = [r for r in before["rows"] if "confirmed" in r]
        kept = [r for r in graded if r["confirmed"] == "true"]
        assert [r for r in after["rows"] if "confirmed" in r] == kept, before["name"]
        assert len(after["rows"]) == len(before["rows"]) - len(graded) + len(kept)
    incompatible = next(s for s in sure["sections"] if s["name"] == "incompatible-standards")
    assert [r["dataType"].rsplit("/", 1)[-1] for r in incompatible["rows"]] == ["NAV"]
    assert all(a["confirmed"] for a in sure["adoptions"])
    query = runner("query", "interoperability-gaps", "--format", "csv", "--confirmed-only")
    assert query.exit_code == 0 and query.output.startswith("ier,")
    assert {r["confirmed"] for r in csv.DictReader(io.StringIO(query.output))} <= {"true"}


def test_kg_query_and_friends(runner):
    gbr = runner("query", "interoperability-gaps", "-p", "partner=GBR", "--format", "json")
    assert gbr.exit_code == 0, gbr.output
    gaps_json = json.loads(
        runner("gaps", "--format", "json", "--as", "public", "-p", "partner=GBR").output
    )
    section = next(s for s in gaps_json["sections"] if s["name"] == "interoperability-gaps")
    assert [b["explanation"]["value"] for b in json.loads(gbr.output)["results"]["bindings"]] == [
        r["explanation"] for r in section["rows"]
    ]
    assert "coverage" in runner("queries").output
    assert "island 1" in runner("network", "--data-type", "DT.TRK").output
    assert runner("matrix", "exchange", "--format", "csv").output.startswith("producer,")
    assert "partner" in runner("matrix", "coverage", "--format", "md").output
