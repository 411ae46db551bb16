"""Labels of the IRIs a table shows, read from the viewer's dataset in a few queries."""

from __future__ import annotations

import pyoxigraph as ox

from kg.dataset import Dataset, GraphStore
from kg.namespaces import sparql_prefixes

LABELS = sparql_prefixes(("rdfs", "skos")) + (
    "SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?s {{ {} }} "
    '?s rdfs:label|skos:prefLabel ?l . FILTER(LANG(?l) IN ("en", "")) }} GROUP BY ?s'
)
BATCH = 400  # IRIs per query
CSIG = "https://w3id.org/csig/"


def labels(store: GraphStore, dataset: Dataset, values: set[str]) -> dict[str, str]:
    """Return the label of each of this project's IRIs among `values` that has one.

    The IRIs go into a VALUES block as terms written by pyoxigraph, never as raw text.
    """
    iris = sorted(v for v in values if v.startswith(CSIG) and " " not in v)
    found: dict[str, str] = {}
    for start in range(0, len(iris), BATCH):
        terms = []
        for value in iris[start : start + BATCH]:
            try:
                terms.append(str(ox.NamedNode(value)))
            except ValueError:
                continue
        if terms:
            rows = store.select(LABELS.format(" ".join(terms)), dataset)
            found |= {r["s"].value: r["label"].value for r in rows if "label" in r}
    return found
