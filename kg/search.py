"""Search: resources whose key, notation, identifier or label holds the text, best match first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.dataset import Dataset, GraphStore
from kg.namespaces import CSIG, sparql_prefixes

# One row per (resource, matching text); the key is the last segment of a labelled resource's IRI.
MATCHES = """
SELECT ?s ?field ?text ?label ?type ?tlabel WHERE {
  {
    { ?s skos:notation|dcterms:identifier ?text BIND("key" AS ?field) }
    UNION { ?s rdfs:label|skos:prefLabel|dcterms:title ?text BIND("label" AS ?field) }
    UNION { ?s skos:altLabel ?text BIND("alt" AS ?field) }
    UNION {
      SELECT DISTINCT ?s ?text ?field WHERE {
        ?s rdfs:label|skos:prefLabel [] . FILTER(isIRI(?s))
        BIND(REPLACE(STR(?s), "^.*[/#]", "") AS ?text) BIND("key" AS ?field)
      }
    }
  }
  FILTER(CONTAINS(LCASE(STR(?text)), ?_q))
  OPTIONAL { ?s rdfs:label|skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
  OPTIONAL {
    ?s a ?type FILTER(isIRI(?type) && ?type NOT IN (owl:NamedIndividual, rdfs:Resource))
    OPTIONAL { ?type rdfs:label ?tlabel FILTER(LANG(?tlabel) IN ("en", "")) }
  }
}
"""
# What a rank means, best first; the number is the order of the results.
RANKS = {
    0: "exact identifier or notation",
    1: "exact label",
    2: "label starts with it",
    3: "a word starts with it",
    4: "contains it",
}
GENERIC_TYPES = ("http://www.w3.org/2004/02/skos/core#Concept", "http://www.w3.org/2002/07/owl#")


@dataclass
class Hit:
    """A resource that matches: its best rank, the text that matched, label and types."""

    iri: str
    label: str = ""
    rank: int = 99
    matched: str = ""
    types: dict[str, str] = field(default_factory=dict)

    @property
    def type(self) -> str:
        """Return the IRI of the most telling type: the project's own before generic ones."""
        ranked = sorted(self.types, key=lambda t: (not t.startswith(CSIG), t in GENERIC_TYPES, t))
        return ranked[0] if ranked else ""

    @property
    def type_label(self) -> str:
        """Return the label of the most telling type (its IRI's last segment when unlabelled)."""
        chosen = self.type
        if not chosen:
            return "Other"
        return self.types.get(chosen) or re.split(r"[/#]", chosen)[-1]

    def as_dict(self) -> dict:
        """Return the hit as JSON."""
        return {
            "iri": self.iri,
            "label": self.label,
            "type": self.type,
            "type_label": self.type_label,
            "matched": self.matched,
            "rank": self.rank,
            "why": RANKS[self.rank],
        }


def rank_of(query: str, field_name: str, text: str) -> int:
    """Return how well `text` (a key, label or alternative label) matches `query`, 0 best.

    >>> rank_of("ccsds-omm", "key", "ccsds-omm")
    0
    >>> rank_of("omm", "label", "CCSDS OMM")
    3
    >>> rank_of("omm", "label", "Common data link")
    4
    >>> rank_of("skynet", "alt", "Skynet 5")
    2
    """
    q, t = query.casefold(), text.casefold()
    if t == q:
        return 0 if field_name == "key" else 1
    if field_name != "key" and t.startswith(q):
        return 2
    words = re.split(r"[^\w]+", t)
    if any(w.startswith(q) for w in words if w) or t.startswith(q):
        return 3
    return 4


def search(store: GraphStore, dataset: Dataset, query: str) -> list[Hit]:
    """Return the resources of `dataset` matching `query`, best first."""
    text = query.strip()
    if not text:
        return []
    rows = store.select(sparql_prefixes() + MATCHES, dataset, {"_q": ox.Literal(text.lower())})
    hits: dict[str, Hit] = {}
    for row in rows:
        hit = hits.setdefault(row["s"].value, Hit(row["s"].value))
        if "label" in row and not hit.label:
            hit.label = row["label"].value
        if "type" in row:
            hit.types.setdefault(row["type"].value, row.get("tlabel", ox.Literal("")).value)
        rank = rank_of(text, row["field"].value, row["text"].value)
        if rank < hit.rank or (rank == hit.rank and len(row["text"].value) < len(hit.matched)):
            hit.rank, hit.matched = rank, row["text"].value
    return sorted(hits.values(), key=lambda h: (h.rank, len(h.label or h.iri), h.label, h.iri))


def facets(hits: list[Hit]) -> list[dict]:
    """Return the count of hits per type, most first: the facets of a search."""
    counts: dict[str, list] = {}
    for hit in hits:
        counts.setdefault(hit.type, [hit.type_label, 0])[1] += 1
    return sorted(
        ({"type": t, "label": lab, "count": n} for t, (lab, n) in counts.items()),
        key=lambda f: (-f["count"], f["label"]),
    )
