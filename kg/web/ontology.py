"""Ontology documentation: classes, properties and concept schemes with their definitions."""

from __future__ import annotations

from flask import Blueprint

from kg.web.pages import answer, api_route, local, select

bp = Blueprint("ontology", __name__)

CLASSES = """
SELECT ?c ?label ?definition (GROUP_CONCAT(DISTINCT STR(?super); separator=" ") AS ?supers)
       ?deprecated WHERE {
  ?c a owl:Class ; rdfs:label ?label . FILTER(STRSTARTS(STR(?c), STR(csig:)))
  OPTIONAL { ?c skos:definition ?definition }
  OPTIONAL { ?c rdfs:subClassOf ?super FILTER(isIRI(?super)) }
  OPTIONAL { ?c owl:deprecated ?deprecated }
} GROUP BY ?c ?label ?definition ?deprecated ORDER BY ?label
"""
PROPERTIES = """
SELECT ?p ?label ?definition ?kind ?domain ?range ?deprecated WHERE {
  ?p a ?kind ; rdfs:label ?label . FILTER(STRSTARTS(STR(?p), STR(csig:)))
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
  OPTIONAL { ?p skos:definition ?definition }
  OPTIONAL { ?p rdfs:domain ?domain FILTER(isIRI(?domain)) }
  OPTIONAL { ?p rdfs:range ?range FILTER(isIRI(?range)) }
  OPTIONAL { ?p owl:deprecated ?deprecated }
} ORDER BY ?label
"""
SCHEMES = """
SELECT ?scheme ?label ?definition (COUNT(DISTINCT ?concept) AS ?concepts) WHERE {
  ?scheme a skos:ConceptScheme . OPTIONAL { ?scheme skos:prefLabel|rdfs:label ?label }
  OPTIONAL { ?scheme skos:definition|dcterms:description ?definition }
  OPTIONAL { ?concept skos:inScheme ?scheme }
} GROUP BY ?scheme ?label ?definition ORDER BY ?label
"""
CONCEPTS = """
SELECT ?scheme ?concept ?label ?notation ?definition ?broader WHERE {
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
  OPTIONAL { ?concept skos:notation ?notation }
  OPTIONAL { ?concept skos:definition ?definition }
  OPTIONAL { ?concept skos:broader ?broader }
} ORDER BY ?scheme ?notation ?label
"""


def properties() -> list[dict]:
    """Return the ontology's properties, merging rows that differ only in domain or range."""
    merged: dict[str, dict] = {}
    for row in select(PROPERTIES):
        entry = merged.setdefault(
            row["p"], dict(row, kind=local(row["kind"]), domains=[], ranges=[])
        )
        for name, key in (("domain", "domains"), ("range", "ranges")):
            if row.get(name) and row[name] not in entry[key]:
                entry[key].append(row[name])
    return list(merged.values())


def schemes() -> list[dict]:
    """Return the concept schemes, each with its concepts."""
    concepts: dict[str, list] = {}
    for row in select(CONCEPTS):
        concepts.setdefault(row.pop("scheme"), []).append(row)
    rows = select(SCHEMES)
    for row in rows:
        row["concepts"] = concepts.get(row["scheme"], [])
    return [r for r in rows if r["concepts"]]


@api_route(bp, "/ontology", "/api/ontology")
def ontology():
    """Document the ontology's classes, properties and schemes."""
    classes = select(CLASSES)
    for row in classes:
        row["supers"] = row.get("supers", "").split()
    return answer("ontology.html", classes=classes, properties=properties(), schemes=schemes())
