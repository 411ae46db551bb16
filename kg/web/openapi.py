"""The OpenAPI description of the HTTP API, built from a table of the JSON routes.

The writing and protocol endpoints (submissions, versions, packages, SPARQL, Graph Store) and
the error bodies are described in `kg.web.openapi_writes`.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from kg.catalogue import load_catalogue
from kg.web.openapi_writes import ERROR, SCHEMAS, json_of, write_paths

bp = Blueprint("openapi", __name__)

# path, summary, path parameters, query parameters
ROUTES = (
    ("/api/openapi.json", "This description of the HTTP API (OpenAPI 3.0)", (), ()),
    ("/api/stats", "Counts of what the viewer's dataset holds", (), ()),
    ("/api/coverage", "Capabilities per partner and top-level mission area", (), ()),
    ("/api/partners", "Partners grouped by kind, with capability counts", (), ()),
    (
        "/api/partners/{kind_}/{key}",
        "One partner: capabilities, memberships, submission history",
        ("kind_", "key"),
        (),
    ),
    (
        "/api/capabilities",
        "Capabilities with facet counts",
        (),
        ("mission_area", "partner", "orbit", "status", "kind", ("page", "page")),
    ),
    (
        "/api/capabilities/{slug}",
        "One capability: fields, interfaces, marking, provenance",
        ("slug",),
        (),
    ),
    ("/api/mission-areas", "Mission areas as a tree with coverage counts", (), ()),
    (
        "/api/standards",
        "The standards catalogue, searchable and filtered",
        (),
        ("q", "datatype", "body", "lifecycle", ("page", "page")),
    ),
    ("/api/standards/{key}", "One standard: lineage and the capabilities using it", ("key",), ()),
    ("/api/strategy", "Goals, lines of effort, activities, risks and mitigations", (), ()),
    ("/api/ontology", "Classes, properties and concept schemes", (), ()),
    (
        "/api/search",
        "Resources matching q by identifier, notation, label or alternative label, best "
        "first, with counts per type",
        (),
        ("q", "type", ("page", "page")),
    ),
    (
        "/api/partners/{code}/history",
        "Every accepted version of a partner's data, with how it was made",
        ("code",),
        (),
    ),
    (
        "/api/partners/{code}/diff",
        "Per-capability changes between two versions (default: the last two)",
        ("code",),
        (("from", "integer"), ("to", "integer")),
    ),
    ("/api/packages", "Release packages: this store's key and the packages imported", (), ()),
    ("/api/reports", "The named gap reports with their severity and parameters", (), ()),
    (
        "/api/gaps",
        "The whole gap report: every named report, network findings, adoptions",
        (),
        (
            ("partner", "partner"),
            ("coalition", "coalition"),
            ("mission_area", "mission-area"),
            ("data_type", "data-type"),
            ("top", "top"),
        ),
    ),
    ("/api/findings", "The dashboard's top findings by severity", (), ()),
    ("/api/orientation", "The dashboard's counts, each with the reason when they differ", (), ()),
    ("/api/matrices", "The coverage and information exchange matrices", (), ()),
    (
        "/api/matrices/coverage",
        "Capabilities per partner and top-level mission area (CV-6-like)",
        (),
        (),
    ),
    ("/api/matrices/exchange", "Producer x consumer x data type: common standard or GAP", (), ()),
    (
        "/api/network",
        "The partner interoperability network, adoptions and levels",
        (),
        (("data_type", "data-type"),),
    ),
)
ROUTES += tuple(  # each named report, with its own typed parameters
    (f"/api/reports/{q.name}", q.summary, (), tuple((p.name, p.type) for p in q.params.values()))
    for q in load_catalogue().values()
)
KINDS = {"kind_": ["nation", "org", "coalition"]}
CODE = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"}
TYPES = {
    "integer": {"type": "integer", "minimum": 0, "maximum": 100000},
    "top": {"type": "integer", "minimum": 0, "maximum": 20},
    "page": {"type": "integer", "minimum": 1},
    "date": {"type": "string", "format": "date"},
}


def parameter(name: str, where: str, kind: str | None = None) -> dict:
    """Return the OpenAPI description of one parameter: a string, or of a catalogue type."""
    schema: dict = dict(TYPES.get(kind, CODE if kind else {"type": "string"}))
    if name in KINDS:
        schema["enum"] = KINDS[name]
    return {"name": name, "in": where, "required": where == "path", "schema": schema}


def operation(summary: str, path_params: tuple, query_params: tuple) -> dict:
    """Return the OpenAPI description of one GET operation answering JSON."""
    responses = {
        "200": json_of({"type": "object"}, summary),
        "401": json_of(ERROR, "Invalid bearer token"),
    }
    if path_params or any(isinstance(q, tuple) for q in query_params):
        responses["404"] = json_of(ERROR, "Not found, or not visible to you")
    if query_params:
        responses["400"] = json_of(ERROR, "A malformed or unknown parameter value")
    return {
        "get": {
            "summary": summary,
            "responses": responses,
            "parameters": [parameter(p, "path") for p in path_params]
            + [
                parameter(q[0], "query", q[1]) if isinstance(q, tuple) else parameter(q, "query")
                for q in query_params
            ],
        }
    }


def document() -> dict:
    """Return the OpenAPI 3.0 document describing /api."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Coalition space interoperability graph API",
            "version": "1.0.0",
            "description": "JSON twins of the explorer's pages, the submission and version "
            "endpoints, the SPARQL 1.1 Protocol endpoint and the Graph Store over partner "
            "graphs. Every answer comes from the caller's viewer dataset; send "
            "'Authorization: Bearer TOKEN' to see what is releasable to you, and to write. "
            "JSON errors carry status, error and message.",
        },
        "paths": {
            **{path: operation(s, pp, qp) for path, s, pp, qp in ROUTES},
            **write_paths(),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "security": [{}, {"bearer": []}],
    }


@bp.get("/api/openapi.json")
def openapi():
    """Return the OpenAPI description of /api."""
    return jsonify(document())
