"""Linked data: every instance IRI dereferences, HTML for browsers and RDF by negotiation."""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, request

from kg.namespaces import ID
from kg.results import to_graph
from kg.sparql import run_query
from kg.web import capabilities, partners, standards
from kg.web.auth import current_dataset
from kg.web.negotiation import negotiate
from kg.web.pages import PREFIXES, answer, iri, local, select
from kg.web.state import state

bp = Blueprint("linked", __name__)

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
}
OFFERS = ["text/html", "application/json", *RDF_TYPES]
FORMATS = {
    "html": "text/html",
    "json": "application/json",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
}
VIEWS = {
    "capability/": capabilities.show,
    "nation/": partners.show,
    "org/": partners.show,
    "coalition/": partners.show,
    "standard/": standards.show,
}
DESCRIBE = """
CONSTRUCT { ?_iri ?p ?o . ?part ?pp ?po } WHERE {
  { ?_iri ?p ?o }
  UNION { ?_iri ?p ?part . ?part ?pp ?po
          FILTER(isIRI(?part) && STRSTARTS(STR(?part), CONCAT(STR(?_iri), "/"))) }
}
"""
OUT = """
SELECT ?p ?plabel ?o ?olabel WHERE {
  ?_iri ?p ?o .
  OPTIONAL { ?p rdfs:label ?plabel FILTER(LANG(?plabel) IN ("en", "")) }
  OPTIONAL { ?o rdfs:label|skos:prefLabel ?olabel FILTER(LANG(?olabel) IN ("en", "")) }
} ORDER BY ?p ?o LIMIT 500
"""
IN = """
SELECT ?s ?slabel ?p ?plabel WHERE {
  ?s ?p ?_iri .
  OPTIONAL { ?p rdfs:label ?plabel FILTER(LANG(?plabel) IN ("en", "")) }
  OPTIONAL { ?s rdfs:label|skos:prefLabel ?slabel FILTER(LANG(?slabel) IN ("en", "")) }
} ORDER BY ?p ?s LIMIT 500
"""


def visible(value: str) -> bool:
    """Return whether the viewer's dataset says anything about `value`."""
    return bool(select("SELECT ?p WHERE { ?_iri ?p ?o } LIMIT 1", _iri=iri(value)))


def chosen_type() -> str | None:
    """Return the media type asked for by `?format=` or by the Accept header."""
    if request.args.get("format"):
        return FORMATS.get(request.args["format"])
    return negotiate(request.headers.get("Accept"), OFFERS)


def describe(value: str, media: str) -> Response:
    """Answer the resource and its own parts (interfaces, marking) in an RDF format."""
    result = run_query(state().store, PREFIXES + DESCRIBE, current_dataset(), {"_iri": iri(value)})
    body = to_graph(result, RDF_TYPES[media])
    return Response(body, content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


def resource_page(value: str):
    """Answer the generic page of a resource: its statements, both ways."""
    out = select(OUT, _iri=iri(value))
    label = next((r["o"] for r in out if local(r["p"]) in ("label", "prefLabel")), local(value))
    return answer(
        "resource.html", iri=value, label=label, outgoing=out, incoming=select(IN, _iri=iri(value))
    )


def dereference(value: str):
    """Answer an IRI in the negotiated format; 404 when the viewer cannot see it."""
    media = chosen_type()
    if media is None:
        abort(406)
    if not visible(value):
        abort(404)
    if media in RDF_TYPES:
        return describe(value, media)
    rest = value.removeprefix(ID)
    view = next(
        (
            v
            for prefix, v in VIEWS.items()
            if value.startswith(ID)
            and rest.startswith(prefix)
            and "/" not in rest.removeprefix(prefix)
        ),
        None,
    )
    return view(value) if view else resource_page(value)


@bp.get("/id/<path:rest>")
def instance(rest: str):
    """Dereference an instance IRI: https://w3id.org/csig/id/X is served at /id/X."""
    response = make_response(dereference(ID + rest))
    response.vary.add("Accept")
    return response


@bp.get("/resource")
def resource():
    """Show any IRI of the viewer's dataset (ontology terms, concepts) by its `iri` parameter."""
    value = request.args.get("iri", "")
    if not value:
        abort(400, description="give the IRI to show as ?iri=")
    return dereference(value)
