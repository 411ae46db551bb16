"""How every page answers: HTML from a template or its JSON twin, from the viewer's dataset."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, abort, jsonify, render_template, request, url_for

from kg.namespaces import ID, sparql_prefixes
from kg.stats import stats
from kg.web.auth import current_dataset, current_user, current_viewer
from kg.web.cache import kept
from kg.web.state import state

bp = Blueprint("pages", __name__)
PREFIXES = sparql_prefixes()
RANK_CLASSES = {0: "unclassified", 1: "restricted", 2: "confidential", 3: "secret", 4: "top-secret"}
PAGE_SIZE = 100  # rows per page of a long list, in HTML and in JSON

COVERAGE = """
SELECT ?partner ?plabel ?top ?tlabel ?tnote (COUNT(DISTINCT ?cap) AS ?n) WHERE {
  ?cap a csig:Capability ; csig:providedBy ?partner ; csig:missionArea ?ma .
  MINUS { ?cap csig:memberOf|^csig:hasMember ?constellation }
  ?ma skos:broader* ?top . ?top skos:topConceptOf ma:scheme ; skos:prefLabel ?tlabel ;
  skos:notation ?tnote .
  ?partner rdfs:label ?plabel .
} GROUP BY ?partner ?plabel ?top ?tlabel ?tnote
"""
PROVIDERS = """
SELECT ?partner ?label (COUNT(DISTINCT ?cap) AS ?n) (COUNT(DISTINCT ?ex) AS ?exercise) WHERE {
  ?cap a csig:Capability ; csig:providedBy ?partner . ?partner rdfs:label ?label .
  OPTIONAL { ?cap csig:exerciseData true BIND(?cap AS ?ex) }
} GROUP BY ?partner ?label ORDER BY ?label
"""
LISTED = """
SELECT DISTINCT ?p WHERE {
  ?p a ?type . VALUES ?type { csig:Nation csig:Organisation csig:Coalition csig:StandardsBody }
}
"""
TOP_AREAS = """
SELECT ?top ?tlabel ?tnote WHERE {
  ?top skos:topConceptOf ma:scheme ; skos:prefLabel ?tlabel ; skos:notation ?tnote .
}
"""


def wants_json() -> bool:
    """Return whether the client asked for JSON rather than HTML."""
    if request.path.startswith("/api/") or request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def answer(template: str, **data):
    """Render a page, or its JSON twin when the client asked for JSON."""
    if wants_json():
        return jsonify(data)
    return render_template(template, **data)


def select(sparql: str, **bindings) -> list[dict[str, str]]:
    """Run a SELECT on the viewer's dataset; return rows of plain string values."""
    terms = {
        k: v if isinstance(v, ox.NamedNode | ox.Literal) else ox.Literal(str(v))
        for k, v in bindings.items()
    }
    rows = state().store.select(PREFIXES + sparql, current_dataset(), terms)
    return [{k: v.value for k, v in row.items()} for row in rows]


def paged(rows: list) -> tuple[list, dict]:
    """Return the request's page of `rows` (`page`, from 1) and where the others are."""
    text = request.args.get("page", "1").strip()
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    if not text.isdigit() or int(text) < 1:
        abort(400, description=f"page: {text!r} is not a whole number from 1")
    page = int(text)
    if page > pages:
        abort(404, description=f"no page {page}: pages run from 1 to {pages}")

    def link(number: int) -> str | None:
        if not 1 <= number <= pages:
            return None
        args = {k: v for k, v in request.args.items() if k != "page"}
        return request.path + "?" + urlencode({**args, "page": number})

    start = (page - 1) * PAGE_SIZE
    return rows[start : start + PAGE_SIZE], {
        "page": page,
        "pages": pages,
        "per_page": PAGE_SIZE,
        "total": len(rows),
        "first": start + 1 if rows else 0,
        "last": min(start + PAGE_SIZE, len(rows)),
        "previous": link(page - 1),
        "next": link(page + 1),
    }


def iri(value: str) -> ox.NamedNode:
    """Return an IRI term for binding; a string that is no IRI names nothing here (404)."""
    try:
        return ox.NamedNode(value)
    except ValueError:
        abort(404)


