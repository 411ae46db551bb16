"""Run read-only SPARQL safely on a viewer's dataset: parsed first, no SERVICE, FROM kept inside."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.bindings import bind
from kg.dataset import Dataset, GraphStore
from kg.guard import Inspection, QueryError, inspect
from kg.namespaces import GRAPH

__all__ = ["QueryError", "QueryResult", "bind", "collect", "run_query", "scoped_dataset"]
PARTNER = GRAPH + "partner/"
EMPTY_GRAPH = GRAPH + "empty"  # a graph no one writes: what a FROM of an unseen graph reads
# The base IRI of a query that declares none (the protocol lets the service choose one), so a
# relative IRI such as <s> means the same on every surface; a query's own BASE overrides it.
QUERY_BASE = "https://w3id.org/csig/query/"


@dataclass
class QueryResult:
    """A query's answer: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


def seen_graphs(graphs, dataset: Dataset) -> tuple[str, ...]:
    """Return the graphs of `graphs` in the viewer's dataset, in order, once each.

    A partner's Graph Store name (`…/graph/partner/P`) stands for P's marking graphs the
    viewer may see (`…/graph/partner/P/KEY`): the graphs its data is kept in.
    """
    seen, found = set(dataset.named), []
    for graph in graphs:
        if graph in seen:
            found.append(graph)
        elif partner_alias(graph):
            found += sorted(g for g in seen if g.startswith(graph + "/"))
    return tuple(dict.fromkeys(found))


def partner_alias(graph: str) -> bool:
    """Return whether an IRI is a partner's Graph Store name rather than a stored graph.

    >>> partner_alias(GRAPH + "partner/GBR"), partner_alias(GRAPH + "partner/GBR/us-u")
    (True, False)
    """
    code = graph.removeprefix(PARTNER)
    return graph.startswith(PARTNER) and bool(code) and "/" not in code


def where_kept(text: str) -> list[str]:
    """Return the partner Graph Store names a query's `GRAPH <…>` patterns use, if any.

    No graph has such a name, so the pattern matches nothing; the endpoint points to where
    the data is.
    """
    try:
        return [g for g in inspect(f"BASE <{QUERY_BASE}> {text}").graph_iris if partner_alias(g)]
    except QueryError:
        return []


def scoped_dataset(inspection: Inspection, dataset: Dataset, honour_from: bool = True) -> Dataset:
    """Honour FROM / FROM NAMED within the viewer's dataset; any other graph reads as empty.

    A graph that does not exist and a graph the viewer may not see are both an empty graph,
    so the two cannot be told apart. With `honour_from` false (the protocol named the
    dataset, which overrides the query's own) the dataset is used as it is.
    """
    if not honour_from or not (inspection.from_graphs or inspection.from_named):
        return dataset
    default = seen_graphs(inspection.from_graphs, dataset)
    return Dataset(default or (EMPTY_GRAPH,), seen_graphs(inspection.from_named, dataset))


def run_query(
    store: GraphStore,
    text: str,
    dataset: Dataset,
    bindings: dict | None = None,
    row_cap: int = 0,
    honour_from: bool = True,
) -> QueryResult:
    """Run a read-only query on `dataset`; refuse SERVICE and updates, decided on the parse."""
    inspection = inspect(f"BASE <{QUERY_BASE}> {text}")
    if inspection.refused:
        raise QueryError(
            f"{inspection.refused} is not allowed: this endpoint is read-only "
            "and never contacts other services"
        )
    try:
        answer = store.query(
            inspection.text, scoped_dataset(inspection, dataset, honour_from), bindings
        )
    except SyntaxError as err:
        raise QueryError(f"malformed query: {err}") from err
    return collect(answer, row_cap)


def collect(answer, row_cap: int = 0) -> QueryResult:
    """Turn a pyoxigraph answer into a `QueryResult`, keeping at most `row_cap` rows."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples = []
        for triple in answer:
            if row_cap and len(triples) >= row_cap:
                return QueryResult("graph", triples=triples, truncated=True)
            triples.append(triple)
        return QueryResult("graph", triples=triples)
    names = [v.value for v in answer.variables]
    rows = []
    for solution in answer:
        if row_cap and len(rows) >= row_cap:
            return QueryResult("select", names, rows, truncated=True)
        rows.append({n: v for n in names if (v := solution[n]) is not None})
    return QueryResult("select", names, rows)
