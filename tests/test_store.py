"""The store: named graphs, atomic replacement, viewer datasets, dump and restore."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from kg.access import ANONYMOUS, Viewer, full_dataset, viewer_dataset
from kg.dataset import Dataset
from kg.errors import KGError
from kg.namespaces import GRAPH, META_GRAPH, ONTOLOGY_GRAPH, partner_graph
from kg.store import Store

A, P = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p")


def data_graphs(store: Store) -> list[str]:
    """Return the graphs holding data, without the store's own meta graph."""
    return [g for g in store.graphs() if g != META_GRAPH]


def triple(value: str) -> ox.Triple:
    return ox.Triple(A, P, ox.Literal(value))


def test_one_named_graph_per_source_file_and_per_partner_marking(store, content):
    graphs = store.graphs()
    assert ONTOLOGY_GRAPH in graphs
    for path in content.reference_files():
        assert f"{GRAPH}reference/{path.stem}" in graphs
    assert partner_graph("GBR", "us-u") in graphs
    assert partner_graph("USA", "us-s-nf") in graphs
    assert not [g for g in graphs if g.startswith(GRAPH + "staging/")]


def test_dump_and_restore_round_trip_is_isomorphic(tmp_path, store):
    for suffix in (".nq", ".trig"):
        path = tmp_path / f"dump{suffix}"
        store.dump(path)
        copy = Store()
        copy.restore(path)
        assert copy.graphs() == store.graphs()
        for graph in store.graphs()[:12]:
            before = rdflib.Graph()
            after = rdflib.Graph()
            for t in store.triples(graph):
                before.parse(data=f"{t} .", format="nt")
            for t in copy.triples(graph):
                after.parse(data=f"{t} .", format="nt")
            assert rdflib.compare.isomorphic(before, after), graph


def test_restore_of_a_broken_dump_leaves_the_store_unchanged(tmp_path):
    store = Store()
    store.replace({"http://g/1": [triple("kept")]})
    bad = tmp_path / "bad.nq"
    bad.write_text('<http://a> <http://p> "x" <http://g/2> .\n<http://a> <http://p> .\n')
    with pytest.raises(KGError, match="bad.nq"):
        store.restore(bad)
    assert data_graphs(store) == ["http://g/1"]


def test_replace_is_atomic_when_the_switch_fails():
    store = Store()
    store.replace({"http://g/1": [triple("old")]})
    with pytest.raises(SyntaxError):
        store.replace({"http://g/1": [triple("new")]}, update="THIS IS NOT SPARQL")
    assert [t.object.value for t in store.triples("http://g/1")] == ["old"]
    assert data_graphs(store) == ["http://g/1"]


def test_replace_drops_and_moves_in_one_step():
    store = Store()
    store.replace({"http://g/1": [triple("a")], "http://g/2": [triple("b")]})
    store.replace({"http://g/3": [triple("c")]}, drop=["http://g/1", "http://g/2"])
    assert data_graphs(store) == ["http://g/3"]


def test_anonymous_viewers_see_public_graphs_only(store):
    dataset = viewer_dataset(store, ANONYMOUS)
    assert ONTOLOGY_GRAPH in dataset.named
    assert partner_graph("GBR", "us-u") in dataset.named
    hidden = [g for g in full_dataset(store).named if g not in dataset.named]
    assert hidden and all("/partner/" in g for g in hidden)
    rows = store.select(
        "SELECT ?x WHERE { ?x a <https://w3id.org/csig/ont#Capability> ; "
        "<https://w3id.org/csig/ont#exerciseData> true }",
        dataset,
    )
    assert rows == []


def test_a_cleared_viewer_of_a_listed_nation_sees_released_graphs(store):
    gbr = Viewer("gbr", nation="GBR", clearance=3, anonymous=False)
    nzl = Viewer("nzl", nation="NZL", clearance=2, anonymous=False)
    usa = Viewer("usa", nation="USA", clearance=4, anonymous=False)
    fvey = partner_graph("USA", "us-s-rel-fvey-usa")
    noforn = partner_graph("USA", "us-s-nf")
    assert fvey in viewer_dataset(store, gbr).named
    assert noforn not in viewer_dataset(store, gbr).named
    assert fvey not in viewer_dataset(store, nzl).named  # clearance too low
    assert {fvey, noforn} <= set(viewer_dataset(store, usa).named)


