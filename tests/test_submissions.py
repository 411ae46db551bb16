"""Submissions: formats, reports a partner can act on, versions, diffs, rollback, atomicity."""

from __future__ import annotations

import json

import pytest

from kg.errors import KGError
from kg.settings import ROOT
from kg.store import Store
from kg.submissions import check, read, read_bytes, rollback, submit, withdraw
from kg.submissions.history import diff, history, version_triples
from kg.submissions.template import COLUMN_NAMES, write_template
from tests.conftest import DATA

EXAMPLES = ROOT / "data" / "examples"
SEVERAL = DATA / "submissions" / "several-errors.csv"


def triples_of(path, context) -> set[str]:
    return {str(t) for t in read(path, context).triples}


def test_csv_and_turtle_map_to_the_same_rdf(context):
    assert triples_of(EXAMPLES / "capabilities.csv", context) == triples_of(
        EXAMPLES / "capabilities.ttl", context
    )


def test_xlsx_maps_to_the_same_rdf_as_csv(tmp_path, context):
    import csv

    from openpyxl import load_workbook

    path = write_template(tmp_path / "t.xlsx")
    book = load_workbook(path)
    sheet = book["capabilities"]
    header = [c.value for c in sheet[1]]
    rows = [
        r
        for r in csv.reader(
            line
            for line in (EXAMPLES / "capabilities.csv").read_text().splitlines()
            if not line.startswith("#")
        )
    ]
    for row in rows[1:]:
        record = dict(zip(rows[0], row, strict=True))
        sheet.append([record.get(h, "") for h in header])
    book.save(path)
    assert triples_of(path, context) == triples_of(EXAMPLES / "capabilities.csv", context)
    assert "documentation" in load_workbook(path).sheetnames


def test_blank_csv_template_documents_every_column(tmp_path):
    text = write_template(tmp_path / "t.csv").read_text()
    for name in COLUMN_NAMES:
        assert f"# {name}:" in text
    assert text.splitlines()[-1] == ",".join(COLUMN_NAMES)


def test_jsonld_with_the_project_context_reads_without_network(context):
    triples = triples_of(EXAMPLES / "capabilities.jsonld", context)
    assert triples and triples <= triples_of(EXAMPLES / "capabilities.ttl", context)


def test_a_remote_context_is_refused(context):
    doc = json.dumps({"@context": "http://127.0.0.1:9/evil.jsonld", "@id": "x"}).encode()
    with pytest.raises(KGError, match="remote @context"):
        read_bytes(doc, "evil.jsonld", "json-ld", context.catalogue)


def test_report_on_a_csv_gives_row_column_field_value_message_and_hint(context):
    report = check(read(SEVERAL, context), context, "GBR")
    assert not report.conforms
    by_value = {f.value: f for f in report.findings}
    gns = by_value["PNT.GNS"]
    assert (gns.row, gns.field, gns.capability) == (2, "mission_areas", "gbr-test-radar")
    assert "did you mean PNT.GNSS" in gns.hint
    assert by_value["LOE"].row == 3 and by_value["LOE"].field == "orbit_regime"
    assert by_value["satelite"].hint.endswith("did you mean satellite?")
    assert by_value["ccsds-cmd"].field == "interfaces" and "ccsds-cdm" in by_value["ccsds-cmd"].hint
    fields = {(f.row, f.field) for f in report.findings}
    assert (4, "status_as_of") in fields and (4, "releasable_to") in fields
    text = report.to_text()
    assert "row 2, column mission_areas" in text and "_:" not in text


def test_kg_validate_prints_each_finding_and_exits_one(runner):
    result = runner("validate", str(SEVERAL), "--partner", "GBR")
    assert result.exit_code == 1
    for expected in (
        "row 2, column mission_areas",
        "value 'PNT.GNS'",
        "did you mean PNT.GNSS",
        "row 3, column orbit_regime",
    ):
        assert expected in result.output


def test_kg_validate_json_and_turtle_outputs(runner):
    data = json.loads(runner("validate", str(SEVERAL), "--format", "json").output)
    assert data["conforms"] is False and data["counts"]["violation"] >= 5
    turtle = runner("validate", str(SEVERAL), "--format", "turtle").output
    assert "sh:ValidationReport" in turtle


