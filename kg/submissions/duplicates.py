"""Possible duplicates: a new capability named like one the submitter can already see."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pyoxigraph as ox

from kg.dataset import Dataset, GraphStore
from kg.namespaces import PREFIXES, sparql_prefixes
from kg.submissions.read import Source
from kg.submissions.report import Finding
from kg.submissions.structure import Structure, identifier

NAMES = (
    sparql_prefixes(("csig", "rdfs", "skos", "dcterms"))
    + """
SELECT ?cap ?name ?label WHERE {
  ?cap a csig:Capability .
  { ?cap rdfs:label ?name } UNION { ?cap skos:altLabel ?name }
  UNION { ?cap dcterms:identifier ?name }
  OPTIONAL { ?cap rdfs:label ?label }
}
"""
)
NAME_PREDICATES = {
    PREFIXES["rdfs"] + "label",
    PREFIXES["skos"] + "altLabel",
    PREFIXES["dcterms"] + "identifier",
}


def key(name: str) -> str:
    """Return a name reduced to lower-case letters and digits, for comparison.

    >>> key("Skynet 5 (5A-5D)") == key("skynet-5 5a 5d")
    True
    """
    text = unicodedata.normalize("NFKD", name).casefold()
    return "".join(c for c in text if c.isalnum())


def names_of(structure: Structure, cap) -> set[str]:
    """Return the label, alternative labels and identifier of a capability, as keys."""
    found = {
        key(t.object.value)
        for t in structure.by_subject.get(cap, [])
        if t.predicate.value in NAME_PREDICATES
    }
    found.add(key(identifier(cap)))
    return found - {""}


def possible_duplicates(
    store: GraphStore, dataset: Callable[[], Dataset], source: Source, known: set[str]
) -> list[Finding]:
    """Warn about each new capability (not in `known`) named like one of `dataset()`."""
    structure = Structure.of(source.triples)
    new = [c for c in structure.capabilities if c.value not in known]
    if not new:
        return []
    visible: dict[str, dict[str, str]] = {}
    for row in store.select(NAMES, dataset()):
        entry = visible.setdefault(key(row["name"].value), {})
        entry[row["cap"].value] = row["label"].value if "label" in row else row["cap"].value
    findings = []
    for cap in new:
        matches = {
            iri: label
            for k in names_of(structure, cap)
            for iri, label in visible.get(k, {}).items()
            if iri != cap.value
        }
        findings += [_warning(cap, iri, label, source) for iri, label in sorted(matches.items())]
    return findings


def _warning(cap: ox.NamedNode, other: str, label: str, source: Source) -> Finding:
    return Finding(
        "warning",
        f"possible duplicate of {label} <{other}>: its name, alternative name or "
        "identifier matches this new capability's. If it is the same system, describe your "
        "part as a contribution to it (contributingNation, hostedOn) instead of a second record",
        field="name",
        value=identifier(cap),
        capability=identifier(cap),
        subject=cap.value,
        row=source.rows.get(cap.value),
        line=source.lines.get(cap.value),
    )
