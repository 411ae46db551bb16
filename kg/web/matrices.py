"""The matrices: coverage (partner x mission area) and exchange (producer x consumer x type)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, request

from kg import matrices as mx
from kg.analysis import load_model
from kg.web.auth import current_dataset
from kg.web.cache import kept
from kg.web.pages import answer, api_route
from kg.web.state import state

bp = Blueprint("matrices", __name__)
KINDS = ("coverage", "exchange")


def build(kind: str) -> mx.Matrix:
    """Return one matrix computed on the viewer's dataset, kept until the store changes."""
    store, dataset = state().store, current_dataset()
    if kind == "coverage":
        return kept("matrix/coverage", None, lambda: mx.coverage(store, dataset))
    return kept("matrix/exchange", None, lambda: mx.exchange(load_model(store, dataset)))


def as_data(kind: str, matrix: mx.Matrix) -> dict:
    """Return a matrix as plain data: its JSON rendering plus the largest count."""
    data = json.loads(mx.render(matrix, "json"))
    numbers = [c for row in matrix.rows for c in row if isinstance(c, int)]
    return dict(
        data,
        kind=kind,
        max=max(numbers, default=0),
        totals=[sum(c for c in row if isinstance(c, int)) for row in matrix.rows],
        gaps=sum(1 for row in matrix.rows if row[-1] == "GAP"),
    )


@api_route(bp, "/matrices", "/api/matrices")
def matrices():
    """Show both matrices with their downloads."""
    return answer("matrices.html", **{k: as_data(k, build(k)) for k in KINDS})


@api_route(bp, "/matrices/<matrix>", "/api/matrices/<matrix>")
def matrix(matrix: str):
    """Show one matrix, or download it as CSV with ?format=csv."""
    kind = matrix
    if kind not in KINDS:
        abort(404, description=f"no matrix {kind!r}; there are {', '.join(KINDS)}")
    table = build(kind)
    if request.args.get("format") == "csv":
        return Response(
            mx.render(table, "csv"),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{kind}-matrix.csv"'},
        )
    return answer("matrices.html", **{kind: as_data(kind, table)})
