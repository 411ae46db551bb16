"""The OpenAPI description of the writing and protocol endpoints, with their error bodies."""

from __future__ import annotations

import re

from kg.web.endpoint import GRAPH_TYPES, RESULT_TYPES
from kg.web.graphstore import PARTNER_GRAPH, SERIALISATIONS

ERROR = {"$ref": "#/components/schemas/Error"}
OUTCOME = {"$ref": "#/components/schemas/Outcome"}
REPORT = {"$ref": "#/components/schemas/Report"}
SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Every JSON error: the HTTP status, its name and what to do about it.",
        "required": ["status", "error", "message"],
        "properties": {
            "status": {"type": "integer"},
            "error": {"type": "string"},
            "message": {"type": "string"},
        },
    },
    "Report": {
        "type": "object",
        "description": "A validation report: findings grouped by capability, each with the "
        "row or line, field, value, message and a hint.",
        "required": ["source", "conforms", "counts", "by_capability"],
        "properties": {
            "source": {"type": "string"},
            "format": {"type": "string"},
            "conforms": {"type": "boolean"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "triples": {"type": "integer"},
            "capabilities": {"type": "integer"},
            "by_capability": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Outcome": {
        "description": "A submission's outcome: the report, what it withdraws, and when "
        "accepted the new version and its changes; a 409 adds status, error and message.",
        "allOf": [
            REPORT,
            {
                "type": "object",
                "required": ["withdrawals"],
                "properties": {
                    "withdrawals": {"type": "array", "items": {"type": "object"}},
                    "accepted": {
                        "type": "object",
                        "properties": {
                            "partner": {"type": "string"},
                            "version": {"type": "integer"},
                        },
                    },
                    "changes": {"type": "array", "items": {"type": "object"}},
                    "status": {"type": "integer"},
                    "error": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        ],
    },
}
# status -> when it is answered, for the errors every JSON write shares
ERRORS = {
    "400": "A malformed parameter or body, named in the message",
    "401": "Invalid bearer token, or none where one is needed",
    "403": "Not allowed: another partner's data, not an administrator, or a cross-site request",
    "413": "The request is larger than the upload limit (max_upload)",
    "415": "A body in a media type that is not understood",
    "429": "Too many requests from one viewer at once; see Retry-After",
}
CODE = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"}
UPLOAD_TYPES = ("text/turtle", "application/ld+json", "text/csv")


def json_of(schema: dict, description: str) -> dict:
    """Return a response answering JSON of `schema`."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors(*codes: str) -> dict:
    """Return the JSON error responses for `codes`."""
    return {code: json_of(ERROR, ERRORS[code]) for code in codes}


def query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    """Return a query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


def upload_body(extra: dict) -> dict:
    """Return a request body: a form with the file (and `extra` fields) or the file itself."""
    form = {
        "type": "object",
        "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}, **extra},
    }
    raw = {media: {"schema": {}} for media in UPLOAD_TYPES}  # any text: the parser judges
    return {
        "required": True,
        "description": "The file as the form field 'file', or the body itself in its media "
        "type (then name= gives the file name reports use)",
        "content": {"multipart/form-data": {"schema": form}, **raw},
    }


def submissions() -> dict:
    """Return the submission endpoints: validate, and submit in a mode."""
    partner = {"type": "string", "description": "The partner the data is for (ISO alpha-3)"}
    mode = {"type": "string", "enum": ["replace", "merge"]}
    confirm = {"type": "string", "enum": ["true", "false"]}
    name = query("name", {"type": "string"}, "File name for a raw body (its extension)")
    return {
        "/api/submissions/validate": {
            "post": {
                "summary": "Validate a submission (Turtle, JSON-LD, CSV, XLSX); nothing changes",
                "parameters": [name, query("partner", CODE, "Check ownership for this partner")],
                "requestBody": upload_body({"partner": partner}),
                "responses": {
                    "200": json_of(REPORT, "The validation report"),
                    **errors("400", "401", "413", "415"),
                },
            }
        },
        "/api/submissions": {
            "post": {
                "summary": "Validate and accept a submission as the partner's new version",
                "security": [{"bearer": []}],
                "parameters": [
                    name,
                    query("partner", CODE, "The partner (default: the caller's own)"),
                    query("mode", mode, "replace (the default) or merge"),
                    query("confirm", confirm, "Carry out a replace that withdraws capabilities"),
                ],
                "requestBody": upload_body({"partner": partner, "mode": mode, "confirm": confirm}),
                "responses": {
                    "201": json_of(OUTCOME, "Accepted: the new version and its changes"),
                    "409": json_of(OUTCOME, "It would withdraw capabilities: nothing changed"),
                    "422": json_of(OUTCOME, "It does not conform: the report; nothing changed"),
                    **errors("400", "401", "403", "413", "415"),
                },
            }
        },
    }


def versions() -> dict:
    """Return the endpoints that make a new version from an old one or withdraw capabilities."""
    code = {"name": "code", "in": "path", "required": True, "schema": CODE}
    confirm = {"type": "boolean"}
    outcomes = {
        "201": json_of(OUTCOME, "Accepted as a new version"),
        "409": json_of(OUTCOME, "It would withdraw capabilities: send confirm=true"),
        "422": json_of(OUTCOME, "The result does not conform; nothing changed"),
        "404": json_of(ERROR, "No such partner or version"),
        **errors("400", "401", "403", "413", "415"),
    }

    def body(required: str, schema: dict) -> dict:
        fields = {
            "type": "object",
            "required": [required],
            "properties": {required: schema, "confirm": confirm},
        }
        return {
            "required": True,
            "content": {
                "application/json": {"schema": fields},
                "application/x-www-form-urlencoded": {"schema": fields},
            },
        }

    names = {"type": "array", "items": {"type": "string"}, "minItems": 1}
    return {
        "/api/partners/{code}/withdraw": {
            "post": {
                "summary": "Withdraw the named capabilities of a partner, as a new version",
                "security": [{"bearer": []}],
                "parameters": [code],
                "requestBody": body("capabilities", names),
                "responses": outcomes,
            }
        },
        "/api/partners/{code}/rollback": {
            "post": {
                "summary": "Make an earlier version current again, as a new version",
                "security": [{"bearer": []}],
                "parameters": [code],
                "requestBody": body("version", {"type": "integer", "minimum": 1}),
                "responses": outcomes,
            }
        },
    }


def packages() -> dict:
    """Return the release package import (administrators)."""
    form = {
        "type": "object",
        "required": ["package", "trust"],
        "properties": {
            "package": {"type": "string", "format": "binary"},
            "trust": {"type": "string", "description": "Trusted public keys, space-separated"},
            "keep_local": {"type": "string"},
            "replace_local": {"type": "string"},
            "confirm": {"type": "string", "enum": ["true", "false"]},
        },
    }
    result = {"type": "object"}
    return {
        "/api/packages/import": {
            "post": {
                "summary": "Verify a release package against trusted keys and import it whole",
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": form}},
                },
                "responses": {
                    "201": json_of(result, "Imported: the package, versions written"),
                    "409": json_of(result, "Local data would be replaced: name it to decide"),
                    "422": json_of(result, "Refused, with the reason; nothing changed"),
                    **errors("400", "401", "403", "413"),
                },
            }
        }
    }


def sparql() -> dict:
    """Return the SPARQL 1.1 Protocol endpoint: GET and POST, results by negotiation."""
    text = {"text/plain": {"schema": {"type": "string"}}}
    results = {media: {"schema": {}} for media in (*RESULT_TYPES, *GRAPH_TYPES, "text/html")}
    graphs = {"type": "array", "items": {"type": "string"}}
    responses = {
        "200": {
            "description": "Results (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE)",
            "content": results,
        },
        "400": {
            "description": "Malformed query, an update, or refused (SERVICE, LOAD): the "
            "parser's message",
            "content": text,
        },
        "406": {"description": "No acceptable result format", "content": text},
        "413": {"description": "The query is larger than the limit", "content": text},
        "429": {
            "description": "Too many queries from one viewer; see Retry-After",
            "content": text,
        },
        "503": {"description": "The query ran past query_timeout and was stopped", "content": text},
    }
    protocol = [
        query("default-graph-uri", graphs, "Graphs read as the default graph"),
        query("named-graph-uri", graphs, "Graphs named for GRAPH"),
        query("format", {"type": "string"}, "json, xml, csv, tsv, ttl ...: wins over Accept"),
    ]
    form = {"type": "object", "required": ["query"], "properties": {"query": {"type": "string"}}}
    return {
        "/sparql": {
            "get": {
                "summary": "Run a read-only SPARQL query on the caller's viewer dataset",
                "parameters": [query("query", {"type": "string"}, "The query"), *protocol],
                "responses": responses,
            },
            "post": {
                "summary": "Run a query sent as a form or as an application/sparql-query body",
                "parameters": protocol,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": form},
                        "application/sparql-query": {"schema": {"type": "string"}},
                    },
                },
                "responses": responses,
            },
        }
    }


