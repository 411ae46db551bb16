"""Provenance for pages: which accepted submission version asserted a fact, never more."""

from __future__ import annotations

from kg.namespaces import META_GRAPH, sparql_prefixes
from kg.store import Dataset
from kg.web.auth import current_dataset
from kg.web.state import state

GRAPH_VERSIONS = sparql_prefixes(("csig", "prov")) + """
SELECT ?g ?version ?submission ?time ?user ?sha WHERE {
  ?g csig:version ?version ; csig:partner ?partner .
  ?submission a csig:Submission ; csig:partner ?partner ; csig:version ?version ;
     prov:generatedAtTime ?time ; prov:wasAttributedTo ?user ; csig:sha256 ?sha .
  FILTER(STRSTARTS(STR(?g), "https://w3id.org/csig/graph/partner/"))
}
"""

VERSION_GRAPHS = sparql_prefixes(("csig",)) + """
SELECT ?version ?g WHERE {
  ?s a csig:Submission ; csig:partnerCode ?_partner ; csig:version ?version ; csig:graph ?g .
}
"""


def graph_versions(graphs: set[str]) -> dict[str, dict]:
    """Return, for each visible partner graph in `graphs`, the submission that produced it."""
    visible = set(current_dataset().named) & graphs
    if not visible:
        return {}
    rows = state().store.select(GRAPH_VERSIONS, Dataset((META_GRAPH,)))
    return {
        r["g"].value: {"version": int(r["version"].value), "submission": r["submission"].value,
                       "time": r["time"].value, "user": r["user"].value.rsplit("/", 1)[-1],
                       "sha256": r["sha"].value}
        for r in rows if r["g"].value in visible
    }


def counts_visible(partner: str) -> dict[int, bool]:
    """Return, per version, whether the viewer sees every graph it wrote (so its counts)."""
    import pyoxigraph as ox

    rows = state().store.select(VERSION_GRAPHS, Dataset((META_GRAPH,)),
                                {"_partner": ox.Literal(partner)})
    visible_keys = {g.rsplit("/", 1)[-1] for g in current_dataset().named
                    if g.startswith(f"https://w3id.org/csig/graph/partner/{partner}/")}
    current = [g for g in state().store.graphs()
               if g.startswith(f"https://w3id.org/csig/graph/partner/{partner}/")]
    all_current = all(g in current_dataset().named for g in current)
    shown: dict[int, bool] = {}
    for r in rows:
        version = int(r["version"].value)
        key = r["g"].value.rsplit("/", 1)[-1]
        shown[version] = shown.get(version, True) and all_current and key in visible_keys
    return shown
