"""Each catalogue query on the hand-built scenario: the exact rows that must and must not match."""

from __future__ import annotations

import pytest

from kg.access import ANONYMOUS, Viewer, full_dataset, viewer_dataset
from kg.catalogue import get, load_catalogue, parse
from kg.errors import KGError
from kg.store import Store

TODAY = "2026-11-21"


def rows(store: Store, name: str, columns: tuple[str, ...], dataset=None, **params) -> set:
    """Run a query and return the chosen columns of each row, IRIs shortened."""
    from kg.catalogue import run

    result = run(store, get(name), dataset or full_dataset(store), params)
    return {tuple(r[c].value.rsplit("/", 1)[-1] for c in columns) for r in result.rows}


def test_catalogue_headers():
    catalogue = load_catalogue()
    assert len(catalogue) >= 10
    for query in catalogue.values():
        assert query.summary and query.severity in ("info", "warning", "violation")
        assert "PREFIX csig:" in query.text and "?explanation" in query.text


def test_bad_header_and_parameter_are_errors(scenario):
    with pytest.raises(KGError, match="summary"):
        parse("bad", "#+ tags: [x]\nSELECT * WHERE {}")
    with pytest.raises(KGError, match="no parameter"):
        rows(scenario, "coverage", ("notation",), nosuch="1")
    with pytest.raises(KGError, match="not a mission-area code"):
        rows(scenario, "coverage", ("notation",), mission_area="SDA } ; DROP ALL")


def test_coverage(scenario):
    found = rows(scenario, "coverage", ("notation", "severity"), mission_area="SDA")
    assert found == {
        ("SDA.CA", "warning"),
        ("SDA.CHR", "violation"),
        ("SDA.RE", "violation"),
        ("SDA.TIW", "violation"),
    }
    assert ("SDA.SST", "warning") not in found
    fvey = rows(
        scenario,
        "coverage",
        ("notation", "providers"),
        mission_area="SDA.SST",
        coalition="FVEY",
        k="3",
    )
    assert fvey == {("SDA.SST", "2")}  # FRA is not in FVEY: only USA and GBR count


def test_interoperability_gaps(scenario):
    columns = ("ier", "producer", "consumer", "pairs", "verdict", "severity", "confirmed")
    found = rows(scenario, "interoperability-gaps", columns)
    assert found == {
        # both interfaces sourced and nothing connects them: the one violation
        ("SDA-1", "gb-radar", "us-centre", "1", "none", "violation", "true"),
        # nothing connects them, but the interfaces are assumed: at most a warning
        ("SDA-1", "fr-radar", "gb-cell", "1", "none", "warning", "false"),
        # TLE converts to OMM: a translator, not a gap
        ("SDA-3", "fr-radar", "us-centre", "1", "convertible", "warning", "false"),
        ("SDA-3", "jp-radar", "us-centre", "1", "convertible", "warning", "false"),
    }
    assert ("SDA-1", "us-radar", "gb-cell") not in {r[:3] for r in found}  # one family
    assert rows(scenario, "interoperability-gaps", ("producer",), partner="JPN") == {("jp-radar",)}
    evidence = dict(
        rows(scenario, "interoperability-gaps", ("producer", "evidence"), data_type="TRK")
    )
    assert evidence["gb-radar"] == "sourced"
    assert evidence["fr-radar"] == (
        "assumed: fr-radar produces TRK with udl (assumed); gb-cell consumes TRK with ccsds-tdm-b1"
        " (assumed)"
    )
    translator = rows(scenario, "interoperability-gaps", ("producer", "relation"), data_type="ORB")
    assert translator == {("fr-radar", "tle-to-omm"), ("jp-radar", "tle-to-omm")}


def test_version_mismatch(scenario):
    # one row per requirement and partner pair: us-radar and us-secret-feed -> gb-cell, counted
    found = rows(
        scenario,
        "version-mismatch",
        (
            "producerPartner",
            "consumerPartner",
            "pairs",
            "producer",
            "consumer",
            "producerStandards",
            "consumerStandards",
            "confirmed",
        ),
    )
    assert found == {
        ("USA", "GBR", "2", "us-radar", "gb-cell", "ccsds-tdm", "ccsds-tdm-b1", "false")
    }


def test_over_classification_uses_only_what_the_viewer_sees(scenario):
    found = rows(scenario, "over-classification", ("capability", "consumerPartner", "change"))
    assert found == {("us-secret-feed", "GBR", "replace NOFORN with REL TO GBR")}
    gbr = Viewer("gbr", nation="GBR", clearance=3, anonymous=False)
    for viewer in (ANONYMOUS, gbr):
        dataset = viewer_dataset(scenario, viewer)
        assert rows(scenario, "over-classification", ("capability",), dataset) == set()


def test_overlaps(scenario):
    found = rows(scenario, "overlaps", ("missionArea", "kind", "partners", "assessment"))
    assert found == {("SDA-SST", "ground-sensor", "4", "redundancy (resilience)")}
    assert rows(scenario, "overlaps", ("kind",), min_partners="5") == set()


def test_incompatible_standards(scenario):
    found = rows(
        scenario,
        "incompatible-standards",
        ("dataType", "pairs", "standardA", "standardB", "confirmed"),
    )
    assert found == {
        ("TRK", "2", "ccsds-tdm-b1", "udl", "true"),  # gb-radar and us-centre cite sources
        ("ORB", "1", "ccsds-omm", "tle", "false"),  # tle converts to OMM, not back
    }


def test_superseded_standards(scenario):
    found = rows(scenario, "superseded-standards", ("capability", "standard", "replacement"))
    assert found == {
        ("gb-radar", "ccsds-tdm-b1", "ccsds-tdm"),
        ("gb-cell", "ccsds-tdm-b1", "ccsds-tdm"),
        ("fr-radar", "tle", "ccsds-omm"),
        ("jp-radar", "tle", "ccsds-omm"),
    }
    assert not any(r[0] == "us-radar" for r in found)


def test_strategy_queries(scenario):
    found = rows(scenario, "strategy-no-activity", ("partner", "lineOfEffort"))
    assert found == {
        ("GBR", "create"),
        ("FRA", "create"),
        ("FRA", "operate"),
        ("JPN", "create"),
        ("JPN", "operate"),
    }
    assert rows(scenario, "unmitigated-risks", ("risk",)) == {("open",)}


def test_stale_data(scenario):
    assert rows(scenario, "stale-data", ("capability",), as_of=TODAY) == {("us-centre",)}
    assert rows(scenario, "stale-data", ("capability",), as_of=TODAY, days="100000") == set()


def test_stale_data_without_a_date_uses_today(store):
    """NOW() carries a time zone; the default reference date must still compare with dates."""
    from kg import catalogue
    from kg.access import full_dataset

    query = catalogue.load_catalogue()["stale-data"]
    result = catalogue.run(store, query, full_dataset(store))
    stale = {row["capability"].value.rsplit("/", 1)[-1] for row in result.rows}
    assert {"wgs", "optus-c1-defence-payload"} <= stale
    assert "exercise-gbr-radar" not in stale
