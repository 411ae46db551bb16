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


def test_did_you_mean_offers_only_what_the_viewer_may_see():
    """A standard only a hidden graph holds is neither accepted nor suggested to others."""
    import pyoxigraph as ox

    from kg.catalogue import Param, resolve
    from kg.codes import UnknownValue
    from kg.dataset import Dataset
    from kg.errors import KGError
    from kg.store import Store

    csig, rdfs = "https://w3id.org/csig/ont#", "http://www.w3.org/2000/01/rdf-schema#"
    std = "https://w3id.org/csig/id/standard/"
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    def standard(code: str) -> list[ox.Triple]:
        node = ox.NamedNode(std + code)
        return [
            ox.Triple(node, ox.NamedNode(rdf + "type"), ox.NamedNode(csig + "DataStandard")),
            ox.Triple(node, ox.NamedNode(rdfs + "label"), ox.Literal(code.upper())),
        ]

    store = Store()
    store.replace({"urn:public": standard("ccsds-omm"), "urn:hidden": standard("secret-link")})
    public, cleared = Dataset.of(["urn:public"]), Dataset.of(["urn:public", "urn:hidden"])
    param = Param("standard", "standard")
    assert resolve(store, cleared, param, "secret-link").value == std + "secret-link"
    with pytest.raises(UnknownValue) as hidden:
        resolve(store, public, param, "secret-link")
    assert "secret" not in str(hidden.value).replace("'secret-link'", "")
    with pytest.raises(KGError, match="did you mean secret-link"):
        resolve(store, cleared, param, "secret-lnk")
    with pytest.raises(UnknownValue) as typo:
        resolve(store, public, param, "secret-lnk")
    assert typo.value.suggestions == []


@pytest.mark.parametrize(
    "args, message",
    [
        (("query", "coverage", "-p", "mission_area=SDAX"), "did you mean SDA"),
        (("query", "coverage", "-p", "coalition=FOO"), "no coalition 'FOO'"),
        (("gaps", "-p", "coalition=FOO"), "no coalition 'FOO'"),
        (("gaps", "-p", "colition=FVEY"), "no parameter colition"),
    ],
)
def test_the_cli_refuses_an_unknown_code_in_one_line(runner, args, message):
    result = runner(*args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


NOR, USA, GBR = (f"https://w3id.org/csig/id/nation/{c}" for c in ("NOR", "USA", "GBR"))
ORB, TRK = (f"https://w3id.org/csig/datatype/{c}" for c in ("ORB", "TRK"))


def test_a_summary_counts_findings_per_partner_pair_with_confirmed_ones():
    from kg.summaries import rows_of, summarise

    columns = ["producerPartner", "consumerPartner", "dataType", "evidence", "confirmed"]
    rows = [
        {"producerPartner": NOR, "consumerPartner": USA, "dataType": ORB, "confirmed": "true"},
        {"producerPartner": NOR, "consumerPartner": USA, "dataType": TRK, "confirmed": "false"},
        {"producerPartner": GBR, "consumerPartner": USA, "dataType": TRK, "confirmed": "false"},
    ]
    found = summarise(columns, rows, ["violation", "warning", "warning"])
    assert found.by == "partner pair" and found.detail == "dataType"
    assert [(g.name, g.count, g.confirmed, g.detail) for g in found.groups] == [
        ("NOR → USA", 2, 1, ["ORB", "TRK"]),
        ("GBR → USA", 1, 0, ["TRK"]),
    ]
    assert found.groups[0].severities == {"violation": 1, "warning": 1}
    assert found.confirmed == 1
    assert found.line() == (
        "3 findings in 2 partner pairs; most in NOR → USA (2); 1 confirmed, 2 unconfirmed."
    )
    assert rows_of(found.columns, rows, f"{NOR}|{USA}") == [0, 1]


def test_the_grouping_is_the_first_that_groups_rows():
    from kg.summaries import summarise

    one_each = [{"partner": c, "dataType": ORB} for c in (NOR, USA, GBR)]
    found = summarise(["partner", "dataType"], one_each, ["warning"] * 3)
    assert found.by == "data type" and [g.count for g in found.groups] == [3]
    assert summarise(["partner"], one_each, ["info"] * 3).by == "partner"  # nothing groups
    narrow = "https://w3id.org/csig/missionarea/SDA-CA"
    top = "https://w3id.org/csig/missionarea/SDA"
    areas = [{"missionArea": narrow}, {"missionArea": top}]
    found = summarise(["missionArea"], areas, ["info"] * 2, {narrow: top})
    assert [(g.key, g.count) for g in found.groups] == [([top], 2)]
    assert summarise([], [], []).line() == "No findings."


def test_kg_gaps_leads_each_section_with_its_summary(scenario):
    rep = report(scenario, full_dataset(scenario), {"as_of": "2026-11-21"})
    markdown = render(rep, "md")
    html = render(rep, "html")
    body = json.loads(render(rep, "json"))
    for sec, data in zip(rep.sections, body["sections"], strict=True):
        line = sec.overview.line()
        assert f"**Summary:** {line}" in markdown
        assert data["overview"]["line"] == line and len(data["rows"]) == len(sec.rows)
        if sec.rows:
            assert markdown.index(line) < markdown.index(sec.rows[0]["explanation"])
    gaps_section = next(s for s in rep.sections if s.name == "interoperability-gaps")
    overview = gaps_section.overview  # each pair once here: grouped by the consumer instead
    assert overview.by == "consumer partner" and len(overview.groups) < len(gaps_section.rows)
    assert sum(g.count for g in overview.groups) == len(gaps_section.rows)
    assert "| Consumer partner | findings | data type |" in markdown
    assert html.count('<table class="summary">') == sum(
        1 for s in rep.sections if s.overview.columns and s.rows
    )
