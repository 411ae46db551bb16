"""View graphs: one materialised union per set of visible graphs, so a query reads one graph.

Listing N graphs as a query's default graph costs about N times one graph in pyoxigraph
(DESIGN §8), so each distinct set of visible graphs gets a view graph holding their union.
A view is stamped with the store generation it was built from and rebuilt, in one update,
when the store has changed since. Views are never named graphs of any viewer's dataset.
"""

from __future__ import annotations

import hashlib

from kg.dataset import GENERATION, META, Dataset, GraphStore
from kg.namespaces import GRAPH

VIEW = GRAPH + "view/"


def view_of(graphs: tuple[str, ...]) -> str:
    """Return the IRI of the view graph for a set of source graphs.

    >>> view_of(("a", "b")) == view_of(("b", "a"))
    True
    """
    digest = hashlib.sha1("\n".join(sorted(graphs)).encode()).hexdigest()[:20]
    return VIEW + digest


def _stamp(store: GraphStore, view: str) -> int:
    rows = store.select(f"SELECT ?n WHERE {{ <{view}> <{GENERATION}> ?n }}", Dataset((META,)))
    return int(rows[0]["n"].value) if rows else -1


def rebuild(store: GraphStore, view: str, graphs: tuple[str, ...]) -> None:
    """Fill a view with the union of its graphs and stamp it, in one transaction.

    A new on-disk store still being built is filled by the bulk loader instead: no one reads
    it, and a view left half-filled by a crash has an old stamp, so it is rebuilt.
    """
    if store.bulk and store.path:
        return _rebuild_in_bulk(store, view, graphs)
    values = " ".join(f"<{g}>" for g in graphs)
    store.update(
        f"DROP SILENT GRAPH <{view}> ;\n"
        f"INSERT {{ GRAPH <{view}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {values} }} "
        f"GRAPH ?g {{ ?s ?p ?o }} }} ;\n" + _stamp_update(view)
    )


def _rebuild_in_bulk(store: GraphStore, view: str, graphs: tuple[str, ...]) -> None:
    """Fill a view of a store being built, which no one reads yet, with the bulk loader.

    Each graph comes as the N-Triples text it was written from (`Store.texts`: no Python
    object per statement, and no reading back, which took 22 of 87 s at 1M) and goes to the
    bulk loader, which stores a statement found in two graphs once, as in any graph.
    """
    store.update(f"DROP SILENT GRAPH <{view}>")
    store.load([(text, view) for text in store.texts(graphs)])
    store.update(_stamp_update(view))


def _stamp_update(view: str) -> str:
    return (
        f"DELETE {{ GRAPH <{META}> {{ <{view}> <{GENERATION}> ?old }} }} "
        f"WHERE {{ GRAPH <{META}> {{ <{view}> <{GENERATION}> ?old }} }} ;\n"
        f"INSERT {{ GRAPH <{META}> {{ <{view}> <{GENERATION}> ?n }} }} "
        f"WHERE {{ OPTIONAL {{ GRAPH <{META}> {{ <{META}> <{GENERATION}> ?g0 }} }} "
        f"BIND(COALESCE(?g0, 0) AS ?n) }}"
    )


def materialised(store: GraphStore, graphs: list[str]) -> Dataset:
    """Return a dataset reading the view of `graphs`, (re)building it when stale."""
    named = tuple(sorted(set(graphs)))
    if not store.embedded or not named:  # remote servers get the plain list
        return Dataset(named, named)
    view = view_of(named)
    with store.lock:
        if _stamp(store, view) != store.generation():
            rebuild(store, view, named)
    return Dataset((view,), named)
