"""The OpenAPI description of /api, built from a table of the JSON routes."""

from __future__ import annotations

from flask import Blueprint, jsonify

bp = Blueprint("openapi", __name__)

# path, summary, path parameters, query parameters
ROUTES = (
    ("/api/stats", "Counts of what the viewer's dataset holds", (), ()),
    ("/api/coverage", "Capabilities per partner and top-level mission area", (), ()),
    ("/api/partners", "Partners grouped by kind, with capability counts", (), ()),
    ("/api/partners/{kind_}/{key}", "One partner: capabilities, memberships, submission history",
     ("kind_", "key"), ()),
    ("/api/capabilities", "Capabilities with facet counts",
     (), ("mission_area", "partner", "orbit", "status", "kind")),
    ("/api/capabilities/{slug}", "One capability: fields, interfaces, marking, provenance",
     ("slug",), ()),
    ("/api/mission-areas", "Mission areas as a tree with coverage counts", (), ()),
    ("/api/standards", "The standards catalogue, searchable and filtered",
     (), ("q", "datatype", "body", "lifecycle")),
    ("/api/standards/{key}", "One standard: lineage and the capabilities using it", ("key",), ()),
    ("/api/strategy", "Goals, lines of effort, activities, risks and mitigations", (), ()),
    ("/api/ontology", "Classes, properties and concept schemes", (), ()),
    ("/api/search", "Resources whose label, notation or identifier contains q", (), ("q",)),
)
KINDS = {"kind_": ["nation", "org", "coalition"]}


def parameter(name: str, where: str) -> dict:
    """Return the OpenAPI description of one string parameter."""
    schema: dict = {"type": "string"}
    if name in KINDS:
        schema["enum"] = KINDS[name]
    return {"name": name, "in": where, "required": where == "path", "schema": schema}


def operation(summary: str, path_params: tuple, query_params: tuple) -> dict:
    """Return the OpenAPI description of one GET operation answering JSON."""
    responses = {"200": {"description": summary,
                         "content": {"application/json": {"schema": {"type": "object"}}}},
                 "401": {"description": "Invalid bearer token"}}
    if path_params:
        responses["404"] = {"description": "Not found, or not visible to you"}
    return {"get": {"summary": summary, "responses": responses,
                    "parameters": [parameter(p, "path") for p in path_params]
                    + [parameter(q, "query") for q in query_params]}}


def document() -> dict:
    """Return the OpenAPI 3.0 document describing /api."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Coalition space interoperability graph API", "version": "1.0.0",
                 "description": "JSON twins of the explorer's pages. Every answer comes from "
                                "the caller's viewer dataset; send 'Authorization: Bearer "
                                "TOKEN' to see what is releasable to you."},
        "paths": {path: operation(s, pp, qp) for path, s, pp, qp in ROUTES},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{}, {"bearer": []}],
    }


@bp.get("/api/openapi.json")
def openapi():
    """Return the OpenAPI description of /api."""
    return jsonify(document())