def test_submit_prints_version_and_diff_and_history_shows_both(tmp_path, runner):
    first = runner("submit", str(EXAMPLES / "capabilities.csv"), "--partner", "GBR", "--confirm")
    assert first.exit_code == 0, first.output
    assert "accepted GBR version 2" in first.output
    assert "added    exercise-gbr-ops-cell" in first.output
    assert "removed  skynet-5" in first.output
    changed = tmp_path / "changed.csv"
    changed.write_text(
        (EXAMPLES / "capabilities.csv").read_text().replace("2026-10-01", "2026-11-01")
    )
    second = runner("submit", str(changed), "--partner", "GBR")
    assert "accepted GBR version 3" in second.output
    assert "changed  exercise-gbr-radar" in second.output
    assert "status_as_of: 2026-10-01 -> 2026-11-01" in second.output
    log = runner("history", "GBR").output
    assert "v1 " in log and "v2 " in log and "v3 " in log
    assert "v3 " in runner("diff", "GBR").output or "version 2 -> 3" in runner("diff", "GBR").output


def test_a_rejected_submission_changes_nothing(tmp_path, runner, store_path):
    before = tmp_path / "before.nq"
    runner("dump", str(before))
    result = runner("submit", str(SEVERAL), "--partner", "GBR")
    assert result.exit_code == 1 and "rejected: nothing was changed" in result.output
    after = tmp_path / "after.nq"
    runner("dump", str(after))
    assert sorted(before.read_text().splitlines()) == sorted(after.read_text().splitlines())


def test_a_partner_cannot_submit_another_partners_capabilities(context, fresh_store):
    outcome = submit(
        fresh_store, read(EXAMPLES / "capabilities.csv", context), context, "FRA", "test"
    )
    assert outcome.acceptance is None
    assert any("submits only its own data" in f.message for f in outcome.report.findings)


def test_rollback_restores_an_earlier_version_as_a_new_one(context, fresh_store):
    original = {str(t) for t in version_triples(fresh_store, "GBR", 1)}
    submit(
        fresh_store,
        read(EXAMPLES / "capabilities.csv", context),
        context,
        "GBR",
        "test",
        confirm=True,
    )
    assert rollback(fresh_store, context, "GBR", 1, "test").pending  # it withdraws examples
    outcome = rollback(fresh_store, context, "GBR", 1, "test", confirm=True)
    assert outcome.acceptance.version == 3
    assert {str(t) for t in version_triples(fresh_store, "GBR", 3)} == original
    assert history(fresh_store, "GBR")[-1].note == "rollback to version 1"
    assert {c.kind for c in outcome.changes} == {"added", "removed"}


def test_withdraw_makes_an_empty_version_and_keeps_history(context, fresh_store):
    outcome = withdraw(fresh_store, context, "NZL", "test")
    assert outcome.acceptance.version == 2
    assert version_triples(fresh_store, "NZL", 2) == []
    assert version_triples(fresh_store, "NZL", 1)
    assert not [g for g in fresh_store.graphs() if "/graph/partner/NZL/" in g]


def test_diff_reports_added_removed_and_changed_fields(context):
    csv_triples = read(EXAMPLES / "capabilities.csv", context).triples
    turtle = read(EXAMPLES / "capabilities.ttl", context).triples
    assert diff(csv_triples, turtle) == []
    changes = diff(csv_triples[:20], csv_triples)
    assert changes and all(c.kind in ("added", "changed") for c in changes)


class Failing:
    """A pyoxigraph store whose `extend` fails half-way or whose `update` fails."""

    def __init__(self, inner, stage: str):
        self.inner, self.stage, self.loads = inner, stage, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def extend(self, quads):
        if self.stage != "write":
            return self.inner.extend(quads)

        def half_then_fail():
            for n, quad in enumerate(quads):
                if n == 20:
                    raise OSError("injected failure")
                yield quad

        return self.inner.extend(half_then_fail())

    def load(self, *args, **kwargs):
        self.loads += 1
        if self.stage == "write" and self.loads == 2:  # after one graph was written
            raise OSError("injected failure")
        return self.inner.load(*args, **kwargs)

    def update(self, sparql):
        if self.stage == "update" and "MOVE" in sparql:
            raise OSError("injected failure")
        return self.inner.update(sparql)


