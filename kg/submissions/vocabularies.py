"""The codes a template's coded columns take, read from the vocabularies by SPARQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.content import Content, read_files
from kg.namespaces import sparql_prefixes

ROOT = Path(__file__).resolve().parents[2]  # the repository: the content bundled with the code

Select = Callable[[str], list[dict]]
# list name -> codes (notations, or a standard's key) with their labels, from concept schemes
# and from classes; the same query runs on the store or on the content's files.
CODES = """
SELECT DISTINCT ?list ?code ?label WHERE {
  {
    VALUES (?list ?scheme) {
      ("kind" kind:scheme) ("orbit_regime" orbit:scheme) ("status" status:scheme)
      ("mission_area" ma:scheme) ("data_type" dt:scheme) ("dissemination" dissem:scheme)
      ("role" role:scheme)
    }
    ?c skos:inScheme ?scheme ; skos:notation ?notation .
    BIND(STR(?notation) AS ?code)
    OPTIONAL { ?c skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
  } UNION {
    VALUES (?list ?class) {
      ("partner" csig:Nation) ("partner" csig:Organisation) ("nation" csig:Nation)
      ("coalition" csig:Coalition) ("marking_system" csig:MarkingSystem)
      ("classification" csig:ClassificationLevel)
    }
    ?c a ?class ; skos:notation ?notation .
    BIND(STR(?notation) AS ?code)
    OPTIONAL { ?c rdfs:label|skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
  } UNION {
    ?c a csig:DataStandard . BIND("standard" AS ?list)
    BIND(REPLACE(STR(?c), "^.*/", "") AS ?code)
    OPTIONAL { ?c rdfs:label ?label FILTER(LANG(?label) IN ("en", "")) }
  }
}
"""
# template column -> the list its drop-down offers
COLUMN_LISTS = {
    "provider": "partner",
    "kind": "kind",
    "mission_areas": "mission_area",
    "orbit_regime": "orbit_regime",
    "status": "status",
    "contributing_nations": "nation",
    "funding_nations": "nation",
    "marking_system": "marking_system",
    "classification": "classification",
    "dissemination": "dissemination",
    "releasable_to": "releasable",
    "exercise": "exercise",
}
TITLES = {
    "partner": "Partners (provider)",
    "nation": "Nations",
    "releasable": "Nations and coalitions (releasable_to)",
    "kind": "Capability kinds",
    "mission_area": "Mission areas",
    "orbit_regime": "Orbit regimes",
    "status": "Statuses",
    "marking_system": "Marking systems",
    "classification": "Classification levels (all systems)",
    "dissemination": "Dissemination controls",
    "exercise": "Exercise records",
    "data_type": "Data types (interfaces)",
    "standard": "Standards (interfaces)",
    "role": "Exchange roles",
}
Lists = dict[str, list[tuple[str, str]]]


def coded_lists(select: Select) -> Lists:
    """Return each list's (code, label) pairs, sorted by code, from one SPARQL SELECT."""
    labels: dict[str, dict[str, set[str]]] = {}
    for row in select(sparql_prefixes() + CODES):
        named = labels.setdefault(row["list"].value, {}).setdefault(row["code"].value, set())
        if "label" in row:
            named.add(row["label"].value)
    # one code may name several things (TS in several marking systems): all their labels
    found = {
        name: {code: " / ".join(sorted(names)) for code, names in codes.items()}
        for name, codes in labels.items()
    }
    if not found:
        return {}  # no vocabulary at all (a store not built yet)
    found["releasable"] = {**found.get("nation", {}), **found.get("coalition", {})}
    found["exercise"] = {"yes": "fictional exercise or test record"}
    return {name: sorted(codes.items()) for name, codes in found.items() if codes}


def store_lists(store, dataset) -> Lists:
    """Return the lists from a store's graphs that `dataset` shows (the vocabularies are public)."""
    return coded_lists(lambda sparql: store.select(sparql, dataset))


def file_lists(triples: Iterable[ox.Triple]) -> Lists:
    """Return the lists from vocabulary and reference triples (the content's files)."""
    memory = ox.Store()
    memory.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)

    def select(sparql: str) -> list[dict]:
        solutions = memory.query(sparql)
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in solutions]

    return coded_lists(select)


def content_lists(root: Path = ROOT) -> Lists:
    """Return the lists from the vocabulary and reference files of a content folder."""
    content = Content(root)
    files = sorted((content.ontology / "vocab").glob("*.ttl")) + content.reference_files()
    return file_lists(read_files(files))
