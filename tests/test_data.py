"""The bundled data: sizes, sources and as-of dates the vocabulary issue promises."""

from __future__ import annotations

import pytest

from kg.access import full_dataset
from kg.namespaces import sparql_prefixes

Q = sparql_prefixes(("csig", "dcterms", "skos", "rdfs"))


def count(store, where: str) -> int:
    rows = store.select(
        Q + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}", full_dataset(store)
    )
    return int(rows[0]["n"].value)


def test_at_least_sixty_standards_with_sources(store):
    assert count(store, "?x a csig:DataStandard ; dcterms:source ?s") >= 60
    assert count(store, "?x a csig:DataStandard FILTER NOT EXISTS { ?x dcterms:source ?s }") == 0


def test_standards_relations_are_modelled(store):
    assert count(store, "?x dcterms:replaces ?y") >= 10
    assert count(store, "?x dcterms:isPartOf ?y") >= 4
    assert count(store, "?x csig:profileOf ?y") >= 1
    assert count(store, "?x csig:functionallySupersededBy ?y") >= 1


def test_at_least_forty_nations_with_iso_codes(store):
    assert count(store, "?x a csig:Nation ; skos:notation ?c FILTER(REGEX(?c, '^[A-Z]{3}$'))") >= 40


@pytest.mark.parametrize(
    "coalition,members", [("CSPO", 10), ("FVEY", 5), ("NATO", 32), ("MNF-OOD", 7), ("AUKUS", 3)]
)
def test_coalitions_have_dated_memberships(store, coalition, members):
    iri = f"<https://w3id.org/csig/id/coalition/{coalition}>"
    assert count(store, f"?x a csig:Membership ; csig:coalition {iri} ; dcterms:source ?s") == (
        members
    )
    dated = count(store, f"?x csig:coalition {iri} ; csig:startDate ?d")
    assert dated >= members - 1  # Canada's MNF-OOD accession date is not public


def test_at_least_fifty_real_capabilities_each_with_a_source(store):
    real = "?x a csig:Capability FILTER NOT EXISTS { ?x csig:exerciseData true }"
    assert count(store, real) >= 50
    assert count(store, real + " FILTER NOT EXISTS { ?x dcterms:source ?s }") == 0
    assert count(store, real + " FILTER NOT EXISTS { ?x csig:statusAsOf ?d }") == 0


def test_real_capabilities_are_unclassified(store):
    assert (
        count(
            store,
            """?x a csig:Capability ; csig:hasMarking ?m . ?m csig:classification ?c .
        ?c csig:rank ?r FILTER(?r > 0) FILTER NOT EXISTS { ?x csig:exerciseData true }""",
        )
        == 0
    )


def test_exercise_records_are_marked_and_labelled(store):
    exercises = """?x csig:exerciseData true ; rdfs:label ?l ; csig:hasMarking ?m .
        ?m csig:classification ?c . ?c csig:rank ?r
        FILTER(?r > 0 && STRSTARTS(STR(?l), "EXERCISE"))"""
    assert count(store, exercises) >= 3
    assert (
        count(
            store,
            "?x csig:hasMarking/csig:disseminationControl <https://w3id.org/csig/dissem/NOFORN>",
        )
        >= 1
    )
    assert count(store, "?x csig:hasMarking/csig:releasableTo ?n") >= 2


def test_assumed_interfaces_are_flagged_and_sourced_ones_cite(store):
    assert count(store, "?x a csig:Interface FILTER NOT EXISTS { ?x csig:assumed ?a }") == 0
    assert (
        count(
            store,
            "?x a csig:Interface ; csig:assumed false FILTER NOT EXISTS { ?x dcterms:source ?s }",
        )
        == 0
    )


def test_strategy_ends_ways_means(store):
    assert count(store, "?x a csig:EnduringGoal") == 3
    assert count(store, "?x a csig:LineOfEffort ; csig:leadOrganisation ?o") == 3
    assert count(store, "?x a csig:ForceDomain ; csig:horizonMaxYears ?y") == 3
    assert count(store, "?x a csig:Risk") >= 4
    assert count(store, "?x a csig:Mitigation ; csig:mitigates ?r") >= 4


def test_two_exchange_requirements_per_top_mission_area(store):
    rows = store.select(
        Q
        + """SELECT ?top (COUNT(DISTINCT ?ier) AS ?n) WHERE {
        ?top skos:topConceptOf <https://w3id.org/csig/missionarea/scheme> .
        ?ier a csig:InformationExchangeRequirement ; csig:missionArea ?ma .
        ?ma skos:broader* ?top } GROUP BY ?top""",
        full_dataset(store),
    )
    assert len(rows) == 11
    assert all(int(r["n"].value) >= 2 for r in rows)


def test_every_partner_file_holds_only_its_own_capabilities(content, context):
    from kg.submissions import check, read

    files = content.partner_files()
    assert files, "glob found no partner files"
    for path in files[:3]:
        report = check(read(path, context), context, path.stem)
        assert report.conforms, report.to_text()
