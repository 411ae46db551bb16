"""The dashboard: counts, the coverage heat map, why counts differ, and the top findings."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from kg.stats import stats
from kg.web.auth import current_dataset, current_viewer
from kg.web.pages import select, wants_json
from kg.web.reports import findings_soon
from kg.web.state import state
from kg.web.viewer_cache import kept

bp = Blueprint("dashboard", __name__)

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
