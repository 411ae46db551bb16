"""`kg import`: public catalogue formats read, rows matched, skipped or added, nothing fetched."""

from __future__ import annotations

import json

import pytest

from kg.errors import KGError
from kg.importers import Options, Selection, run_import
from kg.importers.current import from_file
from kg.importers.satcat import read_satcat
from kg.importers.ucs import read_ucs
from kg.settings import ROOT
from kg.submissions import check, read
from tests.conftest import DATA

SATCAT = DATA / "importers" / "satcat.csv"
UCS = DATA / "importers" / "ucs.txt"
PARTNERS = ROOT / "data" / "partners"


def options(partner: str, **kwargs) -> Options:
    selection = Selection(**kwargs.pop("selection", {}))
    return Options(
        partner=partner,
        as_of="2026-11-30",
        source="https://example.org/catalogue",
        selection=selection,
        **kwargs,
    )


def test_satcat_rows_are_read_with_status_orbit_and_type():
    records = {r.cospar: r for r in read_satcat(SATCAT)}
    gps = records["2019-056A"]
    assert (gps.norad, gps.status, gps.orbit, gps.launch) == (
        "44506",
        "operational",
        "MEO",
        "2019-08-22",
    )
    assert gps.names == ("NAVSTAR 78 (USA 293)", "NAVSTAR 78", "USA 293")
    assert records["1993-021A"].status == "decayed" and records["1993-021A"].decay == "1993-05-07"
    assert not records["1993-035B"].payload


def test_ucs_rows_are_read_from_tab_separated_windows_text():
    records = {r.name: r for r in read_ucs(UCS)}
    assert records["Skynet 5A"].launch == "2007-03-11"
    assert records["Skynet 5A"].orbit == "GEO"
    assert records["Paz"].users == "Military/Commercial"
    assert "Spain" in records["Paz"].owners and records["Paz"].cospar == "2018-020A"


@pytest.mark.parametrize(
    "reader,path,text",
    [
        (read_satcat, "bad.csv", "NAME,ID\nx,1\n"),
        (read_ucs, "bad.txt", "Name\tCountry\nx\ty\n"),
    ],
)
def test_a_file_in_another_format_is_refused_by_name(tmp_path, reader, path, text):
    (tmp_path / path).write_text(text)
    with pytest.raises(KGError, match=f"{path}: not a"):
        reader(tmp_path / path)


def test_satcat_rows_become_members_skips_have_reasons(context, tmp_path):
    current = from_file(PARTNERS / "USA.ttl", "USA", context)
    summary = run_import(
        "satcat", SATCAT, current, options("USA", member_of="gps"), context, tmp_path / "usa.ttl"
    )
    assert summary.counts() == {"matched": 0, "new": 3, "skipped": 2, "not selected": 0}
    reasons = {r.name: reason for r, reason in summary.plan.skipped}
    assert reasons == {
        "COSMOS 2240": "decayed on 1993-05-07",
        "MOLNIYA 1-86 R/B": "not a payload (object type R/B)",
    }
    new = {row["identifier"]: row for _, row in summary.plan.new}
    assert new["navstar-78-usa-293"]["member_of"] == "gps"
    assert new["navstar-78-usa-293"]["mission_areas"] == "PNT.GNSS"  # the constellation's
    report = check(read(summary.written, context), context, "USA")
    assert report.conforms, report.to_text()


def test_selection_by_owner(context, tmp_path):
    current = from_file(PARTNERS / "USA.ttl", "USA", context)
    summary = run_import(
        "satcat",
        SATCAT,
        current,
        options("USA", member_of="gps", selection={"owners": ("us",)}),
        context,
        None,
    )
    assert summary.counts() == {"matched": 0, "new": 2, "skipped": 0, "not selected": 3}


def test_match_by_cospar_id_first_then_by_name(context):
    spain = from_file(PARTNERS / "ESP.ttl", "ESP", context)
    summary = run_import(
        "satcat", SATCAT, spain, options("ESP", mission_areas=("ISR.SAR",)), context, None
    )
    assert [(r.name, c.identifier) for r, c in summary.plan.matched] == [("PAZ", "paz")]
    italy = from_file(PARTNERS / "ITA.ttl", "ITA", context)
    summary = run_import(
        "ucs", UCS, italy, options("ITA", selection={"owners": ("Italy",)}), context, None
    )
    ((record, cap),) = summary.plan.matched
    assert (record.name, cap.identifier) == ("Optsat-3000", "optsat-3000")  # by name
    text = "\n".join(summary.lines())
    assert "launch_date: kept 2017-08, the catalogue says 2017-08-01" in text


