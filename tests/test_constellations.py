"""A constellation counts once: in coverage, overlaps, the coverage matrix and the network."""

from __future__ import annotations

import shutil

import pytest

from kg import catalogue
from kg.access import full_dataset
from kg.analysis.model import load_model
from kg.build import build
from kg.content import Content
from kg.matrices import coverage
from kg.namespaces import CSIG
from kg.settings import ROOT
from kg.store import Store
from tests.test_queries import rows

PREFIXES = """@prefix csig: <https://w3id.org/csig/ont#> .
@prefix cap: <https://w3id.org/csig/id/capability/> .
@prefix nation: <https://w3id.org/csig/id/nation/> .
@prefix std: <https://w3id.org/csig/id/standard/> .
@prefix ma: <https://w3id.org/csig/missionarea/> .
@prefix orbit: <https://w3id.org/csig/orbit/> .
@prefix status: <https://w3id.org/csig/status/> .
@prefix kind: <https://w3id.org/csig/kind/> .
@prefix dt: <https://w3id.org/csig/datatype/> .
@prefix cls: <https://w3id.org/csig/classification/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def capability(
    ident: str, provider: str, kind: str, extra: str = "", standard: str = "is-gps-200"
) -> str:
    """Return the Turtle of one fictional navigation capability with one interface."""
    iri = f"https://w3id.org/csig/id/capability/{ident}"
    return f"""
cap:{ident} a csig:Capability ;
    dcterms:identifier "{ident}" ; rdfs:label "EXERCISE — {ident}"@en ;
    csig:providedBy nation:{provider} ; csig:missionArea ma:PNT-GNSS ;
    csig:orbitRegime orbit:MEO ; csig:status status:operational ;
    csig:statusAsOf "2026-10-01"^^xsd:date ; csig:kind kind:{kind} ;
    csig:exerciseData true ; {extra}
    csig:produces <{iri}/interface/1> ; csig:hasMarking <{iri}/marking> .
<{iri}/interface/1> a csig:Interface ; csig:dataType dt:NAV ;
    csig:standard std:{standard} ; csig:assumed true .
<{iri}/marking> a csig:Marking ; csig:markingSystem cls:US ; csig:classification cls:US-U ;
    csig:markingText "UNCLASSIFIED" .
"""


PARTNERS = {
    # A constellation with two of its own satellites as members (both directions stated).
    "USA": capability(
        "us-nav", "USA", "constellation", "csig:hasMember cap:us-nav-1, cap:us-nav-2 ;"
    )
    + capability(
        "us-nav-1", "USA", "satellite", "csig:memberOf cap:us-nav ;", standard="is-gps-705"
    )
    + capability("us-nav-2", "USA", "satellite", "csig:memberOf cap:us-nav ;"),
    # A satellite another partner contributes to the US constellation: a member, only one way.
    "AUS": capability("au-nav", "AUS", "satellite", "csig:memberOf cap:us-nav ;"),
    "GBR": capability("gb-nav", "GBR", "satellite"),
    "FRA": capability("fr-nav", "FRA", "satellite"),
}


@pytest.fixture(scope="module")
def constellation(tmp_path_factory) -> Store:
    """A store built, as `kg init` builds one, from partners with a constellation."""
    root = tmp_path_factory.mktemp("constellation")
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    (root / "data" / "partners").mkdir()
    for partner, text in PARTNERS.items():
        (root / "data" / "partners" / f"{partner}.ttl").write_text(PREFIXES + text)
    store = Store()
    result = build(store, Content(root))
    assert sorted(result.accepted) == sorted(PARTNERS)
    return store


def test_coverage_counts_the_constellation_not_its_members(constellation):
    found = rows(
        constellation, "coverage", ("notation", "providers"), mission_area="PNT.GNSS", k="4"
    )
    # USA (the constellation), GBR and FRA; AUS's satellite is a member of the US constellation.
    assert found == {("PNT.GNSS", "3")}


def test_overlaps_leave_members_out(constellation):
    found = rows(
        constellation,
        "overlaps",
        ("missionArea", "kind", "partners", "capabilities"),
        min_partners="2",
    )
    assert found == {("PNT-GNSS", "satellite", "2", "2")}  # gb-nav and fr-nav only
    assert rows(constellation, "overlaps", ("kind",), min_partners="3") == set()


def test_coverage_matrix_counts_the_constellation_once(constellation):
    matrix = coverage(constellation, full_dataset(constellation))
    cells = {row[0]: dict(zip(matrix.columns[1:], row[1:], strict=True)) for row in matrix.rows}
    assert cells["USA"]["PNT"] == 1
    assert "AUS" not in cells


@pytest.mark.parametrize("shared", [False, True])
def test_network_sees_members_through_their_constellation(constellation, shared):
    """Read alone, or from the rows a whole report shares with the pair reports."""
    dataset = full_dataset(constellation)
    select = catalogue.reader(constellation, dataset) if shared else None
    model = load_model(constellation, dataset, select)
    capabilities = {i.capability.rsplit("/", 1)[-1] for i in model.interfaces}
    assert capabilities == {"us-nav", "gb-nav", "fr-nav"}
    standards = {
        i.standard.rsplit("/", 1)[-1] for i in model.interfaces if i.capability.endswith("/us-nav")
    }
    assert standards == {"is-gps-200", "is-gps-705"}  # a member's interface is kept


def test_a_diff_names_a_constellations_new_satellites_its_members():
    import pyoxigraph as ox

    from kg.submissions.history import capability_fields

    cap = "https://w3id.org/csig/id/capability/"
    triples = [
        ox.Triple(ox.NamedNode(cap + "gps"), ox.NamedNode(CSIG + "hasMember"), ox.NamedNode(m))
        for m in (cap + "navstar-78", cap + "navstar-80")
    ] + [
        ox.Triple(
            ox.NamedNode(cap + "navstar-78"),
            ox.NamedNode(CSIG + "memberOf"),
            ox.NamedNode(cap + "gps"),
        )
    ]
    fields = capability_fields(triples)
    assert fields["gps"] == {"members": {"capability/navstar-78", "capability/navstar-80"}}
    assert fields["navstar-78"] == {"member_of": {"capability/gps"}}
