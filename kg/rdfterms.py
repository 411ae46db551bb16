"""Convert RDF terms between pyoxigraph (the store) and rdflib (pySHACL, serialisers)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal):
    """Return the rdflib term equal to a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == XSD_STRING else datatype)


def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Return the pyoxigraph term equal to an rdflib term."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def graph_of(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """Return an rdflib graph holding `triples`.

    A submission repeats the same IRIs and literals (predicates, classes, codes) many times,
    and building an rdflib term costs far more than looking it up, so each is built once.
    """
    graph = rdflib.Graph()
    terms: dict = {}

    def term(t):
        found = terms.get(t)
        if found is None:
            found = terms[t] = to_rdflib(t)
        return found

    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)
    return graph


def triples_of(graph: rdflib.Graph) -> list[ox.Triple]:
    """Return the triples of an rdflib graph as pyoxigraph triples."""
    return [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph]


def n3(term) -> str:
    """Return a pyoxigraph term in N-Triples syntax.

    >>> n3(ox.NamedNode("http://example.org/a"))
    '<http://example.org/a>'
    """
    return str(term)