def test_ucs_purposes_give_mission_areas_through_labels(context):
    britain = from_file(PARTNERS / "GBR.ttl", "GBR", context)
    summary = run_import(
        "ucs", UCS, britain, options("GBR", selection={"users": ("Military",)}), context, None
    )
    areas = {r.name: row["mission_areas"] for r, row in summary.plan.new}
    assert areas["Skynet 5A"] == "SATCOM"  # "Communications" is an alternative label
    assert areas["Sapphire"] == "SDA.SST" and areas["Paz"] == "ISR"
    assert "RAAF M2 Pathfinder" not in areas  # no users given: not selected


def test_a_row_without_any_mission_area_is_skipped_with_the_way_out(context):
    australia = from_file(PARTNERS / "AUS.ttl", "AUS", context)
    summary = run_import(
        "ucs", UCS, australia, options("AUS", selection={"owners": ("Australia",)}), context, None
    )
    ((record, reason),) = summary.plan.skipped
    assert record.name == "RAAF M2 Pathfinder" and "give --mission-area" in reason


def test_a_spreadsheet_keeps_the_partners_rows_and_adds_members(context, tmp_path):
    """A partner keeping its data in the template gets the template back, completed."""
    from kg.importers.export import rows_of_triples
    from kg.importers.output import _csv

    korea = read(PARTNERS / "KOR.ttl", context)
    rows = rows_of_triples(korea.triples, context.catalogue)
    rows.append(
        {
            "identifier": "exercise-kor-nav",
            "name": "EXERCISE — navigation",
            "provider": "KOR",
            "kind": "constellation",
            "mission_areas": "PNT.GNSS",
            "orbit_regime": "MEO",
            "status": "operational",
            "status_as_of": "2026-11-01",
            "classification": "U",
            "exercise": "yes",
        }
    )
    template = tmp_path / "kor.csv"
    template.write_text(_csv(rows))
    assert {str(t) for t in korea.triples} <= {str(t) for t in read(template, context).triples}
    current = from_file(template, "KOR", context)
    summary = run_import(
        "satcat",
        SATCAT,
        current,
        options("KOR", member_of="exercise-kor-nav", selection={"owners": ("US",)}),
        context,
        tmp_path / "out.csv",
    )
    lines = summary.written.read_text().splitlines()
    assert len(lines) == 1 + 2 + 2  # header, the partner's two rows, two new rows
    source = read(summary.written, context)
    members = {
        t.object.value.rsplit("/", 1)[-1]
        for t in source.triples
        if t.predicate.value.endswith("#hasMember")
    }
    assert members == {"navstar-78-usa-293", "navstar-80-usa-309"}
    report = check(source, context, "KOR")
    assert report.conforms, report.to_text()


def test_member_of_must_name_a_constellation(context):
    korea = from_file(PARTNERS / "KOR.ttl", "KOR", context)
    with pytest.raises(KGError, match="anasis-ii is a satellite, not a constellation"):
        run_import("satcat", SATCAT, korea, options("KOR", member_of="anasis-ii"), context, None)
    with pytest.raises(KGError, match="no constellation 'nothing'"):
        run_import("satcat", SATCAT, korea, options("KOR", member_of="nothing"), context, None)


def test_the_template_is_refused_when_it_would_lose_statements(context, tmp_path):
    current = from_file(PARTNERS / "USA.ttl", "USA", context)
    with pytest.raises(KGError, match="cannot hold the partner's current data.*--out FILE.ttl"):
        run_import(
            "satcat",
            SATCAT,
            current,
            options("USA", member_of="gps"),
            context,
            tmp_path / "usa.csv",
        )


