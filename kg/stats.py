"""Counts of what the store holds, for `kg stats` and the home page."""

from __future__ import annotations

from kg.access import ANONYMOUS, Viewer, full_dataset, viewer_dataset
from kg.dataset import GraphStore
from kg.namespaces import sparql_prefixes

COUNTS = (
    sparql_prefixes(("csig", "skos", "rdf"))
    + """
SELECT
  (COUNT(DISTINCT ?cap) AS ?capabilities) (COUNT(DISTINCT ?std) AS ?standards)
  (COUNT(DISTINCT ?nation) AS ?nations) (COUNT(DISTINCT ?coalition) AS ?coalitions)
  (COUNT(DISTINCT ?ier) AS ?exchange_requirements) (COUNT(DISTINCT ?ma) AS ?mission_areas)
  (COUNT(DISTINCT ?iface) AS ?interfaces) (COUNT(DISTINCT ?partner) AS ?providing_partners)
WHERE {
  { ?cap a csig:Capability ; csig:providedBy ?partner }
  UNION { ?std a csig:DataStandard }
  UNION { ?nation a csig:Nation }
  UNION { ?coalition a csig:Coalition }
  UNION { ?ier a csig:InformationExchangeRequirement }
  UNION { ?ma skos:inScheme <https://w3id.org/csig/missionarea/scheme> }
  UNION { ?iface a csig:Interface }
}
"""
)


def stats(store: GraphStore, viewer: Viewer | None = ANONYMOUS) -> dict[str, int]:
    """Return counts over what `viewer` may see; `None` counts every current graph."""
    dataset = full_dataset(store) if viewer is None else viewer_dataset(store, viewer)
    row = store.select(COUNTS, dataset)[0]
    result = {name: int(term.value) for name, term in row.items()}
    result["graphs_visible"] = len(dataset.named)
    result["statements_visible"] = sum(store.count(g) for g in dataset.named)
    return result
