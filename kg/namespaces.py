"""IRIs of the project's namespaces and named graphs."""

from __future__ import annotations

BASE = "https://w3id.org/csig/"
CSIG = BASE + "ont#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

PREFIXES = {
    "csig": CSIG,
    "id": ID,
    "ma": BASE + "missionarea/",
    "dt": BASE + "datatype/",
    "orbit": BASE + "orbit/",
    "status": BASE + "status/",
    "kind": BASE + "kind/",
    "cls": BASE + "classification/",
    "dissem": BASE + "dissem/",
    "lifecycle": BASE + "lifecycle/",
    "role": BASE + "role/",
    "doctrine": BASE + "doctrine/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "prof": "http://www.w3.org/ns/dx/prof/",
    "sh": "http://www.w3.org/ns/shacl#",
}

ONTOLOGY_GRAPH = GRAPH + "ontology"
META_GRAPH = GRAPH + "meta"
OWNERS_GRAPH = GRAPH + "owners"  # ownership records; an acceptance only adds to it


def term(local: str) -> str:
    """Return the IRI of an ontology term.

    >>> term("Capability")
    'https://w3id.org/csig/ont#Capability'
    """
    return CSIG + local


def reference_graph(name: str) -> str:
    """Return the named graph of a reference data file.

    >>> reference_graph("standards")
    'https://w3id.org/csig/graph/reference/standards'
    """
    return f"{GRAPH}reference/{name}"


def partner_graph(partner: str, marking_key: str) -> str:
    """Return the named graph of a partner's current statements under one marking.

    >>> partner_graph("GBR", "us-u")
    'https://w3id.org/csig/graph/partner/GBR/us-u'
    """
    return f"{GRAPH}partner/{partner}/{marking_key}"


def history_graph(partner: str, version: int, marking_key: str) -> str:
    """Return the named graph that keeps one accepted version of a partner's marked data.

    >>> history_graph("GBR", 2, "us-u")
    'https://w3id.org/csig/graph/history/GBR/2/us-u'
    """
    return f"{GRAPH}history/{partner}/{version}/{marking_key}"


def sparql_prefixes(names: tuple[str, ...] | None = None) -> str:
    """Return SPARQL PREFIX declarations for the given (or all) prefixes."""
    chosen = names or tuple(PREFIXES)
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)