@pytest.mark.parametrize("stage", ["write", "update"])
def test_a_failure_in_the_middle_of_an_acceptance_leaves_the_store_unchanged(
    stage, context, fresh_store
):
    before = sorted(str(q) for g in fresh_store.graphs() for q in fresh_store.triples(g))
    graphs = fresh_store.graphs()
    real = fresh_store._ox
    fresh_store._ox = Failing(real, stage)
    with pytest.raises((OSError, KGError), match="injected"):
        submit(
            fresh_store,
            read(EXAMPLES / "capabilities.csv", context),
            context,
            "GBR",
            "t",
            confirm=True,
        )
    fresh_store._ox = real
    assert fresh_store.graphs() == graphs
    assert sorted(str(q) for g in fresh_store.graphs() for q in fresh_store.triples(g)) == before


def test_unparseable_turtle_names_the_line(context):
    with pytest.raises(KGError, match=r"bad\.ttl.*line 2|bad\.ttl"):
        read_bytes(
            b"@prefix ex: <http://e/> .\nex:a ex:b .\n", "bad.ttl", "turtle", context.catalogue
        )


def test_csv_errors_name_the_row(context):
    with pytest.raises(KGError, match="row 1: unknown column"):
        read_bytes(b"identifier,colour\nx,red\n", "x.csv", "csv", context.catalogue)
    with pytest.raises(KGError, match="row 3: identifier 'x' repeats row 2"):
        read_bytes(b"identifier,name\nx,a\nx,b\n", "x.csv", "csv", context.catalogue)


def test_seed_partners_were_loaded_through_the_pipeline(store, content):
    for path in content.partner_files():
        versions = history(store, path.stem)
        assert versions and versions[0].user == "seed-loader", path.stem
        assert versions[0].source == path.name


def test_empty_store_accepts_a_first_version(context):
    store = Store()
    outcome = submit(store, read(EXAMPLES / "capabilities.csv", context), context, "GBR", "t")
    assert outcome.acceptance.version == 1


def test_validation_does_not_reveal_whether_a_hidden_resource_exists(context):
    """A reference to a hidden capability and to a missing one give the same report."""
    base = (EXAMPLES / "capabilities.ttl").read_text()

    def report_for(target: str) -> list[tuple]:
        text = base.replace(
            "csig:exerciseData true ;\n    dcterms:source <https://w3id.org/"
            "csig/id/exercise> ;\n    csig:produces",
            f"csig:exerciseData true ;\n    csig:hostedOn <{target}> ;\n    "
            "dcterms:source <https://w3id.org/csig/id/exercise> ;\n    "
            "csig:produces",
            1,
        )
        assert f"csig:hostedOn <{target}>" in text
        report = check(read_bytes(text.encode(), "x.ttl", "turtle", context.catalogue), context)
        return sorted(
            (f.severity, f.field, f.message.replace(target, "X"), f.hint) for f in report.findings
        )

    hidden = "https://w3id.org/csig/id/capability/exercise-deep-space-tracking-feed"
    missing = "https://w3id.org/csig/id/capability/does-not-exist-anywhere"
    assert report_for(hidden) == report_for(missing)


def test_a_diff_compares_values_as_the_store_keeps_them():
    import pyoxigraph as ox

    from kg.submissions.history import diff

    cap = ox.NamedNode("https://w3id.org/csig/id/capability/navstar-78")
    period = ox.NamedNode("https://w3id.org/csig/ont#periodMin")
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    stored = [ox.Triple(cap, period, ox.Literal("718", datatype=decimal))]
    sent = [ox.Triple(cap, period, ox.Literal("718.0", datatype=decimal))]
    assert diff(stored, sent) == []
    other = [ox.Triple(cap, period, ox.Literal("718.5", datatype=decimal))]
    assert [c.kind for c in diff(stored, other)] == ["changed"]
