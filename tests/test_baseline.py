"""The reviewed baseline of findings on the bundled data (docs/analysis.md, "Reviewed baseline")."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg.access import public_base_graphs, viewer_dataset
from kg.analysis.model import short
from kg.compatibility import load_relations
from kg.gaps import report
from kg.store import Dataset

BASELINE = Path(__file__).parent / "data" / "baseline-findings.csv"
HEADER = [
    "report",
    "key",
    "finding",
    "judgement",
    "fixed_by",
    "after",
    "rests_on",
    "sources",
    "note",
]
PAIR_REPORTS = ("interoperability-gaps", "version-mismatch")
REPORTS = (*PAIR_REPORTS, "incompatible-standards", "recommended-adoptions")
STD = "https://w3id.org/csig/id/standard/"
REL = "https://w3id.org/csig/id/relation/"


def read_baseline() -> list[dict[str, str]]:
    """Return the reviewed rows of the fixture."""
    with BASELINE.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER
        return list(reader)


def finding_key(name: str, row: dict) -> str:
    """Return the fixture key of one report row."""
    if name == "incompatible-standards":
        return short(row["dataType"])
    return "|".join(
        short(row[k]) for k in ("ier", "dataType", "producerPartner", "consumerPartner")
    )


@pytest.fixture(scope="module")
def current(store):
    """Run the whole gap report as the public viewer, every adoption included."""
    rep = report(store, viewer_dataset(store), top=20)
    found = {
        (s.name, finding_key(s.name, r)): r
        for s in rep.sections
        if s.name in REPORTS
        for r in s.rows
    }
    for a in rep.adoptions:
        key = "|".join(short(x) for x in (a.partner, a.standard, a.data_type))
        found[("recommended-adoptions", key)] = a
    return found


@pytest.mark.parametrize("row", read_baseline(), ids=lambda r: f"{r['report']}:{r['key']}")
def test_baseline_row_is_well_formed(row):
    assert row["report"] in REPORTS
    assert row["judgement"] in ("true", "false", "unconfirmed")
    assert row["finding"] and row["after"] and row["note"] and row["rests_on"]
    assert row["sources"] and all(s.startswith("https://") for s in row["sources"].split())
    assert bool(row["fixed_by"]) == (row["judgement"] == "false"), "false means fixed by the model"
    if row["judgement"] == "unconfirmed":
        assert "assumed" in row["rests_on"]


def test_baseline_keys_are_unique_and_every_report_is_reviewed():
    rows = read_baseline()
    keys = [(r["report"], r["key"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert {r["report"] for r in rows} == set(REPORTS)


def test_baseline_relations_exist(store):
    relations = load_relations(store, Dataset.of(public_base_graphs(store)))
    known = {c.relation for found in relations.conversions.values() for c in found}
    known |= {rel for twins in relations.parallel.values() for rel, _ in twins.values()}
    for row in read_baseline():
        for fixed in row["fixed_by"].split():
            assert fixed == "role" or REL + fixed.removeprefix("relation/") in known, fixed


def test_baseline_covers_every_current_finding(current):
    reviewed = {(r["report"], r["key"]) for r in read_baseline()}
    assert set(current) == reviewed


def test_baseline_fixes_agree_with_the_model(store, current):
    relations = load_relations(store, Dataset.of(public_base_graphs(store)))
    for row in read_baseline():
        if row["report"] not in PAIR_REPORTS:
            continue
        found = current[(row["report"], row["key"])]
        verdicts = [
            relations.compare(STD + a, STD + b, data_type=found["dataType"])
            for a in found["producerStandards"].split(", ")
            for b in found["consumerStandards"].split(", ")
        ]
        if row["fixed_by"] == "role":
            assert {v.kind for v in verdicts} == {"other-role"}, row["key"]
        elif row["fixed_by"]:
            relation = REL + row["fixed_by"].removeprefix("relation/")
            assert relation in {v.relation for v in verdicts}, row["key"]
        else:
            assert {v.kind for v in verdicts} <= {"none", "family"}, row["key"]
