"""The partner interoperability network: islands, bridges, single points of failure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from kg.analysis.model import Model, short


@dataclass
class NetworkFindings:
    """What the network shows: its size, islands, bridges, cut partners, central standards."""

    partners: int = 0
    links: int = 0
    islands: list[list[str]] = field(default_factory=list)
    bridges: list[tuple[str, str]] = field(default_factory=list)
    articulation_points: list[str] = field(default_factory=list)
    version_mismatch_links: list[tuple[str, str]] = field(default_factory=list)
    standards: list[dict] = field(default_factory=list)


def partner_network(model: Model, data_type: str | None = None) -> nx.Graph:
    """Build the partner graph: an edge when two partners' standards for a type connect.

    Edge attributes: `exact` (data types with the same or parallel standards) and `family`
    (data types connected only through the standard family or a translator: a version
    mismatch or a conversion). Standards are compared by the rule of docs/analysis.md, in a
    shared role, either way.
    """
    uses: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    graph = nx.Graph()
    for i in model.interfaces:
        if data_type and i.data_type != data_type:
            continue
        graph.add_node(i.partner)
        uses[i.data_type][i.partner].add((i.standard, i.role))
    for dtype, by_partner in uses.items():
        partners = sorted(by_partner)
        for n, a in enumerate(partners):
            for b in partners[n + 1 :]:
                kind = _connection(model, by_partner[a], by_partner[b], dtype)
                if kind:
                    _link(graph, a, b, kind, dtype)
    for _, _, attrs in graph.edges(data=True):
        attrs["family"] -= attrs["exact"]
    return graph


def _connection(model: Model, a: set, b: set, data_type: str) -> str | None:
    """Return "exact", "family" or None for two partners' uses of one data type."""
    kinds = {model.best(a, b, data_type).kind, model.best(b, a, data_type).kind}
    if kinds & {"same", "equivalent"}:
        return "exact"
    return "family" if kinds & {"family", "convertible"} else None


def _link(graph: nx.Graph, a: str, b: str, kind: str, data_type: str) -> None:
    """Add a data type to an edge's exact or family set."""
    if not graph.has_edge(a, b):
        graph.add_edge(a, b, exact=set(), family=set())
    graph[a][b][kind].add(data_type)


def standard_centrality(model: Model, data_type: str | None = None) -> list[dict]:
    """Rank standards by betweenness in the bipartite partner–standard graph."""
    graph = nx.Graph()
    for i in model.interfaces:
        if not data_type or i.data_type == data_type:
            graph.add_edge(("p", i.partner), ("s", i.standard))
    between = nx.betweenness_centrality(graph, normalized=True)
    rows = [
        {
            "standard": short(node[1]),
            "partners": graph.degree(node),
            "betweenness": round(between[node], 4),
        }
        for node in graph
        if node[0] == "s"
    ]
    return sorted(rows, key=lambda r: (-r["betweenness"], -r["partners"], r["standard"]))


def analyse(model: Model, data_type: str | None = None) -> NetworkFindings:
    """Return the network findings of a model, partners named by their codes."""
    graph = partner_network(model, data_type)
    islands = sorted(
        (sorted(short(p) for p in c) for c in nx.connected_components(graph)),
        key=lambda c: (-len(c), c),
    )
    mismatch = sorted(
        tuple(sorted((short(a), short(b))))
        for a, b, d in graph.edges(data=True)
        if d["family"] and not d["exact"]
    )
    return NetworkFindings(
        partners=graph.number_of_nodes(),
        links=graph.number_of_edges(),
        islands=islands,
        bridges=sorted(tuple(sorted((short(a), short(b)))) for a, b in nx.bridges(graph)),
        articulation_points=sorted(short(p) for p in nx.articulation_points(graph)),
        version_mismatch_links=mismatch,
        standards=standard_centrality(model, data_type),
    )
