"""Explorer pages, each with a JSON twin."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from kg.stats import stats
from kg.web.auth import current_viewer
from kg.web.state import state

bp = Blueprint("pages", __name__)


def wants_json() -> bool:
    """Return whether the client asked for JSON rather than HTML."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.args.get("format") == "json" or best == "application/json"


@bp.get("/")
def home():
    """Show the home page: what the store holds for this viewer."""
    counts = stats(state().store, current_viewer())
    if wants_json():
        return jsonify(counts)
    return render_template("home.html", counts=counts)


@bp.get("/api/stats")
def api_stats():
    """Return the home page's counts as JSON."""
    return jsonify(stats(state().store, current_viewer()))
