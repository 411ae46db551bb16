"""The fast validation path gives exactly the findings of pySHACL run on the shapes as written."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import astuple

import pyshacl.helper
import pytest
import rdflib
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from rdflib.namespace import SH

from kg.rdfterms import graph_of
from kg.settings import ROOT
from kg.submissions import check, plan, querycache, read, shacl
from kg.submissions.read import Source
from tests.conftest import DATA

FIXTURES = sorted((DATA / "shapes").glob("*/*.ttl")) + [DATA / "submissions" / "several-errors.csv"]
EXAMPLES = sorted((ROOT / "data" / "examples").glob("capabilities.*"))

TOY_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Thing a sh:NodeShape ; sh:targetClass ex:T ; sh:property ex:name , ex:shared .
ex:Other a sh:NodeShape ; sh:targetClass ex:U ; sh:property ex:shared .
ex:Helper a sh:NodeShape ; sh:property ex:inner .
ex:Nested a sh:NodeShape ; sh:targetClass ex:V ; sh:property ex:size .
ex:User a sh:NodeShape ; sh:targetClass ex:W ; sh:node ex:Nested , ex:Helper .
ex:name a sh:PropertyShape ; sh:path ex:name ; sh:minCount 1 .
ex:shared a sh:PropertyShape ; sh:path ex:shared ; sh:maxCount 1 .
ex:inner a sh:PropertyShape ; sh:path ex:inner ; sh:maxCount 1 .
ex:size a sh:PropertyShape ; sh:path ex:size ; sh:maxCount 1 .
"""
EX = rdflib.Namespace("http://example.org/")


@pytest.fixture(scope="module")
def merged(context) -> Source:
    """Every shape fixture and example in one submission: dozens of findings of every kind."""
    assert len(FIXTURES) > 30 and EXAMPLES
    triples = [t for path in FIXTURES + EXAMPLES for t in read(path, context).triples]
    return Source("merged", "turtle", triples, "")


@contextlib.contextmanager
def as_written(context, monkeypatch):
    """Validate as before: shapes as written, one run, rdflib's own plans, a query per node."""
    with monkeypatch.context() as patch:
        patch.setattr(querycache, "_replan", lambda node, bound: None)
        patch.setattr(querycache, "bulk", lambda graph: contextlib.nullcontext())
        patch.setattr(pyshacl.helper, "SPARQLQueryHelperCls", SPARQLQueryHelper)
        patch.setitem(context.__dict__, "shape_parts", [context.shapes])
        querycache._prepared.cache_clear()
        try:
            yield
        finally:
            querycache._prepared.cache_clear()


def findings(report) -> Counter:
    return Counter(astuple(f) for f in report.findings)


def test_fast_path_gives_the_findings_of_the_shapes_as_written(context, merged, monkeypatch):
    with as_written(context, monkeypatch):
        before = check(merged, context, "GBR")
    monkeypatch.setattr(shacl, "PARALLEL_FROM", 0)  # force the forked workers
    monkeypatch.setitem(
        context.__dict__, "shape_parts", plan.parts(plan.targeted(context.shapes), 2)
    )
    after = check(merged, context, "GBR")
    assert pyshacl.helper.get_query_helper_cls() is plan.PreparedQueryHelper
    assert len(before.findings) > 40 and not before.conforms
    assert findings(after) == findings(before)
    assert after.conforms == before.conforms


def test_a_failed_worker_s_share_is_validated_here(context, merged, monkeypatch):
    monkeypatch.setitem(
        context.__dict__, "shape_parts", plan.parts(plan.targeted(context.shapes), 2)
    )
    checked = plan._checked_text.cache_info().hits
    alone = check(merged, context, "GBR")
    assert plan._checked_text.cache_info().hits > checked  # each text is checked once
    monkeypatch.setattr(shacl, "PARALLEL_FROM", 0)
    monkeypatch.setattr(shacl, "_child", lambda *args: shacl.os._exit(3))
    assert findings(check(merged, context, "GBR")) == findings(alone)


def test_validation_leaves_the_submission_graph_as_it_was(context, merged):
    data = graph_of(merged.triples)
    before = set(data)
    shacl.run(data, context.reference_graph, context.shape_parts)
    assert set(data) == before


def test_targets_move_to_property_shapes_used_nowhere_else():
    shapes = plan.targeted(rdflib.Graph().parse(data=TOY_SHAPES, format="turtle"))
    assert set(shapes.objects(EX.name, SH.targetClass)) == {EX.T}
    assert (EX.Thing, SH.property, EX.name) not in shapes
    # shared by two node shapes, or inside a shape another one uses: left as written
    assert (EX.shared, SH.targetClass, None) not in shapes
    assert (EX.Thing, SH.property, EX.shared) in shapes
    assert (EX.inner, SH.targetClass, None) not in shapes
    assert (EX.Nested, SH.property, EX.size) in shapes


def test_parts_share_every_target_once(context):
    whole = plan.targeted(context.shapes)
    targets = {t for t in whole if t[1] == SH.targetClass}
    parts = plan.parts(whole, 3)
    shares = [{t for t in part if t[1] == SH.targetClass} for part in parts]
    assert set().union(*shares) == targets
    assert sum(len(s) for s in shares) == len(targets)
    assert all(set(part) - s == set(whole) - targets for part, s in zip(parts, shares, strict=True))


QUERIES = {
    "SELECT $this ?v WHERE { $this <u:p> ?v }": True,
    "SELECT $this WHERE { ?c <u:p> $this . OPTIONAL { $this <u:q> ?x } }": True,
    "SELECT $this ?v WHERE { { $this <u:p> ?v } UNION { $this <u:q> ?v } }": True,
    "SELECT $this ?v WHERE { { $this <u:p> ?v } UNION { ?v <u:q> ?w } }": False,
    "SELECT $this WHERE { FILTER NOT EXISTS { $this <u:p> ?v } }": False,
    "SELECT $this ?v WHERE { ?v <u:p> ?w . OPTIONAL { $this <u:q> ?v } }": False,
    "SELECT ?v WHERE { $this <u:p> ?v }": False,
    "SELECT $this ?v WHERE { $this <u:p> ?v } LIMIT 1": False,
    "SELECT $this ?v WHERE { $this <u:p> ?v FILTER (?v != $this) }": True,
    "SELECT $this ?v WHERE { $this <u:p> ?v OPTIONAL { ?v <u:q> ?w FILTER (?w != $this) } }": False,
    "SELECT $this ?v WHERE { { ?v <u:p> ?w OPTIONAL { $this <u:q> ?w } } $this <u:p> ?v }": False,
    "SELECT $this ?v WHERE { { ?v <u:p> ?w } { $this <u:p> ?v } }": True,
}


@pytest.mark.parametrize("text,expected", QUERIES.items())
def test_bulk_answers_only_queries_whose_every_solution_binds_this(text, expected):
    prepared = querycache._prepared(text, None, (), frozenset({"this"}))
    assert querycache.binds_this(prepared.algebra) is expected
