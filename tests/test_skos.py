"""SKOS integrity of the vocabularies and the size of the mission-area scheme."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from kg.check import check_skos, parse_each
from kg.namespaces import PREFIXES

MA = rdflib.URIRef(PREFIXES["ma"] + "scheme")


@pytest.fixture(scope="module")
def vocab(content):
    paths = sorted((content.ontology / "vocab").glob("*.ttl"))
    assert paths, "glob found no vocabulary files"
    return parse_each(paths)


@pytest.fixture(scope="module")
def merged(vocab):
    graph = rdflib.Graph()
    for g in vocab.values():
        graph += g
    return graph


def test_skos_integrity(vocab):
    assert check_skos(vocab) == []


def test_mission_areas_have_eleven_top_and_at_least_forty_narrower(merged):
    top = set(merged.objects(MA, SKOS.hasTopConcept))
    narrower = {c for c in merged.subjects(SKOS.inScheme, MA) if (c, SKOS.broader, None) in merged}
    assert len(top) == 11
    assert len(narrower) >= 40
    assert all(merged.value(c, SKOS.broader) in top for c in narrower)


def test_mission_area_notations_are_stable_dotted_codes(merged):
    for concept in merged.subjects(SKOS.inScheme, MA):
        notation = str(merged.value(concept, SKOS.notation))
        assert str(concept) == PREFIXES["ma"] + notation.replace(".", "-")


def test_top_mission_areas_map_to_doctrine(merged):
    for top in merged.objects(MA, SKOS.hasTopConcept):
        matches = list(merged.objects(top, SKOS.closeMatch)) + list(
            merged.objects(top, SKOS.broadMatch)
        )
        assert any(str(m).startswith(PREFIXES["doctrine"]) for m in matches), top


def test_classification_levels_rank_and_match_across_systems(merged):
    rank = rdflib.URIRef(PREFIXES["csig"] + "rank")
    levels = {s: int(o) for s, o in merged.subject_objects(rank)}
    assert len(levels) >= 30
    for level in levels:
        for other in merged.objects(level, SKOS.closeMatch):
            assert levels.get(other) == levels[level], (level, other)
    us_s = rdflib.URIRef(PREFIXES["cls"] + "US-S")
    assert rdflib.URIRef(PREFIXES["cls"] + "NATO-NS") in set(merged.objects(us_s, SKOS.closeMatch))


def test_schemes_exist_for_every_controlled_list(merged):
    schemes = {str(s) for s in merged.subjects(RDF.type, SKOS.ConceptScheme)}
    for prefix in ("ma", "dt", "orbit", "status", "kind", "lifecycle", "role", "doctrine"):
        assert PREFIXES[prefix] + "scheme" in schemes
    assert PREFIXES["orbit"] + "GND" in {str(c) for c in merged.subjects(RDF.type, SKOS.Concept)}


@pytest.mark.parametrize("notation", ["TDD", "TDD.DEV", "TDD.DEM", "TDD.SCI"])
def test_technology_development_areas_are_defined_sourced_and_mapped(merged, notation):
    concept = rdflib.URIRef(PREFIXES["ma"] + notation.replace(".", "-"))
    assert (concept, SKOS.notation, rdflib.Literal(notation)) in merged
    assert merged.value(concept, SKOS.definition) is not None
    assert merged.value(concept, rdflib.URIRef("http://purl.org/dc/terms/source")) is not None
    mapped = list(merged.objects(concept, SKOS.closeMatch)) + list(
        merged.objects(concept, SKOS.broadMatch)
    )
    assert mapped and all((m, SKOS.inScheme, None) in merged for m in mapped), mapped


def test_near_geo_is_narrower_than_geo(merged):
    orbit = PREFIXES["orbit"]
    scheme = rdflib.URIRef(orbit + "scheme")
    near, geo = rdflib.URIRef(orbit + "NGEO"), rdflib.URIRef(orbit + "GEO")
    assert (near, SKOS.broader, geo) in merged
    assert (scheme, SKOS.hasTopConcept, near) not in merged
    under_geo = set(merged.transitive_subjects(SKOS.broader, geo))
    assert near in under_geo
