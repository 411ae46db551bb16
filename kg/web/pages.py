"""How every page answers: HTML from a template or its JSON twin, from the viewer's dataset."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, abort, jsonify, render_template, request, url_for

from kg.namespaces import ID, sparql_prefixes
from kg.web.auth import current_dataset, current_user, current_viewer
from kg.web.state import state

bp = Blueprint("pages", __name__)
PREFIXES = sparql_prefixes()
RANK_CLASSES = {0: "unclassified", 1: "restricted", 2: "confidential", 3: "secret", 4: "top-secret"}
PAGE_SIZE = 100  # rows per page of a long list, in HTML and in JSON


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


@bp.get("/favicon.ico")
def favicon():
    """Serve the icon browsers ask for by default."""
    from flask import current_app, send_from_directory

    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")
