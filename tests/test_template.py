"""The submission templates: one separator, drop-down lists from the vocabularies, downloads."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from kg.access import viewer_dataset
from kg.submissions import read_bytes
from kg.submissions.template import (
    COLUMN_NAMES,
    MULTI_VALUED,
    SEPARATOR,
    csv_template,
    write_template,
    xlsx_template,
)
from kg.submissions.vocabularies import COLUMN_LISTS, content_lists, store_lists

ROW = {
    "identifier": "exercise-sep",
    "name": "EXERCISE — separator check",
    "provider": "GBR",
    "kind": "ground-sensor",
    "mission_areas": "SDA.SST; SDA.CA",
    "orbit_regime": "GND",
    "status": "operational",
    "status_as_of": "2026-10-01",
    "contributing_nations": "USA; AUS",
    "classification": "S",
    "dissemination": "REL",
    "releasable_to": "GBR; USA; FVEY",
    "interfaces": "produces DT.TRK ccsds-tdm; consumes DT.CNJ ccsds-cdm",
    "exercise": "yes",
    "source_url": "https://example.org/a; https://example.org/b",
}


def contents(data: bytes) -> dict:
    """Return what a workbook holds: every sheet's values and the drop-downs' sources."""
    book = load_workbook(io.BytesIO(data))
    sheets = {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book}
    checks = {
        str(v.sqref): (v.formula1, v.showErrorMessage)
        for v in book["capabilities"].data_validations.dataValidation
    }
    return {"sheets": sheets, "drop-downs": checks}


def test_the_store_and_the_files_give_the_same_lists(store, content):
    lists = store_lists(store, viewer_dataset(store))
    assert lists == content_lists(content.root)
    assert ("ccsds-omm", "CCSDS OMM") in lists["standard"]
    assert {"SDA", "SDA.CA"} <= {code for code, _ in lists["mission_area"]}


def test_the_workbook_has_a_drop_down_for_every_coded_column(tmp_path, store):
    lists = store_lists(store, viewer_dataset(store))
    held = contents(write_template(tmp_path / "t.xlsx", lists=lists).read_bytes())
    assert list(held["sheets"])[0] == "capabilities"
    assert held["sheets"]["capabilities"][0] == list(COLUMN_NAMES)
    assert len(held["drop-downs"]) == len(COLUMN_LISTS)
    kinds = next(
        column
        for column in zip(*held["sheets"]["lists"], strict=False)
        if column[0] == "Capability kinds"
    )
    assert {k for k in kinds[1:] if k} == {code for code, _ in lists["kind"]}
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[COLUMN_NAMES.index("mission_areas")]
    source, strict = held["drop-downs"][f"{letter}2:{letter}2001"]
    assert source.startswith("=lists!$") and strict is False  # several values may be typed
    docs = held["sheets"]["documentation"]
    assert f"separated by '{SEPARATOR}'" in docs[0][0]
    assert [r[0] for r in docs[3:]] == list(COLUMN_NAMES)


def test_every_multi_valued_column_states_the_one_separator(tmp_path):
    text = write_template(tmp_path / "t.csv").read_text()
    assert text.startswith(f"# Several values in one cell are separated by '{SEPARATOR}'")
    for name in MULTI_VALUED:
        line = next(x for x in text.splitlines() if x.startswith(f"# {name}:"))
        assert f"separate with '{SEPARATOR}'" in line


def test_a_filled_workbook_reads_every_separated_value(tmp_path, context):
    path = write_template(tmp_path / "t.xlsx")
    book = load_workbook(path)
    book["capabilities"].append([ROW.get(c, "") for c in COLUMN_NAMES])
    out = io.BytesIO()
    book.save(out)
    triples = {
        str(t) for t in read_bytes(out.getvalue(), "t.xlsx", "xlsx", context.catalogue).triples
    }
    for code in ("SDA-SST", "SDA-CA"):
        assert any(f"missionarea/{code}>" in t for t in triples)
    for url in ("https://example.org/a", "https://example.org/b"):
        assert any(f"<{url}>" in t for t in triples)
    assert sum("releasableTo" in t for t in triples) == 3


def test_old_separators_still_read(context):
    header = ",".join(COLUMN_NAMES)
    old = dict(
        ROW,
        releasable_to="GBR, USA, FVEY",
        source_url="https://example.org/a https://example.org/b",
    )
    line = ",".join(f'"{old.get(c, "")}"' for c in COLUMN_NAMES)
    triples = {
        str(t)
        for t in read_bytes(
            f"{header}\n{line}\n".encode(), "old.csv", "csv", context.catalogue
        ).triples
    }
    assert sum("releasableTo" in t for t in triples) == 3
    assert sum("/terms/source>" in t for t in triples) == 2


def reference_workbook(store) -> dict:
    """Return what the template holds when its lists come from the seeded store."""
    return contents(xlsx_template(lists=store_lists(store, viewer_dataset(store))))


def test_the_submit_page_offers_both_downloads(client, store):
    page = client.get("/submit").get_data(as_text=True)
    assert "/submit/template.xlsx" in page and "/submit/template.csv" in page
    web_csv = client.get("/submit/template.csv")
    assert web_csv.mimetype == "text/csv" and web_csv.get_data(as_text=True) == csv_template()
    web_xlsx = client.get("/submit/template.xlsx")
    assert web_xlsx.headers["Content-Disposition"].endswith("capabilities.xlsx")
    assert contents(web_xlsx.data) == reference_workbook(store)
    assert client.get("/submit/template.ods").status_code == 404


def test_the_cli_writes_the_same_templates(runner, tmp_path, store):
    assert runner("template", str(tmp_path / "cli.csv")).exit_code == 0
    assert (tmp_path / "cli.csv").read_text() == csv_template()
    result = runner("template", str(tmp_path / "cli.xlsx"))
    assert result.exit_code == 0, result.output
    assert contents((tmp_path / "cli.xlsx").read_bytes()) == reference_workbook(store)
