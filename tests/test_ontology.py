"""Meta-tests of the ontology: one version, local imports, every term documented and used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.check import check_ontology_shapes, check_terms, check_versions, parse_each
from kg.content import Content
from kg.namespaces import CSIG
from kg.settings import ROOT

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def graphs(content):
    return parse_each(content.ontology_files())


@pytest.fixture(scope="module")
def defined(graphs) -> set[str]:
    return {
        str(t).removeprefix(CSIG)
        for g in graphs.values()
        for kind in TERM_TYPES
        for t in g.subjects(RDF.type, kind)
        if str(t).startswith(CSIG)
    }


def test_every_module_and_vocabulary_is_reached_through_local_imports(content):
    files = content.ontology_files()
    on_disk = sorted(content.ontology.glob("*.ttl")) + sorted(
        (content.ontology / "vocab").glob("*.ttl")
    )
    assert on_disk, "glob found no ontology files"
    assert files == sorted(on_disk)


def test_catalog_maps_every_import_to_an_existing_local_file(content, graphs):
    catalog = content.catalog()
    imports = {str(o) for g in graphs.values() for o in g.objects(None, OWL.imports)}
    assert imports
    for iri in imports:
        assert iri in catalog, f"owl:imports <{iri}> has no local file in the catalog"
        assert catalog[iri].exists()


def test_one_version_for_all_modules(graphs):
    assert check_versions(graphs) == []
    versions = {str(v) for g in graphs.values() for v in g.objects(None, OWL.versionInfo)}
    assert versions == {"1.0.0"}
    aggregator = rdflib.URIRef("https://w3id.org/csig/ont")
    version_iris = [v for g in graphs.values() for v in g.objects(aggregator, OWL.versionIRI)]
    assert version_iris == [rdflib.URIRef("https://w3id.org/csig/ont/1.0.0")]


def test_every_term_is_labelled_defined_and_defined_by(graphs):
    assert check_terms(graphs) == []


def test_shapes_about_the_ontology_pass(graphs, content):
    assert check_ontology_shapes(graphs, content.ontology_shape_file()) == []


def test_shapes_about_the_ontology_catch_an_undocumented_term(tmp_path, content):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        f"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<{CSIG}Undocumented> a owl:Class .\n"
    )
    problems = check_ontology_shapes(
        {bad: rdflib.Graph().parse(bad)}, content.ontology_shape_file()
    )
    assert any(p.term == f"{CSIG}Undocumented" for p in problems)
    assert check_terms({bad: rdflib.Graph().parse(bad)})


def _used_terms() -> set[str]:
    """Return csig: terms referenced by code, queries, shapes and data."""
    pattern = re.compile(r"(?:csig:|CSIG \+ [\"']|_p\([\"']|term\([\"'])([A-Za-z][A-Za-z0-9]*)")
    files = [
        *ROOT.glob("kg/**/*.py"),
        *ROOT.glob("kg/queries/*.rq"),
        *ROOT.glob("shapes/*.ttl"),
        *ROOT.glob("data/**/*.ttl"),
        *ROOT.glob("ontology/vocab/*.ttl"),
    ]
    assert files
    return {m for f in files for m in pattern.findall(f.read_text(encoding="utf-8"))}


def _structural(graphs) -> set[str]:
    """Return terms other terms build on: superclasses, domains and ranges."""
    props = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)
    return {
        str(o).removeprefix(CSIG)
        for g in graphs.values()
        for p in props
        for o in g.objects(None, p)
        if str(o).startswith(CSIG)
    }


def test_terms_used_in_code_and_data_are_the_terms_defined(defined, graphs):
    used = _used_terms()
    assert used - defined == set(), "terms used but not defined"
    assert defined - used - _structural(graphs) == set(), "terms defined but never used"


def test_every_ontology_file_declares_itself_with_a_label(graphs):
    for path, graph in graphs.items():
        ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
        assert len(ontologies) == 1, path
        assert graph.value(ontologies[0], RDFS.label), path


def test_alignment_points_only_to_bfo_and_cco_by_iri(content):
    graph = rdflib.Graph().parse(content.ontology / "alignment.ttl")
    targets = {
        str(o)
        for s, p, o in graph
        if str(s).startswith(CSIG) and p in (RDFS.subClassOf, SKOS.closeMatch, SKOS.relatedMatch)
    }
    assert targets
    assert all(
        t.startswith(
            ("https://www.commoncoreontologies.org/", "http://purl.obolibrary.org/obo/BFO_")
        )
        for t in targets
    )
    assert not list(graph.objects(None, OWL.imports)) or all(
        str(i).startswith("https://w3id.org/csig/") for i in graph.objects(None, OWL.imports)
    )


def test_readme_documents_every_module(content):
    readme = (content.ontology / "README.md").read_text(encoding="utf-8")
    for path in sorted(Path(content.ontology).glob("*.ttl")):
        assert f"`{path.name}`" in readme, path.name


def test_content_is_found_from_an_explicit_root(tmp_path):
    assert Content(tmp_path).reference_files() == []