def api_route(blueprint: Blueprint, *rules: str) -> Callable:
    """Register a view on a page URL and its /api twin; url_for builds the first rule."""

    def register(view: Callable) -> Callable:
        for rule in rules:
            blueprint.add_url_rule(rule, view.__name__, view, methods=["GET"])
        return view

    return register


def href(value: str) -> str:
    """Return where a link to an IRI goes: instance IRIs resolve here, the rest to /resource."""
    if value.startswith(ID):
        return "/id/" + value.removeprefix(ID)
    if value.startswith("https://w3id.org/csig/"):
        return url_for("linked.resource", iri=value)
    return value


def local(value: str) -> str:
    """Return the last segment of an IRI, for display.

    >>> local("https://w3id.org/csig/ont#Capability")
    'Capability'
    """
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@bp.app_template_filter("href")
def _href_filter(value: str) -> str:
    return href(value)


@bp.app_template_filter("local")
def _local_filter(value: str) -> str:
    return local(value)


@bp.app_context_processor
def _who() -> dict:
    """Give every template the signed-in user and viewer for the header."""
    return {"user": current_user(), "viewer": current_viewer(), "rank_classes": RANK_CLASSES}


def coverage() -> dict:
    """Return capability counts per partner and top-level mission area, for the heat map."""
    return kept("coverage", None, _coverage)


def counts() -> dict[str, int]:
    """Return the dashboard's counts over the viewer's dataset."""
    return kept("stats", None, lambda: stats(state().store, current_viewer()))


def _coverage() -> dict:
    rows = select(COVERAGE)
    areas = sorted({(r["tnote"], r["tlabel"], r["top"]) for r in rows + select(TOP_AREAS)})
    partners = sorted({(r["plabel"], r["partner"]) for r in rows})
    cells = {(r["partner"], r["top"]): int(r["n"]) for r in rows}
    covered = {a for _, a in cells}
    return {
        "areas": [{"notation": n, "label": lab, "iri": i} for n, lab, i in areas],
        "partners": [{"label": lab, "iri": i} for lab, i in partners],
        "cells": [[cells.get((p, a), 0) for _, _, a in areas] for _, p in partners],
        "max": max(cells.values(), default=0),
        "uncovered": [n for n, _, i in areas if i not in covered],
    }


def orientation() -> dict:
    """Return why the counts of different pages differ, from the viewer's dataset only."""
    return kept("orientation", None, _orientation)


def _orientation() -> dict:
    from kg.analysis import load_model, partner_network

    providers = select(PROVIDERS)
    linked = set(partner_network(load_model(state().store, current_dataset())))
    exercise_only = [p for p in providers if p["n"] == p["exercise"]]
    return {
        "providers": len(providers),
        "partners_listed": len(select(LISTED)),
        "in_network": len(linked),
        "not_in_network": [
            {"iri": p["partner"], "label": p["label"]}
            for p in providers
            if p["partner"] not in linked
        ],
        "exercise_capabilities": sum(int(p["exercise"]) for p in providers),
        "exercise_only": [{"iri": p["partner"], "label": p["label"]} for p in exercise_only],
    }


@bp.get("/")
def home():
    """Show the dashboard: counts, the coverage heat map and the top findings by severity."""
    from kg.web.reports import findings_soon

    if wants_json():
        return jsonify(counts())
    findings = findings_soon()
    return render_template(
        "home.html",
        counts=counts(),
        coverage=coverage(),
        findings=findings,
        why=orientation(),
    )


@bp.get("/api/stats")
def api_stats():
    """Return the dashboard's counts as JSON."""
    return jsonify(counts())


@bp.get("/api/orientation")
def api_orientation():
    """Return why the dashboard's counts differ from those of other pages, as JSON."""
    return jsonify(orientation())


@bp.get("/api/coverage")
def api_coverage():
    """Return the dashboard's heat map data: capabilities per partner and mission area."""
    return jsonify(coverage())


@bp.get("/favicon.ico")
def favicon():
    """Serve the icon browsers ask for by default."""
    from flask import current_app, send_from_directory

    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")