def test_an_empty_dataset_answers_nothing(store):
    assert store.select("SELECT * WHERE { ?s ?p ?o }", Dataset(())) == []


def test_views_equal_the_union_of_their_graphs_after_every_kind_of_change(fresh_store, context):
    from kg.settings import ROOT
    from kg.submissions import read, rollback, submit, withdraw

    gbr = Viewer("gbr", nation="GBR", clearance=3, anonymous=False)

    def check_views():
        for viewer in (ANONYMOUS, gbr):
            dataset = viewer_dataset(fresh_store, viewer)
            assert len(dataset.default) == 1 and dataset.default[0].startswith(GRAPH + "view/")
            assert dataset.default[0] not in dataset.named
            union = {str(t) for g in dataset.named for t in fresh_store.triples(g)}
            assert {str(t) for t in fresh_store.triples(dataset.default[0])} == union

    check_views()
    example = ROOT / "data" / "examples" / "capabilities.csv"
    submit(fresh_store, read(example, context), context, "GBR", "t")
    check_views()
    rollback(fresh_store, context, "GBR", 1, "t")
    check_views()
    withdraw(fresh_store, context, "NZL", "t")
    check_views()


def test_graph_enumeration_never_shows_a_view(store):
    dataset = viewer_dataset(store, ANONYMOUS)
    rows = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", dataset)
    assert rows and not [r for r in rows if "/graph/view/" in r["g"].value]


def test_a_new_on_disk_store_is_built_in_bulk_with_the_same_content(
    tmp_path, store, content, context
):
    from kg.build import build
    from kg.integrity import verify

    disk = Store(tmp_path / "new")
    build(disk, content, context=context)
    assert not disk.bulk  # bulk loading ends with the build
    assert verify(disk) == []
    sources = [g for g in data_graphs(store) if not g.startswith(GRAPH + "view/")]
    assert [g for g in data_graphs(disk) if not g.startswith(GRAPH + "view/")] == sources
    for graph in sources:
        if graph != ONTOLOGY_GRAPH:  # the ontology's blank nodes are renamed on loading
            assert {str(t) for t in disk.triples(graph)} == {str(t) for t in store.triples(graph)}
    view = full_dataset(disk)  # built in bulk; the union of the current graphs
    union = {str(t) for g in view.named if g != ONTOLOGY_GRAPH for t in disk.triples(g)}
    assert union <= {str(t) for t in disk.triples(view.default[0])}
    assert disk.count(view.default[0]) == store.count(full_dataset(store).default[0])


def test_a_view_built_in_bulk_holds_each_graph_as_it_is_now(tmp_path):
    from kg.views import materialised

    store = Store(tmp_path / "new", bulk=True)
    graphs = [f"{GRAPH}g{i}" for i in range(5)]
    store.replace({g: [triple(f"{g[-2:]}-{j}") for j in range(3)] for g in graphs})
    store.update(f"INSERT DATA {{ GRAPH <{graphs[0]}> {{ <{A.value}> <{P.value}> 'added' }} }}")
    store.update(f"DELETE DATA {{ GRAPH <{graphs[1]}> {{ <{A.value}> <{P.value}> 'g1-0' }} }}")
    store.replace({graphs[2]: [triple("replaced")]})
    store.replace({}, drop=[graphs[3]])
    view = materialised(store, graphs).default[0]
    seen = {t.object.value for t in store.triples(view)}
    assert seen == {t.object.value for g in graphs for t in store.triples(g)}
    assert seen == {"g0-0", "g0-1", "g0-2", "added", "g1-1", "g1-2", "replaced", "g4-0"} | {
        "g4-1",
        "g4-2",
    }
    store.bulk = False
    assert store.texts([graphs[4]]) == [store.ntriples(graphs[4])]
