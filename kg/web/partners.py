"""Partners: nations, organisations and coalitions with capabilities, memberships, history."""

from __future__ import annotations

from flask import Blueprint, abort, request

from kg.errors import KGError
from kg.namespaces import ID
from kg.web.auth import current_user
from kg.web.pages import answer, api_route, iri, select
from kg.web.provenance import disclosed, may_manage
from kg.web.state import state
from kg.web.viewer_cache import kept

bp = Blueprint("partners", __name__)

TYPES = ("Coalition", "StandardsBody", "Nation", "Organisation")
LIST = """
SELECT ?p ?label ?notation (GROUP_CONCAT(DISTINCT STRAFTER(STR(?type), "#")) AS ?types)
       (COUNT(DISTINCT ?cap) AS ?capabilities) WHERE {
  ?p a ?type ; rdfs:label ?label .
  VALUES ?type { csig:Nation csig:Organisation csig:Coalition csig:StandardsBody }
  OPTIONAL { ?p skos:notation ?notation }
  OPTIONAL { ?cap a csig:Capability ; csig:providedBy ?p }
} GROUP BY ?p ?label ?notation ORDER BY ?label
"""
ABOUT = """
SELECT ?label ?notation ?description ?nation ?nlabel
       (GROUP_CONCAT(DISTINCT STRAFTER(STR(?type), "#")) AS ?types) WHERE {
  ?_p a ?type ; rdfs:label ?label .
  VALUES ?type { csig:Nation csig:Organisation csig:Coalition csig:StandardsBody }
  OPTIONAL { ?_p skos:notation ?notation }
  OPTIONAL { ?_p dcterms:description|skos:definition ?description }
  OPTIONAL { ?_p csig:nation ?nation . ?nation rdfs:label ?nlabel }
} GROUP BY ?label ?notation ?description ?nation ?nlabel
"""
CAPABILITIES = """
SELECT ?cap ?label ?slabel ?klabel ?marking ?exercise WHERE {
  ?cap a csig:Capability ; csig:providedBy ?_p ; rdfs:label ?label .
  OPTIONAL { ?cap csig:status/skos:prefLabel ?slabel }
  OPTIONAL { ?cap csig:kind/skos:prefLabel ?klabel }
  OPTIONAL { ?cap csig:hasMarking/csig:markingText ?marking }
  OPTIONAL { ?cap csig:exerciseData ?exercise }
} ORDER BY ?label
"""
MEMBERSHIPS = """
SELECT ?m ?member ?mlabel ?coalition ?clabel ?start ?end (SAMPLE(?src) AS ?source) WHERE {
  ?m a csig:Membership ; csig:member ?member ; csig:coalition ?coalition .
  FILTER(?member = ?_p || ?coalition = ?_p)
  ?member rdfs:label ?mlabel . ?coalition rdfs:label ?clabel .
  OPTIONAL { ?m csig:startDate ?start } OPTIONAL { ?m csig:endDate ?end }
  OPTIONAL { ?m dcterms:source ?src }
} GROUP BY ?m ?member ?mlabel ?coalition ?clabel ?start ?end ORDER BY ?clabel ?mlabel
"""


def kind(types: str) -> str:
    """Return the most specific partner type named in a space-separated list."""
    return next((t for t in TYPES if t in types.split()), "Organisation")


FILTERS = ("capabilities",)  # ?has=capabilities: only partners that provide some


@api_route(bp, "/partners", "/api/partners")
def partners():
    """List partners grouped by kind, with how many capabilities each provides; `has`
    filters to the partners with data, and the counts say how many each choice shows."""
    has = request.args.get("has", "").strip()
    if has and has not in FILTERS:
        raise KGError(f"has: {has!r} is not a filter; use has=capabilities or leave it out")
    found = kept("partners", None, groups)
    every = sum(len(rows) for rows in found.values())
    providing = sum(1 for rows in found.values() for p in rows if p["capabilities"])
    if has:
        found = {k: [p for p in rows if p["capabilities"]] for k, rows in found.items()}
    return answer(
        "partners.html",
        groups=found,
        has=has or None,
        counts={"all": every, "capabilities": providing},
    )


def groups() -> dict[str, list]:
    """Return the visible partners grouped by kind, each with its capability count."""
    found: dict[str, list] = {t: [] for t in TYPES}
    for row in select(LIST):
        row["capabilities"] = int(row["capabilities"])
        found[kind(row.pop("types"))].append(row)
    return found


def partner(value: str) -> dict | None:
    """Return what the viewer may see about one partner, or None."""
    about = select(ABOUT, _p=iri(value))
    if not about:
        return None
    data = dict(about[0], iri=value, kind=kind(about[0].pop("types")))
    caps = select(CAPABILITIES, _p=iri(value))
    for cap in caps:
        cap["exercise"] = cap.get("exercise") == "true"
    memberships = select(MEMBERSHIPS, _p=iri(value))
    code = data.get("notation", value.rsplit("/", 1)[-1])
    return dict(
        data,
        capabilities=caps,
        memberships=memberships,
        code=code,
        submissions=disclosed(code) if code in state().context.catalogue.partners else [],
        manages=may_manage(current_user(), code),
    )


def show(value: str):
    """Answer the partner page for an instance IRI (404 when it is not visible)."""
    data = partner(value)
    if data is None:
        abort(404)
    return answer("partner.html", **data)


@bp.get("/api/partners/<kind_>/<key>")
def api_partner(kind_: str, key: str):
    """Return one partner as JSON (`kind_` is nation, org or coalition)."""
    return show(f"{ID}{kind_}/{key}")