def test_import_adds_members_and_coverage_counts_the_constellation_once(runner, tmp_path):
    """The acceptance test: SATCAT rows of GPS satellites join the GPS constellation."""
    before = json.loads(runner("matrix", "coverage", "--format", "json").output)
    out = tmp_path / "usa.ttl"
    result = runner(
        "import",
        "satcat",
        str(SATCAT),
        "--partner",
        "USA",
        "--owner",
        "US",
        "--member-of",
        "gps",
        "--as-of",
        "2026-11-30",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "0 matched, 2 new, 0 skipped, 3 not selected" in result.output
    assert "conforms" in result.output
    submitted = runner("submit", str(out), "--partner", "USA")
    assert submitted.exit_code == 0, submitted.output
    after = json.loads(runner("matrix", "coverage", "--format", "json").output)
    usa = [r for r in after["rows"] if r["partner"] == "USA"]
    assert usa == [r for r in before["rows"] if r["partner"] == "USA"]
    assert usa[0]["PNT"] == 1
    again = runner(
        "import",
        "satcat",
        str(SATCAT),
        "--partner",
        "USA",
        "--owner",
        "US",
        "--member-of",
        "gps",
        "--as-of",
        "2026-11-30",
        "--out",
        str(out),
    )
    assert "2 matched, 0 new" in again.output  # matched by COSPAR id now


def test_changes_only_writes_a_template_to_merge_where_the_whole_set_cannot_be_one(
    runner, tmp_path
):
    """USA's set has statements the template has no column for; its new satellites still can."""
    args = ["import", "satcat", str(SATCAT), "--partner", "USA", "--owner", "US"]
    args += ["--member-of", "gps", "--as-of", "2026-11-30"]
    out = tmp_path / "usa-gps.csv"
    whole = runner(*args, "--out", str(out))
    assert whole.exit_code == 2 and "--changes-only" in whole.output
    before = json.loads(runner("matrix", "coverage", "--format", "json").output)
    result = runner(*args, "--out", str(out), "--changes-only")
    assert result.exit_code == 0, result.output
    assert "--mode merge" in result.output
    rows = out.read_text().splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == ["navstar-78-usa-293", "navstar-80-usa-309"]
    submitted = runner("submit", str(out), "--partner", "USA", "--mode", "merge")
    assert submitted.exit_code == 0, submitted.output
    assert "withdrawn" not in submitted.output.replace("0 withdrawn", "")
    after = json.loads(runner("matrix", "coverage", "--format", "json").output)
    assert after["rows"] == before["rows"]
    again = runner(*args, "--out", str(out), "--changes-only")
    assert "2 matched, 0 new" in again.output
    assert len(out.read_text().splitlines()) == 3  # the two members, nothing else of USA's


def test_import_never_writes_the_store(runner, tmp_path, store_path):
    from kg.store import Store

    result = runner(
        "import",
        "ucs",
        str(UCS),
        "--partner",
        "GBR",
        "--owner",
        "United Kingdom",
        "--member-of",
        "skynet-5",
        "--as-of",
        "2026-11-30",
        "--out",
        str(tmp_path / "gbr.ttl"),
    )
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output and "member of skynet-5" in result.output
    store = Store(store_path)
    assert store.select("SELECT ?s WHERE { GRAPH ?g { ?s ?p 'Skynet 5A'@en } }") == []


def test_bad_options_are_clear_errors(runner, tmp_path):
    result = runner(
        "import", "satcat", str(SATCAT), "--partner", "XYZ", "--out", str(tmp_path / "x.ttl")
    )
    assert result.exit_code == 2 and "unknown partner 'XYZ'" in result.output
    result = runner(
        "import",
        "satcat",
        str(SATCAT),
        "--partner",
        "USA",
        "--as-of",
        "soon",
        "--out",
        str(tmp_path / "x.ttl"),
    )
    assert result.exit_code == 2 and "--as-of 'soon'" in result.output


def test_a_repeated_row_is_skipped_and_xlsx_is_written(context, tmp_path):
    from openpyxl import load_workbook

    lines = SATCAT.read_text().splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n")
    korea = from_file(PARTNERS / "KOR.ttl", "KOR", context)
    summary = run_import(
        "satcat",
        path,
        korea,
        options("KOR", mission_areas=("PNT.GNSS",)),
        context,
        tmp_path / "kor.xlsx",
    )
    assert [reason for _, reason in summary.plan.skipped] == ["repeats line 2"]
    sheet = load_workbook(summary.written)["capabilities"]
    assert [c.value for c in sheet["A"]][1:] == ["anasis-ii", "navstar-78-usa-293"]
    assert check(read(summary.written, context), context, "KOR").conforms
