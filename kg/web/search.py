"""The search page and its JSON twin: ranked matches with facets by type, a page at a time."""

from __future__ import annotations

from flask import Blueprint, request

from kg.search import facets, search
from kg.web.auth import current_dataset
from kg.web.pages import answer, api_route, paged
from kg.web.state import state
from kg.web.viewer_cache import kept

bp = Blueprint("search", __name__)


@api_route(bp, "/search", "/api/search")
def search_page():
    """Find resources by identifier, notation, label or alternative label, best match first."""
    q = request.args.get("q", "").strip()
    chosen = request.args.get("type", "").strip()
    hits = kept("search", q, lambda: search(state().store, current_dataset(), q)) if q else []
    counts = facets(hits)
    shown = [h for h in hits if not chosen or h.type == chosen]
    page, paging = paged(shown)
    return answer(
        "search.html",
        q=q,
        type=chosen,
        total=len(hits),
        facets=counts,
        results=[h.as_dict() for h in page],
        paging=paging,
    )