def graph_store() -> dict:
    """Return the Graph Store Protocol over partner graphs."""
    partner_graph = {"type": "string", "pattern": f"^{re.escape(PARTNER_GRAPH)}[A-Z0-9]{{2,12}}$"}
    graph = query("graph", partner_graph, "A partner graph IRI: …/graph/partner/CODE", True)
    confirm = query("confirm", {"type": "string", "enum": ["true", "false"]}, "Confirm withdrawals")
    rdf = {media: {"schema": {}} for media in SERIALISATIONS}
    written = {
        "201": {"description": "Created: the partner's first version"},
        "204": {"description": "Replaced or merged: a new version"},
        "409": json_of(OUTCOME, "A PUT that would withdraw capabilities, unconfirmed"),
        "412": json_of(ERROR, "If-Match / If-None-Match did not hold"),
        "422": json_of(OUTCOME, "Does not conform: the report; nothing changed"),
        **errors("400", "401", "403", "413", "415"),
    }
    body = {"required": True, "content": rdf}
    return {
        "/graphs": {
            "get": {
                "summary": "A partner's current data, as far as the caller may see it",
                "parameters": [graph],
                "responses": {
                    "200": {"description": "The graph", "content": rdf},
                    "404": json_of(ERROR, "No such graph, or nothing in it you may see"),
                    **errors("400", "401"),
                },
            },
            "put": {
                "summary": "Replace the caller's partner data (validated)",
                "security": [{"bearer": []}],
                "parameters": [graph, confirm],
                "requestBody": body,
                "responses": written,
            },
            "post": {
                "summary": "Add statements to the caller's partner data (validated)",
                "security": [{"bearer": []}],
                "parameters": [graph],
                "requestBody": body,
                "responses": written,
            },
            "delete": {
                "summary": "Withdraw all the caller's partner data, as a new empty version",
                "security": [{"bearer": []}],
                "parameters": [graph],
                "responses": {
                    "204": {"description": "Withdrawn; history is kept"},
                    "404": json_of(ERROR, "No such graph"),
                    "412": json_of(ERROR, "If-Match did not hold"),
                    **errors("400", "401", "403"),
                },
            },
        }
    }


def templates() -> dict:
    """Return the blank template downloads of the Submit page."""
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {
        "/submit/template.csv": {
            "get": {
                "summary": "The blank CSV template, each column documented in '#' lines",
                "responses": {"200": {"description": "The template", "content": {"text/csv": {}}}},
            }
        },
        "/submit/template.xlsx": {
            "get": {
                "summary": "The blank XLSX template: drop-down lists and a documentation sheet",
                "responses": {"200": {"description": "The template", "content": {xlsx: {}}}},
            }
        },
    }


def write_paths() -> dict:
    """Return the paths of every writing and protocol endpoint."""
    return {**submissions(), **versions(), **packages(), **sparql(), **graph_store(), **templates()}
