"""The reviewed baseline of findings on the bundled data (docs/analysis.md, "Reviewed baseline").

The fixture judges every finding the family rule gave: true, false (fixed by the model) or
unconfirmed, and says what each should become (`after_grade`, `after_confirmed`,
`after_relation`). The tests pin that reviewed result on today's reports: every finding judged
false is gone (or became the translator warning it names), every true or unconfirmed one is
there with its grade, and no finding appears that nobody reviewed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.access import public_base_graphs, viewer_dataset
from kg.analysis.model import short
from kg.compatibility import load_relations, role_iri
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
    "after_grade",
    "after_confirmed",
    "after_relation",
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


def test_every_finding_was_reviewed(current):
    reviewed = {(r["report"], r["key"]) for r in read_baseline()}
    assert set(current) <= reviewed, "a finding nobody reviewed: add it to the baseline"


@pytest.mark.parametrize("row", read_baseline(), ids=lambda r: f"{r['report']}:{r['key']}")
def test_reviewed_result_holds(row, current):
    found = current.get((row["report"], row["key"]))
    if row["after_grade"] == "absent":
        assert found is None, f"judged {row['judgement']}, fixed by {row['fixed_by']}: {found}"
        return
    assert found is not None, f"judged {row['judgement']}: the finding must stay"
    if row["report"] == "recommended-adoptions":
        assert (found.confirmed > 0) == (row["after_confirmed"] == "true")
        return
    assert found["severity"] == row["after_grade"]
    assert found["confirmed"] == row["after_confirmed"]
    assert found["evidence"] == "sourced" or found["evidence"].startswith("assumed: ")
    assert short(found.get("relation", "")) == row["after_relation"]
    if row["report"] == "interoperability-gaps":
        assert found["verdict"] == ("convertible" if row["after_relation"] else "none")


def test_acceptance_on_the_bundled_data(store, current):
    relations = load_relations(store, Dataset.of(public_base_graphs(store)))
    link16 = {STD + "link16-us", STD + "link16-nato"}
    for (name, _), found in current.items():
        if name == "recommended-adoptions":
            partner_uses = _uses_of(store, found.partner, found.data_type)
            parallel = set(relations.parallel.get(found.standard, {}))
            assert not parallel & partner_uses, f"{found}: a parallel standard"
            continue
        pair = _standards_of(name, found)
        assert not link16 <= pair, found
        roles = [relations.roles.get(s, set()) for s in pair]
        assert not ({role_iri("transport")} in roles and {role_iri("description")} in roles)
        assert found["evidence"] and found["confirmed"] in ("true", "false")
    orbit = [f for (n, k), f in current.items() if n == "interoperability-gaps" and "ORB" in k]
    assert orbit and all(
        f["verdict"] == "convertible" and f["severity"] == "warning" for f in orbit
    )
    assert {short(f["relation"]) for f in orbit} == {"tle-to-omm"}


def _standards_of(name: str, found: dict) -> set[str]:
    """Return the standards a report row pairs."""
    if name == "incompatible-standards":
        return {STD + found["standardA"], STD + found["standardB"]}
    return {
        STD + s for k in ("producerStandards", "consumerStandards") for s in found[k].split(", ")
    }


def _uses_of(store, partner: str, data_type: str) -> set[str]:
    """Return the standards a partner's interfaces use for a data type (public viewer)."""
    rows = store.select(
        "SELECT DISTINCT ?s WHERE { ?c <https://w3id.org/csig/ont#providedBy> ?p ; ?d ?i . "
        "?i <https://w3id.org/csig/ont#dataType> ?t ; <https://w3id.org/csig/ont#standard> ?s }",
        viewer_dataset(store),
        {"p": ox.NamedNode(partner), "t": ox.NamedNode(data_type)},
    )
    return {r["s"].value for r in rows}
