"""Hints speak the partner's words: labels, values as written, one finding per problem."""

from __future__ import annotations

import logging

import pytest

from kg.submissions import check, read, read_bytes
from kg.submissions.template import write_template

HEADER = (
    "identifier,name,provider,kind,mission_areas,orbit_regime,status,status_as_of,"
    "classification,marking_system,contributing_nations,source_url\n"
)
WORDS = HEADER + (
    "x-1,Test,United Kingdom,satellite,Communications,Elliptical,operational,"
    "2026-10-01,S,DEU,United Kingdom;FRA,https://example.org/a\n"
)


def report_of(text: str, context, partner: str | None = None, name: str = "words.csv"):
    fmt = "turtle" if name.endswith(".ttl") else "csv"
    return check(read_bytes(text.encode(), name, fmt, context.catalogue), context, partner)


@pytest.mark.parametrize(
    "field,written,code",
    [
        ("mission_areas", "Communications", "SATCOM"),
        ("orbit_regime", "Elliptical", "HEO"),
        ("provider", "United Kingdom", "GBR"),
        ("contributing_nations", "United Kingdom", "GBR"),
    ],
)
def test_did_you_mean_matches_labels_and_alternative_labels(context, field, written, code):
    findings = [f for f in report_of(WORDS, context).findings if f.field == field]
    assert [f.value for f in findings] == [written]  # as written: no %20, no upper-casing
    assert f"did you mean {code}" in findings[0].hint


def test_a_level_unknown_to_its_marking_system_lists_that_systems_levels(context):
    (finding,) = [f for f in report_of(WORDS, context).findings if f.field == "classification"]
    assert finding.value == "S"
    assert "DEU" in finding.hint and "GEHEIM" in finding.hint and "VSNFD" in finding.hint
    assert "TS" not in finding.hint.replace("STRGEH", "")


def test_each_problem_is_reported_once_per_row(context):
    report = report_of(WORDS, context, partner="GBR")
    provider = [f for f in report.findings if f.field == "provider"]
    assert len(provider) == 1, report.to_text()
    keys = [(f.row, f.field, f.value) for f in report.findings]
    assert len(keys) == len(set(keys)), report.to_text()


@pytest.mark.parametrize(
    "name,text",
    [
        (
            "bad.csv",
            HEADER.replace("contributing_nations,", "")
            + (
                "x-2,Test,GBR,satellite,SATCOM,GEO,operational,2026-13-45,U,US,"
                "https://example.org/a\n"
            ),
        ),
        (
            "bad.ttl",
            """@prefix csig: <https://w3id.org/csig/ont#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/csig/id/capability/x-3> a csig:Capability ;
    csig:statusAsOf "soon"^^xsd:date ; csig:launchDate "2020-02-30"^^xsd:date ;
    csig:noradId "25544A"^^xsd:integer .
""",
        ),
    ],
)
def test_an_ill_typed_value_is_a_finding_never_a_logged_traceback(context, caplog, name, text):
    with caplog.at_level(logging.DEBUG):
        report = report_of(text, context, name=name)
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert not [r for r in caplog.records if r.name.startswith("rdflib")]
    values = {
        f.value for f in report.findings if f.field in ("status_as_of", "launch_date", "norad_id")
    }
    assert values & {"2026-13-45", "soon", "2020-02-30", "25544A"}


def test_kg_validate_prints_no_traceback_for_an_ill_typed_date(tmp_path, runner, caplog):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER + "x-4,Test,GBR,satellite,SATCOM,GEO,operational,soon,U,US,,https://example.org/a\n"
    )
    with caplog.at_level(logging.DEBUG):
        result = runner("validate", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "soon" in result.output
    assert not [r for r in caplog.records if r.exc_info or r.name.startswith("rdflib")]


def test_the_template_lists_each_marking_systems_levels(tmp_path):
    text = write_template(tmp_path / "t.csv").read_text()
    line = next(x for x in text.splitlines() if x.startswith("# classification:"))
    assert "DEU: VSNFD (VS-NUR FÜR DEN DIENSTGEBRAUCH), VSV" in line
    assert "NATO: " in line and "US: " in line and "U (UNCLASSIFIED)" in line


def test_new_columns_map_to_identity_orbit_and_membership(context):
    text = (
        HEADER.rstrip("\n") + ",member_of,funding_nations,cospar_id,norad_id,launch_date,"
        "perigee_km,apogee_km,inclination_deg,period_min,orbit_as_of\n"
        "c-1,Test constellation,GBR,constellation,SATCOM,GEO,operational,2026-10-01,U,US,,"
        "https://example.org/a,,,,,2007,,,,,\n"
        "s-1,Test satellite,GBR,satellite,SATCOM,GEO,operational,2026-10-01,U,US,,"
        "https://example.org/a,c-1,AUS,2007-007B,030794,2007-03-11 00:00:00,"
        "35780,35790.5,0.1,1436.1,2026-10-01\n"
    )
    source = read_bytes(text.encode(), "ids.csv", "csv", context.catalogue)
    found = {
        (
            t.subject.value.rsplit("/", 1)[-1],
            t.predicate.value.rsplit("#", 1)[-1],
            t.object.value.rsplit("/", 1)[-1],
        )
        for t in source.triples
    }
    assert {
        ("s-1", "memberOf", "c-1"),
        ("c-1", "hasMember", "s-1"),
        ("s-1", "fundingNation", "AUS"),
        ("s-1", "contributingNation", "AUS"),
        ("s-1", "cosparId", "2007-007B"),
        ("s-1", "noradId", "30794"),
        ("s-1", "launchDate", "2007-03-11"),
        ("c-1", "launchDate", "2007"),
        ("s-1", "apogeeKm", "35790.5"),
        ("s-1", "orbitAsOf", "2026-10-01"),
    } <= found
    report = check(source, context)
    assert report.conforms, report.to_text()


def test_templates_written_before_the_new_columns_still_read(context):
    from kg.settings import ROOT
    from tests.conftest import DATA

    for path in (
        ROOT / "data" / "examples" / "capabilities.csv",
        DATA / "submissions" / "several-errors.csv",
    ):
        assert read(path, context).triples
